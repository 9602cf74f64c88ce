"""FirstAgenda publication-API JSON: the real Greve dump (../shared) parses and ingests; bad input is named.

Expected values below were read from the raw JSON files, not copied from parser output.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import tarfile
import time
from pathlib import Path

import pytest

from embeddings.errors import InputError
from embeddings.ingest.html_text import html_to_text
from embeddings.ingest.files import ingest_paths
from embeddings.minutes import Minutes, SectionName
from embeddings.ingest.firstagenda import parse_firstagenda_json, section_heading
from embeddings.store import Store
from bot.core import messages

from conftest import SHARED

TARBALL = SHARED / "corpus" / "greve" / "firstagenda-greve-raw-json.tar.gz"
B, O, R, I, S, H, BI = (SectionName.BESLUTNING, SectionName.OTHER, SectionName.RESUME, SectionName.INDSTILLING,
                        SectionName.SAGSFREMSTILLING, SectionName.HISTORIK, SectionName.BILAG)


@pytest.fixture(scope="session")
def greve_dir(tmp_path_factory) -> Path:
    """The dump unpacked once per session into a temp dir (never into the project)."""
    if not TARBALL.is_file():
        pytest.skip("../shared/corpus/greve is not beside the project")
    target = tmp_path_factory.mktemp("greve")
    with tarfile.open(TARBALL) as tar:
        tar.extractall(target, filter="data")
    return target / "raw_json"


@pytest.fixture(scope="session")
def greve(greve_dir) -> dict[str, Minutes]:
    """File name -> parsed Minutes for all files."""
    out = {}
    start = time.perf_counter()
    for f in sorted(greve_dir.glob("*.json")):
        data = f.read_bytes()
        out[f.name] = parse_firstagenda_json(data, str(f), hashlib.sha256(data).hexdigest())
    print(f"\nparsed {len(out)} Greve files in {time.perf_counter() - start:.1f} s")
    return out


def parse(data: bytes, path: str = "møde.json") -> Minutes:
    return parse_firstagenda_json(data, path, hashlib.sha256(data).hexdigest())


def punkt(greve: dict[str, Minutes], prefix: str, number: int):
    (name,) = [n for n in greve if n.startswith(prefix)]
    (p,) = [p for p in greve[name].punkter if p.number == number]
    return p


def shape(p) -> list[tuple[SectionName, str]]:
    return [(s.name, s.heading) for s in p.sections]


# --- the whole dump -------------------------------------------------------------------------------------


def test_every_file_parses(greve, greve_dir):
    assert len(greve) == 373
    assert sum(len(m.punkter) for m in greve.values()) == 5553
    for name, m in greve.items():
        assert m.meeting.source_path == str(greve_dir / name)
        assert m.meeting.source_sha256 == hashlib.sha256((greve_dir / name).read_bytes()).hexdigest()
    punkter = [p for m in greve.values() for p in m.punkter]
    # IsOpen is false everywhere in the dump, so it is not the closed flag: the "Lukket:" title prefix is.
    closed = [p for p in punkter if p.closed]
    assert len(closed) == 385 and all(p.raw_title.startswith("Lukket:") and not p.sections for p in closed)
    assert all(p.journal is None or not p.journal.is_kle for p in punkter)  # Greve's "22-000015" scheme
    # 4,866 <h3>Beslutning</h3> (none empty) + 8 decisions written before any heading ("xsltFirstParagraph"),
    # counted in the raw HTML; the 385 closed punkter keep no text.
    assert sum(p.decision is not None for p in punkter) == 4874


def test_section_text_is_clean(greve):
    for m in greve.values():
        for p in m.punkter:
            for s in p.sections:
                assert s.text and s.text == s.text.strip(), (p.ref, s.heading)
                assert "\n\n\n" not in s.text and "\xa0" not in s.text and "&nbsp;" not in s.text
                assert "<" not in s.text or "</" not in s.text, (p.ref, s.heading)  # no markup left behind


# --- pinned punkter -------------------------------------------------------------------------------------


def test_split_heading_and_whole_punkt(greve):
    # <h3><b>I</b>ndstilling</h3>: a heading split by markup is still Indstilling.
    p = punkt(greve, "Beskæftigelses-_og_Erhvervsudvalget_2022-01-10T08", 1)
    m = p.meeting
    assert (m.committee, m.date, m.start_time, m.location) == (
        "Beskæftigelses- og Erhvervsudvalget", dt.date(2022, 1, 10), dt.time(8, 0), "Mødelokale 1")
    assert m.participants == ("Anne Marie Lyduch", "Per Lund Sørensen", "Lone Mortensen", "Charlotte Levin",
                              "Maria Witthøft")
    assert (p.raw_title, p.title, p.journal.raw) == ("Godkendelse af dagsorden", "Godkendelse af dagsorden",
                                                     "21-014448")
    assert [(s.name, s.heading, s.text) for s in p.sections] == [
        (B, "Beslutning", "Godkendt."),
        (O, "Sagsprocedure", "Beskæftigelses- og Erhvervsudvalget."),
        (R, "Resume", "Godkendelse af dagsorden for mødet den 10. januar 2022."),
        (I, "Indstilling", "Center for Politik, Organisation & Borgerbetjening indstiller, at dagsordenen godkendes."),
        (H, "Sagens forløb", "10-01-2022 Beskæftigelses- og Erhvervsudvalget 2022\nBeslutning ikke frigivet"),
    ]


def test_decision_first_with_lists_and_bilag(greve):
    # Beslutning is written before Fremstilling, whose sections are h4: order kept as written.
    p = punkt(greve, "Klima-__Teknik-_og_Miljøudvalget_2023-08-17T08", 3)
    assert (p.meeting.committee, p.meeting.date) == ("Klima-, Teknik- og Miljøudvalget", dt.date(2023, 8, 17))
    assert (p.title, p.journal.raw) == ("Direkte genbrug på MiljøCenter Greve", "23-007349")
    assert shape(p) == [(B, "Beslutning"), (O, "Sagsprocedure"), (R, "Resume"), (I, "Indstilling"),
                        (S, "Sagsbeskrivelse"), (O, "Lovgrundlag"), (O, "Økonomiske konsekvenser"),
                        (O, "Kommunikation"), (O, "Tidsplan"), (BI, "Bilag")]
    assert p.decision.startswith("Anbefales, idet udvalget ønsker, at KLAR Forsyning, Greve Renovation A/S "
                                 "fremadrettet arbejder med at holde gebyrerne i ro")
    assert ("medføre, at\n\n- genbrugspladsgebyret i 2024 for husstande skal forhøjes med 109 kr. inkl. moms,\n"
            "- 699,20 kr. ekskl. moms i årsabonnement") in p.section(S).text
    assert p.section(BI).text == "Bilag 1 - Notat om direkte genbrug på MiljøCenter Greve"


def test_numbered_list_and_afbud_lines(greve):
    p = punkt(greve, "Byråd_2022-2025_2025-09-08T17_30", 24)
    m = p.meeting
    assert (m.committee, m.date, m.start_time, m.location) == (
        "Byråd 2022-2025", dt.date(2025, 9, 8), dt.time(17, 30), "Byrådssalen")
    assert len(m.participants) == 19 and "Per Lund Sørensen" not in m.participants  # 21 minus 2 afbud
    assert (p.title, p.journal.raw) == ("Likvidation af PV Greve A/S", "24-005701")
    assert p.decision == ("Byrådet godkendte Økonomiudvalgets indstilling.\n\n"
                          "Afbud: Per Lund Sørensen, Conni Bergendorff\nFraværende: John T. Olsen")
    assert p.section(I).text == (
        "Administrationen indstiller,\n\n"
        "1. at indtægtsbevilling på 1,330 mio. kr. i 2025 for provenu fra likvidation af PV Greve A/S godkendes,\n"
        "2. at tilgang til kassen af de frigjorte midler godkendes og\n"
        "3. at orientering om Greve Kommunes anmeldte krav tages til efterretning")


def test_lukket_punkt_keeps_only_title_date_and_journal(greve):
    p = punkt(greve, "Byråd_2022-2025_2022-01-31T19", 4)
    assert (p.raw_title, p.title, p.journal.raw, p.closed) == ("Lukket: Orientering", "Orientering", "21-013720",
                                                               True)
    assert p.sections == () and p.decision is None  # the raw JSON has "Borgmesteren orienterede om ..."


def test_text_before_first_heading(greve):
    # The Felt starts with the title repeated as bare text, then the decision, then h2 sections.
    p = punkt(greve, "Beskæftigelses-_og_Erhvervsudvalget_2023-01-09T08", 1)
    assert [(s.name, s.heading, s.text) for s in p.sections[:2]] == [
        (B, "Beslutning", "Godkendt."), (O, "Sagsprocedure", "Beskæftigelses- og Erhvervsudvalget.")]
    assert "Godkendelse af dagsorden" not in [s.text for s in p.sections]


def test_suspended_hyphen_is_not_a_committee_prefix(greve):
    # clean_title would read "APV- " like "CF - " and drop it.
    p = punkt(greve, "Økonomiudvalget_2024-08-28T08", 7)
    assert (p.title, p.journal.raw) == ("APV- og Trivselsundersøgelsens resultater 2024", "23-006980")


def test_empty_items_are_kept(greve):
    # The question/answer "meetings" have one punkt with an empty Felt and only attachments.
    m = greve[next(n for n in greve if n.startswith("_Svar_til_Byrådet_2022-2025_2022-01-01"))]
    assert (m.meeting.committee, m.meeting.participants) == (".Spørgsmål / Svar til Byrådet 2022-2025", ())
    (p,) = m.punkter
    assert (p.number, p.title, p.decision) == (1, "Spørgsmål/Svar Byrådet 2022", None)
    assert [s.name for s in p.sections] == [BI]
    assert p.section(BI).text.startswith("Spørgsmål /svar vedr. Boligselskabet Sjælland /DVB\n")


# --- headings and HTML ---------------------------------------------------------------------------------


@pytest.mark.parametrize("heading, expected", [
    ("I ndstilling", (I, "Indstilling")),
    ("Økonomiske\nkonsekvense r", (O, "Økonomiske konsekvenser")),
    ("Økonomiske  konsekvenser\xa0", (O, "Økonomiske konsekvenser")),
    ("Sagsprocedure[", (O, "Sagsprocedure")),
    ("Lovgrunlag", (O, "Lovgrundlag")),
    ("Sagens forløb", (H, "Sagens forløb")),
    ("Supplerende sagsfremstilling", (S, "Supplerende sagsfremstilling")),
    ("Resumé:", (R, "Resumé")),
    ("Nye ruter", None),
    ("Der er ikke høringspligt i denne sag.", None),
    ("Udvalgets beslutning", (B, "Udvalgets beslutning")),
    ("Byrådets beslutning", (B, "Byrådets beslutning")),
    ("Afgørelse", (B, "Afgørelse")),
    ("Beslutning.", (B, "Beslutning")),
    ("Indstilling fra direktionen", (I, "Indstilling fra direktionen")),
    ("Forvaltningens indstilling:", (I, "Forvaltningens indstilling")),
    ("Økonomiske Konsekvenser", (O, "Økonomiske konsekvenser")),
    ("Bevillingsmæssige konsekvenser", (O, "Bevillingsmæssige konsekvenser")),
    ("Høring", (O, "Høring")),
    ("Afgørelsen blev truffet af udvalget.", None),
])
def test_section_heading(heading, expected):
    assert section_heading(heading) == expected


@pytest.mark.parametrize("heading, name", [
    ("Udvalgets beslutning", B), ("Byrådets beslutning", B), ("Afgørelse", B), ("Beslutning.", B),
    ("Indstilling fra direktionen", I), ("Forvaltningens indstilling", I),
    ("Økonomiske konsekvenser", O), ("Bevillingsmæssige konsekvenser", O), ("Høring", O),
])
def test_common_headings_inside_a_field_start_their_own_section(heading, name):
    """As in the probe's Trivselsmåling punkt: ``<h3>Udvalgets beslutning</h3>`` after the Indstilling inside one
    field starts the decision instead of being glued into the Indstilling."""
    html = (f"<h3>Resume</h3><p>Trivslen er steget.</p><h3>Indstilling</h3><p>Forvaltningen indstiller.</p>"
            f"<h3>{heading}</h3><p>Målingen blev taget til efterretning.</p>")
    (p,) = parse(_plain([{"Navn": "", "Html": f"<div>{html}</div>"}], navn="Trivselsmåling 2026")).punkter
    assert [(s.name, s.heading, s.text) for s in p.sections] == [
        (R, "Resume", "Trivslen er steget."), (I, "Indstilling", "Forvaltningen indstiller."),
        (name, heading.rstrip("."), "Målingen blev taget til efterretning.")]


def test_oekonomi_inside_a_sagsbeskrivelse_stays_there():
    """In the Greve dump "Økonomi" is a sub-heading of the Sagsbeskrivelse (20 punkter), not a template section."""
    html = ("<h3>Sagsbeskrivelse</h3><p>Planen revideres.</p><p><strong>Økonomi</strong></p><p>Budget og regnskab.</p>"
            "<h3>Økonomiske Konsekvenser</h3><p>Ingen.</p>")
    (p,) = parse(_plain([{"Navn": "", "Html": html}], navn="Delegationsplan")).punkter
    assert [(s.name, s.heading, s.text) for s in p.sections] == [
        (S, "Sagsbeskrivelse", "Planen revideres.\n\nØkonomi\n\nBudget og regnskab."),
        (O, "Økonomiske konsekvenser", "Ingen.")]


@pytest.mark.parametrize("html", [
    "<p><strong>Sagsfremstilling</strong></p><p>Der er fundet PFAS.</p><p><strong>Indstilling</strong></p>"
    "<p>Forvaltningen indstiller afspærring.</p><p><strong>Beslutning</strong></p>"
    "<p>Udvalget afspærrede området.</p>",
    "<p><b>Sagsfremstilling:</b></p><p>Der er fundet PFAS.</p><p><b>Indstilling:</b></p>"
    "<p>Forvaltningen indstiller afspærring.</p><p><b>Beslutning:</b></p><p>Udvalget afspærrede området.</p>",
    "<p><strong>Sagsfremstilling</strong><br>Der er fundet PFAS.</p><p><strong>Indstilling</strong><br>"
    "Forvaltningen indstiller afspærring.</p><p><strong>Beslutning</strong><br>Udvalget afspærrede området.</p>",
    "<p><strong>Sagsfremstilling</strong></p><p>Der er fundet PFAS.</p><p><strong>Indstilling:</strong> "
    "Forvaltningen indstiller afspærring.</p><p><strong>Beslutning</strong>: Udvalget afspærrede området.</p>",
])
def test_headings_set_in_bold_start_their_sections(html):
    """A Felt with no h1-h6 headings that sets its section headings in bold: the case text is not quoted as the
    decision, each heading starts its own section."""
    (p,) = parse(_plain([{"Navn": "", "Html": f"<div>{html}</div>"}], navn="PFAS")).punkter
    assert [(s.name, s.heading, s.text) for s in p.sections] == [
        (S, "Sagsfremstilling", "Der er fundet PFAS."), (I, "Indstilling", "Forvaltningen indstiller afspærring."),
        (B, "Beslutning", "Udvalget afspærrede området.")]
    assert p.decision == "Udvalget afspærrede området."


def test_a_heading_and_its_text_as_a_two_cell_table_row():
    html = ("<h4>Sagsfremstilling</h4><p>Der er søgt om vindmøller.</p><table><tbody><tr><td><strong>Beslutning"
            "</strong></td><td>Udvalget sagde nej.</td></tr><tr><td><strong>Fraværende</strong></td><td>Lars Bo (V)"
            "</td></tr></tbody></table>")
    (p,) = parse(_plain([{"Navn": "", "Html": html}], navn="Vindmøller")).punkter
    assert [(s.name, s.heading, s.text) for s in p.sections] == [
        (S, "Sagsfremstilling", "Der er søgt om vindmøller."),
        (B, "Beslutning", "Udvalget sagde nej.\nFraværende | Lars Bo (V)")]


def test_bold_text_that_is_no_heading_stays_text():
    """Bold sentences, a bold word without a colon, a table's bold header row, and (as in Greve) a bold
    sub-heading on the first line of a paragraph under a real heading are text of their section."""
    html = ("<h4>Sagsbeskrivelse</h4><p><em><strong>Baggrund</strong></em><br>Klubben er for lille.</p>"
            "<p><strong>Vigtigt: fristen er 1. marts.</strong></p><p><b>Høring</b> af naboerne sker i marts.</p>"
            "<table><tr><td><b>Tidsplan</b></td><td><b>Aktivitet</b></td></tr><tr><td>Maj</td><td>Byggeri</td></tr>"
            "</table><h4>Beslutning</h4><p>Godkendt.</p>")
    (p,) = parse(_plain([{"Navn": "", "Html": html}], navn="Klub")).punkter
    assert [(s.name, s.heading, s.text) for s in p.sections] == [
        (S, "Sagsbeskrivelse", "Baggrund\nKlubben er for lille.\n\nVigtigt: fristen er 1. marts.\n\n"
                               "Høring af naboerne sker i marts.\n\nTidsplan | Aktivitet\nMaj | Byggeri"),
        (B, "Beslutning", "Godkendt.")]


def test_html_to_text():
    html = ("<div><p>Forslaget&nbsp;om <b>I</b>ndstilling\n koster 5&aring;r</p><p>&nbsp;</p>"
            "<ul><li>en</li><li><p>to</p><ul><li>under</li></ul></li></ul>"
            "<ol start='3'><li>tre</li></ol>linje<br>næste<br><br>nyt afsnit<del>slettet</del>"
            "<table><tr><td><div>A</div></td><td>1.000</td></tr><tr><td></td></tr></table>"
            "<style>p {color: red}</style>bl\u00adød\u200b</div>")
    assert html_to_text(html) == ("Forslaget om Indstilling koster 5år\n\n- en\n- to\n  - under\n\n3. tre\n\n"
                                  "linje\nnæste\n\nnyt afsnit\n\nA | 1.000\n\nblød")


def _doc(body: str, heading: str) -> bytes:
    return json.dumps({
        "Udvalg": {"Navn": "Økonomiudvalget"},
        "Moede": {"Dato": "2024-09-11T09:00:00+02:00", "Sted": None, "Moededeltagere": None},
        "Dagsordenpunkter": [{"Punktnummer": 4, "Navn": "Telefontider", "SagsNummer": "24-000123",
                              "Felter": [{"Navn": "", "Html": f"<h3>{heading}</h3>{body}"}], "Bilag": None}],
    }).encode()


def test_whitespace_split_heading_in_a_small_document():
    (p,) = parse(_doc("<p>Godkendt.</p><h3>Sagsprocedure</h3><p>ØU.</p>", "I ndstilling\n")).punkter
    assert [(s.name, s.heading, s.text) for s in p.sections] == [
        (I, "Indstilling", "Godkendt."), (O, "Sagsprocedure", "ØU.")]
    assert (p.meeting.location, p.meeting.participants, p.journal.raw) == (None, (), "24-000123")



def _plain(felter: list[dict], navn: str = "Eventuelt", sted: str | None = None) -> bytes:
    return json.dumps({
        "Udvalg": {"Navn": "Kultur- og Fritidsudvalget"},
        "Moede": {"Dato": "2025-03-04T16:00:00+01:00", "Sted": sted},
        "Dagsordenpunkter": [{"Punktnummer": "6", "Navn": navn, "Felter": felter}],
    }).encode()


@pytest.mark.parametrize("felter, expected", [
    ([{"Html": None, "Tekst": "Beslutning\n\nIntet at bemærke."}], "Intet at bemærke."),
    ([{"Html": None, "Tekst": "beslutning:\n\nGodkendt."}], "Godkendt."),
    ([{"Html": None, "Tekst": "Beslutning\nGodkendt."}], "Godkendt."),
    ([{"Navn": "Beslutning", "Html": None, "Tekst": "BESLUTNING\n\nGodkendt.\n\nMed to afsnit."}],
     "Godkendt.\n\nMed to afsnit."),
    ([{"Navn": "Beslutning", "Html": "<p>Beslutning:<br>Godkendt.</p>"}], "Godkendt."),
])
def test_a_plain_text_field_does_not_repeat_its_heading(felter, expected):
    """FirstAgenda's plain ``Tekst`` (Html null) starts with the section's own heading: not part of the text."""
    (p,) = parse(_plain(felter)).punkter
    assert p.decision == expected
    assert [(s.name, s.heading) for s in p.sections] == [(B, "Beslutning")]


@pytest.mark.parametrize("tekst", ["Beslutningen blev udsat.", "Beslutning om lokaletilskud\n\nGodkendt.",
                                   "Indstilling\n\nGodkendt."])
def test_a_first_line_that_is_not_the_sections_own_heading_stays(tekst):
    (p,) = parse(_plain([{"Html": None, "Tekst": tekst}])).punkter
    assert p.decision == tekst


def test_html_entities_in_plain_title_and_location_are_decoded():
    """Navn and Sted are plain text, but FirstAgenda sometimes fills them HTML-escaped."""
    m = parse(_plain([{"Html": "<p>Godkendt.</p>"}], navn="Lokaletilskud til foreninger &amp; klubber",
                     sted="Kulturhuset &amp; Caf&eacute;"))
    assert (m.punkter[0].raw_title, m.punkter[0].title) == ("Lokaletilskud til foreninger & klubber",) * 2
    assert m.meeting.location == "Kulturhuset & Café"
    m = parse(_plain([{"Html": "<p>Godkendt.</p>"}], navn="Q&A og R&D-midler", sted="Sal A&B"))
    assert (m.punkter[0].raw_title, m.meeting.location) == ("Q&A og R&D-midler", "Sal A&B")
    with pytest.raises(InputError) as e:
        parse(_plain([], navn="&nbsp;", sted="&nbsp;"), "blank.json")
    assert messages.user_message(e.value).endswith("Dagsordenpunkter[0].Navn er tom")

# --- bad input ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def small_doc(greve_dir) -> dict:
    """The smallest real file of the dump, decoded."""
    smallest = min(greve_dir.glob("*.json"), key=lambda f: f.stat().st_size)
    return json.loads(smallest.read_bytes())


def errors_for(doc: object) -> InputError:
    with pytest.raises(InputError) as e:
        parse(json.dumps(doc).encode(), "greve/møde.json")
    assert messages.user_message(e.value).startswith("greve/møde.json")
    return e.value


def test_invalid_json_names_file_line_and_column(greve_dir):
    with pytest.raises(InputError) as e:
        parse('{"Udvalg": {"Navn": "ØU"},\n  "Moede": }'.encode(), "greve/møde.json")
    assert (e.value.code, messages.user_message(e.value)) == (
        "json_invalid", "greve/møde.json: ugyldig JSON: linje 2, kolonne 12 (forventede en værdi)")
    data = next(greve_dir.glob("*.json")).read_bytes()
    with pytest.raises(InputError) as e:
        parse(data[: len(data) // 2], "greve/afkortet.json")
    assert e.value.code == "json_invalid"
    assert messages.user_message(e.value).startswith("greve/afkortet.json: ugyldig JSON: linje")
    with pytest.raises(InputError) as e:
        parse('{"Udvalg": {"Navn": "æ"}}'.encode("cp1252"), "cp1252.json")
    assert messages.user_message(e.value) == "cp1252.json: ugyldig JSON: filen er ikke UTF-8 (byte 21)"



@pytest.mark.parametrize("text, expected", [
    ('{"Udvalg": {"Navn": "Kultur', "linje 1, kolonne 21 (en tekst i anførselstegn slutter ikke; filen er måske afkortet)"),
    ('{"Udvalg": {"Navn": "K"}\n "Moede": {}}', "linje 2, kolonne 2 (forventede et komma)"),
    ('{"Udvalg" {}}', "linje 1, kolonne 11 (forventede et kolon)"),
    ("{'Udvalg': {}}", "linje 1, kolonne 2 (forventede et feltnavn i dobbelte anførselstegn)"),
    ('{"Udvalg": {}} x', "linje 1, kolonne 16 (ekstra indhold efter JSON-værdien)"),
    ('{"Udvalg": "a\tb"}', "linje 1, kolonne 14 (ugyldigt kontroltegn i en tekst)"),
    ('{"Udvalg": "a\\qb"}', "linje 1, kolonne 14 (ugyldig escape-sekvens)"),
])
def test_invalid_json_is_named_in_danish_only(text, expected):
    """json's own reasons are English: a user reads a Danish one, or only line and column."""
    with pytest.raises(InputError) as e:
        parse(text.encode(), "afkortet.json")
    assert messages.user_message(e.value) == f"afkortet.json: ugyldig JSON: {expected}"


def test_truncated_probe_file_is_named_in_danish():
    """A file cut off inside a string (a download that stopped): Danish words, file, line and column."""
    data = json.dumps({"Udvalg": {"Navn": "Kulturudvalget"}, "Moede": {"Dato": "2025-03-04T16:00:00+01:00"},
                       "Dagsordenpunkter": [{"Punktnummer": 1, "Navn": "Lokaletilskud", "Felter": [
                           {"Html": "<p>" + "tekst " * 600 + "</p>"}]}]}).encode()
    with pytest.raises(InputError) as e:
        parse(data[:3000], "f10_afkortet.json")
    text = messages.user_message(e.value)
    assert text.startswith("f10_afkortet.json: ugyldig JSON: linje 1, kolonne ") and "filen er måske afkortet" in text
    assert not any(word in text for word in ("Unterminated", "string", "starting", "Expecting"))

def test_other_shapes_say_what_is_wrong(small_doc):
    doc = copy.deepcopy(small_doc)
    del doc["Udvalg"]["Navn"]
    e = errors_for(doc)
    assert (e.code, messages.user_message(e)) == (
        "json_shape", "greve/møde.json: JSON-filen har ikke FirstAgenda-formen: mangler Udvalg.Navn")

    assert messages.user_message(errors_for([small_doc])).endswith("filen skal indeholde ét JSON-objekt (et møde), men "
                                                        "indeholder en liste")
    doc = copy.deepcopy(small_doc)
    doc["Dagsordenpunkter"] = "1, 2, 3"
    assert messages.user_message(errors_for(doc)).endswith("Dagsordenpunkter skal være en liste, men er en tekst")
    doc = copy.deepcopy(small_doc)
    doc["Moede"]["Dato"] = "11-09-2024"
    assert messages.user_message(errors_for(doc)).endswith("Moede.Dato er ikke et tidspunkt som 2024-09-11T09:00:00+02:00: "
                                                 "'11-09-2024'")
    doc = copy.deepcopy(small_doc)
    doc["Dagsordenpunkter"][1]["Punktnummer"] = "2ab"
    e = errors_for(doc)
    assert messages.user_message(e).endswith("Dagsordenpunkter[1].Punktnummer er ikke et punktnummer: '2ab'")
    doc = copy.deepcopy(small_doc)
    doc["Dagsordenpunkter"][0]["Bilag"] = [{"Navn": 7}]
    e = errors_for(doc)
    assert e.punkt == int(small_doc["Dagsordenpunkter"][0]["Punktnummer"])
    assert messages.user_message(e).endswith(f"punkt {e.punkt}: JSON-filen har ikke FirstAgenda-formen: "
                                   "Dagsordenpunkter[0].Bilag[0].Navn skal være en tekst, men er et tal")


def test_duplicate_punkt_number_is_an_error(small_doc):
    doc = copy.deepcopy(small_doc)
    doc["Dagsordenpunkter"].append(copy.deepcopy(doc["Dagsordenpunkter"][0]))
    number = int(doc["Dagsordenpunkter"][0]["Punktnummer"])
    e = errors_for(doc)
    assert (e.code, e.punkt) == ("json_duplicate_punkt", number)
    assert messages.user_message(e) == (f"greve/møde.json, punkt {number}: punkt nummer {number} forekommer to gange "
                              f"(Dagsordenpunkter nr. 1 og nr. {len(doc['Dagsordenpunkter'])})")


def _paths(value, path=()):
    """Every (path to a value) in a decoded JSON document."""
    yield path
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _paths(child, (*path, key))


def test_no_mutation_raises_anything_but_input_error(small_doc):
    """Every value of a real file replaced by every JSON type, or removed: a Minutes or an InputError."""
    tried = 0
    for path in list(_paths(small_doc))[1:]:
        for replacement in (None, 0, -1, True, "", "x", [], [None], {}, "DELETE"):
            doc = copy.deepcopy(small_doc)
            parent = doc
            for key in path[:-1]:
                parent = parent[key]
            if replacement == "DELETE":
                del parent[path[-1]]
            else:
                parent[path[-1]] = replacement
            try:
                parse(json.dumps(doc).encode())
            except InputError as e:
                assert messages.user_message(e).startswith("møde.json")
            tried += 1
    assert tried > 500


# --- through the store ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ingested(greve_dir, tmp_path_factory):
    start = time.perf_counter()
    report = ingest_paths(Store(tmp_path_factory.mktemp("store") / "s.db"), [greve_dir])
    print(f"\ningested {len(report.outcomes)} Greve files in {time.perf_counter() - start:.1f} s")
    return report


def test_ingest_through_the_store(ingested):
    assert not ingested.failed
    assert len(ingested.outcomes) == 373
    assert sum(o.punkter for o in ingested.outcomes) == 5553


def test_ingest_keeps_every_meeting(ingested):
    # Byråd 2022-2025 met twice on 2025-09-08 (17:15 ekstraordinær, 17:30): both meetings are kept.
    assert (ingested.meetings, ingested.punkter) == (373, 5553)


def test_a_null_punktnummer_takes_the_items_number_or_sorting(small_doc):
    """Punktnummer null (an export that numbers items elsewhere): "Number", else "Sorting" stands in; with
    none of them the file is refused, naming the field."""
    doc = copy.deepcopy(small_doc)
    doc["Dagsordenpunkter"][0].update(Punktnummer=None, Number="11", Sorting=1)
    doc["Dagsordenpunkter"][1].update(Punktnummer=None, Number=None, Sorting=12)
    m = parse_firstagenda_json(json.dumps(doc).encode(), "møde.json", "")
    assert [p.number for p in m.punkter][:2] == [11, 12]
    doc["Dagsordenpunkter"][1].update(Sorting=None)
    assert messages.user_message(errors_for(doc)).endswith("mangler Dagsordenpunkter[1].Punktnummer")


def test_a_null_navn_takes_the_caption(small_doc):
    doc = copy.deepcopy(small_doc)
    doc["Dagsordenpunkter"][0].update(Navn=None, Caption="Orientering om svømmehal")
    m = parse_firstagenda_json(json.dumps(doc).encode(), "møde.json", "")
    assert m.punkter[0].title == "Orientering om svømmehal"
    doc["Dagsordenpunkter"][0].update(Caption=None)
    assert messages.user_message(errors_for(doc)).endswith("Dagsordenpunkter[0].Navn skal være en tekst, men er tom (null)")


def _numbered(small_doc: dict, *numbers: object) -> dict:
    """``small_doc`` with its first (open) punkt once per number, under its own title."""
    doc = copy.deepcopy(small_doc)
    first = doc["Dagsordenpunkter"][0]
    doc["Dagsordenpunkter"] = [{**copy.deepcopy(first), "Punktnummer": n, "Navn": f"Sag {i}"}
                               for i, n in enumerate(numbers)]
    return doc


def test_a_punktnummer_with_a_suffix_is_a_sub_numbered_punkt(small_doc):
    """"3a", "3 a", "3.1" refused the whole file ("er ikke et punktnummer"); they are punkt 3 with a suffix, as
    "Punkt 3a" is in text minutes, and "3" and "3a" are two punkter."""
    m = parse(json.dumps(_numbered(small_doc, "3", "3a", " 3 b ", "3C", "4", "4.1", "4.12", 5)).encode())
    assert [(p.number, p.suffix, p.label, p.title) for p in m.punkter] == [
        (3, "", "3", "Sag 0"), (3, "a", "3a", "Sag 1"), (3, "b", "3b", "Sag 2"), (3, "c", "3c", "Sag 3"),
        (4, "", "4", "Sag 4"), (4, ".1", "4.1", "Sag 5"), (4, ".12", "4.12", "Sag 6"), (5, "", "5", "Sag 7")]
    assert all(p.decision and p.decision == m.punkter[0].decision for p in m.punkter)  # none lost its text


@pytest.mark.parametrize("number", ["3ab", "3-4", "a3", "3.", "3 og 4", "3.1.2", "3æ", "", "10000", "3 1"])
def test_any_other_punktnummer_still_refuses_the_file_naming_the_field(small_doc, number):
    e = errors_for(_numbered(small_doc, 1, number))
    assert e.code == "json_shape"
    assert messages.user_message(e).endswith(f"Dagsordenpunkter[1].Punktnummer er ikke et punktnummer: {number!r}")


def test_the_same_number_and_suffix_twice_is_a_duplicate(small_doc):
    e = errors_for(_numbered(small_doc, "3", "3a", "3 A"))
    assert (e.code, e.punkt) == ("json_duplicate_punkt", "3a")
    assert messages.user_message(e) == ("greve/møde.json, punkt 3a: punkt nummer 3a forekommer to gange "
                                        "(Dagsordenpunkter nr. 2 og nr. 3)")
    e = errors_for(_numbered(small_doc, "3", 3))
    assert (e.code, e.punkt) == ("json_duplicate_punkt", 3)
