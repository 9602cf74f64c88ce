"""The text/Markdown parser on the five bundled minutes (golden) and on crafted bad or unusual input."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from embeddings.errors import InputError
from embeddings.minutes import SectionName
from embeddings.ingest.text import parse_text
from bot.core import messages

from conftest import BUNDLED, PROJECT

GOLDEN = PROJECT / "tests" / "data" / "golden_seed_punkter.json"


def parse_file(name: str):
    path = BUNDLED / name
    return parse_text(path.read_text(encoding="utf-8"), str(path), "sha")


@pytest.fixture(scope="module")
def seeds():
    return {f.name: parse_file(f.name) for f in sorted(BUNDLED.iterdir())}


def summary(minutes) -> list[dict]:
    out = []
    for p in minutes.punkter:
        secs = []
        for s in p.sections:
            w = s.text.split()
            secs.append([s.name.value, " ".join(w[:3]), " ".join(w[-3:])])
        out.append({"id": p.ref, "title": p.title, "time_slot": p.time_slot,
                    "journal": p.journal.raw if p.journal else None, "sections": secs})
    return out


def test_five_meetings_36_punkter_match_the_golden_file(seeds):
    """Number, clean title, journal number and first/last words of every section, for all 36 punkter.

    The golden file was written from the parser's output and checked by hand against the minutes.
    """
    got = [row for m in seeds.values() for row in summary(m)]
    assert len(seeds) == 5 and len(got) == 36
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_committee_and_date_come_from_the_header(seeds):
    dates = sorted(m.meeting.date for m in seeds.values())
    assert dates == [dt.date(2021, 1, 21), dt.date(2021, 3, 17), dt.date(2021, 9, 2), dt.date(2022, 11, 9),
                     dt.date(2024, 9, 11)]
    assert {m.meeting.committee for m in seeds.values()} == {"Chefforum"}
    text = (BUNDLED / "chefforum-2022-11-09.txt").read_text(encoding="utf-8").replace(
        "REFERAT Chefforum d. 09-11-2022", "REFERAT Økonomiudvalget d. 01-02-2023")
    m = parse_text(text, "x.txt").meeting
    assert (m.committee, m.date) == ("Økonomiudvalget", dt.date(2023, 2, 1))


def test_meeting_details_and_participants(seeds):
    m = seeds["chefforum-2024-09-11.txt"].meeting
    assert (m.start_time, m.location) == (dt.time(9, 0), "915")
    assert len(m.participants) == 10
    assert m.participants[0] == "Henrik Harder (Kommunaldirektør)"  # "Forperson" is a role label, dropped
    assert m.participants[1] == "René Birkemark Olesen (Afdelingschef Kultur, Fritid & Erhverv)"
    md = seeds["chefforum-2021-01-21.md"].meeting
    assert (md.start_time, md.location, md.participants) == (dt.time(9, 0), "Teams", ())
    assert seeds["chefforum-2021-09-02.txt"].meeting.start_time == dt.time(8, 30)


def test_markdown_headings_and_bold_are_removed(seeds):
    p = seeds["chefforum-2021-01-21.md"].punkter[0]
    assert p.raw_title == "CF - Godkendelse af dagsorden og referat"
    assert [s.name for s in p.sections] == [SectionName.ANLEDNING, SectionName.INDSTILLING, SectionName.BESLUTNING]
    assert not any("**" in s.text or s.text.startswith("#") for q in seeds["chefforum-2021-01-21.md"].punkter
                   for s in q.sections)


def test_norwegian_labels(seeds):
    m = seeds["chefforum-2022-11-09.txt"]
    assert [p.number for p in m.punkter] == list(range(1, 8))
    p2 = m.punkter[1]
    bilag = p2.section(SectionName.BILAG)
    assert bilag.heading == "Vedlegg" and bilag.text == "Albertslund Arbejdsseminar 1 011222 program v3.docx"


def test_titles_are_cleaned(seeds):
    p = seeds["chefforum-2021-03-17.txt"].punkter[2]
    assert (p.raw_title, p.title, p.time_slot) == (
        "CF - Borgersamlingens anbefalinger (9.15.10.45)", "Borgersamlingens anbefalinger", "9.15-10.45")
    p = seeds["chefforum-2024-09-11.txt"].punkter[0]
    assert p.raw_title.startswith("CF – ") and p.title == "Godkendelse af dagsorden og referat"
    p = seeds["chefforum-2021-09-02.txt"].punkter[7]
    assert p.raw_title.startswith("CF- ") and p.title == "Fælles journaliseringspraksis i Albertslund Kommune"


def test_page_breaks_are_joined(seeds):
    p3 = seeds["chefforum-2021-03-17.txt"].punkter[2].section(SectionName.SAGSFREMSTILLING).text
    assert "vi gør i forvejen som understøttes i borgersamlingens anbefalinger" in p3
    p6 = seeds["chefforum-2024-09-11.txt"].punkter[5].decision
    assert "hvor der er behov for borgerinddragelse i organisationen\n\n2. Elementer" in p6
    # ... while real paragraphs stay apart.
    p4 = seeds["chefforum-2024-09-11.txt"].punkter[3].decision
    assert p4.count("\n\n") == 1 and p4.endswith("For gruppe 2-3 kan der være andre telefontider, der er gældende.")


def test_tables_and_lists_keep_their_lines(seeds):
    agenda = seeds["chefforum-2024-09-11.txt"].punkter[0].section(SectionName.SAGSFREMSTILLING).text
    assert "Beslutning\tOpfølgning på implementering af telefontider\tDorthe\t09.40 - 09.55" in agenda.split("\n")
    indstilling = seeds["chefforum-2024-09-11.txt"].punkter[0].section(SectionName.INDSTILLING).text
    assert indstilling == ("Kommunaldirektøren indstiller,\n\n1. at dagsorden til dette møde godkendes\n"
                           "2. at referat fra mødet den 28. august 2024 godkendes")


def test_a_dot_is_no_decision(seeds):
    evt = seeds["chefforum-2021-01-21.md"].punkter[4]
    assert evt.title == "Evt." and evt.decision is None
    assert evt.section(SectionName.BESLUTNING).text == ""


def test_table_of_contents_is_not_punkter(seeds):
    for m in seeds.values():
        assert not any("..." in p.raw_title or "\t" in p.raw_title for p in m.punkter)
        assert [p.number for p in m.punkter] == sorted(p.number for p in m.punkter)


HEAD = "REFERAT Byrådet d. 05-03-2025\n\nMødedato Onsdag d. 5. marts 2025 kl. 17:00\n\n"


def test_closed_punkt_keeps_only_title_date_and_journal():
    text = HEAD + ("Punkt 1: Åbent punkt\n\n22-000015\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 2: Lukket punkt: Personalesag\n\n22-000016\n\nSagsfremstilling\n\nFortroligt navn.\n\n"
                   "Beslutning\n\nFortroligt.\n\n"
                   "Punkt 3: Køb af grund\n\nEMN-2025-000517\n\nLukket punkt\n\nBeslutning\n\nHemmeligt.\n")
    m = parse_text(text, "b.txt")
    open_, personal, grund = m.punkter
    assert not open_.closed and open_.decision == "Godkendt." and open_.journal.raw == "22-000015"
    assert personal.closed and personal.sections == () and personal.journal.raw == "22-000016"
    assert grund.closed and grund.sections == () and grund.journal.raw == "EMN-2025-000517"
    assert not grund.journal.is_kle


def test_text_before_the_first_heading_is_kept():
    m = parse_text(HEAD + "Punkt 1: Orientering\n\nBorgmesteren orienterede.\n\nBeslutning\n\nTaget til efterretning.\n",
                   "o.txt")
    (p,) = m.punkter
    assert p.journal is None
    assert [(s.name, s.text) for s in p.sections] == [(SectionName.OTHER, "Borgmesteren orienterede."),
                                                     (SectionName.BESLUTNING, "Taget til efterretning.")]


@pytest.mark.parametrize("text, code, where", [
    ("Et brev til borgerne.\n\nPunkt 1: Noget\n", "no_header", "brev.txt: "),
    ("REFERAT Chefforum d. 31-02-2023\n\nPunkt 1: A\n", "bad_date", "brev.txt, linje 1: "),
    ("REFERAT Chefforum d. 01-02-2023\n\nIngen punkter her.\n", "no_punkter", "brev.txt: "),
    ("REFERAT Chefforum d. 01-02-2023\n\nPunkt 1: A\n\nBeslutning\n\nOK.\n\nPunkt 1: B\n", "duplicate_punkt",
     "brev.txt, linje 9, punkt 1: "),
    ("REFERAT Chefforum d. 01-02-2023\n\nPunkt 4: A\n\n83.02.00-A0-1-23\n\nBeslutning\n\nOK.\n", "bad_journal",
     "brev.txt, linje 5, punkt 4: "),
    ("REFERAT Chefforum d. 01-02-2023\n\nPunkt 5.1: A\n\nBeslutning\n\nOK.\n\nPunkt 5.1: B\n", "duplicate_punkt",
     "brev.txt, linje 9, punkt 5.1: punkt nummer 5.1 forekommer to gange (også linje 3)"),
    ("REFERAT Chefforum d. 01-02-2023\n\nPunkt 3æ: A\n\nBeslutning\n\nOK.\n", "no_punkter", "brev.txt: "),
])
def test_bad_input_names_file_line_and_punkt(text, code, where):
    with pytest.raises(InputError) as e:
        parse_text(text, "brev.txt")
    assert e.value.code == code
    assert messages.user_message(e.value).startswith(where)


def test_punkter_after_a_closed_divider_are_closed_until_an_open_one():
    """Minutes that put their closed punkter under a heading of their own ("LUKKEDE PUNKTER") mark no punkt
    itself: every punkt after the divider is closed, and the divider is nobody's text."""
    text = HEAD + ("Indholdsfortegnelse\n\nLukkede punkter\nPunkt 3: Erstatningssag.........4\n\n"
                   "Punkt 1: Godkendelse af dagsorden\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 2: Ny bibliotekspolitik\n\nBeslutning\n\nVedtaget.\n\n"
                   "LUKKEDE PUNKTER\n\n"
                   "Punkt 3: Erstatningssag\n\n27.69.48-G01-4-25\n\nBeslutning\n\nHEMMELIGT afvist.\n\n"
                   "## Lukket møde:\n\nPunkt 4: Udbud\n\nBeslutning\n\nHEMMELIGT vinder.\n\n"
                   "Åbne punkter\n\nPunkt 5: Eventuelt\n\nBeslutning\n\nIntet.\n")
    m = parse_text(text, "delt.txt")
    assert [p.closed for p in m.punkter] == [False, False, True, True, False]
    assert m.punkter[1].decision == "Vedtaget."
    assert m.punkter[2].journal.raw == "27.69.48-G01-4-25" and m.punkter[2].sections == ()
    assert "HEMMELIGT" not in json.dumps([[s.text for s in p.sections] for p in m.punkter])


@pytest.mark.parametrize("date", ["3. marts 2025", "3 marts 2025", "03-03-2025", "3.3.2025"])
def test_a_referat_header_with_its_date_in_words_or_numbers(date):
    m = parse_text(f"REFERAT Børne- og Ungeudvalget d. {date}\n\nPunkt 1: Sommerferie\n\nBeslutning\n\nOK.\n", "b.txt")
    assert (m.meeting.committee, m.meeting.date) == ("Børne- og Ungeudvalget", dt.date(2025, 3, 3))


def test_a_referat_header_naming_no_real_day_is_refused_with_its_line():
    with pytest.raises(InputError) as e:
        parse_text("\nREFERAT Byrådet d. 31. februar 2025\n\nPunkt 1: A\n\nBeslutning\n\nOK.\n", "b.txt")
    assert e.value.code == "bad_date" and messages.user_message(e.value).startswith("b.txt, linje 2")


def test_closed_punkter_numbered_again_under_a_divider_do_not_cost_the_open_ones():
    """"LUKKEDE PUNKTER" then "Punkt 1" again: the open punkter are stored, the closed one that takes an open
    one's number is not (its text is nobody's); a repeated number among open punkter is still refused."""
    text = HEAD + ("Punkt 1: Godkendelse af dagsorden\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 2: Ungeindsats\n\n15.00.00-P20-5-26\n\nBeslutning\n\nMentorordning vedtaget.\n\n"
                   "LUKKEDE PUNKTER\n\nPunkt 1: Klage over sagsbehandler\n\n15.20.00-K09-1-26\n\n"
                   "Beslutning\n\nHEMMELIGT medhold.\n\nPunkt 3: Erstatning\n\nBeslutning\n\nHEMMELIGT afvist.\n")
    m = parse_text(text, "genstart.txt")
    assert [(p.number, p.closed) for p in m.punkter] == [(1, False), (2, False), (3, True)]
    assert m.punkter[1].decision == "Mentorordning vedtaget." and m.punkter[0].decision == "Godkendt."
    assert "HEMMELIGT" not in json.dumps([[s.text for s in p.sections] for p in m.punkter])
    with pytest.raises(InputError) as e:
        parse_text(text.replace("LUKKEDE PUNKTER", "Eventuelt"), "genstart.txt")
    assert e.value.code == "duplicate_punkt"


def test_a_punkt_header_quoted_after_a_colon_is_the_punkts_text():
    """A Sagsfremstilling quoting an earlier meeting ("Af referatet fremgik:" then "Punkt 2: …") holds no punkt
    of this meeting; a header after an empty "Beslutning:" still starts the next punkt."""
    text = HEAD + ("Punkt 1: Opfølgning på ungeindsatsen\n\n15.00.00-P20-5-26\n\nSagsfremstilling\n\n"
                   "Udvalget behandlede sagen den 23. november. Af referatet fremgik:\n\n"
                   "Punkt 2: Ungeindsats i Jobcentret\n\nUdvalget godkendte en mentorordning.\n\n"
                   "Beslutning\n\nTaget til efterretning.\n\n"
                   "Punkt 2: Eventuelt\n\nBeslutning:\n\nPunkt 3: Næste møde\n\nBeslutning\n\nAftalt.\n")
    m = parse_text(text, "citat.txt")
    assert [(p.number, p.title) for p in m.punkter] == [
        (1, "Opfølgning på ungeindsatsen"), (2, "Eventuelt"), (3, "Næste møde")]
    assert m.punkter[0].journal.raw == "15.00.00-P20-5-26"
    assert m.punkter[0].decision == "Taget til efterretning."
    assert "Punkt 2: Ungeindsats i Jobcentret" in m.punkter[0].section(SectionName.SAGSFREMSTILLING).text


def test_a_decision_heading_with_its_text_or_its_meeting_on_the_line():
    """"Beslutning: Godkendt.", "**Beslutning:** ..." and "Beslutning i Økonomiudvalget den 27-10-2025" head
    the decision; a line quoting an earlier meeting's decision inside a Sagsfremstilling is text."""
    text = ("REFERAT Økonomiudvalget d. 27-10-2025\n\n"
            "Punkt 1: Cykelparkering\n\nIndstilling: Forvaltningen indstiller 200 pladser.\n\n"
            "Beslutning: Udvalget godkendte 150 pladser.\n\n"
            "Punkt 2: Budgetopfølgning\n\nSagsfremstilling\n\nBeslutning fra Økonomiudvalgets møde den 1. "
            "september 2025:\n\nTaget til efterretning.\n\nBeslutning i Økonomiudvalget den 27-10-2025\n\n"
            "Økonomiudvalget bad om en handleplan.\n\n"
            "Punkt 3: Vederlag\n\nBeslutning Økonomiudvalget 27-10-2025:\n\nVederlaget fastholdes.\n")
    one, two, three = parse_text(text, "ou.txt").punkter
    assert one.decision == "Udvalget godkendte 150 pladser."
    assert one.section(SectionName.INDSTILLING).text == "Forvaltningen indstiller 200 pladser."
    assert two.decision == "Økonomiudvalget bad om en handleplan."
    assert two.section(SectionName.BESLUTNING).heading == "Beslutning i Økonomiudvalget den 27-10-2025"
    assert "Taget til efterretning." in two.section(SectionName.SAGSFREMSTILLING).text
    assert three.decision == "Vederlaget fastholdes."
    md = parse_text("**REFERAT Økonomiudvalget d. 27-10-2025**\n\n**Punkt 1: Skilte**\n\n"
                    "**Beslutning:** Godkendt, jf. `rapport_2025__v2.pdf`.\n", "ou.md")
    assert md.punkter[0].decision == "Godkendt, jf. `rapport_2025__v2.pdf`."


def test_pkt_headers_and_a_labelled_journal_number():
    text = HEAD + ("Pkt. 1: Godkendelse af dagsorden\n\n00.01.00-A00-9-25\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 2: Budgetopfølgning\n\nSagsnr.: 22-000019\n\nBeslutning\n\nTaget til efterretning.\n\n"
                   "Pkt.3: Vederlag\n\nJ.nr. EMN-2025-000517\n\nBeslutning\n\nFastholdt.\n")
    m = parse_text(text, "pkt.txt")
    assert [(p.number, p.journal.raw) for p in m.punkter] == [(1, "00.01.00-A00-9-25"), (2, "22-000019"),
                                                               (3, "EMN-2025-000517")]
    assert [s.name for s in m.punkter[1].sections] == [SectionName.BESLUTNING]


def test_journal_numbers_under_other_labels_below_another_line_or_ending_the_title():
    text = HEAD + ("Punkt 1: Rusmiddelstrategi\n\nSags ID: EMN-2024-01234\n\nBeslutning\n\nSendt i høring.\n\n"
                   "Punkt 2: Rengøring\n\nSag: 27.12.04-P21-2-26\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 3: Frivillighedspris\n\nDok.nr.: 2026-123456\nSagsnr.: 00.22.00-A00-9-26\n\n"
                   "Beslutning\n\nPrisen gives.\n\n"
                   "Punkt 4: Almene boliger\n\nSagsnr.:\n03.02.02-G01-5-26\n\nBeslutning\n\nTilsagn givet.\n\n"
                   "Punkt 5: Byfornyelse\n\nSagsnr.: 03.10.00-P20-1-26 (tidligere 03.10.00-P20-4-24)\n\n"
                   "Beslutning\n\nGodkendt.\n\n"
                   "Punkt 6: Boligsocial helhedsplan - 03.22.00-G01-2-26\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 7: Sagen om skolen\n\nSagen er sendt til høring hos skolebestyrelserne.\n\n"
                   "Beslutning\n\nTaget til efterretning.\n\n"
                   "Punkt 8: Aktiesalg\n\nAcadre sagsnr. 23/4567\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 9: Jobpræmie\nSagsnr.: 26/1234     Dok.nr.: 26/56789\n\nBeslutning\n\nGodkendt.\n")
    m = parse_text(text, "labels.txt")
    assert [(p.title, p.journal and p.journal.raw) for p in m.punkter] == [
        ("Rusmiddelstrategi", "EMN-2024-01234"), ("Rengøring", "27.12.04-P21-2-26"),
        ("Frivillighedspris", "00.22.00-A00-9-26"), ("Almene boliger", "03.02.02-G01-5-26"),
        ("Byfornyelse", "03.10.00-P20-1-26"), ("Boligsocial helhedsplan", "03.22.00-G01-2-26"),
        ("Sagen om skolen", None), ("Aktiesalg", "23/4567"), ("Jobpræmie", "26/1234")]
    assert all("Sag" not in s.text and "0" not in s.text for p in m.punkter[:6] for s in p.sections
               if s.name is SectionName.BESLUTNING)
    assert "Dok.nr.: 2026-123456" in m.punkter[2].sections[0].text  # another number stays text
    assert m.punkter[6].sections[0].text == "Sagen er sendt til høring hos skolebestyrelserne."
    with pytest.raises(InputError) as e:  # a KLE-like number under the label that is not one is refused
        parse_text(HEAD + "Punkt 1: Skole\n\nSag: 83.02.00-A0-1-23\n\nBeslutning\n\nGodkendt.\n", "bad.txt")
    assert e.value.code == "bad_journal" and messages.user_message(e.value).startswith("bad.txt, linje 7, punkt 1: ")


def test_a_kle_number_written_with_spaces_or_behind_a_kle_label_is_read_in_its_canonical_form():
    text = HEAD + ("Punkt 1: Skolevej\n\nKLE 06.01.00 G01 - 12 - 25\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 2: Cykelsti\n\n06.01.00 G01-12-25\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 3: Bro\n\nKLE-nr.: 05.04.00 p20 \u2013 3 \u2013 26\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 4: Havn\n\nSagsnr.: 05.04.01 - G01 - 4 - 26\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 5: Sti\n\nSagsnr.:\n05.04.02 G01 - 5 - 26\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 6: Plan\n\nKLE: 01.02.03\n\nBeslutning\n\nGodkendt.\n")
    m = parse_text(text, "kle.txt")
    assert [p.journal and p.journal.raw for p in m.punkter] == [
        "06.01.00-G01-12-25", "06.01.00-G01-12-25", "05.04.00-P20-3-26", "05.04.01-G01-4-26", "05.04.02-G01-5-26",
        None]  # a KLE emne alone is no journal number (and refuses nothing)
    assert all([s.name for s in p.sections] == [SectionName.BESLUTNING] for p in m.punkter[:5])


@pytest.mark.parametrize("line", ["01.02.03P20-1-23", "Sag: 01.02.03P20-1-23", "83.02.00-A0-1-23",
                                  "j.nr. 83.02.00-a0-1-23"])
def test_a_kle_number_with_a_real_typo_still_refuses_its_file(line):
    with pytest.raises(InputError) as e:
        parse_text(HEAD + f"Punkt 1: Skole\n\n{line}\n\nBeslutning\n\nGodkendt.\n", "bad.txt")
    assert e.value.code == "bad_journal" and messages.user_message(e.value).startswith("bad.txt, linje 7, punkt 1: ")


def _decision_under(heading: str, committee: str = "Byrådet", markdown: bool = False):
    """One punkt: an Indstilling, then ``heading`` on its own line, then the decision, in minutes of 05-03-2025."""
    bold = (lambda x: f"**{x}**") if markdown else (lambda x: x)
    text = (f"{bold(f'REFERAT {committee} d. 05-03-2025')}\n\n{bold('Punkt 1: Cykelparkering')}\n\n"
            f"{bold('Indstilling')}\n\nForvaltningen indstiller 200 pladser.\n\n{bold(heading)}\n\n"
            "Der etableres 150 pladser.\n")
    (p,) = parse_text(text, "byr.md" if markdown else "byr.txt").punkter
    return p


@pytest.mark.parametrize("markdown", [False, True], ids=["text", "markdown"])
@pytest.mark.parametrize("heading, committee, written", [
    ("Udvalgets beslutning", "Teknik- og Miljøudvalget", "Udvalgets beslutning"),
    ("Byrådets beslutning", "Byrådet", "Byrådets beslutning"),
    ("Afgørelse", "Byrådet", "Afgørelse"),
    ("Beslutning.", "Byrådet", "Beslutning"),
    ("Beslutning (05.03.2025)", "Byrådet", "Beslutning (05.03.2025)"),
    ("Beslutning den 5. marts 2025", "Byrådet", "Beslutning den 5. marts 2025"),
    ("Beslutning i byrådet", "Byrådet", "Beslutning i byrådet"),
    ("Beslutning i byrådet", "Byråd", "Beslutning i byrådet"),
    ("Beslutning i Byråd den 5. marts 2025", "Byrådet", "Beslutning i Byråd den 5. marts 2025"),
    ("Beslutning i økonomiudvalget", "Økonomiudvalget", "Beslutning i økonomiudvalget"),
])
def test_decision_headings_in_common_wordings(heading, committee, written, markdown):
    """A decision under any of these headings is the punkt's decision, not text of the Indstilling above it. A
    date or a committee on the line must be this meeting's ("byrådet" is the committee "Byråd" or "Byrådet")."""
    p = _decision_under(heading, committee, markdown)
    assert p.decision == "Der etableres 150 pladser."
    assert p.section(SectionName.BESLUTNING).heading == written
    assert p.section(SectionName.INDSTILLING).text == "Forvaltningen indstiller 200 pladser."


@pytest.mark.parametrize("heading, committee", [
    ("Beslutning i byrådet", "Økonomiudvalget"),  # another body's decision, quoted
    ("Beslutning den 14. august 2024", "Byrådet"),  # another meeting's date
    ("Beslutning (14.08.2024)", "Byrådet"),
    ("Afgørelsen blev truffet i byrådet", "Byrådet"),  # a sentence, not a heading
    ("Indstilling fra forvaltningen blev behandlet i byrådet", "Byrådet"),  # a line of running text
])
def test_a_line_naming_another_meeting_or_a_sentence_stays_text(heading, committee):
    p = _decision_under(heading, committee)
    assert p.decision is None
    assert [s.name for s in p.sections] == [SectionName.INDSTILLING]
    assert heading in p.section(SectionName.INDSTILLING).text


def test_a_sentence_starting_afgoerelsen_in_running_text_stays_text():
    text = HEAD + ("Punkt 1: Klage over byggetilladelse\n\nSagsfremstilling\n\nKlagen er behandlet.\n"
                   "Afgørelsen blev sendt til klageren\nden 1. marts 2025.\n\nAfgørelsen blev stadfæstet af "
                   "Planklagenævnet.\n\nAfgørelse\n\nTaget til efterretning.\n")
    (p,) = parse_text(text, "klage.txt").punkter
    assert [s.name for s in p.sections] == [SectionName.SAGSFREMSTILLING, SectionName.BESLUTNING]
    assert p.section(SectionName.SAGSFREMSTILLING).text == (
        "Klagen er behandlet.\nAfgørelsen blev sendt til klageren\nden 1. marts 2025.\n\n"
        "Afgørelsen blev stadfæstet af Planklagenævnet.")
    assert p.decision == "Taget til efterretning."


def _sections_around(heading: str, body: str, markdown: bool) -> list[tuple[SectionName, str, str]]:
    """A punkt with a Sagsfremstilling, ``heading`` over ``body``, and a Beslutning, as text or Markdown (bold
    headings): its sections as (name, heading, text)."""
    bold = (lambda x: f"**{x}**") if markdown else (lambda x: x)
    text = (f"{bold('REFERAT Byrådet d. 05-03-2025')}\n\n{bold('Punkt 1: Cykelparkering')}\n\n"
            f"{bold('Sagsfremstilling')}\n\nDer mangler pladser.\n\n{bold(heading)}\n\n"
            f"{body}\n\n{bold('Beslutning')}\n\nGodkendt.\n")
    (p,) = parse_text(text, "byr.md" if markdown else "byr.txt").punkter
    return [(s.name, s.heading, s.text) for s in p.sections]


@pytest.mark.parametrize("markdown", [False, True], ids=["text", "markdown"])
@pytest.mark.parametrize("heading", ["Indstilling fra direktionen", "Forvaltningens indstilling"])
def test_recommendation_headings_in_common_wordings(heading, markdown):
    assert _sections_around(heading, "Det indstilles, at der etableres 200 pladser.", markdown) == [
        (SectionName.SAGSFREMSTILLING, "Sagsfremstilling", "Der mangler pladser."),
        (SectionName.INDSTILLING, heading, "Det indstilles, at der etableres 200 pladser."),
        (SectionName.BESLUTNING, "Beslutning", "Godkendt.")]


@pytest.mark.parametrize("markdown", [False, True], ids=["text", "markdown"])
@pytest.mark.parametrize("heading", ["Økonomi", "Økonomiske konsekvenser", "Bevillingsmæssige konsekvenser",
                                     "Høring"])
def test_economy_and_hearing_headings_are_sections_of_their_own(heading, markdown):
    """Not glued into the Sagsfremstilling above: an 'Andet' section with the heading as written."""
    assert _sections_around(heading + ":", "Udgiften er 1,2 mio. kr.", markdown) == [
        (SectionName.SAGSFREMSTILLING, "Sagsfremstilling", "Der mangler pladser."),
        (SectionName.OTHER, heading, "Udgiften er 1,2 mio. kr."),
        (SectionName.BESLUTNING, "Beslutning", "Godkendt.")]


def test_economy_in_a_sentence_stays_text():
    text = HEAD + ("Punkt 1: Budget\n\nSagsfremstilling\n\nØkonomi og høring er beskrevet i bilaget.\n\n"
                   "Høring af Ældrerådet afholdes i april.\n\nBeslutning\n\nGodkendt.\n")
    (p,) = parse_text(text, "budget.txt").punkter
    assert [s.name for s in p.sections] == [SectionName.SAGSFREMSTILLING, SectionName.BESLUTNING]
    assert p.section(SectionName.SAGSFREMSTILLING).text.endswith("Høring af Ældrerådet afholdes i april.")


NAMED_BODY = ("Mødetidspunkt: kl. 16.00 - 18.30\nSted: Byrådssalen, Rådhuset\n\n"
              "Punkt 1: Ferieplan\n\n17.01.10-P22-4-26\n\nBeslutning\n\nFerieplanen godkendt.\n")


@pytest.mark.parametrize("header, date_line", [
    ("Referat af møde i Børne- og Skoleudvalget", "Dato: 02.11.2026"),
    ("Referat af mødet i Børne- og Skoleudvalget", "Mødedato: 2. november 2026"),
    ("Referat for Børne- og Skoleudvalget", "Dato: 02-11-2026"),
    ("Referat i Børne- og Skoleudvalget", "Mødedato Mandag d. 2. november 2026"),
    ("REFERAT af møde i Børne- og Skoleudvalget d. 02-11-2026", ""),
])
def test_a_referat_af_moede_header_with_a_labelled_date_line_below(header, date_line):
    """"Referat af møde i <udvalg>" names the committee; the date is on a "Dato:"/"Mødedato:" line below it,
    in numbers or words; "Mødetidspunkt:" gives the start and "Sted:" the location."""
    m = parse_text(f"{header}\n\n{date_line}\n{NAMED_BODY}", "bsu.txt")
    assert (m.meeting.committee, m.meeting.date) == ("Børne- og Skoleudvalget", dt.date(2026, 11, 2))
    assert (m.meeting.start_time, m.meeting.location) == (dt.time(16, 0), "Byrådssalen, Rådhuset")
    assert [(p.number, p.journal.raw, p.decision) for p in m.punkter] == [
        (1, "17.01.10-P22-4-26", "Ferieplanen godkendt.")]


def test_a_referat_af_moede_header_without_a_date_line_or_with_a_bad_date_is_refused():
    with pytest.raises(InputError) as e:
        parse_text("Referat af møde i Børne- og Skoleudvalget\n\n" + NAMED_BODY, "bsu.txt")
    assert e.value.code == "no_meeting_date"  # the committee is named, the date is what is missing
    assert messages.user_message(e.value) == ("bsu.txt, linje 1: fandt udvalget 'Børne- og Skoleudvalget', men ingen "
                                              "mødedato (fx 'Dato: 06-04-2026') under overskriften")
    with pytest.raises(InputError) as e:
        parse_text("Referat af møde i Børne- og Skoleudvalget\n\nDato: 31.02.2026\n" + NAMED_BODY, "bsu.txt")
    assert e.value.code == "bad_date" and messages.user_message(e.value).startswith("bsu.txt, linje 3: ")


@pytest.mark.parametrize("header", [
    "Referat af møde i Børne- og Skoleudvalget den 2. november 2026 kl. 16.00",
    "Referat for Børne- og Skoleudvalget, mandag den 02.11.2026, kl. 16.00",
    "Referat af mødet i Børne- og Skoleudvalget d. 02-11-2026 kl. 16.00",
])
def test_a_referat_af_moede_header_with_the_date_on_its_own_line(header):
    """The date (and start) may stand on the "Referat af møde i <udvalg>" line itself, no Dato line below."""
    body = NAMED_BODY.replace("Mødetidspunkt: kl. 16.00 - 18.30\n", "")
    m = parse_text(f"{header}\n\n{body}", "bsu.txt").meeting
    assert (m.committee, m.date, m.start_time) == ("Børne- og Skoleudvalget", dt.date(2026, 11, 2), dt.time(16, 0))


@pytest.mark.parametrize("head, date, start", [
    ("Referat af møde i Børne- og Skoleudvalget\n\nMandag den 2. november 2026 kl. 16.00", dt.date(2026, 11, 2),
     dt.time(16, 0)),
    ("Referat af møde i Børne- og Skoleudvalget\n\nd. 02.11.2026", dt.date(2026, 11, 2), None),
    ("Referat af møde i Børne- og Skoleudvalget\nDato: 02.11.26", dt.date(2026, 11, 2), None),
    ("REFERAT Børne- og Skoleudvalget d. 2026-11-02", dt.date(2026, 11, 2), None),
    ("REFERAT Børne- og Skoleudvalget d. 2.-3. november 2026", dt.date(2026, 11, 2), None),
    ("Referat af møde i Børne- og Skoleudvalget\nMødedato: 2026-11-02 kl. 9.30", dt.date(2026, 11, 2), dt.time(9, 30)),
])
def test_other_ways_to_write_the_meetings_day(head, date, start):
    """An unlabelled day line under the header, a two-digit year on a Dato line, ISO dates, and a two-day
    meeting (stored on its first day)."""
    m = parse_text(f"{head}\n\nPunkt 1: Ferieplan\n\nBeslutning\n\nGodkendt.\n", "bsu.txt").meeting
    assert (m.committee, m.date, m.start_time) == ("Børne- og Skoleudvalget", date, start)


def test_a_day_line_must_start_with_the_day():
    with pytest.raises(InputError) as e:
        parse_text("Referat af møde i Børne- og Skoleudvalget\n\n3 medlemmer var mødt 02.11.2026\n\n"
                   "Punkt 1: Ferieplan\n\nBeslutning\n\nGodkendt.\n", "bsu.txt")
    assert e.value.code == "no_meeting_date"


@pytest.mark.parametrize("head", [
    "REFERAT Erhvervsudvalget den 06-04-2026",
    "REFERAT Erhvervsudvalget d. 06-04-2026 kl. 16:00",
    "REFERAT Erhvervsudvalget d. 6. april 2026 kl. 16.00",
    "REFERAT Erhvervsudvalget d. 06.04.26",
    "REFERAT Erhvervsudvalget d. 6. og 7. april 2026",
    "REFERAT\nErhvervsudvalget d. 06-04-2026",
    "Referat\nErhvervsudvalget\nMødedato: 06-04-2026",
    "Erhvervsudvalget\nReferat fra mødet den 6. april 2026",
    "# Referat – Erhvervsudvalget\n\n**Dato:** 6. april 2026 kl. 15.00",
    "Beslutningsprotokol for Erhvervsudvalget (EU)\nDato: 06.04.2026",
    # probe round 4
    "Dagsorden med beslutninger\n\nErhvervsudvalget\n\nMandag den 6. april 2026 kl. 15.00",
    "Beslutningsreferat\nErhvervsudvalget\nDato: 06-04-2026", "DAGSORDEN\nErhvervsudvalget d. 06-04-2026",
    "Referat - åben dagsorden\nErhvervsudvalget\nDato: 06-04-2026",
    "Erhvervsudvalget\nReferat fra mødet den 6. april 2026\nMødested: Jobcentret",
    "Erhvervsudvalget\nReferat fra mødet den 6. april 2026\n\nMødetidspunkt: 14:00\nMødested: Jobcentret",
])
def test_other_heads_that_name_committee_and_day(head):
    m = parse_text(f"{head}\n\nPunkt 1: Erhvervspris\n\nBeslutning\n\nPrisen gives til Smeden.\n", "eu.txt")
    assert (m.meeting.committee, m.meeting.date) == ("Erhvervsudvalget", dt.date(2026, 4, 6))
    assert m.punkter[0].decision == "Prisen gives til Smeden."


def test_a_head_without_referat_or_committee_is_refused_as_before():
    with pytest.raises(InputError) as e:
        parse_text("Erhvervsudvalget 06-04-2026\n\nPunkt 1: Pris\n\nBeslutning\n\nGodkendt.\n", "eu.txt")
    assert e.value.code == "no_header"
    with pytest.raises(InputError) as e:
        parse_text("Referat\n\nDato: 06-04-2026\n\nPunkt 1: Pris\n\nBeslutning\n\nGodkendt.\n", "eu.txt")
    assert e.value.code == "no_header"


def test_a_wiki_export_with_rules_and_inline_code():
    text = ("# Referat af møde i Ældrerådet\n\n**Dato:** 2. juni 2026\n\n---\n\n## Punkt 1: Dagsorden\n\n"
            "**Sagsnr.:** `00.01.00-A00-60-26`\n\n### Beslutning\n\nGodkendt.\n\n---\n\n## Punkt 2: Eventuelt\n\n"
            "### Beslutning\n\nIntet.\n\n***\n")
    first, second = parse_text(text, "wiki.md").punkter
    assert (first.journal.raw, first.decision, second.decision) == ("00.01.00-A00-60-26", "Godkendt.", "Intet.")


def test_bare_numbered_headers_with_the_journal_number_right_below():
    text = ("REFERAT Erhvervsudvalget d. 06-04-2026\n\n1. Godkendelse af dagsorden ........ 2\n2. Erhvervspris ........ 3\n\n"
            "1. Godkendelse af dagsorden\nSagsnr.: 00.01.00-A00-3-26\n\nBeslutning:\nGodkendt.\n\n"
            "2. Erhvervspris\nSagsnr.: 24.00.00-A00-24-26\n\nIndstilling:\n1. at prisen gives til Smeden.\n\n"
            "Beslutning:\nPrisen gives til Smeden.\n")
    m = parse_text(text, "eu.txt")
    assert [(p.number, p.title, p.journal.raw, p.decision) for p in m.punkter] == [
        (1, "Godkendelse af dagsorden", "00.01.00-A00-3-26", "Godkendt."),
        (2, "Erhvervspris", "24.00.00-A00-24-26", "Prisen gives til Smeden.")]


def test_a_punkt_resumed_later_in_the_meeting_is_decided_by_its_new_decision():
    text = HEAD + ("Punkt 1: Parkeringsnormer\n\nBeslutning\n\nPunktet blev sat i bero.\n\n"
                   "Supplerende sagsfremstilling\n\nTorvegade har 40 ledige pladser.\n\n"
                   "Ny beslutning\n\nNormen sænkes til 1 plads pr. bolig.\n")
    (p,) = parse_text(text, "pu.txt").punkter
    assert p.decision == "Normen sænkes til 1 plads pr. bolig."
    assert [s.heading for s in p.sections] == ["Beslutning", "Supplerende sagsfremstilling", "Ny beslutning"]


def test_markdown_pipe_tables_hold_a_journal_number_and_a_decision():
    text = ("# Referat af møde i Social- og Sundhedsudvalget\n\n**Dato:** 2. juni 2026\n\n"
            "## Punkt 1: Madservice\n\n| Sagsnr. | 27.18.00-G01-110-26 |\n|---|---|\n| Sagsbehandler | Lise Holm |\n\n"
            "### Beslutning\n\nMadservicen hjemtages.\n\n"
            "## Punkt 2: Takster\n\n| Felt | Værdi |\n| :--- | ---: |\n| Sagsnr. | 27.12.00-S00-111-26 |\n"
            "| Beslutning | Taksterne for 2027 blev godkendt. |\n")
    first, second = parse_text(text, "ssu.md").punkter
    assert (first.journal.raw, first.decision) == ("27.18.00-G01-110-26", "Madservicen hjemtages.")
    assert (second.journal.raw, second.decision) == ("27.12.00-S00-111-26", "Taksterne for 2027 blev godkendt.")


@pytest.mark.parametrize("head", ["Referat af møde i Lokaludvalg 2 Nord\n\nDato: 02.11.2026",
                                  "Referat af møde i Lokaludvalg 2 Nord den 2. november 2026",
                                  "REFERAT Lokaludvalg 2 Nord den 02-11-2026", "REFERAT\nLokaludvalg 2 Nord d. 02.11.26"])
def test_a_number_in_a_committee_name_is_not_a_date(head):
    m = parse_text(f"{head}\n" + NAMED_BODY, "lu.txt").meeting
    assert (m.committee, m.date) == ("Lokaludvalg 2 Nord", dt.date(2026, 11, 2))


def test_a_kl_time_on_the_dato_line():
    m = parse_text("Referat af møde i Børne- og Skoleudvalget\n\nDato: 02.11.2026 kl. 17.30\n\n"
                   "Punkt 1: Ferieplan\n\nBeslutning\n\nGodkendt.\n", "bsu.txt").meeting
    assert m.start_time == dt.time(17, 30)


def test_moedetidspunkt_and_sted_lines_under_a_referat_header():
    text = ("REFERAT Udvalget for Klima og Natur d. 04-11-2026\n\nMødedato: Onsdag d. 4. november 2026\n"
            "Mødetidspunkt: kl. 17.00 - 19.00\nSted: Naturcentret, Skovvej 3\n\n"
            "Punkt 1: Naturpark\n\nBeslutning\n\nAnsøgning sendes.\n")
    m = parse_text(text, "klima.txt").meeting
    assert (m.start_time, m.location) == (dt.time(17, 0), "Naturcentret, Skovvej 3")
    bare = parse_text(text.replace("kl. 17.00", "17.00"), "klima.txt").meeting
    assert bare.start_time == dt.time(17, 0)


PUNKT_BODIES = ("Godkendelse af dagsorden", "\n\n00.01.00-A00-2-26\n\nBeslutning\n\nGodkendt.\n\n",
                "Tilskud til foreningshuset", "\n\nIndstilling\n\nForvaltningen indstiller, at tilskuddet gives.\n\n"
                "Beslutning\n\nUdvalget bevilgede 250.000 kr.\n\n", "Eventuelt", "\n\nBeslutning\n\nIntet.\n")


def _numbered_minutes(header: str) -> str:
    """Three punkter under ``header`` ("Punkt {n} - "), as the probe files g04a-f write them."""
    t1, b1, t2, b2, t3, b3 = PUNKT_BODIES
    return HEAD + "".join(header.format(n=n) + t + b for n, t, b in ((1, t1, b1), (2, t2, b2), (3, t3, b3)))


@pytest.mark.parametrize("header", ["Punkt {n} - ", "Punkt {n} – ", "{n} ) ", "Sag nr. {n}: ", "Punkt nr. {n}: ",
                                    "Dagsordenpunkt {n}: ", "{n}. "])
def test_punkt_headers_in_other_layouts(header):
    m = parse_text(_numbered_minutes(header), "kfu.txt")
    assert [(p.number, p.title) for p in m.punkter] == [
        (1, "Godkendelse af dagsorden"), (2, "Tilskud til foreningshuset"), (3, "Eventuelt")]
    assert m.punkter[0].journal.raw == "00.01.00-A00-2-26"
    assert m.punkter[1].decision == "Udvalget bevilgede 250.000 kr."
    assert m.punkter[1].section(SectionName.INDSTILLING).text == "Forvaltningen indstiller, at tilskuddet gives."


def test_a_numbered_list_in_a_punkt_file_stays_text():
    """"1. at ..." lines in an Indstilling are a list, not punkt headers, in a file with "Punkt N:" headers."""
    text = HEAD + ("Punkt 1: Skolestruktur\n\nIndstilling\n\nForvaltningen indstiller,\n\n1. at skolerne "
                   "samles\n\n2. at sagen sendes i høring\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 2: Eventuelt\n\nBeslutning\n\nIntet.\n")
    m = parse_text(text, "skole.txt")
    assert [p.number for p in m.punkter] == [1, 2]
    assert m.punkter[0].section(SectionName.INDSTILLING).text == (
        "Forvaltningen indstiller,\n\n1. at skolerne samles\n\n2. at sagen sendes i høring")
    capitals = parse_text(text.replace("1. at skolerne", "1. Skolerne").replace("2. at sagen", "2. Sagen"),
                          "skole.txt")
    assert [p.number for p in capitals.punkter] == [1, 2]
    assert "1. Skolerne samles" in capitals.punkter[0].section(SectionName.INDSTILLING).text
    assert "Punkt 3 - udsat" in parse_text(text.replace("Intet.", "Punkt 3 - udsat til næste møde."),
                                          "skole.txt").punkter[1].decision


@pytest.mark.parametrize("change", [
    ("2. Tilskud", "3. Tilskud"),  # numbers not 1, 2, 3
    ("Tilskud til foreningshuset\n\n", "Tilskud til foreningshuset\n"),  # a numbered line inside a paragraph
])
def test_bare_numbered_lines_are_punkt_headers_only_under_the_safe_rule(change):
    with pytest.raises(InputError) as e:
        parse_text(_numbered_minutes("{n}. ").replace(*change), "kfu.txt")
    assert e.value.code == "no_punkter"


@pytest.mark.parametrize("change, numbers", [
    (("Forvaltningen indstiller, at", "1. at"), [1, 2, 3]),  # a list item among them
    (("3. Eventuelt", "3. at sagen udsættes"), [1, 2]),  # a list item numbered on from them
])
def test_numbered_list_items_among_bare_numbered_headers_stay_text(change, numbers):
    """A numbered line in lower case is a list item ("1. at ..."): it stays the text it is in, and the headers
    around it are read (probe round 4: such files were refused whole)."""
    m = parse_text(_numbered_minutes("{n}. ").replace(*change), "kfu.txt")
    assert [p.number for p in m.punkter] == numbers
    assert change[1] in "\n".join(s.text for p in m.punkter for s in p.sections)


FURNITURE = """REFERAT Udvalget for Klima og Natur d. 04-11-2026

Mødedato: Onsdag d. 4. november 2026

Punkt 1: Naturpark ved Ådalen

01.05.10-P20-1-26

Sagsfremstilling

Side 1 af 3

Kommunen har fået tilsagn om støtte til en naturpark langs Ådalen.
Det samlede areal er 1.200 ha, hvoraf 300 ha ejes af kommunen.

Udvalget for Klima og Natur · 4. november 2026

Indstilling

Forvaltningen indstiller, at kommunen ansøger om mærket.

2026 / Side 1 af 3

Beslutning

Udvalget besluttede at ansøge om mærket Naturpark
Side 2 af 3
Danmark for Ådalen i 2027, jf. side 3 i bilag 2.
Der afsættes 3/4 af budgettet, og punktet genoptages 3. december 2026.

Punkt 2: Træfældning i byparken

01.05.00-G01-8-26

Beslutning

Fældning af de 12 syge elmetræer blev godkendt.

2026

Side 3 af 3
"""


def test_page_numbers_and_a_running_header_are_not_quoted_but_numbers_in_the_text_are():
    minutes = parse_text(FURNITURE, "klima.txt", "sha")
    first, second = minutes.punkter
    assert first.section(SectionName.SAGSFREMSTILLING).text == (
        "Kommunen har fået tilsagn om støtte til en naturpark langs Ådalen.\n"
        "Det samlede areal er 1.200 ha, hvoraf 300 ha ejes af kommunen.")
    assert first.section(SectionName.INDSTILLING).text == "Forvaltningen indstiller, at kommunen ansøger om mærket."
    assert first.decision == ("Udvalget besluttede at ansøge om mærket Naturpark\n"
                              "Danmark for Ådalen i 2027, jf. side 3 i bilag 2.\n"
                              "Der afsættes 3/4 af budgettet, og punktet genoptages 3. december 2026.")
    assert second.decision == "Fældning af de 12 syge elmetræer blev godkendt."


def test_line_numbers_still_point_into_the_file_after_furniture_goes():
    text = FURNITURE.replace("01.05.00-G01-8-26", "01.05.XX")
    with pytest.raises(InputError) as e:
        parse_text(text, "klima.txt")
    assert (e.value.code, e.value.line) == ("bad_journal", text.split("\n").index("01.05.XX") + 1)


FORMFEED = ("REFERAT Erhvervsudvalget d. 07-10-2026\n\nMødedato Onsdag d. 7. oktober 2026 kl. 15:00\n\n"
            "Punkt 1: Erhvervsstrategi 2027\n\n24.00.00-P22-1-26\n\nBeslutning\n\n"
            "Udvalget godkendte erhvervsstrategien og afsatte 500.000 kr. til\n"
            "\x0cErhvervsudvalget 07-10-2026                                   Side 2\n"
            "iværksættermiljøet i Kulturfabrikken.\n\n"
            "Punkt 2: Turistinformation\n\n24.10.00-G01-2-26\n\nBeslutning\n\n"
            "Turistinformationen flyttes til biblioteket.\n"
            "Teknisk bilag nr. 4\n"
            "\x0cErhvervsudvalget 07-10-2026                                   Side 3\n\n"
            "Sagsfremstilling\n\nTuristinformationen har 4.000 besøgende om året.\n"
            "Teknisk bilag nr. 4\n\x0c")


def test_form_feeds_split_pages_and_their_running_lines_go():
    """pdftotext output: a form feed starts each page, a header with the page number tops it, and a line
    repeated at the foot of two pages is a running footer."""
    first, second = parse_text(FORMFEED, "erhverv.txt", "sha").punkter
    assert first.decision == ("Udvalget godkendte erhvervsstrategien og afsatte 500.000 kr. til\n"
                              "iværksættermiljøet i Kulturfabrikken.")
    assert second.decision == "Turistinformationen flyttes til biblioteket."
    assert second.section(SectionName.SAGSFREMSTILLING).text == "Turistinformationen har 4.000 besøgende om året."


def test_a_paragraph_cut_after_kr_at_a_page_break_is_joined():
    """"3 mio. kr." ends no sentence when the next page goes on in lower case; "Godkendt." then a capital does."""
    text = HEAD + ("Punkt 1: Budget\n\nBeslutning\n\nUdvalget afsatte 3 mio. kr.\x0c\nSide 2\n\n"
                   "om året til vejene.\n\nMindretallet (Ø) stemte imod.\n")
    (p,) = parse_text(text, "budget.txt").punkter
    assert p.decision == "Udvalget afsatte 3 mio. kr. om året til vejene.\n\nMindretallet (Ø) stemte imod."


def test_words_hyphenated_at_a_lines_end_and_a_wrapped_title_in_a_text_export():
    text = HEAD + ("Punkt 1: Forslag til ny trafikplan for\nden indre by\n\n05.13.00-P22-72-26\n\nBeslutning\n\n"
                   "Udvalget godkendte trafik-\nplanen for Børne-\nog Ungeudvalget.\nNye IT-\nsystemer indkøbes.\n")
    (p,) = parse_text(text, "tmu.txt").punkter
    assert (p.title, p.journal.raw) == ("Forslag til ny trafikplan for den indre by", "05.13.00-P22-72-26")
    assert p.decision == "Udvalget godkendte trafikplanen for Børne- og Ungeudvalget.\nNye IT-systemer indkøbes."


def test_word_export_headings_numbered_in_capitals_or_with_a_tab():
    text = HEAD + ("Punkt 1: Vejbelysning\n\nResume\tLamperne skiftes til LED.\n\nBeslutning\tGodkendt for 2026.\n\n"
                   "Punkt 2: Søbadet\n\n1. Sagsfremstilling\n\nBadebroen er lukket.\n\n2) Beslutning\n\n"
                   "Ny badebro bygges.\n\nPunkt 3: Affald\n\nBESLUTNING\n\nUgentlig tømning.\n")
    got = [[(s.name, s.text) for s in p.sections] for p in parse_text(text, "tmu.txt").punkter]
    assert got == [[(SectionName.RESUME, "Lamperne skiftes til LED."), (SectionName.BESLUTNING, "Godkendt for 2026.")],
                   [(SectionName.SAGSFREMSTILLING, "Badebroen er lukket."), (SectionName.BESLUTNING, "Ny badebro bygges.")],
                   [(SectionName.BESLUTNING, "Ugentlig tømning.")]]


def test_absentees_signatures_and_a_further_agenda_are_no_part_of_a_decision():
    text = HEAD + ("Punkt 1: Normering\n\nBeslutning\n\nGodkendt.\n\nTillægsdagsorden\n\n"
                   "Punkt 2: Solsikken\n\nBeslutning\n\nBørnene flyttes.\n\nFraværende:\nLars Eg (V)\n\n"
                   "Underskriftsblad\n\nHelle Dam (A), formand\nMads Fog (O)\n\nMødet sluttede kl. 19:10\n")
    first, second = parse_text(text, "buu.txt").punkter
    assert (first.decision, second.decision) == ("Godkendt.", "Børnene flyttes.")
    assert [(s.heading, s.text) for s in second.sections[1:]] == [
        ("Fraværende", "Lars Eg (V)"), ("Underskriftsblad", "Helle Dam (A), formand\nMads Fog (O)"),
        ("Mødet sluttede kl. 19:10", "")]


def test_a_table_row_that_starts_with_a_heading_word_stays_text():
    text = HEAD + ("Punkt 1: Dagsorden\n\nSagsfremstilling\n\nSagstype\tOverskrift\tTid\n"
                   "Beslutning\tBudget\t09.00\n\nBeslutning\n\nGodkendt.\n")
    (p,) = parse_text(text, "cf.txt").punkter
    assert [s.name for s in p.sections] == [SectionName.SAGSFREMSTILLING, SectionName.BESLUTNING]
    assert p.decision == "Godkendt."


def test_the_committee_and_date_line_repeated_above_each_punkt_is_no_decision():
    text = ("Referat\nBørne- og Skoleudvalget\nMødedato: 03.02.2026\n\n"
            "Børne- og Skoleudvalget, 03.02.2026\nPunkt 1. Skoledistrikter\n\nBeslutning\nGodkendt.\n\n"
            "Børne- og Skoleudvalget, 03.02.2026\nPunkt 2. Lukketider\n\nBeslutning\nUdsat.\n")
    m = parse_text(text, "bsu.txt")
    assert (m.meeting.committee, [p.decision for p in m.punkter]) == ("Børne- og Skoleudvalget", ["Godkendt.", "Udsat."])


def test_minutes_copied_from_a_browser_lose_the_page_controls():
    text = ("Dagsordener og referater\nPrint\nDel\n\nPlan- og Boligudvalget\nReferat\nMødedato: 23. april 2026, kl. "
            "16:00\n\nUdskriv referat\nHent som PDF\n\n1. Lokalplan for Bakkehuse\nVis mere\n"
            "Sagsnummer: 01.02.05-P16-80-26\nBeslutning\nLokalplanen anbefales.\n\n2. Boligpolitik\nVis mere\n"
            "Beslutning\nSendes i høring.\n\nTil toppen\n© Lunde Kommune · Rådhustorvet 1\nCookiepolitik\n")
    m = parse_text(text, "browser.txt")
    assert (m.meeting.committee, m.meeting.date, m.meeting.start_time) == (
        "Plan- og Boligudvalget", dt.date(2026, 4, 23), dt.time(16, 0))
    assert [(p.number, p.journal and p.journal.raw, p.decision) for p in m.punkter] == [
        (1, "01.02.05-P16-80-26", "Lokalplanen anbefales."), (2, None, "Sendes i høring.")]


def test_a_short_decision_closing_two_pages_is_not_a_running_footer():
    text = ("REFERAT Erhvervsudvalget d. 07-10-2026\n\nPunkt 1: Strategi\n\nBeslutning\n\nGodkendt.\n"
            "\x0cPunkt 2: Turisme\n\nBeslutning\n\nGodkendt.\n\x0c")
    assert [p.decision for p in parse_text(text, "erhverv.txt", "sha").punkter] == ["Godkendt.", "Godkendt."]


@pytest.mark.parametrize("date_label,place_label", [("Mødedato", "Mødested"), ("Dato", "Sted")])
def test_meeting_labels_in_a_table_row_give_the_start_and_the_place(date_label, place_label):
    """A Word export or a web page's table writes "Mødested<tab>Rådhuset": the tab is the label's colon."""
    text = (f"REFERAT Teknik- og Miljøudvalget d. 10-03-2026\n\n{date_label}\tTirsdag d. 10. marts 2026 kl. 16:00\n"
            f"{place_label}\tRådhuset, mødelokale 4\n\nPunkt 1: Vejbelysning\n\nBeslutning\n\nGodkendt.\n")
    m = parse_text(text, "tmu.txt").meeting
    assert (m.start_time, m.location) == (dt.time(16, 0), "Rådhuset, mødelokale 4")


def test_sub_numbered_punkter_are_punkter_of_their_own():
    """"Punkt 3a" (added to the agenda late) and "Punkt 5.1"/"Punkt 5.2" (sub-punkter) each hold their own
    decision and journal number; until the suffix was read, "5.1" and "5.2" refused the file as punkt 5 twice
    and "3a" was the text of punkt 3, its decision taking 3's place."""
    text = HEAD + ("Punkt 3: Folkeoplysningspolitik\n18.15.00-A00-42-26\n\nBeslutning\n\nSendes i høring.\n\n"
                   "Punkt 3a: Høringssvar fra Idrætsrådet\n18.15.00-A00-43-26\n\nBeslutning\n\nHøringssvaret indarbejdes.\n\n"
                   "Pkt. 4B - Musikskolens takster\n\nBeslutning\n\nTaksten hæves.\n\n"
                   "Punkt 5.1: Biblioteket - åbningstider\n19.00.00-G01-46-26\n\nBeslutning\n\nÅbent fra kl. 7.\n\n"
                   "Punkt 5.2 - Biblioteket - bogbus\n19.00.00-G01-47-26\n\nBeslutning\n\nNyt stop ved skolen.\n\n"
                   "Punkt 6: Eventuelt\n\nBeslutning\n\nPunkt 1.2 i budgettet drøftet.\n")
    m = parse_text(text, "kfu.txt")
    assert [(p.number, p.suffix, p.label, p.title, p.journal and p.journal.raw, p.decision) for p in m.punkter] == [
        (3, "", "3", "Folkeoplysningspolitik", "18.15.00-A00-42-26", "Sendes i høring."),
        (3, "a", "3a", "Høringssvar fra Idrætsrådet", "18.15.00-A00-43-26", "Høringssvaret indarbejdes."),
        (4, "b", "4b", "Musikskolens takster", None, "Taksten hæves."),
        (5, ".1", "5.1", "Biblioteket - åbningstider", "19.00.00-G01-46-26", "Åbent fra kl. 7."),
        (5, ".2", "5.2", "Biblioteket - bogbus", "19.00.00-G01-47-26", "Nyt stop ved skolen."),
        (6, "", "6", "Eventuelt", None, "Punkt 1.2 i budgettet drøftet.")]
    assert [p.ref for p in m.punkter][3] == f"{m.meeting.date.isoformat()}#5.1"


@pytest.mark.parametrize("label", ["Jour.nr.", "Jour. nr.:", "jour.nr"])
def test_more_journal_labels_under_a_punkt_or_a_bare_numbered_header(label):
    """Probe round 5: "4. Lejeaftale" over "Jour.nr. 82.07.02-G00-5-26" was not a header (a bare numbered header
    must stand alone or have a journal label below), so punkt 3's title was quoted with punkt 4's decision; and
    under "Punkt 1:" the "Jour.nr." line was text, not the journal number."""
    bare = ("REFERAT Økonomiudvalget d. 09-06-2026\n\n1. Budget 2027\n\nBeslutning\nVedtaget.\n\n"
            f"2. Lejeaftale for Vestby Hallen\n{label} 82.07.02-G00-5-26\nDok.nr. 998877/26\n\n"
            "Beslutning\nLejeaftalen forlænges i fem år.\n")
    m = parse_text(bare, "ou.txt")
    assert [(p.number, p.title, p.journal and p.journal.raw, p.decision) for p in m.punkter] == [
        (1, "Budget 2027", None, "Vedtaget."),
        (2, "Lejeaftale for Vestby Hallen", "82.07.02-G00-5-26", "Lejeaftalen forlænges i fem år.")]
    (p,) = parse_text(HEAD + f"Punkt 1: Lejeaftale\n{label} 82.07.02-G00-191-26\n\nBeslutning\n\nForlænget.\n",
                      "ou.txt").punkter
    assert (p.journal.raw, [s.name for s in p.sections]) == ("82.07.02-G00-191-26", [SectionName.BESLUTNING])


def test_a_labelled_journal_number_ending_the_header_line_is_the_journal_number():
    """"Punkt 6: Vandløb (Sagsnr. 26/5678)": the number goes to the journal and out of the title; a title that
    only ends in a number keeps it, and a different number under the header wins (the title stays whole)."""
    text = HEAD + ("Punkt 5 Budget 2027 - Sagsnr. 26-001234\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 6: Vandløb (Sagsnr. 26/5678)\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 7: Skolereform - J.nr. 17.01.00-P20-41-26\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 8: Lokalplan 1234\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 9: Salg af grund (Jour.nr. 26/1111)\nSagsnr.: 26/2222\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 10: Ny sag 26/3333\n\nBeslutning\n\nGodkendt.\n")
    m = parse_text(text, "ou.txt")
    assert [(p.number, p.title, p.journal and p.journal.raw) for p in m.punkter] == [
        (5, "Budget 2027", "26-001234"), (6, "Vandløb", "26/5678"), (7, "Skolereform", "17.01.00-P20-41-26"),
        (8, "Lokalplan 1234", None), (9, "Salg af grund (Jour.nr. 26/1111)", "26/2222"), (10, "Ny sag 26/3333", None)]
    bare = parse_text("REFERAT Økonomiudvalget d. 09-06-2026\n\n1. Budget 2027 - første behandling (Sagsnr. 26/1234)"
                      "\n\nBeslutning\nVedtaget.\n\n2. Eventuelt\n\nBeslutning\nIntet.\n", "ou.txt").punkter[0]
    assert (bare.title, bare.journal.raw) == ("Budget 2027 - første behandling", "26/1234")


def test_punkt_headers_without_a_separator_after_the_number():
    """Probe round 5: "Punkt 5 Budget 2027 - Sagsnr. 26-001234" was no header, so its decision became the punkt
    above's, and a file written "Punkt 5 Budget 2027" throughout was refused."""
    text = HEAD + ("Punkt 4: Regnskab\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 5 Budget 2027\nSagsnr.: 00.30.00-S00-171-26\n\nBeslutning\n\nBudgettet godkendt.\n\n"
                   "Pkt. 6 Udbud af rengøring\n\nBeslutning\n\nSendes i udbud.\n\n"
                   "PUNKT 7 Eventuelt\n\nBeslutning\n\nIntet.\n")
    m = parse_text(text, "ou.txt")
    assert [(p.number, p.title, p.journal and p.journal.raw, p.decision) for p in m.punkter] == [
        (4, "Regnskab", None, "Godkendt."), (5, "Budget 2027", "00.30.00-S00-171-26", "Budgettet godkendt."),
        (6, "Udbud af rengøring", None, "Sendes i udbud."), (7, "Eventuelt", None, "Intet.")]
    only = parse_text(text.replace("Punkt 4: Regnskab", "Punkt 4 Regnskab"), "ou.txt")
    assert [(p.number, p.decision) for p in only.punkter] == [(4, "Godkendt."), (5, "Budgettet godkendt."),
                                                              (6, "Sendes i udbud."), (7, "Intet.")]


@pytest.mark.parametrize("line", [
    "punkt 5 Budget 2027",  # lower-case "punkt"
    "Punkt 5 og 6 behandles samlet",  # the title would start in lower case
    "Punkt 5 Budgettet blev vedtaget.",  # a sentence
    "Punkt 2 Tegningen",  # a number before the punkt it stands in
    "Punkt 9 Anlæg",  # a number after the next punkt's
    "Punkt 5 Budget\nog regnskab",  # text right below
    "Som nævnt under\nPunkt 5 Budget",  # text right above
    "Punkt 5\nSe bilag 2.",  # the number alone over a sentence, no title
    "Punkt 5 (se bilag 2) blev drøftet.",  # no separator after the brackets
    "Punkt 5 (jf. sagsfremstillingen og bilag 3): Se nedenfor",  # more than a qualifier in the brackets
    "Punkt 5 (tillæg) - udsat til næste møde",  # a dash and a lower-case word: a sentence
    "Punkt 5a og 5b behandles samlet",  # the title would start in lower case
    "Punkt 5a Budgettet blev vedtaget.",  # a sentence
    "Punkt 2a Tegningen",  # a number before the punkt it stands in
    "Punkt 9a Anlæg",  # a number after the next punkt's
    "Punkt 5a Budget\nog regnskab",  # text right below
    "Som nævnt under\nPunkt 5.1 Budget",  # text right above
])
def test_a_line_starting_punkt_and_a_number_in_the_text_stays_text(line):
    text = HEAD + (f"Punkt 4: Regnskab\n\nSagsfremstilling\n\n{line}\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 8: Eventuelt\n\nBeslutning\n\nIntet.\n")
    m = parse_text(text, "ou.txt")
    assert [p.label for p in m.punkter] == ["4", "8"]
    assert m.punkter[0].section(SectionName.SAGSFREMSTILLING).text == line
    assert m.punkter[0].decision == "Godkendt."


def test_number_first_and_number_alone_punkt_headers():
    """Probe round 5: "7. punkt: Titel" and "PUNKT 7" alone over its title were refused ("ingen punkter
    fundet"); a list item ("1. at ...", "3. punkt: at ...") in them stays text."""
    first = parse_text(HEAD + ("7. punkt: Lokaletilskud til spejderne\nSagsnr.: 18.14.00-Ø40-16-26\n\n"
                               "Indstilling\n\n1. at tilskuddet gives\n\n3. punkt: at sagen afsluttes\n\n"
                               "Beslutning\n\nTilskud givet.\n\n8. Punkt - Kunstgræsbane\n\nBeslutning\n\nUdsat.\n"),
                       "kfu.txt")
    assert [(p.number, p.title, p.journal and p.journal.raw, p.decision) for p in first.punkter] == [
        (7, "Lokaletilskud til spejderne", "18.14.00-Ø40-16-26", "Tilskud givet."), (8, "Kunstgræsbane", None, "Udsat.")]
    assert first.punkter[0].section(SectionName.INDSTILLING).text == "1. at tilskuddet gives\n\n3. punkt: at sagen afsluttes"
    alone = parse_text(HEAD + ("PUNKT 7\nJobpræmie til langtidsledige\nSagsnr.: 15.00.00-A00-21-26\n\n"
                               "Beslutning\n\nForsøget godkendt.\n\nPunkt 8:\nSommerjob til unge\n\n"
                               "Beslutning\n\nOrdningen godkendt.\n"), "bu.txt")
    assert [(p.number, p.title, p.journal and p.journal.raw, p.decision) for p in alone.punkter] == [
        (7, "Jobpræmie til langtidsledige", "15.00.00-A00-21-26", "Forsøget godkendt."),
        (8, "Sommerjob til unge", None, "Ordningen godkendt.")]
    assert all("Jobpræmie" not in s.text and "Sommerjob" not in s.text for p in alone.punkter for s in p.sections)


def test_bare_numbered_headers_may_start_after_1():
    m = parse_text(_numbered_minutes("{n}. ").replace("1. ", "5. ").replace("2. ", "6. ").replace("3. E", "7. E"),
                   "kfu.txt")
    assert [(p.number, p.title) for p in m.punkter] == [
        (5, "Godkendelse af dagsorden"), (6, "Tilskud til foreningshuset"), (7, "Eventuelt")]
    with pytest.raises(InputError):  # still one by one
        parse_text(_numbered_minutes("{n}. ").replace("1. ", "5. "), "kfu.txt")


def test_invisible_characters_from_a_web_page_are_removed():
    """Probe round 5: a zero-width space after the journal number refused the file ("ugyldigt journalnummer"),
    and "rygestop\\u00adkursus" (a soft hyphen) was not found by "rygestopkursus". A non-breaking space reads as
    a space in the header and the label."""
    text = ("Referat af møde i Sundhedsudvalget\u00a0\nDato:\u00a017.\u00a0juni 2026\n\n"
            "Punkt\u00a01: Fore\u00adbyggende hjemme\u00adbesøg\nSagsnr.:\u00a029.00.00-P22-61-26\u200b\n\n"
            "Beslutning:\nTilbud om gratis rygestop\u00adkursus\u200c til 80-årige\u2060 og \ufeffderes trafik\u00ad\n"
            "planer.\u200d\n")
    m = parse_text(text, "web.txt")
    (p,) = m.punkter
    assert (m.meeting.committee, m.meeting.date) == ("Sundhedsudvalget", dt.date(2026, 6, 17))
    assert (p.title, p.journal.raw) == ("Forebyggende hjemmebesøg", "29.00.00-P22-61-26")
    assert p.decision == "Tilbud om gratis rygestopkursus til 80-årige og deres trafikplaner."


def test_a_parenthesised_qualifier_between_the_number_and_the_separator():
    """"Punkt 4 (tillæg): Titel", "Punkt 4a (Tillægspunkt) - Titel", "Pkt. 12 (lukket): Titel" were no headers: each
    punkt's text and decision went to the punkt above. The qualifier is no part of the title a user searches for;
    it stays in the raw title, where a closed one ("(lukket)", "(L)", "(ikke offentlig)") closes the punkt."""
    text = HEAD + ("Punkt 3: Regnskab\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 4 (tillæg): Vejbelysning i Nordby\nSagsnr.: 05.01.00-G01-3-26\n\nBeslutning\n\n"
                   "Lamperne skiftes.\n\n"
                   "Punkt 4a (Tillægspunkt) - Cykelsti langs Strandvejen\n\nBeslutning\n\nAnlægges i 2027.\n\n"
                   "Punkt 5 (2. behandling). Budget 2027\n\nBeslutning\n\nVedtaget.\n\n"
                   "Pkt. 12 (lukket): Køb af ejendom\n\nBeslutning\n\nKøbet af Bygade 4 godkendt.\n\n"
                   "Sag nr. 13 (L) - Salg af grund\n\nBeslutning\n\nGrunden sælges til Hansen.\n\n"
                   "Punkt 14 (ikke offentlig): Personalesag\n\nBeslutning\n\nAnsættelsen godkendt.\n\n"
                   "Punkt 15 (orientering): Eventuelt\n\nBeslutning\n\nIntet.\n")
    m = parse_text(text, "ou.txt")
    assert [(p.label, p.title, p.journal and p.journal.raw, p.closed, p.decision) for p in m.punkter] == [
        ("3", "Regnskab", None, False, "Godkendt."),
        ("4", "Vejbelysning i Nordby", "05.01.00-G01-3-26", False, "Lamperne skiftes."),
        ("4a", "Cykelsti langs Strandvejen", None, False, "Anlægges i 2027."),
        ("5", "Budget 2027", None, False, "Vedtaget."),
        ("12", "Køb af ejendom", None, True, None),
        ("13", "Salg af grund", None, True, None),
        ("14", "Personalesag", None, True, None),
        ("15", "Eventuelt", None, False, "Intet.")]
    assert [p.raw_title for p in m.punkter][1:3] == ["(tillæg) Vejbelysning i Nordby",
                                                     "(Tillægspunkt) Cykelsti langs Strandvejen"]
    shown = " ".join(s.text for p in m.punkter for s in p.sections)
    assert not any(word in shown for word in ("Bygade", "Hansen", "Ansættelsen"))  # no closed punkt's text


def test_a_qualifier_after_number_first_headers():
    """"7. punkt (tillæg): Titel" and "8. punkt (lukket): Titel" were no headers: their text went to the punkt
    above, a closed one's too."""
    m = parse_text(HEAD + ("6. punkt: Regnskab\n\nBeslutning\n\nGodkendt.\n\n"
                           "7. punkt (tillæg): Lokaletilskud til spejderne\n\nBeslutning\n\nTilskud givet.\n\n"
                           "8. punkt (lukket) - Salg af grund\n\nBeslutning\n\nGrunden sælges til Hansen.\n"),
                   "kfu.txt")
    assert [(p.label, p.title, p.raw_title, p.closed, p.decision) for p in m.punkter] == [
        ("6", "Regnskab", "Regnskab", False, "Godkendt."),
        ("7", "Lokaletilskud til spejderne", "(tillæg) Lokaletilskud til spejderne", False, "Tilskud givet."),
        ("8", "Salg af grund", "(lukket) Salg af grund", True, None)]
    assert not any("Hansen" in s.text for p in m.punkter for s in p.sections)


def test_a_suffix_glued_to_the_number_without_a_separator():
    """"Punkt 3a Høringssvar" (no separator after "3a") was no header under either rule: its decision became
    punkt 3's. It is read under the rule for "Punkt 5 Budget", in order between the headers around it."""
    text = HEAD + ("Punkt 3: Folkeoplysningspolitik\n\nBeslutning\n\nSendes i høring.\n\n"
                   "Punkt 3a Høringssvar fra Idrætsrådet\nSagsnr.: 18.15.00-A00-43-26\n\nBeslutning\n\n"
                   "Høringssvaret indarbejdes.\n\n"
                   "PUNKT 3B Musikskolens takster\n\nBeslutning\n\nTaksten hæves.\n\n"
                   "Pkt. 5.1 Biblioteket - åbningstider\n\nBeslutning\n\nÅbent fra kl. 7.\n\n"
                   "Pkt. 5.2\nBiblioteket - bogbus\n\nBeslutning\n\nNyt stop ved skolen.\n\n"
                   "Punkt 6: Eventuelt\n\nBeslutning\n\nIntet.\n")
    m = parse_text(text, "kfu.txt")
    assert [(p.label, p.title, p.journal and p.journal.raw, p.decision) for p in m.punkter] == [
        ("3", "Folkeoplysningspolitik", None, "Sendes i høring."),
        ("3a", "Høringssvar fra Idrætsrådet", "18.15.00-A00-43-26", "Høringssvaret indarbejdes."),
        ("3b", "Musikskolens takster", None, "Taksten hæves."),
        ("5.1", "Biblioteket - åbningstider", None, "Åbent fra kl. 7."),
        ("5.2", "Biblioteket - bogbus", None, "Nyt stop ved skolen."),
        ("6", "Eventuelt", None, "Intet.")]
    spaced = parse_text(text.replace("Punkt 3: ", "Punkt 3 ").replace("Punkt 6: ", "Punkt 6 "), "kfu.txt")
    assert [p.label for p in spaced.punkter] == ["3", "3a", "3b", "5.1", "5.2", "6"]
    again = parse_text(text.replace("PUNKT 3B", "Punkt 3a"), "kfu.txt")  # not after the "3a" above: its text
    assert [p.label for p in again.punkter] == ["3", "3a", "5.1", "5.2", "6"]


def test_a_qualifier_in_a_header_without_a_separator():
    """"Punkt 4 (tillæg) Titel" and "PUNKT 12 (LUKKET)" over its title: the spaced forms take the qualifier too, so
    a closed punkt written so is closed and its text is never read into the punkt above."""
    text = HEAD + ("Punkt 3: Regnskab\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 4 (tillæg) Vejbelysning i Nordby\n\nBeslutning\n\nLamperne skiftes.\n\n"
                   "PUNKT 12 (LUKKET)\nKøb af ejendom\n\nBeslutning\n\nKøbet af Bygade 4 godkendt.\n\n"
                   "Punkt 13a (lukket) Salg af grund\n\nBeslutning\n\nGrunden sælges til Hansen.\n\n"
                   "Punkt 14: Eventuelt\n\nBeslutning\n\nIntet.\n")
    m = parse_text(text, "ou.txt")
    assert [(p.label, p.title, p.closed, p.decision) for p in m.punkter] == [
        ("3", "Regnskab", False, "Godkendt."), ("4", "Vejbelysning i Nordby", False, "Lamperne skiftes."),
        ("12", "Køb af ejendom", True, None), ("13a", "Salg af grund", True, None), ("14", "Eventuelt", False, "Intet.")]
    shown = " ".join(s.text for p in m.punkter for s in p.sections)
    assert "Bygade" not in shown and "Hansen" not in shown


def test_a_square_bracketed_qualifier_reads_like_a_round_one():
    """"Punkt 4 [tillæg]: Titel", "Pkt. 12 [Lukket] Titel" were no headers: their text and decision went to the punkt
    above, a closed one's too. Square brackets hold a qualifier as round ones do (at most three words, a letter
    among them); the raw title keeps it as written, so "[Lukket]" closes the punkt."""
    text = HEAD + ("Punkt 3: Regnskab\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 4 [tillæg]: Vejbelysning i Nordby\n\nBeslutning\n\nLamperne skiftes.\n\n"
                   "Punkt 5a [2. behandling] - Budget 2027\n\nBeslutning\n\nVedtaget.\n\n"
                   "7. punkt [tillæg]: Lokaletilskud\n\nBeslutning\n\nTilskud givet.\n\n"
                   "Pkt. 12 [Lukket] Køb af ejendom\n\nBeslutning\n\nKøbet af Bygade 4 godkendt.\n\n"
                   "PUNKT 13 [LUKKET]\nSalg af grund\n\nBeslutning\n\nGrunden sælges til Hansen.\n\n"
                   "Sag nr. 14 [L] - Personalesag\n\nBeslutning\n\nAnsættelsen godkendt.\n\n"
                   "Punkt 15: Eventuelt\n\nBeslutning\n\nIntet.\n")
    m = parse_text(text, "ou.txt")
    assert [(p.label, p.title, p.raw_title, p.closed, p.decision) for p in m.punkter] == [
        ("3", "Regnskab", "Regnskab", False, "Godkendt."),
        ("4", "Vejbelysning i Nordby", "[tillæg] Vejbelysning i Nordby", False, "Lamperne skiftes."),
        ("5a", "Budget 2027", "[2. behandling] Budget 2027", False, "Vedtaget."),
        ("7", "Lokaletilskud", "[tillæg] Lokaletilskud", False, "Tilskud givet."),
        ("12", "Køb af ejendom", "[Lukket] Køb af ejendom", True, None),
        ("13", "Salg af grund", "[LUKKET] Salg af grund", True, None),
        ("14", "Personalesag", "[L] Personalesag", True, None),
        ("15", "Eventuelt", "Eventuelt", False, "Intet.")]
    shown = " ".join(s.text for p in m.punkter for s in p.sections)
    assert not any(word in shown for word in ("Bygade", "Hansen", "Ansættelsen"))


@pytest.mark.parametrize("line", [
    "Punkt 5 [se bilag 2] blev drøftet.",  # no separator after the brackets
    "Punkt 5 [jf. sagsfremstillingen og bilag 3]: Se nedenfor",  # more than a qualifier in the brackets
    "Punkt 5 [9.00-9.15]: Budget",  # no letter: a time slot, not a qualifier
    "Punkt 5 (tillæg]: Budget",  # brackets that do not pair
    "Punkt 5 [tillæg] - udsat til næste møde",  # a dash and a lower-case word: a sentence
])
def test_a_square_bracket_after_punkt_and_a_number_in_the_text_stays_text(line):
    text = HEAD + (f"Punkt 4: Regnskab\n\nSagsfremstilling\n\n{line}\n\nBeslutning\n\nGodkendt.\n\n"
                   "Punkt 8: Eventuelt\n\nBeslutning\n\nIntet.\n")
    m = parse_text(text, "ou.txt")
    assert [p.label for p in m.punkter] == ["4", "8"]
    assert m.punkter[0].section(SectionName.SAGSFREMSTILLING).text == line
