"""Steps 3 and 4 of reading a PDF (see embeddings/parse_pdf.py): positioned text pieces -> paragraphs of
rows of cells -> the plain text ``parse_text`` reads.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from embeddings.ingest.furniture import ENDS_IN_ABBREVIATION, join_hyphenated

LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬆ": "st"})
_PARAGRAPH_GAP = 0.3  # ems beyond the line pitch: a wider gap between lines starts a new paragraph
_LIST_ITEM = re.compile(r"(?:\d{1,2}[.)]|[a-zæøå][.)]|[-–•·▪*])\s")


@dataclass(eq=False)
class Piece:
    """Text on one baseline, left to right: a line of a paragraph, or of one table cell."""

    page: int
    x0: float
    x1: float
    y: float  # baseline, PDF points from the bottom of the page
    chars: list[str] = field(default_factory=list)
    styles: Counter = field(default_factory=Counter)  # (size, bold) -> characters
    first_word_x1: float | None = None

    @property
    def text(self) -> str:
        return "".join(self.chars).translate(LIGATURES)

    @property
    def style(self) -> tuple[float, bool]:
        return self.styles.most_common(1)[0][0]

    @property
    def size(self) -> float:
        return self.style[0]

    @property
    def first_word_width(self) -> float:
        return (self.first_word_x1 if self.first_word_x1 is not None else self.x1) - self.x0


Cell = list[Piece]
Row = list[Cell]
Paragraph = list[Row]


# --- 3. pieces -> paragraphs, rows, cells ---

def _line_pitch(pages: list[list[Piece]]):
    """Baseline-to-baseline distance of consecutive lines of one paragraph, per font size."""
    by_size: dict[float, Counter] = defaultdict(Counter)
    ratios: Counter = Counter()
    for pieces in pages:
        for a, b in zip(pieces, pieces[1:]):
            dy = a.y - b.y
            if a.style == b.style and abs(a.x0 - b.x0) < 2 and 0.8 * a.size < dy < 3 * a.size:
                by_size[a.size][round(dy * 4) / 4] += 1
                ratios[round(dy / a.size, 2)] += 1
    ratio = ratios.most_common(1)[0][0] if ratios else 1.2

    def pitch(size: float) -> float:
        c = by_size.get(size)
        return c.most_common(1)[0][0] if c and sum(c.values()) >= 3 else ratio * size

    return pitch


def group(pages: list[list[Piece]]) -> list[Paragraph]:
    pitch = _line_pitch(pages)
    paragraphs: list[Paragraph] = []
    a: Piece | None = None
    for pieces in pages:
        for b in pieces:
            if a is None or a.page != b.page:
                paragraphs.append([[[b]]])
                a = b
                continue
            row = paragraphs[-1][-1]
            cell = row[-1]
            em = max(a.size, b.size)
            dy = a.y - b.y
            if dy < 0.4 * em and b.x0 >= max(p.x1 for p in cell) - 1:  # same line or higher, to the right
                row.append([b])
            elif dy < 0.4 * em or a.style != b.style or dy > pitch(a.size) + _PARAGRAPH_GAP * em:
                paragraphs.append([[[b]]])
            elif len(row) > 1 and abs(b.x0 - cell[0].x0) > 2:  # a table row ended
                paragraphs[-1].append([[b]])
            else:
                cell.append(b)
            a = b
    return paragraphs


# --- 4. text ---

def render_text(paragraphs: list[Paragraph], right: float) -> str:
    def full(a: Piece, b: Piece) -> bool:
        """True when b's first word would not have fitted after a: the line wrapped."""
        return a.x1 + 0.3 * a.size + b.first_word_width > right - 1

    def join(a: Piece, b: Piece, prose: bool) -> str:
        t, u = a.text, b.text
        if prose and (not full(a, b) or (t.endswith((".", ":", ";", "!", "?")) and _LIST_ITEM.match(u))):
            return "\n"
        return " "

    def cell_text(cell: Cell, prose: bool) -> str:
        out = cell[0].text
        for a, b in zip(cell, cell[1:]):
            # the line broke after a hyphen inside a word ("trafik-" + "planen", "IT-" + "systemer"), wrapped
            # or not: a narrow column's lines are never full
            joined = join_hyphenated(out, b.text)
            out = joined if joined is not None else out + join(a, b, prose) + b.text
        return out

    # A paragraph cut by a page break continues on the next page when its last line was full.
    merged: list[Paragraph] = []
    for para in _split_side_headings(paragraphs, right):
        if merged:
            prev = merged[-1]
            a, b = prev[-1][-1][-1], para[0][0][0]
            if (a.page != b.page and len(prev[-1]) == 1 and len(para[0]) == 1 and a.style == b.style
                    and full(a, b) and (not a.text.rstrip().endswith((".", "!", "?", ":"))
                                        or (ENDS_IN_ABBREVIATION.search(a.text) and b.text[:1].islower()))):
                prev[-1][-1].extend(para[0][0])
                prev.extend(para[1:])
                continue
        merged.append(para)

    out: list[str] = []
    tables = _tables(merged)
    for i, (para, columns) in enumerate(zip(merged, tables)):
        if i:
            out.append("\n" if columns is not None and columns is tables[i - 1] else "\n\n")
        rows = []
        for row in para:
            if columns is None:
                rows.append("\t".join(cell_text(c, prose=len(row) == 1) for c in row))
                continue
            cells = [""] * len(columns)
            for c in row:
                k = _column_of(c, columns)
                cells[k] = " ".join(filter(None, (cells[k], cell_text(c, prose=False))))
            rows.append("\t".join(cells))
        out.append("\n".join(rows))
    return "".join(out) + "\n"


_SIDE_HEADING_WORDS = 6  # a heading in a left column is a few words ("Beslutning", "Økonomiske konsekvenser")


def _side_heading_row(row: Row) -> bool:
    """A bold heading of a few words in the left cell and plain text in the right one."""
    return (len(row) == 2 and all(p.style[1] for p in row[0]) and not any(p.style[1] for p in row[1])
            and len(" ".join(p.text for p in row[0]).split()) <= _SIDE_HEADING_WORDS)


def _split_side_headings(paragraphs: list[Paragraph], right: float) -> list[Paragraph]:
    """Headings in a left column with their text beside them ("Beslutning | Udvalget godkendte ...") as a
    heading paragraph followed by a text paragraph, the shape of a one-column layout, not as table rows.

    The layout is told from a table with bold row labels by the text column: a right cell of wrapped lines
    that run out to the right edge of the text. Every row of the same shape whose text starts there is one
    of them, even a one-line text ("Beslutning | Godkendt.").
    """
    starts = []
    for para in paragraphs:
        for row in para:
            if _side_heading_row(row) and len(row[1]) > 1:
                x0, x1 = _extent(row[1])
                if x1 >= right - 0.15 * (right - x0) and x0 - _extent(row[0])[0] > 0.15 * (right - x0):
                    starts.append(x0)
    if not starts:
        return paragraphs
    out: list[Paragraph] = []
    for para in paragraphs:
        rows: list[Row] = []
        for row in para:
            if _side_heading_row(row) and any(abs(_extent(row[1])[0] - x) <= 2 for x in starts):
                if rows:
                    out.append(rows)
                    rows = []
                out += [[[row[0]]], [[row[1]]]]
            else:
                rows.append(row)
        if rows:
            out.append(rows)
    return out


Columns = list[tuple[float, float]]


def _extent(cell: Cell) -> tuple[float, float]:
    return min(p.x0 for p in cell), max(p.x1 for p in cell)


def _columns(extents: list[tuple[float, float]]) -> Columns:
    """Table columns: the cells' horizontal extents, overlapping ones merged."""
    cols: Columns = []
    for x0, x1 in sorted(extents):
        if cols and x0 <= cols[-1][1] + 1:
            cols[-1] = (cols[-1][0], max(cols[-1][1], x1))
        else:
            cols.append((x0, x1))
    return cols


def _column_of(cell: Cell, columns: Columns) -> int:
    x0 = _extent(cell)[0]
    return max((k for k, (start, _) in enumerate(columns) if start <= x0 + 1), default=0)


def _mixed_sizes(row: Row) -> bool:
    """A line of cells in different font sizes: a heading with an aside ("2. Title<gap>Sagsnr.: 24/1234" in
    small print), not a table row; a table's cells share one size."""
    sizes = [p.size for c in row for p in c]
    return max(sizes) - min(sizes) > 1


def _tables(paragraphs: list[Paragraph]) -> list[Columns | None]:
    """Per paragraph, the columns of the table it belongs to (one list per table), or None for prose.

    A table is a run of paragraphs with rows of several cells in one font size; a one-cell paragraph inside the
    run whose text starts right of the first column is a row whose other cells are empty.
    """
    out: list[Columns | None] = [None] * len(paragraphs)
    run: list[int] = []
    extents: list[tuple[float, float]] = []
    for i, para in enumerate(paragraphs + [[]]):  # a sentinel ends the last run
        cells = [c for row in para if len(row) > 1 and not _mixed_sizes(row) for c in row]
        inside = (not cells and run and len(para) == 1 and len(para[0]) == 1
                  and _extent(para[0][0])[0] > _columns(extents)[0][1])
        if cells or inside:
            run.append(i)
            extents += [_extent(c) for c in cells]
        elif run:
            columns = _columns(extents)
            for k in run:
                out[k] = columns
            run, extents = [], []
    return out
