"""Decision headings that name a meeting: this meeting's is the Beslutning, an earlier step of the case (another
committee, another day) is Historik; in text, Markdown and FirstAgenda JSON alike. Also the headings that end a
decision (Inhabil) or start a section of their own, and decisions that take the Indstilling point by point."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from embeddings.ingest.firstagenda import parse_firstagenda_json
from embeddings.ingest.furniture import drop_furniture
from embeddings.ingest.sections import line_heading
from embeddings.ingest.text import parse_text
from embeddings.minutes import Meeting, Punkt, Section, SectionName

B, H, I, O = SectionName.BESLUTNING, SectionName.HISTORIK, SectionName.INDSTILLING, SectionName.OTHER


def _sections(p) -> list[tuple[SectionName, str, str]]:
    return [(s.name, s.heading, s.text) for s in p.sections]


def test_this_meetings_decision_after_an_earlier_one_of_the_same_committee():
    """The committee decided the case at an earlier meeting too: the heading naming this meeting (committee and
    day) is the decision, the earlier one is Historik; neither is lost as a running header or left as text."""
    text = ("REFERAT Teknik- og Miljøudvalget d. 07-04-2026\n\nPunkt 1: Grøn pulje til landsbyer\n"
            "Sagsnr.: 00.30.14-Ø00-211-26\n\nSagsfremstilling\nSagen blev behandlet første gang i februar.\n\n"
            "Beslutning Teknik- og Miljøudvalget den 03-02-2026\nSagen udsættes til næste møde.\n\n"
            "Beslutning Teknik- og Miljøudvalget den 07-04-2026\nUdvalget fordelte puljen på 500.000 kr.\n")
    (p,) = parse_text(text, "tmu.txt").punkter
    assert p.decision == "Udvalget fordelte puljen på 500.000 kr."
    assert _sections(p) == [
        (SectionName.SAGSFREMSTILLING, "Sagsfremstilling", "Sagen blev behandlet første gang i februar."),
        (H, "Beslutning Teknik- og Miljøudvalget den 03-02-2026", "Sagen udsættes til næste møde."),
        (B, "Beslutning Teknik- og Miljøudvalget den 07-04-2026", "Udvalget fordelte puljen på 500.000 kr.")]


def test_a_decision_heading_naming_the_meeting_is_no_running_header():
    """A line naming the committee and the meeting's day is a running header, unless it heads a decision."""
    lines = ["REFERAT Teknik- og Miljøudvalget d. 07-04-2026", "", "Punkt 1: Pulje", "", "Sagsfremstilling",
             "Sagen blev behandlet i februar.", "", "Beslutning Teknik- og Miljøudvalget den 03-02-2026", "Udsat.", "",
             "Beslutning Teknik- og Miljøudvalget den 07-04-2026", "Fordelt.", "",
             "Teknik- og Miljøudvalget 07-04-2026", ""]
    out = drop_furniture(lines)
    assert "Beslutning Teknik- og Miljøudvalget den 07-04-2026" in out
    assert "Teknik- og Miljøudvalget 07-04-2026" not in out  # the running header still goes


_CHAIN = "REFERAT Byrådet d. 24-03-2026\n\nPunkt 1: Nordby Skole\n\nIndstilling\nDirektionen indstiller, at der gives 18,5 mio. kr.\n\n"


@pytest.mark.parametrize("earlier, this, decision", [
    ("Økonomiudvalget den 10. marts 2026, pkt. 5:\nAnbefales.", "Byrådet den 24. marts 2026:\nBevilling givet.",
     "Bevilling givet."),
    ("Økonomiudvalget den 10. marts 2026, pkt. 5: Anbefales.", "Byrådet den 24. marts 2026: Godkendt.", "Godkendt."),
    ("Økonomiudvalget 10-03-2026:\nAnbefales.", "Byrådet 24-03-2026:\nBevilling givet.", "Bevilling givet."),
    ("Økonomiudvalgets beslutning den 10. marts 2026\nAnbefales.", "Byrådets beslutning den 24. marts 2026\n"
     "Bevilling givet.", "Bevilling givet."),
    ("Beslutning i Økonomiudvalget den 10. marts 2026\nAnbefales.", "Beslutning i Byrådet den 24. marts 2026\n"
     "Bevilling givet.", "Bevilling givet."),
], ids=["own-lines", "one-line", "numeric-day", "genitive", "beslutning-i"])
def test_the_byraads_own_decision_in_a_chain_of_decisions(earlier, this, decision):
    """A line that is only a body and a day (":" and text after it allowed) heads that meeting's decision: the
    Beslutning when it is this meeting, Historik (the line as its heading) when it is another committee's; neither
    stays inside the Indstilling."""
    (p,) = parse_text(_CHAIN + earlier + "\n\n" + this + "\n", "byr.txt").punkter
    assert p.decision == decision
    assert p.section(I).text == "Direktionen indstiller, at der gives 18,5 mio. kr."
    assert [(s.name, s.text) for s in p.sections][1:] == [(H, "Anbefales."), (B, decision)]
    assert p.section(H).heading == earlier.split("\n")[0].split(":")[0]


def test_the_chain_in_markdown_headings():
    text = ("# Referat – Byrådet\n\n**Mødedato:** 26. maj 2026, kl. 17.00\n\n## Punkt 1: Skolebuskørsel\n\n"
            "### Indstilling\n\nDirektionen indstiller, at kontrakten forlænges i to år.\n\n"
            "### Økonomiudvalget den 12. maj 2026, pkt. 6\n\nAnbefales.\n\n### Byrådet den 26. maj 2026\n\n"
            "Kontrakten forlænges ét år.\n")
    (p,) = parse_text(text, "byr.md").punkter
    assert _sections(p) == [(I, "Indstilling", "Direktionen indstiller, at kontrakten forlænges i to år."),
                            (H, "Økonomiudvalget den 12. maj 2026, pkt. 6", "Anbefales."),
                            (B, "Byrådet den 26. maj 2026", "Kontrakten forlænges ét år.")]


@pytest.mark.parametrize("line", ["Byrådet den 24. februar 2026:", "Beslutning i Byrådet den 24. februar 2026",
                                  "Byrådets beslutning den 24. februar 2026", "Økonomiudvalget den 24. marts 2026:",
                                  "Beslutning i Økonomiudvalget den 24. marts 2026"])
def test_a_chain_line_naming_another_day_or_committee_is_no_decision(line):
    """The Byråd's own earlier meeting, or another committee meeting the same day: Historik, never the decision."""
    (p,) = parse_text(_CHAIN + line + "\nSagen udsættes.\n", "byr.txt").punkter
    assert p.decision is None
    assert _sections(p)[1:] == [(H, line.rstrip(":"), "Sagen udsættes.")]


def test_a_chain_line_is_read_against_the_meeting_only():
    """The same line heads this meeting's decision in its minutes; without committee and date (how furniture and
    the punkt splitter ask) it is no heading, and a sentence starting like one is none either."""
    byraad, day = "Byrådet", dt.date(2026, 3, 24)
    assert line_heading("Byrådet den 24. marts 2026: Godkendt.", byraad, day) == (
        B, "Byrådet den 24. marts 2026", "Godkendt.")
    assert line_heading("Byrådet den 24. marts 2026")[0] is None  # a running header, as furniture reads it
    assert line_heading("Økonomiudvalget den 10. marts 2026, pkt. 5:")[0] is None
    assert line_heading("Byrådet den 24. marts 2026 godkendte planen.", byraad, day)[0] is None
    assert line_heading("Byrådet den 3 gange 2026: Godkendt.", byraad, day)[0] is None  # no day (it crashed)
    assert line_heading("Byrådet den 24. Marts 2026:", byraad, day) == (B, "Byrådet den 24. Marts 2026", "")


def test_the_kommunalbestyrelses_decision_and_another_committees():
    """"<Body>s beslutning" is this meeting's Beslutning when the body is this meeting's (with or without a day),
    another committee's is Historik; "<Body>s indstilling" is the Indstilling; "Byrådets beslutning" and
    "Udvalgets beslutning" stay the Beslutning in any minutes."""
    text = ("REFERAT Kommunalbestyrelsen d. 02-07-2026\n\n"
            "Punkt 1: Borgerrådgiver\n\nSagsfremstilling\nEn borgerrådgiver foreslås.\n\n"
            "Økonomiudvalgets indstilling\nØkonomiudvalget anbefaler ansættelsen.\n\n"
            "Kommunalbestyrelsens beslutning\nBorgerrådgiveren ansættes.\n\n"
            "Punkt 2: Klimaudvalg\n\nSagsfremstilling\nNyt udvalg.\n\nØkonomiudvalgets beslutning\nAnbefales.\n\n"
            "Kommunalbestyrelsens beslutning den 2. juli 2026\nKlimaudvalget nedsættes.\n\n"
            "Punkt 3: Takster\n\nByrådets beslutning\nGodkendt.\n\n"
            "Punkt 4: Vejnavn\n\nUdvalgets beslutning\nHumlehaven.\n")
    one, two, three, four = parse_text(text, "kb.txt").punkter
    assert one.decision == "Borgerrådgiveren ansættes."
    assert one.section(I) == Section(I, "Økonomiudvalget anbefaler ansættelsen.", "Økonomiudvalgets indstilling")
    assert one.section(B).heading == "Kommunalbestyrelsens beslutning"
    assert two.decision == "Klimaudvalget nedsættes."
    assert two.section(H) == Section(H, "Anbefales.", "Økonomiudvalgets beslutning")
    assert (three.decision, four.decision) == ("Godkendt.", "Humlehaven.")


def _json(felter: list[tuple[str, str]], day: str = "2026-06-25") -> bytes:
    doc = {"Udvalg": {"Navn": "Byrådet"}, "Moede": {"Dato": f"{day}T19:00:00+02:00", "Moededeltagere": []},
           "Dagsordenpunkter": [{"Punktnummer": "1", "Navn": "Hastighed i Nordby", "SagsNummer": "05.01.00-P22-1-26",
                                 "Felter": [{"Navn": n, "Html": f"<p>{h}</p>"} for n, h in felter]}]}
    return json.dumps(doc).encode()


@pytest.mark.parametrize("earlier, this", [
    ("Økonomiudvalget den 11. juni 2026, pkt. 7", "Byrådet den 25. juni 2026"),
    ("Beslutning i Økonomiudvalget den 11. juni 2026", "Beslutning i Byrådet den 25. juni 2026"),
])
def test_firstagenda_fields_naming_the_meeting(earlier, this):
    """A Felt named for a meeting reads as in text minutes; a Fraværende Felt is a section of its own."""
    m = parse_firstagenda_json(_json([("Sagsfremstilling", "Forslag om 40 km/t."), (earlier, "Anbefales."),
                                      (this, "Hastigheden sænkes til 40 km/t."), ("Fraværende", "Jens Hansen (A)")]),
                               "byr.json", "")
    (p,) = m.punkter
    assert p.decision == "Hastigheden sænkes til 40 km/t."
    assert _sections(p) == [(SectionName.SAGSFREMSTILLING, "Sagsfremstilling", "Forslag om 40 km/t."),
                            (H, earlier, "Anbefales."), (B, this, "Hastigheden sænkes til 40 km/t."),
                            (O, "Fraværende", "Jens Hansen (A)")]


def test_firstagenda_field_naming_another_day_is_no_decision():
    m = parse_firstagenda_json(_json([("Sagsfremstilling", "Forslag."), ("Byrådet den 25. juni 2026", "Udsat.")],
                                     day="2026-08-20"), "byr.json", "")
    assert m.punkter[0].decision is None
    assert m.punkter[0].section(H).text == "Udsat."


@pytest.mark.parametrize("line", ["Inhabil: Mette Lund (V) deltog ikke i behandlingen af punktet.",
                                  "Inhabilitet: Mette Lund (V) deltog ikke i behandlingen af punktet."])
def test_a_disqualified_member_is_no_part_of_the_decision(line):
    text = ("REFERAT Social- og Ældreudvalget d. 12-05-2026\n\nPunkt 1: Tilskud\n\nBeslutning\n"
            f"Udvalget bevilgede 30.000 kr.\n{line}\n")
    (p,) = parse_text(text, "sae.txt").punkter
    assert p.decision == "Udvalget bevilgede 30.000 kr."
    head, _, rest = line.partition(": ")
    assert p.sections[-1] == Section(O, rest, head)


def test_headings_of_their_own_in_text_minutes():
    """A case's usual sub-headings start sections of their own (Andet) instead of folding into the one above."""
    headings = ["Sagens kerne", "Vurdering", "Retsgrundlag", "Beslutningskompetence", "Kommunikation", "Tidsplan",
                "Konsekvenser"]
    body = "".join(f"{h}\nTekst om {h.lower()}.\n\n" for h in headings)
    text = f"REFERAT Teknik- og Miljøudvalget d. 03-03-2026\n\nPunkt 1: Vinter\n\nResumé\nKort.\n\n{body}Beslutning\nGodkendt.\n"
    (p,) = parse_text(text, "tmu.txt").punkter
    assert _sections(p) == ([(SectionName.RESUME, "Resumé", "Kort.")]
                            + [(O, h, f"Tekst om {h.lower()}.") for h in headings] + [(B, "Beslutning", "Godkendt.")])


_INDSTILLING = "Forvaltningen indstiller,\n1. at vuggestuetaksten er 4.210 kr.,\n2. at børnehavetaksten er 2.380 kr."


def test_a_decision_taking_the_indstilling_point_by_point_shows_it():
    """"Ad 1: Godkendt." approves point 1 as the Indstilling writes it, so the Indstilling is shown with the
    decision when every line takes a numbered point and one approves it as it stands."""
    def shown(decision: str) -> bool:
        p = Punkt(Meeting("Børne- og Familieudvalget", dt.date(2026, 6, 23)), 2, "Takster", "Takster",
                  sections=(Section(I, _INDSTILLING), Section(B, decision)))
        assert p.approved_indstilling in (_INDSTILLING, None)
        return p.approved_indstilling is not None

    assert shown("Ad 1: Godkendt.\nAd 2: Godkendt.")
    assert shown("Ad 1: Godkendt.\nAd 2: Godkendt med den ændring, at børnehavetaksten er 2.300 kr.")
    assert shown("Ad pkt. 1-2: Anbefales.")
    assert not shown("Ad 1: Udsat.\nAd 2: Godkendt med den ændring, at børnehavetaksten er 2.300 kr.")  # none as is
    assert not shown("Ad 1: Godkendt.\nUdvalget ønsker en ny sag om søskenderabat.")  # a line of its own
    assert not shown("Godkendt med den ændring, at børnehavetaksten er 2.300 kr.")


@pytest.mark.parametrize("committee, earlier, this", [
    ("Borgerrepræsentationen", "Økonomiudvalget den 10. marts 2026:", "Borgerrepræsentationen den 24. marts 2026:"),
    ("Borgerrepræsentationen", "Magistratens beslutning den 17. marts 2026", "Borgerrepræsentationens beslutning"),
    ("Magistraten", "Styregruppen den 2. marts 2026, pkt. 4:", "Magistraten den 24. marts 2026:"),
    ("Koncernledelsen", "Direktørgruppen 03-03-2026:", "Koncernledelsen 24-03-2026:"),
    ("Klagenævnet", "Beskæftigelsesnævnet den 24. marts 2026:", "Klagenævnets beslutning den 24. marts 2026"),
    ("Chefgruppen", "Beslutning i Styregruppen den 10. marts 2026", "Beslutning i Chefgruppen den 24. marts 2026"),
    ("Styringskomitéen", "Chefgruppen den 10. marts 2026:", "Styringskomitéen den 24. marts 2026:"),
    ("Kommunalbestyrelsen", "Direktionen den 10. marts 2026:", "Kommunalbestyrelsen den 24. marts 2026:"),
], ids=["borgerrepraesentation", "magistrat-genitive", "styregruppe", "ledelse", "naevn", "beslutning-i-gruppe",
        "komite", "bestyrelse"])
def test_bodies_that_are_no_udvalg_or_raad_in_the_chain(committee, earlier, this):
    """A repræsentation, magistrat, gruppe, ledelse, nævn or komité heads a step of the chain as an udvalg does: the
    Beslutning when it is this meeting's body (and day), Historik when it is another body, even on the same day."""
    text = (f"REFERAT {committee} d. 24-03-2026\n\nPunkt 1: Nordby Skole\n\nIndstilling\n"
            f"Direktionen indstiller, at der gives 18,5 mio. kr.\n\n{earlier}\nAnbefales.\n\n{this}\nBevilling givet.\n")
    (p,) = parse_text(text, "chain.txt").punkter
    assert p.decision == "Bevilling givet."
    assert _sections(p)[1:] == [(H, earlier.rstrip(":"), "Anbefales."), (B, this.rstrip(":"), "Bevilling givet.")]


@pytest.mark.parametrize("committee, line", [
    ("Borgerrepræsentationen", "Magistraten den 24. marts 2026:"),  # another body, the same day
    ("Magistraten", "Borgerrepræsentationens beslutning"),
    ("Direktørgruppen", "Chefgruppen den 24. marts 2026:"),
    ("Klagenævnet", "Beskæftigelsesnævnets beslutning den 24. marts 2026"),
    ("Styregruppen", "Styregruppen den 10. marts 2026:"),  # this body, another day
])
def test_another_body_of_the_new_kinds_is_no_decision(committee, line):
    text = (f"REFERAT {committee} d. 24-03-2026\n\nPunkt 1: Nordby Skole\n\nIndstilling\n"
            f"Direktionen indstiller, at der gives 18,5 mio. kr.\n\n{line}\nSagen udsættes.\n")
    (p,) = parse_text(text, "chain.txt").punkter
    assert p.decision is None
    assert _sections(p)[1:] == [(H, line.rstrip(":"), "Sagen udsættes.")]


@pytest.mark.parametrize("prose", [
    "Gruppen den 24. marts 2026 besluttede at gå videre med planen.",
    "Styregruppen den 24. marts 2026 anbefalede planen.",
    "Magistraten 24-03-2026 og Borgerrepræsentationen 7-04-2026 behandler sagen.",
    "Målgruppen er børn født efter den 24. marts 2026.",
    "Sagen blev drøftet med\nStyregruppen den 24. marts 2026\nog derefter med direktionen.",
    "Planen er godkendt af\nKoncernledelsen 24-03-2026\nog sendes nu i høring.",
])
def test_a_sentence_naming_a_body_and_a_day_stays_text(prose):
    """A body and a day opening a sentence, or a line of a paragraph wrapped after them, are no heading."""
    text = ("REFERAT Styregruppen d. 24-03-2026\n\nPunkt 1: Nordby Skole\n\nSagsfremstilling\n"
            f"{prose}\n\nBeslutning\nGodkendt.\n")
    (p,) = parse_text(text, "chain.txt").punkter
    assert _sections(p) == [(SectionName.SAGSFREMSTILLING, "Sagsfremstilling", prose), (B, "Beslutning", "Godkendt.")]


def test_this_meeting_is_its_committee_and_its_day_in_every_heading_form():
    """"Beslutning fra <body> den <day>" names this meeting only when both are this meeting's, as "<Body> den
    <day>" does: another committee meeting the same day, or a committee whose name only ends like this one's
    ("Social- og Sundhedsudvalget" in the Sundhedsudvalg's minutes), is not the decision."""
    day = dt.date(2026, 3, 24)
    assert line_heading("Beslutning fra Byrådet den 24. marts 2026", "Byrådet", day)[0] is B
    assert line_heading("Beslutning fra Økonomiudvalget den 24. marts 2026", "Byrådet", day)[0] is not B
    assert line_heading("Beslutning i Sundhedsudvalget", "Sundhedsudvalget", day)[0] is B
    assert line_heading("Beslutning i Social- og Sundhedsudvalget", "Sundhedsudvalget", day)[0] is not B
    assert line_heading("Beslutning i magistraten", "Magistraten", day)[0] is B
    assert line_heading("Beslutning i magistraten", "Borgerrepræsentationen", day)[0] is not B
    assert line_heading("Beslutning (24.03.2026)", "Byrådet", day)[0] is B  # the day alone: this meeting's
    assert line_heading("Beslutning fra Chefforums møde den 24. marts 2026:", "Chefforum", day)[0] is B


_BYR = ("REFERAT Byrådet d. 24-03-2026\n\nMødedato Tirsdag d. 24. marts 2026 kl. 17:00\nMødested Byrådssalen\n"
        "Mødedeltagere Anne Holm (formand), Jens Dam\n\nIndholdsfortegnelse\nSager til behandling\n\n")


def _punkt(n: int, decision: str, chain: str = "Byrådet den 24. marts 2026") -> str:
    return (f"Punkt {n}: Sag {n}\n\nSagsfremstilling\nSagen handler om nummer {n}.\n\nIndstilling\n"
            f"Direktionen indstiller, at sag {n} godkendes.\n\nØkonomiudvalget den 10. marts 2026, pkt. {n}\n"
            f"Anbefales.\n\n{chain}\n{decision}\n\n")


@pytest.mark.parametrize("text", [
    _BYR + _punkt(1, "Bevilling givet."),
    _BYR + _punkt(1, "Bevilling givet.").replace("\n\n", "\n"),
    _BYR + _punkt(1, "Bevilling givet.", "Byrådet 24-03-2026"),
    _BYR + _punkt(1, "Bevilling givet.") + "Fraværende:\nJens Hansen (A)\n",
    _BYR + _punkt(1, "Bevilling givet.").replace("Økonomiudvalget den 10. marts 2026, pkt. 1\nAnbefales.\n\n", ""),
], ids=["blank-lines", "no-blank-lines", "numeric-day", "end-matter-below", "after-the-indstilling"])
def test_this_meetings_chain_line_alone_on_its_line_heads_the_decision(text):
    """"Byrådet den 24. marts 2026" alone on a line, the decision below it, names the meeting as a running header
    does; it was dropped as one, and the decision was read into the step above. Under the punkt's Indstilling or an
    earlier step, once in the punkt, followed by prose and no section of the case, it is the decision's heading."""
    (p,) = parse_text(text, "byr.txt").punkter
    assert p.decision == "Bevilling givet."
    assert p.section(I).text == "Direktionen indstiller, at sag 1 godkendes."
    assert p.section(B).heading in ("Byrådet den 24. marts 2026", "Byrådet 24-03-2026")


def test_a_decision_under_the_chain_line_may_open_with_a_number():
    (p,) = parse_text(_BYR + _punkt(1, "2 mio. kr. bevilges til skolen."), "byr.txt").punkter
    assert (p.section(B).heading, p.decision) == ("Byrådet den 24. marts 2026", "2 mio. kr. bevilges til skolen.")


def test_the_chain_line_of_every_punkt_heads_its_decision_and_the_page_header_still_goes():
    text = (_BYR + _punkt(1, "Bevilling givet.") + "\x0cByrådet den 24. marts 2026\n\n" + _punkt(2, "Udsat.")
            + "\x0c" + _punkt(3, "Godkendt."))
    assert [p.decision for p in parse_text(text, "byr.txt").punkter] == ["Bevilling givet.", "Udsat.", "Godkendt."]


_HEADER = "Byrådet den 24. marts 2026"


@pytest.mark.parametrize("body", [
    # above each punkt
    f"{_HEADER}\nPunkt 1: Skoler\n\nIndstilling\nGodkendes.\n\nBeslutning\nGodkendt.\n\n"
    f"{_HEADER}\nPunkt 2: Veje\n\nIndstilling\nGodkendes.\n\nBeslutning\nUdsat.\n",
    # at the top of a page, above more of the Indstilling
    "Punkt 1: Skoler\n\nIndstilling\nDirektionen indstiller, at planen godkendes.\n"
    f"\x0c{_HEADER}\nAt der gives 2 mio. kr.\n\nBeslutning\nGodkendt.\n",
    # at the foot of a page
    "Punkt 1: Skoler\n\nIndstilling\nDirektionen indstiller, at planen godkendes.\n\n"
    f"{_HEADER}\n\x0cAt der gives 2 mio. kr.\n\nBeslutning\nGodkendt.\n",
    # pages lost: between two paragraphs of the Indstilling, a section of the case below it
    "Punkt 1: Skoler\n\nIndstilling\nDirektionen indstiller, at planen godkendes.\n\n"
    f"{_HEADER}\nAt der gives 2 mio. kr.\n\nBeslutning\nGodkendt.\n",
    # pages lost: inside the decision
    f"Punkt 1: Skoler\n\nIndstilling\nGodkendes.\n\nBeslutning\nGodkendt.\n\n{_HEADER}\nDer var enighed.\n",
    # pages lost: under the Sagsfremstilling, no Indstilling or earlier step above it
    f"Punkt 1: Skoler\n\nSagsfremstilling\nPlanen er klar.\n\n{_HEADER}\nDen koster 2 mio. kr.\n",
    # at the top of a page, above the rest of the punkt's last section
    "Punkt 1: Skoler\n\nIndstilling\nDirektionen indstiller, at planen godkendes.\n"
    f"\x0c{_HEADER}\nAt der gives 2 mio. kr.\n\nPunkt 2: Veje\n\nBeslutning\nGodkendt.\n",
    # pages lost: twice in one punkt
    "Punkt 1: Skoler\n\nIndstilling\nDirektionen indstiller, at planen godkendes.\n\n"
    f"{_HEADER}\nAt der gives 2 mio. kr.\n\n{_HEADER}\nAt byggeriet starter i maj.\n\n"
    "Punkt 2: Veje\n\nBeslutning\nGodkendt.\n",
    # pages lost: more often than there are punkter
    f"Punkt 1: Skoler\n\nIndstilling\nGodkendes.\n\n{_HEADER}\nAt der gives 2 mio. kr.\n\n"
    f"Punkt 2: Veje\n\nIndstilling\nGodkendes.\n\n{_HEADER}\nAt vejen lukkes.\n\n{_HEADER}\nOg genåbnes.\n",
    # a paragraph cut by it goes on in lower case
    "Punkt 1: Skoler\n\nIndstilling\nDirektionen indstiller, at der gives\n"
    f"{_HEADER}\n2 mio. kr. til skolerne.\n",
], ids=["above-each-punkt", "page-top", "page-foot", "between-paragraphs", "in-the-decision", "sagsfremstilling",
        "page-top-last-section", "twice-in-a-punkt", "more-than-punkter", "mid-paragraph"])
def test_a_running_header_naming_the_meeting_still_goes(body):
    """The same line as a running header goes wherever it stands: above a punkt header, at a page's top or foot,
    more than once in a punkt or in the minutes than there are punkter, inside the decision, under a section
    that is no Indstilling, or with a section of the case below it. Its punkt gets no decision from it."""
    m = parse_text(_BYR + body, "byr.txt")
    assert all(s.heading != _HEADER for p in m.punkter for s in p.sections)
    assert all(_HEADER not in s.text for p in m.punkter for s in p.sections)
