"""HTML fragments -> readable plain-text blocks, with the standard library's html.parser only.

A block is one paragraph: its lines joined by "\\n" (``<br>``, list items, table rows). Joined with one
blank line between blocks, they give the text of a section. Entities are decoded, whitespace is
collapsed, non-breaking and zero-width spaces are normalised; list items read "- item" ("1. item" in a
numbered list); a table row reads "cell | cell". Track-changes deletions (``<del>``), scripts and styles
are left out. Headings (h1-h6) come out as blocks marked ``heading`` so a caller can split sections.

A caller may also pass ``is_heading``, which tells which texts are section headings: then a heading written in
bold instead of as an h1-h6 element comes out as a heading block too, in three forms: a line that is only bold
text ("<p><strong>Beslutning</strong></p>", "<b>Indstilling:</b><br>"), a bold lead-in ending in a colon with
the section's text after it ("<p><b>Beslutning:</b> Godkendt.</p>": the heading, then "Godkendt." as the
first line of a paragraph), and a two-cell table row whose first cell is only bold text and second is not
("<tr><td><b>Beslutning</b></td><td>Godkendt.</td></tr>": the heading, then the second cell). A bold heading
line with more lines in its paragraph ("<b>Sagsfremstilling</b><br>...") splits it only before any h1-h6
heading. Bold text that is no heading, and bold headings inside lists, stay text.
"""
from __future__ import annotations

import html
import re
import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

_BLOCK = frozenset({"address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog",
                    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "main",
                    "nav", "p", "pre", "section", "summary"})
_HEADING = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LIST = frozenset({"ul", "ol", "dir", "menu"})
_BOLD = frozenset({"b", "strong"})
_SKIP = frozenset({"script", "style", "head", "title", "template", "del", "s", "strike"})
# A whole web page's chrome, left out of a page (``page=True``) but kept in a fragment: menus, the site's footer,
# side columns, forms and their buttons, pictures drawn inline.
_CHROME = frozenset({"nav", "footer", "aside", "form", "button", "select", "noscript", "svg", "iframe"})
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u2007\u202f\u205f\u3000]+")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen, zero-width characters
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


@dataclass(frozen=True)
class Block:
    """One paragraph of text (lines joined by "\\n"); ``heading`` when it came from an h1-h6 element (or, with
    ``is_heading``, from a bold heading)."""

    text: str
    heading: bool = False


def clean_line(raw: str) -> str:
    """Collapse whitespace (incl. non-breaking spaces), drop soft hyphens and zero-width characters, NFC."""
    if not raw or raw.isspace():
        return ""
    return unicodedata.normalize("NFC", _SPACES.sub(" ", _INVISIBLE.sub("", raw)).strip())


def decode_entities(text: str) -> str:
    """Plain text that arrived HTML-escaped ("foreninger &amp; klubber"): its entities decoded, then cleaned as
    by ``clean_line``. Text without an entity ("Q&A", "R&D") is returned as it is."""
    if not _ENTITY.search(text):
        return text
    return clean_line(_ENTITY.sub(lambda m: html.unescape(m.group()), text))


@dataclass
class _List:
    ordered: bool
    next_number: int = 1
    stray: bool = False  # opened for an <li> outside any list; closed with that item


class _Converter(HTMLParser):
    def __init__(self, is_heading: Callable[[str], bool] | None = None, page: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._is_heading = is_heading
        self._page = page
        self._skipped = _SKIP | _CHROME if page else _SKIP
        self._bold = 0  # depth of open b/strong elements
        self._lead = -1  # fragments of the current line before its first text outside bold; -1 while all bold
        self._bold_cells: list[bool] = []  # per cell of the current table row: only bold text so far
        self._heads: dict[int, tuple[str, str, str]] = {}  # line index -> bold heading: (form, heading, rest)
        self._had_heading = False  # an h1-h6 heading came before
        self._lines: list[str] = []  # finished lines of the current paragraph
        self._line: list[str] = []  # fragments of the current line
        self._prefix = ""  # list marker waiting for the item's first line
        self._indent = ""  # continuation indent inside a list item
        self._lists: list[_List] = []
        self._heading = 0
        self._skip = 0
        self._table = 0
        self._cells: list[list[str]] | None = None  # the current table row (outermost table only)

    # --- building -------------------------------------------------------------------------------
    def _end_line(self) -> None:
        if self._cells is not None:  # inside a table row: line breaks are spaces
            self._text(" ")
            return
        if not self._line:
            return
        text = clean_line("".join(self._line))
        head = self._bold_heading(text)
        self._line, self._lead = [], -1
        if head is not None:
            self._heads[len(self._lines)] = head
        if text:
            self._lines.append(f"{self._indent}{self._prefix}{text}" if self._prefix else
                               f"{self._indent}  {text}" if self._indent or self._lists else text)
            self._prefix = ""

    def _end_paragraph(self) -> None:
        self._end_row()
        self._end_line()
        self._flush()

    def _flush(self) -> None:
        """The lines so far as blocks: one, or more where a bold heading splits them (see ``_splits``)."""
        heads = {i: head for i, head in self._heads.items() if self._splits(i, *head)}
        self._heads = {}
        lines, self._lines = self._lines, []
        start = 0
        for i, (_, head, rest) in sorted(heads.items()):
            self._block(lines[start:i])
            self.blocks.append(Block(head, heading=True))
            lines[i] = rest
            start = i if rest else i + 1
        self._block(lines[start:])
        if self._heading:
            self._had_heading = True

    def _splits(self, index: int, form: str, head: str, rest: str) -> bool:
        """Whether the bold heading of line ``index`` splits the paragraph: a line that is the whole paragraph,
        a lead-in on its first line and a table row always do; a bold line with more lines in its paragraph
        (``<b>Sagsfremstilling</b><br>...``) only before any h1-h6 heading: where a document has real headings,
        such a line is emphasis inside a section ("<em><strong>Baggrund</strong></em><br>" in a Greve
        Sagsbeskrivelse)."""
        if form == "row" or (form == "line" and len(self._lines) == 1) or (form == "lead-in" and index == 0):
            return True
        return not self._had_heading

    def _block(self, lines: list[str]) -> None:
        if lines:  # dedent: a list nested directly in a list has no outer item to indent under
            self.blocks.append(Block(textwrap.dedent("\n".join(lines)), heading=self._heading > 0))

    def _bold_heading(self, text: str) -> tuple[str, str, str] | None:
        """("line", heading, "") for a line that is only bold text and a section heading, ("lead-in", heading,
        rest) for a line that starts with a bold heading ending in a colon; None for any other line."""
        if self._is_heading is None or self._heading or self._lists or not text:
            return None
        if self._lead < 0:
            form, head, rest = "line", text, ""
        else:
            form = "lead-in"
            head, rest = clean_line("".join(self._line[:self._lead])), clean_line("".join(self._line[self._lead:]))
            if rest.startswith(":"):
                head, rest = f"{head}:", rest[1:].lstrip()
            if not (head.endswith(":") and rest):
                return None
        return (form, head, rest) if self._is_heading(head) else None

    def _end_row(self) -> None:
        if self._cells is None:
            return
        texts = [clean_line("".join(cell)) for cell in self._cells]
        cells = [(c, bold) for c, bold in zip(texts, self._bold_cells) if c]
        self._cells, self._bold_cells = None, []
        if not cells:
            return
        if self._page:  # as a text export: tab-separated, an empty cell kept so the columns stay in place
            while not texts[-1]:
                texts.pop()
            self._lines.append("\t".join(texts))
            return
        if (len(cells) == 2 and cells[0][1] and not cells[1][1] and self._is_heading is not None
                and not self._heading and self._is_heading(cells[0][0])):  # "Beslutning | Godkendt."
            self._heads[len(self._lines)] = ("row", cells[0][0], cells[1][0])
        self._lines.append(" | ".join(c for c, _ in cells))

    def _text(self, text: str) -> None:
        if self._cells is not None:
            if not self._cells:
                self._cells.append([])
                self._bold_cells.append(True)
            self._cells[-1].append(text)
            if not self._bold and clean_line(text):
                self._bold_cells[-1] = False
        else:
            if self._lead < 0 and not self._bold and clean_line(text):
                self._lead = len(self._line)
            self._line.append(text)

    # --- HTMLParser callbacks ---------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._skipped:
            self._skip += 1
        elif self._skip:
            return
        elif tag == "br":
            self._soft_break()
        elif tag in _BOLD:
            self._bold += 1
        elif tag in _HEADING:
            self._end_paragraph()
            self._heading += 1
        elif tag in _LIST:
            self._start_list(tag, dict(attrs))
        elif tag == "li":
            self._start_item()
        elif tag == "table":
            self._table += 1
            if self._table == 1:
                self._end_paragraph()
            else:
                self._text(" ")
        elif tag == "tr":
            if self._table == 1:
                self._end_row()
                self._cells = []
            else:
                self._text(" ")
        elif tag in ("td", "th"):
            if self._table == 1 and self._cells is not None:
                self._cells.append([])
                self._bold_cells.append(True)
            else:
                self._text(" ")
        elif tag in _BLOCK:
            self._block_boundary()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self._skip:
            self._soft_break()
        elif tag in _BLOCK and not self._skip:
            self._block_boundary()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skipped:
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            return
        elif tag in _BOLD:
            self._bold = max(0, self._bold - 1)
        elif tag in _HEADING:
            self._end_paragraph()
            self._heading = max(0, self._heading - 1)
        elif tag in _LIST:
            self._end_list()
        elif tag == "li":
            self._end_line()
            if self._lists and self._lists[-1].stray:
                self._end_list()
        elif tag == "table":
            self._table = max(0, self._table - 1)
            if self._table == 0:
                self._end_paragraph()
            else:
                self._text(" ")
        elif tag == "tr":
            if self._table == 1:
                self._end_row()
            else:
                self._text(" ")
        elif tag in ("td", "th"):
            self._text(" ")
        elif tag in _BLOCK:
            self._block_boundary()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text(data)

    # --- structure ------------------------------------------------------------------------------
    def _soft_break(self) -> None:
        """<br>: a new line; a second <br> in a row (an empty line) ends the paragraph."""
        if self._cells is not None:
            self._text(" ")
        elif clean_line("".join(self._line)) or self._lists:
            self._end_line()
        else:
            self._end_paragraph()

    def _block_boundary(self) -> None:
        """p, div, ...: a new paragraph, or only a new line inside a list item or table cell."""
        if self._cells is not None:
            self._text(" ")
        elif self._lists:
            self._end_line()
        else:
            self._end_paragraph()

    def _start_list(self, tag: str, attrs: dict[str, str | None]) -> None:
        if self._lists:
            self._end_line()
        else:
            self._end_paragraph()
        start = (attrs.get("start") or "").strip()
        number = int(start) if re.fullmatch(r"[0-9]{1,6}", start) else 1
        self._lists.append(_List(ordered=tag == "ol", next_number=number))

    def _end_list(self) -> None:
        if not self._lists:
            return
        self._end_line()
        self._lists.pop()
        self._prefix = ""
        self._indent = "  " * (len(self._lists) - 1) if self._lists else ""
        if not self._lists:
            self._end_paragraph()

    def _start_item(self) -> None:
        if self._cells is not None:
            self._text(" ")
            return
        if not self._lists:  # a stray <li> outside any list
            self._end_paragraph()
            self._lists.append(_List(ordered=False, stray=True))
        self._end_line()
        current = self._lists[-1]
        if current.ordered:
            self._prefix = f"{current.next_number}. "
            current.next_number += 1
        else:
            self._prefix = "- "
        self._indent = "  " * (len(self._lists) - 1)

    def close(self) -> None:
        super().close()
        self._lists.clear()
        self._heading = 0
        self._end_paragraph()


def html_blocks(html: str, is_heading: Callable[[str], bool] | None = None, page: bool = False) -> list[Block]:
    """The paragraphs of an HTML fragment, in document order; empty paragraphs are dropped. ``is_heading``: which
    texts are section headings, for headings written in bold (see the module docstring). ``page``: ``html`` is a
    whole web page: its chrome (menus, footer, forms) is left out and a table row's cells are joined by tabs, as
    a text export writes them ("Sagsnr.<tab>22-000019")."""
    converter = _Converter(is_heading, page)
    converter.feed(html)
    converter.close()
    return converter.blocks


def html_to_text(html: str) -> str:
    """An HTML fragment as plain text: paragraphs separated by one blank line."""
    return "\n\n".join(b.text for b in html_blocks(html))
