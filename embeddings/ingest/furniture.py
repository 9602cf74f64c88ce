"""Page furniture in text exports (pdftotext output, text copied from a PDF): page numbers, running headers and
footers, and the form feeds between pages.

``drop_furniture(lines)`` returns as many lines as it was given, so that line numbers in error messages still
point into the file: a furniture line becomes blank, and a form feed ("\\x0c", pdftotext's page break) is
removed from its line. What goes:

- a page-number line on any page: "Side 2 af 3", "Side 3", "Page 3 of 12", "3/12" (not "24/1234", a
  journal number), "- 3 -"; a lone "3" only as
  a page's first or last line (pages known from form feeds);
- a footer or header line that carries a labelled page number beside other text, set off by a tab, a wide
  gap or a separator ("Erhvervsudvalget 07-10-2026   Side 2", "2026 / Side 3 af 3");
- a line that only names the meeting: a name from the document's first lines and the meeting's date
  ("Udvalget for Klima og Natur · 4. november 2026"), a running header wherever it falls; unless it heads the
  punkt's decision (_heads_decision: "Byrådet den 24. marts 2026" alone on its line under the Indstilling);
- a line repeated as the first or last line of half the pages or more (two at least), word for word, unless
  it is a heading, a punkt header or a sentence ("Godkendt."); kept at the top of the first page, where the
  document's own header is;
- a punkt's title repeated at the top of a page it runs onto, alone or numbered as its header is ("Budget 2026"
  or "2. Budget 2026" over page 2 of "Punkt 2: Budget 2026"): a running header naming the punkt in progress,
  not its text (``_running_titles``);
- a year alone on the line just before a dropped page number ("2026" over "Side 3 af 3");
- a web page's controls and copyright line, in minutes copied from a browser ("Vis mere", "Til toppen",
  "Udskriv", "© Lunde Kommune · Rådhustorvet 1").

A line that merely contains a number stays. A paragraph cut by a dropped line is left to ``parse_text``, which
joins paragraphs cut by a page break; when the furniture sat inside a paragraph with no blank line around it,
the rest of that paragraph moves up over it, so the paragraph stays whole.
"""
from __future__ import annotations

import datetime as dt
import re

from embeddings.closed import divider
from embeddings.minutes import SectionName
from embeddings.ingest.sections import chain_line, dates_in, end_matter, line_heading

FORM_FEED = "\x0c"
_HEAD_LINES = 6  # non-blank lines at the start that name the meeting
_LABELLED = r"(?:side|page|s\.)\s*\d{1,4}(?:\s*(?:af|of|fra|/)\s*\d{1,4})?|\d{1,4}\s*(?:af|of)\s*\d{1,4}|[-–—]\s*\d{1,4}\s*[-–—]"
_PAGE_LINE = re.compile(rf"\s*(?:{_LABELLED})\s*", re.I)
# "3/12" is page 3 of 12; "24/1234" and "25/12" are journal numbers (Acadre, SBSYS: year/serial): a page is no
# later than the last, and minutes run to hundreds of pages, not thousands.
_PAGE_OF = re.compile(r"\s*(\d{1,3})\s*/\s*(\d{1,3})\s*")
_BARE_NUMBER = re.compile(r"\s*\d{1,4}\s*")
_SEPARATOR = re.compile(r"\t|\s{3,}|\s[/|·•–—-]\s|\s*[|·•]\s*")
LABELLED_PAGE_NUMBER = re.compile(_LABELLED, re.I)  # "Side 3", "Side 3 af 18", "3 af 18", "- 3 -" (pdf.py too)
# A paragraph ending in one of these abbreviations ends no sentence when the next page goes on in lower case:
# "... fordeles med 3 mio. kr." / "om året ..." (pdf_layout.py and text.py join the two).
ENDS_IN_ABBREVIATION = re.compile(r"(?<!\w)(?:kr|mio|mia|ca|jf|bl\.a|f\.eks|m\.v|m\.m|mht|vedr|nr|pkt|stk|inkl|ekskl|evt"
                                  r"|hhv|iht)\.\s*$", re.IGNORECASE)
_KEEP_SPACE_AFTER_HYPHEN = {"og", "eller", "samt", "til", "som", "and", "or"}  # "Børne- og Unge", not "Børne-og"
_WORD_HYPHEN = re.compile(r"\w-$")
_SPLIT_WORD = re.compile(r"[a-zæøåäöü]-$")


def join_hyphenated(line: str, next_line: str) -> str | None:
    """A line that ends in a hyphen after a word, joined with the next: "trafik-" + "planen" -> "trafikplanen"
    (a word hyphenated at the line's end), "IT-" + "systemer" -> "IT-systemer", "Børne-" + "og Unge" ->
    "Børne- og Unge". None when ``line`` does not end so, or ``next_line`` does not go on with a word."""
    a, b = line.rstrip(), next_line.lstrip()
    if not (_WORD_HYPHEN.search(a) and b[:1].isalnum()):
        return None
    if b.split()[0].lower() in _KEEP_SPACE_AFTER_HYPHEN:
        return f"{a} {b}"
    if _SPLIT_WORD.search(a) and b[:1].islower():
        return a[:-1] + b
    return a + b


# A web page's controls and footer in minutes copied from a browser: "Vis mere", "Til toppen", "© Lunde Kommune ..."
_WEB_PAGE = re.compile(r"\s*(?:vis\s+(?:mere|mindre|alle)|læs\s+mere|til\s+toppen|print|udskriv(?:\s+referat)?"
                       r"|hent\s+som\s+pdf|del|cookiepolitik|cookies|©.*)\s*", re.I)
_PUNKT_LIKE = re.compile(r"^\s*(?:punkt|pkt\.?|sak|sag)\s*(?:nr\.?\s*)?\d", re.I)
_YEAR = re.compile(r"\s*((?:19|20)\d\d)\s*")
_NAME_AND_DATE = re.compile(r"\s*(?P<name>[^\W\d_].*?)[\s·|/,–—-]*(?:\b(?:d\.|den)\s*)?(?P<date>\d{1,2}[-./]\d{1,2}[-./]\d{4}"
                            r"|\d{1,2}\.?\s+[^\W\d_]+\s+\d{4})\s*", re.I)


def drop_furniture(lines: list[str]) -> list[str]:
    """``lines`` without page furniture, blanked in place (see the module docstring)."""
    pages = _page_starts(lines)
    # a web page's controls end the paragraph they stand in ("1. Lokalplan" over "Vis mere" over "Sagsnummer")
    out = ["" if _WEB_PAGE.fullmatch(x.replace(FORM_FEED, "")) else x.replace(FORM_FEED, "") for x in lines]
    at_head = [i for i, x in enumerate(out) if x.strip()][:_HEAD_LINES]
    head = [out[i] for i in at_head]
    dates = {d for x in head for d in dates_in(x)}
    drop = {i for i, x in enumerate(out) if _PAGE_LINE.fullmatch(x) or _page_of(x) or _page_footer(x)}
    naming = [i for i, x in enumerate(out) if i not in drop and i not in at_head and _names_meeting(x, head, dates)]
    drop |= set(naming) - _decision_headings(out, naming, pages)
    drop |= _bare_edge_numbers(out, pages)
    drop |= _repeated_edges(out, pages, drop)
    drop |= _running_titles(out, pages, drop)
    for i in sorted(drop):  # "2026" over "Side 3 af 3": the footer's year
        prev = _previous_text(out, i, drop)
        if prev is not None and (y := _YEAR.fullmatch(out[prev])) and int(y.group(1)) in {d.year for d in dates}:
            drop.add(prev)
    return _blank(out, drop)


def _page_of(line: str) -> bool:
    """A page number written "3/12" (_PAGE_OF)."""
    m = _PAGE_OF.fullmatch(line)
    return bool(m) and 0 < int(m.group(1)) <= int(m.group(2))


def _page_starts(lines: list[str]) -> list[int]:
    """Index of each page's first line: 0 and every line holding a form feed (pdftotext starts a page with it)."""
    return [0] + [i for i, x in enumerate(lines) if FORM_FEED in x and i > 0]


def _page_footer(line: str) -> bool:
    """Text beside a labelled page number, set off by a tab, a wide gap or a separator."""
    parts = [p for p in _SEPARATOR.split(line.strip()) if p.strip()]
    if len(parts) < 2 or _PUNKT_LIKE.match(line):
        return False
    ends = [p for p in (parts[0], parts[-1]) if LABELLED_PAGE_NUMBER.fullmatch(p.strip())]
    return bool(ends) and all(len(p.split()) <= 8 and not p.rstrip().endswith((".", ":", ";")) for p in parts)


# "Beslutning Teknik- og Miljøudvalget den 07-04-2026" names the meeting too, but heads its decision (sections.py)
_DECISION_FIRST = re.compile(r"^\s*(?:beslutning|indstilling)\b", re.I)


def _names_meeting(line: str, head: list[str], dates: set[dt.date]) -> bool:
    """A running header: a name written in the document's first lines beside the meeting's date, nothing else
    (a page number may follow); also the same line repeated above each punkt ("Børne- og Skoleudvalget,
    03.02.2026"). The first lines themselves are never taken (drop_furniture), nor a decision's heading that names
    the meeting ("Beslutning Teknik- og Miljøudvalget den 07-04-2026")."""
    if not line.strip():
        return False
    parts = [p for p in _SEPARATOR.split(line.strip()) if p.strip()]
    if len(parts) > 1 and LABELLED_PAGE_NUMBER.fullmatch(parts[-1].strip()):
        line = line.strip()[:line.strip().rfind(parts[-1])]
    m = _NAME_AND_DATE.fullmatch(line)
    if not m or not set(dates_in(m.group("date"))) & dates or _DECISION_FIRST.match(line):
        return False
    name = " ".join(m.group("name").split()).lower()
    return len(name) >= 4 and len(name.split()) <= 8 and any(name in " ".join(h.split()).lower() for h in head)


# Where a punkt starts, as far as page furniture can tell: "Punkt 4", "Pkt. 4", "Sag nr. 4", "Dagsordenpunkt 4",
# "7. punkt", Markdown's "## Punkt 4" and "**Punkt 4"
_PUNKT_WORD = r"(?:punkt|pkt\.?|sak|sag|dagsordens?punkt)\s*(?:nr\.?\s*)?"
_PUNKT_START = re.compile(rf"^[\s#*_]*(?:{_PUNKT_WORD}\d|\d{{1,4}}\.\s*punkt\b)", re.I)
# The sections a decision heading follows: the recommendation, or an earlier step of the case's chain
_BEFORE_DECISION = frozenset({SectionName.INDSTILLING, SectionName.HISTORIK})
_ENDS_PART = re.compile(r"[.!?:;)\]”\"»]\s*$")


def _decision_headings(lines: list[str], naming: list[int], pages: list[int]) -> set[int]:
    """Of the lines that name the meeting (``naming``), those that head their punkt's decision (_heads_decision)."""
    candidates = [i for i in naming if chain_line(lines[i])]
    if not candidates:
        return set()
    edges = {k for edge in _edges(lines, pages) for k in edge} if len(pages) > 1 else set()
    starts = [k for k, x in enumerate(lines) if _PUNKT_START.match(x)]
    written = {" ".join(lines[i].split()) for i in candidates}
    places: dict[str, list[int]] = {}
    for k, x in enumerate(lines):
        if k not in edges and (text := " ".join(x.split())) in written:
            places.setdefault(text, []).append(k)
    return {i for i in candidates if _heads_decision(lines, i, edges, starts, places.get(" ".join(lines[i].split()), []))}


def _heads_decision(lines: list[str], i: int, edges: set[int], starts: list[int], same: list[int]) -> bool:
    """True when the line at ``i``, a body and the meeting's day alone on its line ("Byrådet den 24. marts 2026"),
    is where the punkt's decision starts rather than a running header: it stands in a punkt (``starts``: where
    punkter start), not at a page's ``edges``, and does not cut a paragraph; the punkt's last section above it is
    its Indstilling or an earlier step of the case ("Økonomiudvalget den 10. marts 2026, pkt. 5:"); a sentence
    opens below it (a capital or a digit); and it is the last section of its punkt (no heading below it, but the
    minutes' end matter: "Fraværende: ..."), the only such line in it, written (``same``: where, page
    edges not counted) no more often in the minutes than there are punkter. A running header repeats on every
    page, above a punkt or at a page's edge, and so lands in the middle of a case's sections."""
    if i in edges:
        return False
    start = max((k for k in starts if k < i), default=None)
    end = min((k for k in starts if k > i), default=len(lines))
    if start is None or len(same) > len(starts) or any(start < k < end and k != i for k in same):
        return False
    if lines[i - 1].strip() and not _ENDS_PART.search(lines[i - 1]) and _section(lines[i - 1]) is None:
        return False  # a paragraph cut by it: "Direktionen indstiller, at der gives" over it
    below = next((k for k in range(i + 1, end) if lines[k].strip()), None)
    if below is None or not lines[below].lstrip()[:1].isupper() and not lines[below].lstrip()[:1].isdigit():
        return False
    above = [name for k in range(start + 1, i) if k not in edges and (name := _section(lines[k])) is not None]
    after = [k for k in range(below, end)
             if k not in edges and _section(lines[k]) is not None and end_matter(lines[k]) is None]
    return bool(above) and above[-1] in _BEFORE_DECISION and not after


def _section(line: str) -> SectionName | None:
    """The section a line heads, as far as furniture can tell (no meeting to compare with): a known heading, or a
    step of the case's chain (Historik: "Økonomiudvalget den 10. marts 2026, pkt. 5:")."""
    if not line.strip():
        return None
    return line_heading(line)[0] or (SectionName.HISTORIK if chain_line(line) else None)


def _bare_edge_numbers(lines: list[str], pages: list[int]) -> set[int]:
    """A lone number as the first or last line of a page, when form feeds mark the pages."""
    if len(pages) < 2:
        return set()
    out = set()
    for first, last in _edges(lines, pages):
        for i in (first, last):
            if i is not None and _BARE_NUMBER.fullmatch(lines[i]):
                out.add(i)
    return out


def _repeated_edges(lines: list[str], pages: list[int], dropped: set[int]) -> set[int]:
    """Lines that are the first or last text of two or more pages, word for word; the first page's top kept."""
    if len(pages) < 2:
        return set()
    seen: dict[str, list[tuple[int, int]]] = {}
    edges = _edges(lines, pages, dropped)
    for page, (first, last) in enumerate(edges):
        for i in {first, last} - {None}:
            seen.setdefault(" ".join(lines[i].split()), []).append((page, i))
    need = max(2, -(-sum(first is not None for first, _ in _edges(lines, pages)) // 2))  # half the pages
    first_top = edges[0][0]
    out = set()
    for text, places in seen.items():
        if (len(text) < 3 or line_heading(text)[0] is not None or _PUNKT_LIKE.match(text)
                or text.endswith((".", "!", "?", ":", ";"))):
            continue  # a heading, a punkt or a sentence ("Godkendt.") that happens to open or close two pages
        if len({page for page, _ in places}) >= need:
            out |= {i for _, i in places if i != first_top}
    return out


# A line that may head a punkt, for _running_titles: "Punkt 2: Budget 2026", "Pkt. 2 Budget", "2. Budget 2026".
_TITLED = re.compile(rf"^\s*(?P<word>{_PUNKT_WORD})?(?P<number>\d{{1,4}})"
                     r"(?:[a-z]|\.\d{1,2})?\s*[.:)–—-]?\s+(?P<title>[^\W\d_][^\n]*?)\s*$", re.I)
_TOP_LINES = 2  # a page's first lines that may repeat the punkt's title (under a running header of its own)


def _running_titles(lines: list[str], pages: list[int], dropped: set[int]) -> set[int]:
    """A page's first lines (_TOP_LINES, not already dropped) that repeat the title of the punkt in progress: the
    title alone, or numbered with that punkt's number. The punkt in progress is the last header above the page:
    a "Punkt N" line when the minutes have them, else a numbered line ("2. Budget 2026") whose title starts with a
    capital letter and ends no sentence. A page that starts a new punkt ("Punkt 3: ...") keeps it: another
    number, or another title; so does one after a divider ("LUKKEDE PUNKTER": closed punkter may be numbered
    anew)."""
    heads = [(i, m) for i, x in enumerate(lines) if (m := _TITLED.match(x)) and m.group("title")[0].isupper()
             and not m.group("title").endswith((".", "!", "?", ";", ":"))]
    if any(m.group("word") for _, m in heads):
        heads = [(i, m) for i, m in heads if m.group("word")]
    out: set[int] = set()
    for start, end in zip(pages[1:], pages[2:] + [len(lines)]):
        above = [(i, m) for i, m in heads if i < start and i not in dropped]
        if not above or any(divider(lines[k]) is not None for k in range(above[-1][0], start)):
            continue  # "LUKKEDE PUNKTER" since: the same number and title again is a closed punkt of its own
        number, title = above[-1][1].group("number"), _folded(above[-1][1].group("title"))
        top = [i for i in range(start, end) if lines[i].strip() and i not in dropped][:_TOP_LINES]
        for i in top:
            m = _TITLED.match(lines[i])
            if (_folded(m.group("title")) if m else _folded(lines[i])) == title and (m is None or m.group("number")
                                                                                   == number):
                out.add(i)
    return out


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(" .:")


def _edges(lines: list[str], pages: list[int], dropped: set[int] = frozenset()) -> list[tuple[int | None, int | None]]:
    """Each page's first and last non-blank line not already dropped."""
    out = []
    for start, end in zip(pages, pages[1:] + [len(lines)]):
        text = [i for i in range(start, end) if lines[i].strip() and i not in dropped]
        out.append((text[0], text[-1]) if text else (None, None))
    return out


def _previous_text(lines: list[str], i: int, dropped: set[int]) -> int | None:
    j = i - 1
    while j >= 0 and (not lines[j].strip()):
        j -= 1
    return j if j >= 0 and j not in dropped else None


def _blank(lines: list[str], drop: set[int]) -> list[str]:
    """Blank the dropped lines; a run of them inside a paragraph (text right above and below) is closed up by
    moving the rest of the paragraph over it, so the paragraph is not split."""
    out = list(lines)
    i = 0
    while i < len(out):
        if i not in drop:
            i += 1
            continue
        j = i
        while j + 1 < len(out) and j + 1 in drop:
            j += 1
        for k in range(i, j + 1):
            out[k] = ""
        if i > 0 and out[i - 1].strip() and j + 1 < len(out) and out[j + 1].strip():
            end = j + 1
            while end + 1 < len(out) and out[end + 1].strip() and end + 1 not in drop:
                end += 1
            rest = out[j + 1:end + 1]
            out[i:end + 1] = rest + [""] * (j + 1 - i)
            i = end + 1
        else:
            i = j + 1
    return out
