"""HTML fragments -> readable plain-text blocks, with the standard library's html.parser only.

A block is one paragraph: its lines joined by "\\n" (``<br>``, list items, table rows). Joined with one
blank line between blocks, they give the text of a section. Entities are decoded, whitespace is
collapsed, non-breaking and zero-width spaces are normalised; list items read "- item" ("1. item" in a
numbered list); a table row reads "cell | cell". Track-changes deletions (``<del>``), scripts and styles
are left out. Headings (h1-h6) come out as blocks marked ``heading`` so a caller can split sections.
"""
from __future__ import annotations

import html
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

_BLOCK = frozenset({"address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog",
                    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "main",
                    "nav", "p", "pre", "section", "summary"})
_HEADING = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LIST = frozenset({"ul", "ol", "dir", "menu"})
_SKIP = frozenset({"script", "style", "head", "title", "template", "del", "s", "strike"})
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u2007\u202f\u205f\u3000]+")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen, zero-width characters
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


@dataclass(frozen=True)
class Block:
    """One paragraph of text (lines joined by "\\n"); ``heading`` when it came from an h1-h6 element."""

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
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
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
        self._line = []
        if text:
            self._lines.append(f"{self._indent}{self._prefix}{text}" if self._prefix else
                               f"{self._indent}  {text}" if self._indent or self._lists else text)
            self._prefix = ""

    def _end_paragraph(self) -> None:
        self._end_row()
        self._end_line()
        if self._lines:  # dedent: a list nested directly in a list has no outer item to indent under
            self.blocks.append(Block(textwrap.dedent("\n".join(self._lines)), heading=self._heading > 0))
        self._lines = []

    def _end_row(self) -> None:
        if self._cells is None:
            return
        cells = [c for c in (clean_line("".join(cell)) for cell in self._cells) if c]
        self._cells = None
        if cells:
            self._lines.append(" | ".join(cells))

    def _text(self, text: str) -> None:
        if self._cells is not None:
            if not self._cells:
                self._cells.append([])
            self._cells[-1].append(text)
        else:
            self._line.append(text)

    # --- HTMLParser callbacks ---------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif self._skip:
            return
        elif tag == "br":
            self._soft_break()
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
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            return
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


def html_blocks(html: str) -> list[Block]:
    """The paragraphs of an HTML fragment, in document order; empty paragraphs are dropped."""
    converter = _Converter()
    converter.feed(html)
    converter.close()
    return converter.blocks


def html_to_text(html: str) -> str:
    """An HTML fragment as plain text: paragraphs separated by one blank line."""
    return "\n\n".join(b.text for b in html_blocks(html))
