"""FirstAgenda minutes as text (plain export, Markdown, or text extracted from a PDF) -> Minutes.

The layout every variant shares::

    REFERAT <udvalg> d. DD-MM-YYYY          header: committee and date (never hard-coded)
    Mødedato ... kl. HH:MM / Mødested ... / Mødedeltagere A (rolle), B (rolle)
    Indholdsfortegnelse + "Titel.....<tab>3" lines   (ignored)
    Punkt N: <titel>   or   Sak N: <titel>        one per punkt
    <journalnummer>                               first line under the header, when present
    Anledning / Sagsfremstilling / Indstilling / Beslutning / Bilag / ... headings, alone on a line

Markdown headings and bold markers are removed first. Paragraphs are separated by blank lines;
a paragraph cut by a page break ("... som" / "understøttes ...") is joined back.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from embeddings.errors import InputError
from embeddings.journal import JournalNumber
from embeddings.minutes import Meeting, Minutes, Punkt, Section, SectionName
from embeddings.closed import divider, is_closed
from embeddings.ingest.furniture import drop_furniture
from embeddings.ingest.sections import clean_title, line_heading

_HEADER = re.compile(r"^\s*REFERAT\s+(?P<committee>.+?)\s+d\.\s*(?P<date>\d{1,2}[-./]\d{1,2}[-./]\d{4})\s*$", re.I)
_PUNKT = re.compile(r"^\s*(?:Punkt|Pkt\.?|Sak)\s*(?P<number>\d{1,4})\s*[:.]\s*(?P<title>\S.*?)\s*$", re.I)
_TOC_LINE = re.compile(r"\.{3,}\s*\d+\s*$")  # "CF - Evt.....<tab>14"
_START = re.compile(r"\bkl\.\s*(\d{1,2})[:.](\d{2})\b")
_KLE_LIKE = re.compile(r"^\d{2}\.\d{2}\S*$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)\S.*(?:\*\*|__):?\s*$")  # "**REFERAT ...**", "**Beslutning:**"
_MD_UNDERSCORES = re.compile(r"(?<!\w)__(?=\S)|(?<=\S)__(?!\w)")  # bold "__x__", not "rapport__v2.pdf"
# A journal number behind a label on its own line: "Sagsnr.: 22-000019", "J.nr. 83.02.00-A00-1-23", "Sags ID:
# EMN-2024-01234", "Sag: 27.12.04-P21-2-26", an earlier number after it in brackets ("(tidligere …)"), or the
# label alone with the number on the next line.
_JOURNAL_LABEL = re.compile(r"^\s*(?:sags?\s*nr|sagsnummer|sags?[\s-]*id|sag|j\.?\s*nr|journal\s*nr|journalnummer"
                            r"|journal)\b\.?\s*:?\s*(?P<value>[^\s()]+)?\s*(?:\([^)]*\))?\s*$", re.I)
_LABEL_LINES = 3  # a label is looked for among the body's first lines ("Dok.nr.: …" may come first)
# A KLE journal number ending the title: "Boligsocial helhedsplan - 03.22.00-G01-2-26".
_TITLE_KLE = re.compile(r"\s*[-–—:,]?\s*(?P<value>\d{2}\.\d{2}\.\d{2}\S*)\s*$")
_ENDS_SENTENCE = re.compile(r"[.!?:;)\]”\"'»…]\s*$")
_ROLE_PREFIX = re.compile(r"^(?:Forperson|Formand|Forkvinde|Næstformand|Mødeleder)\s+", re.I)


@dataclass
class _RawPunkt:
    number: int
    title: str
    line: int  # 1-based line of the header
    body: list[tuple[int, str]] = field(default_factory=list)
    divided_closed: bool = False  # under a "LUKKEDE PUNKTER" divider


def parse_text(text: str, path: str, sha256: str = "") -> Minutes:
    """Parse one minutes file; raise InputError naming the file (and line or punkt) when it can't."""
    lines = _demarkdown(drop_furniture(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))
    header_line, committee, date = _header(lines, path)
    raws = _split_punkter(lines, path)
    if not raws:
        raise InputError("no_punkter", path)
    preamble = lines[header_line:raws[0].line - 1]
    meeting = Meeting(committee=committee, date=date, start_time=_start_time(preamble),
                      location=_field(preamble, "Mødested"), participants=_participants(preamble),
                      source_path=path, source_sha256=sha256)
    return Minutes(meeting, tuple(_punkt(meeting, r, path) for r in raws))


def _demarkdown(lines: list[str]) -> list[str]:
    """Drop Markdown heading marks and bold markers (the 2021-01-21 export); plain text is unchanged."""
    markdown = any(_MD_HEADING.match(x) or _MD_BOLD_LINE.match(x) for x in lines[:50])
    out = []
    for x in lines:
        x = x.rstrip()
        if markdown:
            x = _MD_UNDERSCORES.sub("", _MD_HEADING.sub("", x).replace("**", ""))
        out.append(x)
    return out


def _header(lines: list[str], path: str) -> tuple[int, str, dt.date]:
    for i, x in enumerate(lines):
        m = _HEADER.match(x)
        if m:
            day, month, year = map(int, re.split(r"[-./]", m.group("date")))
            try:
                return i + 1, " ".join(m.group("committee").split()), dt.date(year, month, day)
            except ValueError:
                raise InputError("bad_date", path, line=i + 1, text=m.group("date")) from None
        if _PUNKT.match(x):
            break
    raise InputError("no_header", path)


def _split_punkter(lines: list[str], path: str) -> list[_RawPunkt]:
    out: list[_RawPunkt] = []
    first_line: dict[int, int] = {}
    closed_part = False
    current: _RawPunkt | None = None
    for i, x in enumerate(lines, 1):
        m = _PUNKT.match(x)
        part = divider(x) if not m else None
        if m and not _TOC_LINE.search(x):
            number = int(m.group("number"))
            current = _RawPunkt(number, m.group("title"), i, divided_closed=closed_part)
            if number not in first_line:
                first_line[number] = i
                out.append(current)
            elif not closed_part:
                raise InputError("duplicate_punkt", path, line=i, punkt=number, number=number,
                                 first_line=first_line[number])
            # else: closed punkter numbered on their own under a divider ("LUKKEDE PUNKTER", then "Punkt 1"
            # again) take a number an open punkt has: not stored, their text read into nobody's
        elif part is not None and not _in_contents(lines, i):
            closed_part = part  # a divider belongs to no punkt's text
        elif current is not None:
            current.body.append((i, x))
    return out


def _in_contents(lines: list[str], number: int) -> bool:
    """True when line ``number`` (1-based) is followed by a table-of-contents line ("Titel.....3")."""
    following = next((x for x in lines[number:] if x.strip()), "")
    return bool(_TOC_LINE.search(following))


def _field(preamble: list[str], label: str) -> str | None:
    for x in preamble:
        if x.startswith(label + " ") or x.startswith(label + ":"):
            return x[len(label):].strip(" :\t") or None
    return None


def _start_time(preamble: list[str]) -> dt.time | None:
    when = _field(preamble, "Mødedato")
    m = _START.search(when or "")
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return dt.time(int(m.group(1)), int(m.group(2)))
    return None


def _participants(preamble: list[str]) -> tuple[str, ...]:
    """'Forperson A (rolle), B (chef for X, Y)' -> ('A (rolle)', 'B (chef for X, Y)'): commas in () kept."""
    text = _field(preamble, "Mødedeltagere")
    if not text:
        return ()
    names, depth, cur = [], 0, ""
    for c in text:
        depth += (c == "(") - (c == ")")
        if c == "," and depth <= 0:
            names.append(cur)
            cur = ""
        else:
            cur += c
    names.append(cur)
    return tuple(_ROLE_PREFIX.sub("", " ".join(n.split())) for n in names if n.strip())


def _journal_line(content: list[tuple[int, str]]) -> tuple[int, int, str] | None:
    """Where the punkt's journal number is written (first and last line number) and the number as written: a
    labelled line among the first _LABEL_LINES, its value on it or on the next line, or a first line that is one
    word."""
    for j, (n, line) in enumerate(content[:_LABEL_LINES]):
        if label := _JOURNAL_LABEL.match(line):
            if label.group("value"):
                return n, n, label.group("value")
            if j + 1 < len(content) and " " not in content[j + 1][1].strip():
                return n, content[j + 1][0], content[j + 1][1].strip()
    if content and " " not in content[0][1].strip():
        return content[0][0], content[0][0], content[0][1].strip()
    return None


def _punkt(meeting: Meeting, raw: _RawPunkt, path: str) -> Punkt:
    title, slot = clean_title(raw.title)
    body = raw.body
    content = [(n, x) for n, x in body if x.strip()]
    journal = None
    found = _journal_line(content)
    if found:
        first, n, candidate = found
        journal = JournalNumber.try_parse(candidate)
        if journal is None and _KLE_LIKE.match(candidate):
            raise InputError("bad_journal", path, line=n, punkt=raw.number, text=candidate)
        if journal is not None:
            body = [(k, x) for k, x in body if not first <= k <= n]
    if journal is None and (end := _TITLE_KLE.search(title)) and JournalNumber.try_parse(end.group("value")):
        journal = JournalNumber.try_parse(end.group("value"))
        title = title[:end.start()].rstrip() or title
    sections = _sections([x for _, x in body], meeting)
    # the body's first lines (the old rule looked at three) and every section's first line
    closed = raw.divided_closed or is_closed([raw.title], [x for _, x in content[:3]] + [s.text for s in sections])
    if closed:
        sections = ()  # a closed punkt's text is never kept
    return Punkt(meeting=meeting, number=raw.number, raw_title=raw.title, title=title, journal=journal,
                 sections=sections, time_slot=slot, closed=closed)


def _sections(lines: list[str], meeting: Meeting) -> tuple[Section, ...]:
    """Split a punkt's body at known headings; text before the first heading is kept as 'Andet'."""
    parts: list[tuple[SectionName, str, list[str]]] = []
    for x in lines:
        name, heading, first = (line_heading(x, meeting.committee, meeting.date) if x.strip()
                                else (None, "", ""))
        if name is not None:
            parts.append((name, heading, [first] if first else []))
        elif parts:
            parts[-1][2].append(x)
        elif x.strip():
            parts.append((SectionName.OTHER, "", [x]))
    out = []
    for name, heading, body in parts:
        text = "\n\n".join(_paragraphs(body))
        if name is SectionName.BESLUTNING and text.strip() in (".", "-", "–"):
            text = ""  # FirstAgenda writes "." for "no decision recorded"
        out.append(Section(name, text, heading))
    return tuple(out)


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs, lines inside joined by newline; page-break splits joined back."""
    paras: list[list[str]] = [[]]
    for x in lines:
        if x.strip():
            paras[-1].append(x)
        elif paras[-1]:
            paras.append([])
    paras = [p for p in paras if p]
    out: list[str] = []
    for p in paras:
        if out and _continues(out[-1], p[0]):
            out[-1] = out[-1].rstrip() + " " + "\n".join(p).lstrip()
        else:
            out.append("\n".join(p))
    return out


def _continues(previous: str, first_line: str) -> bool:
    """A paragraph cut by a page break: no closing punctuation before, a lower-case word after."""
    start = first_line.lstrip()
    return bool(start) and start[0].islower() and not _ENDS_SENTENCE.search(previous)
