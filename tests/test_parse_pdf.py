"""PDF minutes: the five bundled referater rendered as FirstAgenda-like PDFs parse like their text exports.

The PDFs are rendered once per session into a temp dir (``pdf_fixtures``); none are committed.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from embeddings.errors import InputError
from embeddings.ingest.pdf import parse_pdf, pdf_text
from embeddings.ingest.text import parse_text
from embeddings.ingest.sources import Format, parse_source, read_source
from bot.core import messages

from conftest import BUNDLED
from pdf_fixtures import (LAYOUTS, TIGHT_LAYOUTS, helvetica_width, image_only_pdf, raw_pdf, render_file,
                          render_minutes, show)

SEEDS = sorted(f.name for f in BUNDLED.iterdir())
RUNNING = re.compile(r"REFERAT Chefforum d\. \d\d-\d\d-\d{4}\s+Albertslund Kommune|Side \d+ af \d+")
PAGE_NUMBER_LINE = re.compile(r"^\s*(?:Side \d+ af \d+|\d{1,3}/\d{1,3}|\d{1,3})\s*$", re.M)


def norm(s: str) -> str:
    return " ".join(s.split())


def assert_same_minutes(text, pdf, name: str) -> None:
    for field in ("committee", "date", "start_time", "location", "participants"):
        assert getattr(pdf.meeting, field) == getattr(text.meeting, field), field
    for t, p in zip(text.punkter, pdf.punkter, strict=True):
        where = f"{name} punkt {t.number}"
        assert (p.number, p.title, p.time_slot, p.closed) == (t.number, t.title, t.time_slot, t.closed), where
        assert p.journal == t.journal, where
        assert [(s.name, s.heading) for s in p.sections] == [(s.name, s.heading) for s in t.sections], where
        for ts, ps in zip(t.sections, p.sections):
            assert norm(ps.text) == norm(ts.text), f"{where} {ts.name}"


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    return {name: render_file(BUNDLED / name, out) for name in SEEDS}


@pytest.fixture(scope="session")
def parsed(pdfs):
    """name -> (minutes from the text export, minutes from the PDF)."""
    out = {}
    for name, pdf in pdfs.items():
        src = BUNDLED / name
        out[name] = (parse_text(src.read_text(encoding="utf-8"), str(src), "sha"),
                     parse_pdf(pdf.read_bytes(), str(pdf), "sha"))
    return out


def test_layouts_cover_every_seed_and_vary():
    assert sorted(LAYOUTS) == SEEDS
    assert {x.footer for x in LAYOUTS.values()} == {"side", "number", "fraction"}
    assert {x.justify for x in LAYOUTS.values()} == {True, False}
    assert {x.header_on_first_page for x in LAYOUTS.values()} == {True, False}


def test_the_five_pdfs_hold_the_same_36_punkter(parsed):
    assert sum(len(pdf.punkter) for _, pdf in parsed.values()) == 36
    for text, pdf in parsed.values():
        assert [p.number for p in pdf.punkter] == [p.number for p in text.punkter]


@pytest.mark.parametrize("name", SEEDS)
def test_pdf_parses_like_the_text_export(parsed, name):
    assert_same_minutes(*parsed[name], name)


@pytest.mark.parametrize("layout", sorted(TIGHT_LAYOUTS))
def test_tighter_layouts_parse_like_the_text_export(layout):
    """Less space between lines and paragraphs, punkter at the top of pages (journal numbers on the same
    spot of many pages must not pass for running headers), years wrapped onto a page's last line."""
    for name in SEEDS:
        raw = (BUNDLED / name).read_text(encoding="utf-8")
        pdf = parse_pdf(render_minutes(raw, TIGHT_LAYOUTS[layout]), f"{name}.pdf", "sha")
        assert_same_minutes(parse_text(raw, name, "sha"), pdf, f"{layout} {name}")


def test_paragraphs_and_line_breaks_are_rebuilt(parsed):
    """Beyond whitespace: nearly every paragraph comes back with its own line breaks (lists, table rows).

    The known misses: a paragraph whose page-break line ends with a full stop is split in two, and the
    blank line inside one table is lost.
    """
    total = same = 0
    for text, pdf in parsed.values():
        for t, p in zip(text.punkter, pdf.punkter):
            for ts, ps in zip(t.sections, p.sections):
                want = {"\n".join(norm(x) for x in para.split("\n")) for para in ts.text.split("\n\n")}
                got = {"\n".join(norm(x) for x in para.split("\n")) for para in ps.text.split("\n\n")}
                total += len(want)
                same += len(want & got)
    assert same / total > 0.98, (same, total)


def test_running_headers_footers_and_page_numbers_are_dropped(pdfs, parsed):
    for name, pdf in pdfs.items():
        out = pdf_text(pdf.read_bytes(), str(pdf))
        assert not RUNNING.search(out), name
        lines = [x.strip() for x in out.splitlines()]
        assert "Albertslund Kommune" not in lines and "\tAlbertslund Kommune" not in out, name
        source = (BUNDLED / name).read_text(encoding="utf-8")
        assert PAGE_NUMBER_LINE.findall(out) == PAGE_NUMBER_LINE.findall(source), name
        header = re.search(r"REFERAT Chefforum d\. \d\d-\d\d-\d{4}", out).group()
        assert out.count(header) == 1, name  # the title, not the running header
        text, parsed_pdf = parsed[name]
        for t, p in zip(text.punkter, parsed_pdf.punkter):
            for ts, ps in zip(t.sections, p.sections):
                assert not RUNNING.search(ps.text), (name, t.number)
                assert PAGE_NUMBER_LINE.findall(ps.text) == PAGE_NUMBER_LINE.findall(ts.text), (name, t.number)


def test_tables_keep_cells_in_order_and_empty_cells():
    out = pdf_text(render_minutes((BUNDLED / "chefforum-2024-09-11.txt").read_text(encoding="utf-8"),
                                  LAYOUTS["chefforum-2024-09-11.txt"]), "x.pdf")
    assert "\tGodkendelse af dagsorden og referat\t\t09.00\n" in out
    assert "Pause\t\t\t09.55 - 10.00\n" in out
    assert "CF - Borgerinddragelsesindsatser.....\t14\n" in out  # table of contents
    assert ("\t\tFlere albertslundere skal opleve, at rammerne for mad og måltider, er forbundet med oplevelser, "
            "der understøtter fællesskaber, bidrager til læring samt giver appetit og trivsel (Sundhedspolitik)"
            ) in out


def test_a_pdf_goes_through_sources_like_any_file(pdfs):
    src = read_source(pdfs["chefforum-2022-11-09.txt"])
    assert src.format is Format.PDF
    parsed = parse_source(src)
    assert len(parsed.minutes.punkter) == 7 and parsed.minutes.meeting.source_sha256 == src.sha256


def assert_input_error(data: bytes, code: str, path: str = "referat.pdf") -> InputError:
    with pytest.raises(InputError) as e:
        parse_pdf(data, path, "sha")
    assert e.value.code == code
    assert messages.user_message(e.value).startswith(path + ": ")
    return e.value


def test_truncated_pdf_is_broken(pdfs):
    data = pdfs["chefforum-2021-01-21.md"].read_bytes()
    err = assert_input_error(data[: len(data) // 2], "pdf_broken")
    assert "afkortet" in messages.user_message(err)


def test_random_bytes_after_a_pdf_signature_are_broken():
    rnd = random.Random(7)
    junk = b"%PDF-1.7\n" + bytes(rnd.randrange(256) for _ in range(5000))
    assert_input_error(junk, "pdf_broken")
    assert_input_error(junk + b"\n%%EOF\n", "pdf_broken")  # a trailer alone does not make it readable


def test_damaged_compressed_page_content_is_broken_not_half_read():
    """PDFium would silently read the page up to the damage; beslut refuses the file instead."""
    content = "".join(show(72, 780 - 14 * i, f"Linje {i} af referatet med en beslutning.") for i in range(40))
    good = raw_pdf(content, compress=True)
    assert "Linje 39 af referatet" in pdf_text(good, "x.pdf")
    start = good.index(b"stream\n") + len(b"stream\n")
    damaged = bytearray(good)
    damaged[(start + good.index(b"endstream")) // 2] ^= 0xFF  # PDFium alone: 9 of 40 lines, no error
    err = assert_input_error(bytes(damaged), "pdf_broken")
    assert "komprimeret" in messages.user_message(err)


def test_scanned_pdf_without_text_says_so():
    assert_input_error(image_only_pdf(), "pdf_no_text")
    assert_input_error(image_only_pdf(pages=2, footer=True), "pdf_no_text")  # page numbers are not text


def test_password_protected_pdf_says_so():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="ejer", user_password="hemmelig")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="REFERAT Chefforum d. 11-09-2024")
    err = assert_input_error(bytes(pdf.output()), "pdf_encrypted")
    assert "adgangskode" in messages.user_message(err)


def test_pdf_with_owner_password_only_is_read():
    """Permissions-only 'encryption' (no password to open) is common on exported minutes."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="ejer")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 6, "REFERAT Chefforum d. 11-09-2024\n\nPunkt 1: CF - Evt.\n\nBeslutning\n\nIntet.")
    minutes = parse_pdf(bytes(pdf.output()), "x.pdf", "sha")
    assert [p.title for p in minutes.punkter] == ["Evt."]


def test_browser_style_pdf_scaled_fonts_hyphen_breaks_and_a_rotated_stamp():
    """Font size 1 scaled by the text matrix (Chrome/Skia), standard fonts that state no weight (bold is read
    from the name), a line broken after a hyphen inside a word, and a diagonal 'UDKAST' stamp."""
    right = 523  # the page is 595 wide and text starts at 72: lines reaching 523 are full

    def flush_right(y: float, text: str) -> str:
        return show(right - helvetica_width(text), y, text)

    content = (show(72, 780, "REFERAT Økonomiudvalget d. 05-03-2025", 16, bold=True)
               + show(72, 745, "Punkt 1: ØU - Nye IT-systemer", 13, bold=True)
               + show(72, 722, "00.01.00-A00-1-25")
               + show(72, 695, "Beslutning", 11, bold=True)
               + flush_right(672, "Udvalget godkendte indkøb af nye IT-")
               + flush_right(658.5, "systemer til Børne-")
               + show(72, 645, "og Ungeforvaltningen.")
               + show(150, 300, "UDKAST", 60, bold=True, angle=45)
               + show(480, 40, "Side 1 af 1", 8))
    minutes = parse_pdf(raw_pdf(content), "browser.pdf", "sha")
    (punkt,) = minutes.punkter
    assert (minutes.meeting.committee, punkt.title, punkt.journal.raw) == (
        "Økonomiudvalget", "Nye IT-systemer", "00.01.00-A00-1-25")
    assert punkt.decision == "Udvalget godkendte indkøb af nye IT-systemer til Børne- og Ungeforvaltningen."


def test_page_numbers_on_a_single_page_go_but_numbers_in_the_text_stay():
    content = (show(72, 780, "REFERAT Chefforum d. 11-09-2024", 16, bold=True)
               + show(72, 745, "Punkt 1: CF - Budget", 13, bold=True)
               + show(72, 700, "Beslutning", 11, bold=True)
               + show(72, 680, "Chefforum godkendte budgettet for")
               + show(72, 60, "2025")
               + show(290, 30, "1", 8))
    out = pdf_text(raw_pdf(content), "x.pdf")
    assert out.rstrip().endswith("Chefforum godkendte budgettet for\n\n2025")


def test_a_footer_beside_its_page_number_goes_on_a_single_page_but_a_table_row_with_a_number_stays():
    """A one-page decision ended with "Kultur- og Fritidsudvalget<tab>Side 1 af 1": running footers are only
    found across two pages, so the page number must take its line with it on any page count."""
    content = (show(72, 780, "REFERAT Kultur- og Fritidsudvalget d. 19-11-2026", 16, bold=True)
               + show(72, 745, "Punkt 1: Tilskud til byfest", 13, bold=True)
               + show(72, 700, "Beslutning", 11, bold=True)
               + show(72, 680, "Byfesten får 75.000 kr. i tilskud.")
               + show(72, 40, "Kultur- og Fritidsudvalget", 8)
               + show(480, 40, "Side 1 af 1", 8))
    out = pdf_text(raw_pdf(content), "x.pdf")
    assert out.rstrip().endswith("Byfesten får 75.000 kr. i tilskud."), out
    minutes = parse_pdf(raw_pdf(content), "x.pdf", "sha")
    assert minutes.punkter[0].decision == "Byfesten får 75.000 kr. i tilskud."

    table = (show(72, 780, "REFERAT Kultur- og Fritidsudvalget d. 19-11-2026", 16, bold=True)
             + show(72, 745, "Punkt 1: Tilskud til byfest", 13, bold=True)
             + show(72, 700, "Beslutning", 11, bold=True)
             + show(72, 60, "Antal boder") + show(300, 60, "1"))
    assert pdf_text(raw_pdf(table), "x.pdf").rstrip().endswith("Antal boder\t1")


def test_a_paragraph_cut_after_kr_is_joined_when_the_next_page_goes_on_in_lower_case():
    """"... fordeles med 3 mio. kr." at the foot of a full line, "om året i planperioden." on the next page."""
    from fpdf import FPDF

    right = 523  # text starts at 72 on a 595 wide page: a line reaching 523 is full
    last = "Den samlede ramme fordeles med 3 mio. kr."
    pdf = FPDF(unit="pt", format=(595, 842))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.text(72, 60, "REFERAT Teknik- og Miljøudvalget d. 16-11-2026")
    pdf.text(72, 100, "Punkt 1: Trafiksikkerhedsplan")
    pdf.set_font("helvetica", "B", 11)
    pdf.text(72, 140, "Beslutning")
    pdf.set_font("helvetica", "", 11)
    pdf.text(72, 160, "TRAFIK-PLAN: Udvalget godkendte planen.")
    pdf.text(72, 180, "Udvalget godkendte trafiksikkerhedsplanen og rammen for perioden.")
    pdf.text(right - helvetica_width(last), 800, last)
    pdf.add_page()
    pdf.text(72, 60, "om året i planperioden.")
    pdf.text(72, 100, "Sagen blev afsluttet.")
    out = pdf_text(bytes(pdf.output()), "x.pdf")
    assert "\n\nDen samlede ramme fordeles med 3 mio. kr. om året i planperioden.\n\nSagen blev afsluttet." in out, out


def test_a_narrow_column_hyphenated_words_and_a_title_wrapped_over_two_lines():
    """A PDF set in a narrow column (no line is full): words hyphenated at a line's end are made whole
    ("trafik-" / "planen"), "IT-" / "systemer" keeps its hyphen, and a punkt title that wraps goes on in lower
    case under the header."""
    content = (show(72, 780, "REFERAT Teknik- og Miljøudvalget d. 12-05-2026", 16, bold=True)
               + show(72, 745, "Punkt 1: Forslag til ny trafikplan for", 13, bold=True)
               + show(72, 729, "den indre by", 13, bold=True)
               + show(72, 705, "05.13.00-P22-72-26")
               + show(72, 680, "Beslutning", 11, bold=True)
               + show(72, 660, "Udvalget godkendte trafik-")
               + show(72, 646.5, "planen og to nye cykel-")
               + show(72, 633, "stier samt nye IT-")
               + show(72, 619.5, "systemer.")
               + show(72, 592, "Ingen bemærkninger."))
    (punkt,) = parse_pdf(raw_pdf(content), "tmu.pdf", "sha").punkter
    assert (punkt.title, punkt.journal.raw) == ("Forslag til ny trafikplan for den indre by", "05.13.00-P22-72-26")
    assert punkt.decision == ("Udvalget godkendte trafikplanen og to nye cykelstier samt nye IT-systemer.\n\n"
                              "Ingen bemærkninger.")
