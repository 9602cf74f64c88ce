"""PDF minutes (FirstAgenda exports) -> the plain text ``parse_text`` reads -> Minutes.

PDFium (pypdfium2) gives each character with its baseline, advance box, font size and weight, in
content-stream order, which for generated minutes is reading order (tables cell by cell). First the
file is checked, since PDFium reads what it can of a damaged file without a word: it must end with
``%%EOF`` (else it was cut short) and its compressed streams must inflate. Then:

1. characters -> *pieces*: runs on one baseline, split at gaps wider than one em between two text
   objects (table columns, tab stops, the page number after a table of contents' dot leaders); a wider
   gap inside one text object is justified word spacing; rotated text (stamps) is skipped;
2. running headers and footers are dropped: pieces on a page's three top or bottom lines whose text
   recurs at the same height on at least half of the pages (two at least), identical or differing only
   by a page count ("Side 3 af 18"); and a lone page number ("3", "3/18", "- 3 -") naming its page on
   the first or last line of a page, with the rest of that line when its first or last piece is a labelled
   page number ("Kultur- og Fritidsudvalget<gap>Side 1 af 1"), whatever the page count;
3. pieces -> paragraphs of rows of cells (``pdf_layout.group``): the next piece on the same baseline or higher up
   to the right is the next table cell; one further down is the next line, or a new paragraph when the
   gap is wider than the document's line pitch for that font size or the font size or weight changes;
4. text (``pdf_layout.render_text``): a line that ended with room for the next line's first word was a hard break
   ("\\n"), otherwise the text wrapped (" "); cells are joined by tabs (a table's rows get their empty
   cells back from the columns of the whole table), table rows by "\\n", paragraphs by a blank line;
   a paragraph cut by a page break is joined back when its last line was full;
5. ``parse_text`` reads the text as if it were a text export.
"""
from __future__ import annotations

import ctypes
import math
import re
import zlib
from collections import Counter, defaultdict

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from embeddings.errors import InputError, Reason
from embeddings.minutes import Minutes
from embeddings.ingest.furniture import LABELLED_PAGE_NUMBER
from embeddings.ingest.text import parse_text
from embeddings.ingest.pdf_layout import Piece, group, render_text

_COLUMN_GAP = 1.0  # ems: a wider gap on one baseline separates cells (a tab)
_EDGE_LINES = 3  # lines at the top and bottom of a page that may be running headers or footers
_PAGE_NUMBER = re.compile(  # "3", "Side 3 af 18", "3/18", "- 3 -"
    r"(?:(?:side|page|s\.)\s*)?[-–—]?\s*\d{1,4}\s*(?:(?:af|of|fra|/)\s*\d{1,4})?\s*[-–—]?", re.IGNORECASE)
_STREAM = re.compile(rb"\bstream\r?\n")
_FLATE_FIRST = re.compile(rb"/Filter\s*\[?\s*/FlateDecode\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_INVISIBLE = {0, 0xAD, 0xFEFF, 0xFFFE, 0xFFFF}  # soft hyphen, BOM, non-characters
_LINE_END_HYPHEN = 0x02  # pdfium's code for a hyphen that ends a line


def parse_pdf(data: bytes, path: str, sha256: str) -> Minutes:
    """The meeting in a PDF export; InputError (naming ``path``) when the PDF cannot be read."""
    return parse_text(pdf_text(data, path), path, sha256)


def pdf_text(data: bytes, path: str) -> str:
    """The PDF's text in the text-export shape: no running headers, footers or page numbers."""
    pages, width = _read_pieces(data, path)
    pages = _drop_running_lines(pages)
    if not any(pages):
        raise InputError("pdf_no_text", path)
    pieces = [p for ps in pages for p in ps]
    # The text column's right edge: the widest line, or as far from the right edge of the paper as the
    # text is from the left one (short documents). Too far right only turns a few wraps into "\n".
    right = max(max(p.x1 for p in pieces), width - min(p.x0 for p in pieces))
    return render_text(group(pages), right)


# --- 1. characters -> pieces ---

def _read_pieces(data: bytes, path: str) -> tuple[list[list[Piece]], float]:
    """Each page's pieces, and the widest page's width."""
    if b"%%EOF" not in data.rstrip(b"\x00 \t\r\n\x0c")[-2048:]:  # the trailer comes last; without it
        # the file was cut short, and pdfium might rebuild what is left and return part of the minutes.
        raise InputError("pdf_broken", path, reason=Reason("pdf_reason_truncated"))
    damaged = _damaged_stream(data)
    if damaged is not None:
        raise InputError("pdf_broken", path, reason=Reason("pdf_reason_stream", offset=damaged))
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if e.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise InputError("pdf_encrypted", path) from None
        raise InputError("pdf_broken", path, reason=Reason("pdf_reason_structure", error=e.err_code)) from None
    try:
        pages, width = [], 0.0
        for i in range(len(doc)):
            try:
                page = doc[i]
                textpage = page.get_textpage()
            except pdfium.PdfiumError:
                raise InputError("pdf_broken", path, reason=Reason("pdf_reason_page", page=i + 1)) from None
            pages.append(_page_pieces(i, textpage))
            width = max(width, page.get_width())
            textpage.close()
            page.close()
        return pages, width
    finally:
        doc.close()


def _damaged_stream(data: bytes) -> int | None:
    """Byte offset of the first Flate-compressed stream that does not inflate, or None.

    PDFium reads what it can of a damaged stream and says nothing, so a flipped byte in a page's
    content would silently cost the rest of the page. Images are skipped (they hold no text), and so
    are encrypted files (their streams cannot be read without the key).
    """
    if b"/Encrypt" in data:
        return None
    pos = 0
    while m := _STREAM.search(data, pos):
        end = data.find(b"endstream", m.end())
        if end < 0:
            return m.end()
        head = data[data.rfind(b"obj", 0, m.start()) + 3:m.start()]
        body = data[m.end():end]
        if _FLATE_FIRST.search(head) and not _IMAGE.search(head) and body.strip():
            for wbits in (15, -15):  # zlib, or raw deflate as a few writers produce
                try:
                    zlib.decompressobj(wbits).decompress(body)
                    break
                except zlib.error:
                    pass
            else:
                return m.end()
        pos = end + len(b"endstream")
    return None


def _page_pieces(page_no: int, textpage: pdfium.PdfTextPage) -> list[Piece]:
    tp = textpage.raw
    box, ox, oy = pdfium_c.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    styles: dict[int, tuple[float, bool] | None] = {}  # per text object: (size, bold), None if rotated
    pieces: list[Piece] = []
    cur: Piece | None = None
    last_size, last_obj, space = 0.0, 0, False
    for i in range(pdfium_c.FPDFText_CountChars(tp)):
        code = pdfium_c.FPDFText_GetUnicode(tp, i)
        if code in _INVISIBLE:
            continue
        ch = "-" if code == _LINE_END_HYPHEN else chr(code)
        if ch.isspace() or ch == "\u200b":
            space = True
            continue
        handle = pdfium_c.FPDFText_GetTextObject(tp, i)
        obj = ctypes.cast(handle, ctypes.c_void_p).value or 0
        if obj not in styles:
            styles[obj] = _style(tp, i, handle)
        style = styles[obj]
        if style is None:  # rotated text: a stamp or watermark, not part of the minutes
            space = True
            continue
        size, bold = style
        pdfium_c.FPDFText_GetLooseCharBox(tp, i, box)
        pdfium_c.FPDFText_GetCharOrigin(tp, i, ox, oy)
        if cur is not None:
            em = max(size, last_size)
            gap = box.left - cur.x1
            # A wide gap inside one text-showing operator is justified word spacing, not a column.
            if abs(oy.value - cur.y) < 0.4 * em and -0.5 * em < gap and (
                    gap < _COLUMN_GAP * em or (obj and obj == last_obj)):
                if space or gap > 0.25 * em:
                    if cur.first_word_x1 is None:
                        cur.first_word_x1 = cur.x1
                    cur.chars.append(" ")
                cur.chars.append(ch)
                cur.styles[size, bold] += 1
                cur.x1 = max(cur.x1, box.right)
                last_size, last_obj, space = size, obj, False
                continue
            pieces.append(cur)
        cur = Piece(page_no, box.left, box.right, oy.value, [ch], Counter({(size, bold): 1}))
        last_size, last_obj, space = size, obj, False
    if cur is not None:
        pieces.append(cur)
    return pieces


def _style(tp, i: int, handle) -> tuple[float, bool] | None:
    """Character i's text object: font size as printed (Tf size times the text and page matrices) and
    boldness (weight, or the font's name for the standard fonts that state no weight); None if rotated."""
    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFText_GetMatrix(tp, i, m)
    if abs(m.b) > 0.02 * abs(m.a) or m.a <= 0:
        return None
    size = round(pdfium_c.FPDFText_GetFontSize(tp, i) * math.hypot(m.c, m.d), 1) or 10.0
    font = pdfium_c.FPDFTextObj_GetFont(handle) if handle else None
    if not font:
        return size, pdfium_c.FPDFText_GetFontWeight(tp, i) >= 600
    n = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    name = ctypes.create_string_buffer(n)
    pdfium_c.FPDFFont_GetBaseFontName(font, name, n)
    heavy = re.search(rb"bold|black|heavy|semibold|demi", name.value, re.IGNORECASE)
    return size, pdfium_c.FPDFFont_GetWeight(font) >= 600 or bool(heavy)


# --- 2. running headers, footers and page numbers ---

def _drop_running_lines(pages: list[list[Piece]]) -> list[list[Piece]]:
    def edge(pieces: list[Piece]) -> list[Piece]:
        levels = sorted({round(p.y) for p in pieces})
        near = set(levels[:_EDGE_LINES] + levels[-_EDGE_LINES:])
        return [p for p in pieces if round(p.y) in near]

    def running(same: list[Piece]) -> bool:
        """Repeated on enough pages, and identical or differing only by a number that counts pages
        ("Side 3 af 18"), not by other numbers (journal numbers under punkt headings at the page top)."""
        if len({q.page for q in same}) < need:
            return False
        numbers = [[int(n) for n in re.findall(r"\d+", q.text)] for q in same]
        return len({q.text for q in same}) == 1 or any(
            len({ns[k] - q.page for ns, q in zip(numbers, same)}) == 1 for k in range(len(numbers[0])))

    groups: dict[str, list[Piece]] = defaultdict(list)  # by text with digits ignored
    for pieces in pages:
        for p in edge(pieces):
            groups[re.sub(r"\d+", "#", " ".join(p.text.split()).lower())].append(p)
    need = max(2, math.ceil(len(pages) / 2))
    drop = {id(p) for group in groups.values() for p in group
            if running([q for q in group if abs(q.y - p.y) <= 2])}
    kept = []
    for pieces in pages:
        rest = [p for p in pieces if id(p) not in drop]
        if rest:
            top, bottom = max(p.y for p in rest), min(p.y for p in rest)
            for y in {top, bottom}:
                line = sorted((p for p in rest if abs(p.y - y) < 2), key=lambda p: p.x0)
                if len(line) == 1 and _is_page_number(line[0]):
                    rest.remove(line[0])
                elif len(line) > 1 and any(_is_page_number(p, labelled=True) for p in (line[0], line[-1])):
                    for p in line:  # "Kultur- og Fritidsudvalget<gap>Side 1 af 1": a footer with its page number
                        rest.remove(p)
        kept.append(rest)
    return kept


def _is_page_number(p: Piece, labelled: bool = False) -> bool:
    """"3", "Side 3 af 18", "3/18" or "- 3 -" on the page it names (a cover page may shift labels by 2); with
    ``labelled``, not a bare "3" or "3/18" (beside other text on its line those may be a table's cells)."""
    if not _PAGE_NUMBER.fullmatch(p.text.strip()):
        return False
    if labelled and not LABELLED_PAGE_NUMBER.fullmatch(p.text.strip()):
        return False
    return p.page - 1 <= int(re.search(r"\d+", p.text).group()) <= p.page + 1
