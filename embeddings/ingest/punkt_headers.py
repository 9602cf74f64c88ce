"""Which lines of minutes as text start a punkt, and the number, suffix, qualifier and title each one gives.

The headers this module reads::

    Punkt N: <titel>   or   Sak N: <titel>        one per punkt; also "Punkt N - <Titel>", "Punkt nr. N: <Titel>",
                                                  "Sag nr. N: <Titel>", "Dagsordenpunkt N: <Titel>"; a qualifier in
                                                  brackets after N ("Punkt N (tillæg): <Titel>", "Pkt. N [Lukket]
                                                  <Titel>") stays in the raw title, out of the title
      or  N. <Titel>  /  N ) <Titel>             only when no line is a "Punkt" header, the numbers run 1, 2, 3,
                                                  ... and each is followed by a blank line (else lists, "1. at ...")

Table-of-contents lines ("Titel.....<tab>3") are no headers.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from embeddings.closed import divider
from embeddings.journal import find_journal_numbers
from embeddings.minutes import SUFFIX
from embeddings.ingest.journal_labels import JOURNAL_LABEL, KLE_LABEL, KLE_SPACED
from embeddings.ingest.sections import line_heading


# "Punkt 1: X", "Pkt. 1. X", "Sak 1: X"; and, with a title starting with a capital letter (punkt_header),
# "Punkt 1 - X", "Punkt nr. 1: X", "Sag nr. 1: X", "Dagsordenpunkt 1: X".
# A sub-numbered punkt: "Punkt 3a: X" (added to the agenda late), "Punkt 5.1: X"; the suffix is followed by the
# header's separator (or its qualifier). "Punkt 1.2 i budgettet" is no header, and no punkt 1 titled "2 i budgettet".
_SUFFIX = rf"{SUFFIX}(?=\s*(?:[:.]|[-–—]|[(\[]))"


_QUALIFIER_TEXT = r"(?=[^()\[\]\n]*[^\W\d_])[\w.,/–—-]+(?:\s+[\w.,/–—-]+){0,2}"


def _qualifier(name: str) -> str:
    """A qualifier in brackets between the number and the separator: "Punkt 4 (tillæg): X", "Pkt. 12 (lukket): X",
    "Punkt 5 (2. behandling) - X", "Punkt 4 [tillæg]: X"; at most three words, a letter among them (not a time slot
    "(9.00-9.15)"). The group ``name`` holds it with its brackets, as written (see _qualified)."""
    return (rf"\s*(?P<{name}>\(\s*{_QUALIFIER_TEXT}\s*\)|\[\s*{_QUALIFIER_TEXT}\s*\])")


def _qualified(m: re.Match, name: str) -> str:
    """The qualifier of group ``name`` as written in its brackets, inner spaces tidied: "(tillæg)", "[Lukket]"."""
    found = m.group(name)
    return f"{found[0]}{found[1:-1].strip()}{found[-1]}" if found else ""


_PUNKT = re.compile(rf"^\s*(?:(?:Punkt|Pkt\.?|Sak)\s*(?P<number>\d{{1,4}})(?:(?P<suffix>{_SUFFIX})|(?!\.\d))"
                    rf"(?:{_qualifier('qualifier')})?\s*[:.]\s*"
                    r"(?P<title>\S.*?)"
                    r"|(?:(?:Punkt|Pkt\.?|Dagsordens?punkt)(?:\s*nr\.?)?|Sag\s+nr\.?)\s*(?P<number2>\d{1,4})"
                    rf"(?P<suffix2>{_SUFFIX})?(?:{_qualifier('qualifier2')})?"
                    r"\s*(?:[:.]|[-–—])\s*(?P<title2>(?:[^\W\d_]|[(\[]L[)\]]).*?))\s*$", re.I)
# "7. punkt: Lokaletilskud", "7. punkt (tillæg): X": the number before the word, a title starting with a capital
# letter (punkt_header).
_NUMBER_FIRST = re.compile(rf"^\s*(?P<number>\d{{1,4}})\.\s*[Pp]unkt(?:{_qualifier('qualifier')})?\s*(?:[:.]|[-–—])\s*"
                           r"(?P<title>[^\W\d_].*?)\s*$")
# "Punkt 5 Budget 2027" (no separator after the number), "Punkt 3a Høringssvar" (a suffix glued to the number) and
# "PUNKT 7" alone over its title, a qualifier in brackets allowed after either ("Punkt 12 (lukket) Køb af jord"):
# headers only under the rule in spaced_headers. "Punkt" with a capital letter: "punkt 5 blev udsat" is a sentence.
# "Dagsordenpunkt 3" and "Sag nr. 3" (ePublicering, Word exports) read as "Punkt 3" does.
_SPACED_WORD = r"(?:Punkt|PUNKT|Pkt\.?|PKT\.?|Dagsordens?punkt|DAGSORDENS?PUNKT|Sag\s+nr\.?|SAG\s+NR\.?)"
_SPACED = re.compile(rf"^\s*{_SPACED_WORD}\s*(?P<number>\d{{1,4}})(?P<suffix>(?i:{SUFFIX}))?"
                     rf"(?:{_qualifier('qualifier')})?(?:\s+(?P<title>[^\W\d_].*?))?\s*$")
_NUMBER_ALONE = re.compile(rf"^\s*{_SPACED_WORD}\s*(?:nr\.?\s*)?(?P<number>\d{{1,4}})"
                           rf"(?P<suffix>(?i:{SUFFIX}))?(?:{_qualifier('qualifier')})?\s*[:.]?\s*$")
_SPACED_WORDS = 20  # a longer line is a sentence
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")
# "1. Godkendelse af dagsorden", "1 ) X": a punkt header only under the rule in numbered_headers.
_NUMBERED = re.compile(r"^\s*(?P<number>\d{1,3})\s*[.)]\s+(?P<title>\S.*?)\s*$")
TOC_LINE = re.compile(r"\.{3,}\s*\d+\s*$|\S\t+\s*\d{1,3}\s*$")  # "CF - Evt.....<tab>14", a Word TOC's "Titel<tab>6"


class Header(NamedTuple):
    """A punkt header as read from its line(s)."""

    number: int
    suffix: str  # "a" of "Punkt 3a", ".1" of "Punkt 5.1"
    title: str
    below: int = 0  # lines of the title below the header line ("PUNKT 7" over its title)
    qualifier: str = ""  # "(tillæg)" of "Punkt 4 (tillæg): Titel", "[tillæg]" of "Punkt 4 [tillæg]: Titel"


def numbered_headers(lines: list[str], start: int) -> dict[int, Header]:
    """Punkt headers written as bare numbered lines ("1. Godkendelse af dagsorden", "1 ) X"), by 1-based line.

    Numbered lines are mostly lists ("1. at ..." in an Indstilling), so they are read as headers only when the
    file has no other punkt header at all, and the numbered lines below the header that start with a capital
    letter and are followed by a blank line or a journal number's label ("Sagsnr.: ...") run on one by one, 1, 2,
    3, ... or 5, 6, 7, ... (at least two; a meeting's agenda may go on from the last one's); other numbered lines
    are list items ("1. at ..."). Otherwise none are headers.
    """
    if any(_PUNKT.match(x) or _NUMBER_FIRST.match(x) for x in lines):
        return {}
    found: dict[int, Header] = {}
    for i in range(start, len(lines)):
        m = _NUMBERED.match(lines[i])
        if not m or TOC_LINE.search(lines[i]):
            continue
        number, title = int(m.group("number")), m.group("title")
        after = lines[i + 1] if i + 1 < len(lines) else ""
        stands_alone = _closes_header(after)
        if not (title[0].isupper() and stands_alone):
            continue  # a list item ("1. at budgettet godkendes"), not a header
        if found and number != next(iter(found.values())).number + len(found):
            return {}
        found[i + 1] = Header(number, "", title)
    return found if len(found) >= 2 else {}


def spaced_headers(lines: list[str], start: int) -> dict[int, Header]:
    """Punkt headers with no separator after the number ("Punkt 5 Budget 2027", "Pkt. 5 Budget - Sagsnr. 26-1234",
    "Punkt 3a Høringssvar") or with the number alone and the title on the next line ("PUNKT 7" over "Jobpræmie til
    langtidsledige"), by 1-based line.

    Such a line is a header only when it stands alone: "Punkt" (not "punkt") then the number, a title starting
    with a capital letter that is not a sentence (no closing full stop, at most _SPACED_WORDS words), a blank line
    (or the start) above and a blank line, the end or a journal number's label below; and its number (with its
    suffix: 3 < 3a < 3b < 4, 5 < 5.1 < 5.2) comes after the header above it and before the header below it
    ("Punkt 2 Tegningen" in punkt 7's text stays text). "Punkt 5 og 6 behandles samlet" is no header.
    """
    candidates = {i: found for i in range(start, len(lines)) if (found := _spaced_title(lines, i))[0] is not None}
    if not candidates:
        return {}
    found: dict[int, Header] = {}
    none = _rank(0, "")
    last = none  # the place of the header above
    later = _later_ranks(lines)
    for i in range(start, len(lines)):
        x = lines[i]
        if (header := punkt_header(x)) is not None:
            last = _rank(header.number, header.suffix)
            continue
        if i not in candidates:
            if divider(x) is not None:
                last = none  # punkter numbered again under a divider ("LUKKEDE PUNKTER")
            continue
        title, title_lines = candidates[i]
        m = _SPACED.match(x) or _NUMBER_ALONE.match(x)
        number, suffix = int(m.group("number")), (m.group("suffix") or "").lower()
        if last < (place := _rank(number, suffix)) and (later[i] is None or place < later[i]):
            found[i + 1] = Header(number, suffix, title, title_lines, _qualified(m, "qualifier"))
            last = place
    return found


def _rank(number: int, suffix: str) -> tuple[int, int, int]:
    """Where a punkt stands in the agenda's order: 3 before 3a before 3b before 4; 5 before 5.1 before 5.10."""
    if not suffix:
        return number, 0, 0
    if suffix.startswith("."):
        return number, 2, int(suffix[1:])
    return number, 1, ord(suffix)


def _spaced_title(lines: list[str], i: int) -> tuple[str | None, int]:
    """The title of a header line at ``i`` (0-based) under the rule in spaced_headers, and how many lines below
    hold it; (None, 0) for any other line."""
    def fits(title: str) -> bool:
        return (title[0].isupper() and len(title.split()) <= _SPACED_WORDS and not _SENTENCE_END.search(title)
                and not TOC_LINE.search(title) and line_heading(title)[0] is None)

    def ends_header(k: int) -> bool:  # line k (0-based) is past the end or closes a header (_closes_header)
        return k >= len(lines) or _closes_header(lines[k])

    if i > 0 and lines[i - 1].strip():
        return None, 0
    m = _SPACED.match(lines[i])
    if m and m.group("title"):
        return (m.group("title"), 0) if fits(m.group("title")) and ends_header(i + 1) else (None, 0)
    if _NUMBER_ALONE.match(lines[i]) and i + 1 < len(lines) and lines[i + 1].strip():
        title = lines[i + 1].strip()
        if fits(title) and not JOURNAL_LABEL.match(title) and ends_header(i + 2):
            return title, 1
    return None, 0


def _closes_header(line: str) -> bool:
    """True for a line that may follow a punkt header's title: a blank one, a journal number's label ("Sagsnr.:
    24/1234", "KLE 83.02.00 A00 1 23") or a journal number alone ("2024-012345", "EMN-2025-000517", "24/1234",
    "83.02.00-A00-1-23"; not a date, a year range or an amount: find_journal_numbers), as a case system writes it
    under the title."""
    text = line.strip()
    if not text or JOURNAL_LABEL.match(line) or KLE_LABEL.match(line):
        return True
    return (" " not in text or bool(KLE_SPACED.fullmatch(text))) and len(find_journal_numbers(text)) == 1


def _later_ranks(lines: list[str]) -> list[tuple[int, int, int] | None]:
    """For each line, the place (_rank) of the first punkt header (punkt_header) below it, if any."""
    out: list[tuple[int, int, int] | None] = [None] * len(lines)
    below = None
    for i in range(len(lines) - 1, -1, -1):
        out[i] = below
        if (header := punkt_header(lines[i])) is not None:
            below = _rank(header.number, header.suffix)
        elif divider(lines[i]) is not None:
            below = None
    return out


def punkt_header(x: str) -> Header | None:
    """The punkt header on a line, else None."""
    m = _PUNKT.match(x)
    if not m:
        m = _NUMBER_FIRST.match(x)  # "7. punkt: Lokaletilskud"
        if not m or not m.group("title")[0].isupper():
            return None
        return Header(int(m.group("number")), "", m.group("title"), qualifier=_qualified(m, "qualifier"))
    if m.group("number") is not None:
        return Header(int(m.group("number")), (m.group("suffix") or "").lower(), m.group("title"),
                      qualifier=_qualified(m, "qualifier"))
    if not (m.group("title2")[0].isupper() or m.group("title2")[0] in "(["):  # "Sag nr. 5: (L) Køb af jord"
        return None  # "Punkt 3 - udsat til næste møde" in running text
    return Header(int(m.group("number2")), (m.group("suffix2") or "").lower(), m.group("title2"),
                  qualifier=_qualified(m, "qualifier2"))
