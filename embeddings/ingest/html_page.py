"""Minutes saved from a web page (.html) -> the plain text ``parse_text`` reads -> Minutes.

Municipal sites publish minutes as HTML pages as well as PDF. The page's paragraphs, headings, list items
and table rows become the lines of a text export (html_text, without the site's menus, footer and forms),
and the text parser reads them like any other text: the same heads, punkt headers, sections and closed
wordings.
"""
from __future__ import annotations

from embeddings.ingest.html_text import html_blocks
from embeddings.ingest.text import parse_text
from embeddings.minutes import Minutes


def page_text(html: str) -> str:
    """A whole web page as plain text: one block per paragraph, blocks separated by a blank line."""
    return "\n\n".join(b.text for b in html_blocks(html, page=True))


def parse_html(html: str, path: str, sha256: str = "") -> Minutes:
    """The meeting on a saved web page; InputError (naming ``path``) when its text is no minutes."""
    return parse_text(page_text(html), path, sha256)
