"""Render FirstAgenda text/Markdown exports as a municipal web page, for tests.

The page imitates minutes published on a municipality's site: a head with a title, a style and a script, a
site header, a menu, the minutes in ``<main>`` (the head line as h1, punkt headers as h2, section headings as
h3, paragraphs as ``<p>`` with ``<br>`` between their lines, tab-separated lines as table rows, list lines as
``<ul>``), a side column and the site's footer. Text is HTML-escaped.
"""
from __future__ import annotations

import html
import re

from embeddings.ingest.sections import canonical_section

_HEAD = re.compile(r"^(REFERAT|Referat)\b")
_PUNKT = re.compile(r"^(Punkt|Pkt\.?|Sak|Sag)\s+\d+\s*[:.]")
_MARKDOWN = re.compile(r"^#{1,6}\s+|\*\*|__")
CHROME = ("Forside", "Politik og demokrati", "Se også byrådets referater", "Rådhustorvet 1, 4000 Lunde",
          "Cookie-indstillinger")


def _paragraph(lines: list[str]) -> str:
    if all("\t" in x for x in lines):
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in x.split("\t")) + "</tr>"
                       for x in lines)
        return f"<table>{rows}</table>"
    if all(x.lstrip().startswith(("- ", "• ")) for x in lines):
        return "<ul>" + "".join(f"<li>{html.escape(x.lstrip()[2:])}</li>" for x in lines) + "</ul>"
    if len(lines) == 1:
        x = lines[0]
        if _HEAD.match(x):
            return f"<h1>{html.escape(x)}</h1>"
        if _PUNKT.match(x):
            return f"<h2>{html.escape(x)}</h2>"
        if canonical_section(x.rstrip(":")) is not None:
            return f"<h3>{html.escape(x)}</h3>"
    return "<p>" + "<br>".join(html.escape(x) for x in lines) + "</p>"


def web_page(text: str, title: str = "Referat") -> str:
    """``text`` (a text or Markdown export) as a web page with a site's chrome around it."""
    blocks, lines = [], []
    for x in [_MARKDOWN.sub("", x).rstrip() for x in text.replace("\r\n", "\n").split("\n")] + [""]:
        if x.strip():
            lines.append(x)
        elif lines:
            blocks.append(_paragraph(lines))
            lines = []
    body = "\n".join(blocks)
    return f"""<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>{html.escape(title)} | Lunde Kommune</title>
<style>main {{ max-width: 50em }}</style><script>var menu = "Forside";</script></head>
<body><header class="site"><a href="/">Lunde Kommune</a></header>
<nav><ul><li><a href="/">{CHROME[0]}</a></li><li><a href="/politik">{CHROME[1]}</a></li></ul></nav>
<main><article>
{body}
</article></main>
<aside><h2>Relateret</h2><p>{CHROME[2]}</p></aside>
<footer><p>{CHROME[3]}</p><form><button>{CHROME[4]}</button></form></footer>
</body></html>
"""
