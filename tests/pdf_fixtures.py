"""Render FirstAgenda text/Markdown exports as PDFs in a FirstAgenda-like layout (fpdf2), for tests.

The layout imitates a FirstAgenda referat: A4, a running header with the committee and meeting date,
a footer with the page number, a bold title, a table of contents with dot leaders and right-aligned
page numbers, bold punkt and section headings, wrapped paragraphs, tab-separated lines as tables with
wrapped cells, and page breaks that fall wherever the text runs out of room (mid-paragraph too).

``Layout`` varies the details that differ between real exports (footer style, justified text,
header on the first page, a new page per punkt, table borders and cell alignment)::

    python -m tests.pdf_fixtures OUT_DIR    # renders data/referater/* to OUT_DIR/*.pdf
"""
from __future__ import annotations

import importlib.util
import re
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from embeddings.ingest.sections import canonical_section


def _font_dirs() -> tuple[Path, ...]:
    """matplotlib's DejaVu fonts (a [dev] dependency, the same files on every machine) first, then Debian's."""
    spec = importlib.util.find_spec("matplotlib")  # located without importing matplotlib
    packages = (spec.submodule_search_locations or ()) if spec else ()
    bundled = tuple(Path(d) / "mpl-data" / "fonts" / "ttf" for d in packages)
    return (*bundled, Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


FONT_DIRS = _font_dirs()
_TITLE = re.compile(r"^(REFERAT|DAGSORDEN|PROTOKOLL?)\s+(.+?)\s+d\.\s+(\d{2}-\d{2}-\d{4})\s*$")
_PUNKT = re.compile(r"^(Punkt|Sak|Sag)\s+\d+\s*:")
_TOC = re.compile(r"^(.*\.{3,})\t+(\d+)\s*$")


@dataclass(frozen=True)
class Layout:
    """How one rendered referat looks. The defaults are the most common FirstAgenda look."""

    footer: str = "side"  # "side": "Side 3 af 18"; "number": "3"; "fraction": "3/18"
    header_on_first_page: bool = True
    justify: bool = False
    punkt_on_new_page: bool = True
    table_borders: str = "HORIZONTAL_LINES"  # fpdf2 TableBordersLayout name
    table_v_align: str = "TOP"
    serif: bool = False  # DejaVu Serif body text instead of DejaVu Sans
    body_size: float = 10.0  # points
    line_height: float = 5.0  # mm, baseline to baseline inside a paragraph
    paragraph_space: float = 3.0  # mm added after each paragraph

    def __post_init__(self) -> None:
        if self.footer not in ("side", "number", "fraction"):
            raise ValueError(f"unknown footer style {self.footer!r}")


# One layout per bundled file, so the suite covers each variant.
LAYOUTS: dict[str, Layout] = {
    "chefforum-2021-01-21.md": Layout(),
    "chefforum-2021-03-17.txt": Layout(footer="number", justify=True, punkt_on_new_page=False),
    "chefforum-2021-09-02.txt": Layout(footer="fraction", header_on_first_page=False, serif=True),
    "chefforum-2022-11-09.txt": Layout(punkt_on_new_page=False, table_borders="NONE"),
    "chefforum-2024-09-11.txt": Layout(justify=True, table_borders="ALL", table_v_align="MIDDLE"),
}
# Tighter typography, as from a word processor: less space between lines and paragraphs.
TIGHT_LAYOUTS: dict[str, Layout] = {
    "word": Layout(body_size=11, line_height=4.7, paragraph_space=2.1, justify=True),
    "compact": Layout(line_height=4.05, paragraph_space=1.1, table_borders="NONE", footer="number"),
}


def font_path(name: str) -> Path:
    for d in FONT_DIRS:
        if (d / name).is_file():
            return d / name
    raise FileNotFoundError(f"{name} is not in {', '.join(map(str, FONT_DIRS))}: the PDF tests need the DejaVu "
                            "fonts matplotlib ships; install the dev dependencies (make, or pip install -e '.[dev]')")


class _Referat(FPDF):
    def __init__(self, header_text: str, layout: Layout) -> None:
        super().__init__(format="A4", unit="mm")
        self.header_text = header_text
        self.layout = layout
        self.set_margins(25, 25, 20)
        self.set_auto_page_break(True, margin=22)
        self.add_font("Sans", "", str(font_path("DejaVuSans.ttf")))
        self.add_font("Sans", "B", str(font_path("DejaVuSans-Bold.ttf")))
        body = ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf") if layout.serif else (
            "DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
        self.add_font("Body", "", str(font_path(body[0])))
        self.add_font("Body", "B", str(font_path(body[1])))

    def header(self) -> None:
        if self.page_no() == 1 and not self.layout.header_on_first_page:
            return
        self.set_font("Sans", "", 8)
        self.set_xy(25, 10)
        self.cell(100, 5, self.header_text)
        self.cell(0, 5, "Albertslund Kommune", align="R")
        self.line(25, 16, 190, 16)
        self.set_xy(25, 25)

    def footer(self) -> None:
        self.set_font("Sans", "", 8)
        self.set_y(-15)
        text = {"side": f"Side {self.page_no()} af {{nb}}", "number": str(self.page_no()),
                "fraction": f"{self.page_no()}/{{nb}}"}[self.layout.footer]
        self.cell(0, 5, text, align="R" if self.layout.footer != "number" else "C")


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs: runs of non-blank lines."""
    blocks: list[list[str]] = []
    cur: list[str] = []
    for line in text.splitlines():
        if line.strip():
            cur.append(line.rstrip())
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def _unmark(line: str) -> tuple[str, int]:
    """A line without Markdown heading marks and surrounding "**", and its heading level (0: none)."""
    m = re.match(r"^(#{1,6})\s+(.*)$", line)
    level = len(m.group(1)) if m else 0
    s = m.group(2) if m else line
    s = s.strip()
    if s.startswith("**") and s.endswith("**") and len(s) > 4:
        s = s[2:-2]
    return s, level


def render_minutes(text: str, layout: Layout = Layout()) -> bytes:
    """A PDF of one referat (text or Markdown export) in a FirstAgenda-like layout."""
    blocks = _blocks(text)
    header_text = "REFERAT"
    for b in blocks:
        m = _TITLE.match(_unmark(b[0])[0])
        if m:
            header_text = f"{m.group(1)} {m.group(2)} d. {m.group(3)}"
            break
    pdf = _Referat(header_text, layout)
    pdf.alias_nb_pages()
    pdf.add_page()
    align = "J" if layout.justify else "L"
    seen_punkt = False
    for block in blocks:
        first, level = _unmark(block[0])
        if len(block) == 1 and _TITLE.match(first):
            pdf.set_font("Sans", "B", 16)
            pdf.multi_cell(0, 8, first, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(4)
        elif len(block) == 1 and _PUNKT.match(first):
            if layout.punkt_on_new_page and seen_punkt:
                pdf.add_page()
            seen_punkt = True
            pdf.ln(3)
            pdf.set_font("Sans", "B", 13)
            pdf.multi_cell(0, 6.5, first, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(3)
        elif len(block) == 1 and (canonical_section(first) or level or first == "Indholdsfortegnelse"):
            pdf.ln(1)
            pdf.set_font("Sans", "B", 11)
            pdf.multi_cell(0, 5.5, first, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        elif all(_TOC.match(line) for line in block):
            _toc(pdf, block)
        elif any("\t" in line for line in block):
            _table(pdf, block, layout)
        else:
            pdf.set_font("Body", "", layout.body_size)
            body = "\n".join(_unmark(line)[0] if line.startswith("#") else line for line in block)
            pdf.multi_cell(0, layout.line_height, body, align=align, markdown="**" in body,
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(layout.paragraph_space)
    return bytes(pdf.output())


def _toc(pdf: FPDF, block: list[str]) -> None:
    pdf.set_font("Body", "", 10)
    width = pdf.epw - 15
    for line in block:
        m = _TOC.match(line)
        assert m
        y = pdf.get_y()
        pdf.multi_cell(width, 5, m.group(1), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        end = pdf.get_y()
        pdf.set_xy(pdf.l_margin + width, y)
        pdf.cell(15, 5, m.group(2), align="R")
        pdf.set_xy(pdf.l_margin, end)
    pdf.ln(3)


def _table(pdf: FPDF, block: list[str], layout: Layout, markdown: bool = False) -> None:
    rows = [line.split("\t") for line in block]
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    # Column widths grow with the longest cell, within bounds, like a word processor's autofit; a column
    # is at least as wide as its longest word, so words are not broken inside.
    pdf.set_font("Body", "", 9)
    longest = [max(pdf.get_string_width(r[i]) for r in rows) for i in range(ncols)]
    word = [max((pdf.get_string_width(w) for r in rows for w in r[i].split()), default=0) for i in range(ncols)]
    weights = [max(min(n, 60.0), w + 4.5, 12.0) for n, w in zip(longest, word)]
    with pdf.table(col_widths=weights, first_row_as_headings=False, text_align="LEFT",
                   borders_layout=layout.table_borders, v_align=layout.table_v_align, align="LEFT",
                   line_height=4.5, padding=(1.2, 2.0), markdown=markdown) as table:
        for r in rows:
            row = table.row()
            for cell in r:
                row.cell(cell)
    pdf.ln(3)


class _Municipal(FPDF):
    """A municipality's own referat layout: header and footer as the source file's directives say."""

    def __init__(self, directives: dict[str, str]) -> None:
        super().__init__(format="A4", unit="mm")
        self.directives = directives
        self.set_margins(22, 28, 22)
        self.set_auto_page_break(True, margin=24)
        self.add_font("Sans", "", str(font_path("DejaVuSans.ttf")))
        self.add_font("Sans", "B", str(font_path("DejaVuSans-Bold.ttf")))
        serif = directives.get("font") == "serif"
        self.add_font("Body", "", str(font_path("DejaVuSerif.ttf" if serif else "DejaVuSans.ttf")))
        self.add_font("Body", "B", str(font_path("DejaVuSerif-Bold.ttf" if serif else "DejaVuSans-Bold.ttf")))

    def header(self) -> None:
        if self.page_no() < int(self.directives.get("header_from", "1")) or "header" not in self.directives:
            return
        left, _, right = self.directives["header"].partition("|")
        if "mirror" in self.directives and self.page_no() % 2 == 0:  # even pages: the parts swap sides
            left, right = right, left
        self.set_font("Sans", "B" if "bold_header" in self.directives else "", 8)
        self.set_xy(22, 12)
        self.cell(110, 5, left.strip())
        self.cell(0, 5, right.strip(), align="R")
        self.line(22, 18, 188, 18)
        self.set_xy(22, 28)

    def footer(self) -> None:
        style = self.directives.get("footer", "side")
        if style == "none" or self.page_no() < int(self.directives.get("header_from", "1")):
            return
        self.set_font("Sans", "", 8)
        self.set_y(-16)
        n = self.page_no()
        text = {"side": f"Side {n} af {{nb}}", "number": str(n), "fraction": f"{n}/{{nb}}", "dash": f"- {n} -"}[style]
        left = self.directives.get("footer_left")
        if left:
            self.cell(100, 5, left)
        self.cell(0, 5, text, align="C" if style in ("number", "dash") and not left else "R")


def render_municipal(text: str) -> bytes:
    """A PDF in a municipality's layout, from a small markup (tests/data/unseen_pdf/*.txt).

    ``%key value`` lines first: header "left | right"; footer side|number|fraction|dash|none; footer_left; header_from
    N (no header or footer before page N: a cover page); font serif; justify; bold_header; mirror (the header's
    parts swap sides on even pages). Then blocks separated by blank lines: ``%page`` (a page break), ``%bottom
    [mm]`` (go to the last 30 (or mm) mm of the page), ``# cover title`` (20 pt), ``## punkt title`` (13 pt bold;
    "title<tab>aside" puts a small right-aligned aside on its line), ``### section`` (11 pt bold), ``#### sub
    heading`` (10 pt bold), ``| heading | text // text`` (headings in a left column, their text beside them),
    ``~ small line`` (8 pt, e.g. a journal number), a table of contents (every line "title<tab>page"), a table
    (lines with tabs; "**cell**" is bold), else a body paragraph (a line break inside is kept).
    """
    lines = text.splitlines()
    directives: dict[str, str] = {}
    while lines and lines[0].startswith("%") and not lines[0].startswith(("%page", "%bottom")):
        key, _, value = lines.pop(0)[1:].partition(" ")
        directives[key] = value.strip()
    pdf = _Municipal(directives)
    pdf.alias_nb_pages()
    pdf.add_page()
    align = "J" if "justify" in directives else "L"
    for block in _blocks("\n".join(lines)):
        first = block[0]
        if first == "%page":
            pdf.add_page()
        elif first.startswith("%bottom"):
            pdf.set_y(pdf.h - pdf.b_margin - float(first[7:] or 30))
        elif first.startswith("# "):
            pdf.set_font("Sans", "B", 20)
            for line in block:
                pdf.multi_cell(0, 10, line.lstrip("# "), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(6)
        elif first.startswith(("## ", "### ", "#### ")):
            level = len(first.split()[0])
            size, height, before, after = {2: (13, 6.5, 4, 2), 3: (11, 5.5, 2, 1.5), 4: (10, 5, 1, 1)}[level]
            pdf.ln(before)
            title, _, aside = first[level + 1:].partition("\t")
            if aside:  # "2. Title<tab>Sagsnr.: 24/8812": the journal number right-aligned on the title's line
                y = pdf.get_y()
                pdf.set_font("Sans", "", 8)
                pdf.set_xy(pdf.l_margin + pdf.epw - 40, y + 1)
                pdf.cell(40, 5, aside, align="R")
                pdf.set_xy(pdf.l_margin, y)
            pdf.set_font("Sans", "B", size)
            pdf.multi_cell(pdf.epw - (45 if aside else 0), height, title, align="L", new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT)
            pdf.ln(after)
            if len(block) > 1:
                _body(pdf, block[1:], align)
        elif first.startswith("| "):  # "| Beslutning | text": a heading in the left column, its text to the right
            for line in block:
                head, _, body = line[2:].partition(" | ")
                y = pdf.get_y()
                pdf.set_font("Sans", "B", 10)
                pdf.multi_cell(40, 5, head, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                below = pdf.get_y()
                pdf.set_xy(pdf.l_margin + 42, y)
                pdf.set_font("Body", "", 10)
                pdf.multi_cell(pdf.epw - 42, 5, body.replace(" // ", "\n"), align=align, new_x=XPos.LMARGIN,
                               new_y=YPos.NEXT)
                pdf.set_y(max(pdf.get_y(), below) + 3)
        elif first.startswith("~ "):
            pdf.set_font("Sans", "", 8)
            for line in block:
                pdf.multi_cell(0, 4, line[2:], align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        elif all(re.match(r"^.+\t\d{1,3}$", line) for line in block) and "Indholdsfortegnelse" not in first:
            pdf.set_font("Body", "", 10)
            for line in block:
                title, _, page = line.rpartition("\t")
                pdf.cell(pdf.epw - 12, 6, title)
                pdf.cell(12, 6, page, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(3)
        elif any("\t" in line for line in block):
            _table(pdf, block, Layout(), markdown=True)  # "**Vand**": a bold row label
        else:
            _body(pdf, block, align)
    return bytes(pdf.output())


def _body(pdf: FPDF, block: list[str], align: str) -> None:
    pdf.set_font("Body", "", 10)
    pdf.multi_cell(0, 5, "\n".join(block), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def image_only_pdf(pages: int = 1, footer: bool = False) -> bytes:
    """A scan without OCR: each page one raster image of 'text' lines (and, if ``footer``, a printed
    "Side N af M", which is all the text there is)."""
    from PIL import Image, ImageDraw

    scan = Image.new("L", (600, 840), 255)
    draw = ImageDraw.Draw(scan)
    for i in range(40):
        draw.rectangle((60, 60 + i * 18, 60 + 200 + (i * 97) % 300, 68 + i * 18), fill=30)
    pdf = FPDF(format="A4", unit="mm")
    pdf.alias_nb_pages()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(scan, x=0, y=0, w=210, h=294)
        if footer:
            pdf.set_font("helvetica", size=8)
            pdf.set_y(-15)
            pdf.cell(0, 5, f"Side {pdf.page_no()} af {{nb}}", align="R")
    return bytes(pdf.output())


def raw_pdf(content: str, width: float = 595, height: float = 842, compress: bool = False) -> bytes:
    """A one-page PDF around a hand-written content stream, for what fpdf2 does not write.

    /F1 is Helvetica and /F2 Helvetica-Bold (standard fonts: no embedded file, no stated weight);
    text is WinAnsi (cp1252), so æøå – ” work. See ``show`` for the text operators.
    """
    stream = content.encode("cp1252")
    flate = b""
    if compress:
        stream, flate = zlib.compress(stream), b" /Filter /FlateDecode"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>" % (width, height),
        b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(stream), flate, stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def show(x: float, y: float, text: str, size: float = 11, bold: bool = False, angle: float = 0) -> str:
    """Text at (x, y) the way browsers print it: font size 1 scaled by the text matrix."""
    import math

    c, s = math.cos(math.radians(angle)) * size, math.sin(math.radians(angle)) * size
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT /F{2 if bold else 1} 1 Tf {c:.3f} {s:.3f} {-s:.3f} {c:.3f} {x:.2f} {y:.2f} Tm ({escaped}) Tj ET\n"


def helvetica_width(text: str, size: float = 11, bold: bool = False) -> float:
    """Width in points of ``text`` in the standard Helvetica (for placing ``show`` text)."""
    pdf = FPDF(unit="pt")
    pdf.set_font("helvetica", "B" if bold else "", size)
    return pdf.get_string_width(text)


def render_file(src: Path, out_dir: Path, layout: Layout | None = None) -> Path:
    text = src.read_bytes().decode("utf-8-sig")
    out = out_dir / (src.stem + ".pdf")
    out.write_bytes(render_minutes(text, layout or LAYOUTS.get(src.name, Layout())))
    return out


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else Path(".")
    out_dir.mkdir(parents=True, exist_ok=True)
    src_dir = Path(__file__).resolve().parents[1] / "data" / "referater"
    for src in sorted(src_dir.iterdir()):
        print(render_file(src, out_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
