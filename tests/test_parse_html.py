"""Minutes saved from a municipality's web page (.html) read like their text export; office documents are
named and refused."""
from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import pytest

from bot.compose import main
from embeddings.ingest.sources import Format, parse_source, read_source
from embeddings.ingest.text import parse_text
from embeddings.minutes import SectionName
from embeddings.store import Store

from conftest import BUNDLED
from html_fixtures import CHROME, web_page

SECRET = "XYZZYHAVNEGRUND"
PAGE = f"""<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8">
<title>Referat: Teknik- og Miljøudvalget 3. marts 2026 | Lunde Kommune</title>
<script>window.dataLayer = [];</script></head>
<body><nav><ul><li><a href="/">Forside</a></li><li><a href="/politik">Politik</a></li></ul></nav>
<main><article>
<h1>Referat</h1>
<p><strong>Teknik- og Miljøudvalget</strong></p>
<table><tr><th>Mødedato</th><td>Tirsdag den 3. marts 2026 kl. 16:00</td></tr>
<tr><th>Mødested</th><td>Mødelokale 2, Rådhuset</td></tr></table>
<h2>Punkt 1: Godkendelse af dagsorden</h2>
<table><tr><td>Sagsnr.</td><td>00.01.00-A00-12-26</td></tr></table>
<h3>Beslutning</h3><p>Godkendt.</p>
<h2>Punkt 2: Vintertjeneste på cykelstier</h2>
<table><tr><td>Sagsnr.</td><td>05.01.12-P20-3-26</td></tr></table>
<h3>Sagsfremstilling</h3>
<p>Forvaltningen foreslår, at cykelstierne langs skolevejene ryddes for sne&nbsp;før kl. 7.00:</p>
<ul><li>Skolevej Nord</li><li>Skolevej Syd</li></ul>
<h3>Indstilling</h3><p>Forvaltningen indstiller, at udvalget godkender den nye prioritering.</p>
<h3>Beslutning</h3>
<p>Udvalget godkendte, at cykelstier langs skolevejene ryddes først, senest kl.&nbsp;7.00 på skoledage.</p>
<h2>Punkt 3: Salg af grund på Havnevej (Lukket punkt)</h2>
<table><tr><td>Sagsnr.</td><td>02.34.02-G01-5-26</td></tr></table>
<h3>Beslutning</h3><p>Grunden sælges for 4,2 mio. kr. {SECRET}</p>
</article></main>
<aside><p>Se også byrådets referater</p></aside>
<footer><p>Lunde Kommune · Rådhustorvet 1 · 4000 Lunde</p><form><button>Abonnér</button></form></footer>
</body></html>
"""


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def parsed(path: Path):
    src = read_source(path)
    return src.format, parse_source(src).minutes


def _lines(text: str) -> list[str]:
    """A section's lines as a browser shows them: HTML collapses the spaces that indent a line."""
    return [" ".join(x.split()) for x in text.split("\n")]


@pytest.mark.parametrize("name", sorted(p.name for p in BUNDLED.iterdir()))
def test_each_bundled_minutes_file_reads_the_same_from_a_web_page(tmp_path, name):
    text = (BUNDLED / name).read_text(encoding="utf-8")
    page = tmp_path / "referat.html"
    page.write_text(web_page(text), encoding="utf-8")
    fmt, got = parsed(page)
    want = parse_text(text, str(page))
    assert fmt is Format.HTML
    for field in ("committee", "date", "start_time", "location", "participants"):
        assert getattr(got.meeting, field) == getattr(want.meeting, field), field
    assert [(p.number, p.title, p.journal, p.closed) for p in got.punkter] == \
           [(p.number, p.title, p.journal, p.closed) for p in want.punkter]
    for g, w in zip(got.punkter, want.punkter):
        assert [(s.name, _lines(s.text)) for s in g.sections] == [(s.name, _lines(s.text)) for s in w.sections], g.number
        assert not any(c in s.text for s in g.sections for c in CHROME)


def test_a_municipal_web_page_is_read_without_its_menus_footer_or_closed_text(tmp_path):
    page = tmp_path / "tmu-2026-03-03.html"
    page.write_text(PAGE, encoding="utf-8")
    fmt, m = parsed(page)
    assert fmt is Format.HTML
    assert (m.meeting.committee, m.meeting.date, m.meeting.start_time, m.meeting.location) == \
           ("Teknik- og Miljøudvalget", dt.date(2026, 3, 3), dt.time(16, 0), "Mødelokale 2, Rådhuset")
    assert [(p.number, p.title, str(p.journal), p.closed) for p in m.punkter] == [
        (1, "Godkendelse af dagsorden", "00.01.00-A00-12-26", False),
        (2, "Vintertjeneste på cykelstier", "05.01.12-P20-3-26", False),
        (3, "Salg af grund på Havnevej", "02.34.02-G01-5-26", True)]
    winter = m.punkter[1]
    assert winter.decision == "Udvalget godkendte, at cykelstier langs skolevejene ryddes først, senest kl. 7.00 på skoledage."
    assert winter.section(SectionName.SAGSFREMSTILLING).text.endswith("før kl. 7.00:\n\n- Skolevej Nord\n- Skolevej Syd")
    assert m.punkter[2].sections == ()
    text = "\n".join(s.text for p in m.punkter for s in p.sections)
    for chrome in ("Forside", "Politik", "dataLayer", "byrådets referater", "Rådhustorvet", "Abonnér"):
        assert chrome not in text


def test_the_page_is_stored_and_the_closed_decision_is_in_no_file(tmp_path, capsys):
    page = tmp_path / "tmu-2026-03-03.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, err = cli(capsys, "ingest", "--no-index", str(page))
    assert code == 0, err
    home = Path(os.environ["BESLUT_HOME"])
    (p,) = [p for p in Store(home / "beslut.db").punkter() if p.number == 2]
    assert p.decision.startswith("Udvalget godkendte")
    for f in home.rglob("*"):
        assert not f.is_file() or SECRET.encode() not in f.read_bytes(), f


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document><w:body><w:p><w:r><w:t>REFERAT</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


@pytest.mark.parametrize("name,data", [
    ("referat.docx", _docx()),
    ("referat.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),
    ("referat.rtf", b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} REFERAT Chefforum d. 11-09-2024\\par }"),
])
def test_an_office_document_is_named_and_refused_and_the_store_keeps_what_it_had(tmp_path, capsys, name, data):
    good = tmp_path / "chefforum.txt"
    good.write_text((BUNDLED / "chefforum-2024-09-11.txt").read_text(encoding="utf-8"), encoding="utf-8")
    assert cli(capsys, "ingest", "--no-index", str(good))[0] == 0
    store = Store(Path(os.environ["BESLUT_HOME"]) / "beslut.db")
    before = [(p.uid, p.sections) for p in store.punkter()]
    f = tmp_path / name
    f.write_bytes(data)
    code, _, err = cli(capsys, "ingest", "--no-index", str(f))
    assert code == 1
    assert f"{f}: filen er et Word-, Excel-, OpenDocument- eller RTF-dokument, som beslut ikke læser" in err
    assert "gem referatet som PDF eller tekst" in err and "JSON" not in err and "Traceback" not in err
    assert [(p.uid, p.sections) for p in store.punkter()] == before and len(before) == 8


def test_text_minutes_that_mention_markup_are_still_text(tmp_path):
    text = (BUNDLED / "chefforum-2024-09-11.txt").read_text(encoding="utf-8")
    f = tmp_path / "referat.txt"
    f.write_text(text.replace("Godkendt.", "Godkendt. Se <html> og <body> på intranettet.", 1), encoding="utf-8")
    fmt, m = parsed(f)
    assert fmt is Format.TEXT and m.meeting.committee == "Chefforum"
