"""FirstAgenda minutes as text (plain export, Markdown, or text extracted from a PDF) -> Minutes.

The layout every variant shares::

    REFERAT <udvalg> d. DD-MM-YYYY          header: committee and date (never hard-coded)
      or  Referat (af møde) i/for <udvalg>     with "Dato: 02.11.2026" / "Mødedato: 2. november 2026" just below
    Mødedato ... kl. HH:MM / Mødested ... / Mødedeltagere A (rolle), B (rolle)
      or  Mødetidspunkt: (kl.) HH.MM - HH.MM / Sted: ...
    Indholdsfortegnelse + "Titel.....<tab>3" lines   (ignored)
    Punkt N: <titel>, Sak N: <titel>, N. <Titel>  one per punkt (punkt_headers)
    <journalnummer>                               first line under the header, when present; or ending the title,
                                                  labelled ("- Sagsnr. 22-000015") or alone in brackets ("(2024-0612345)")
    Anledning / Sagsfremstilling / Indstilling / Beslutning / Bilag / ... headings, alone on a line

Markdown headings and bold markers are removed first. Paragraphs are separated by blank lines;
a paragraph cut by a page break ("... som" / "understøttes ...") is joined back.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from embeddings.errors import InputError
from embeddings.journal import KLE_WRITTEN, JournalNumber, find_journal_numbers
from embeddings.minutes import Meeting, Minutes, Punkt, Section, SectionName
from embeddings.closed import divider, is_closed
from embeddings.ingest.furniture import ENDS_IN_ABBREVIATION, drop_furniture, join_hyphenated
from embeddings.ingest.journal_labels import JOURNAL_LABEL, KLE_LABEL, KLE_SPACED, NUMBER_LABEL
from embeddings.ingest.punkt_headers import TOC_LINE, Header, numbered_headers, punkt_header, spaced_headers
from embeddings.ingest.sections import clean_title, line_heading, meeting_heading, named_date

_HEADER = re.compile(r"^\s*REFERAT\s+(?P<committee>.+?)\s+d\.\s*"
                     r"(?P<date>\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{1,2}\.?\s+[^\W\d_]+\s+\d{4})\s*$", re.I)
# "Referat af møde i Børne- og Skoleudvalget" / "Referat for X": the date on a labelled line just below it.
_HEADER_NAMED = re.compile(r"^\s*Referat\s+(?:af\s+mødet?\s+)?(?:i|for)\s+(?P<committee>\S.*?)\s*$", re.I)
_DATE_LABEL = re.compile(r"^\s*(?:Møde)?dato\b\s*:?\s*(?P<value>.*)$", re.I)  # "Dato: 02.11.2026", "Mødedato: 2. ..."
# A line that is only the meeting's day, unlabelled: "Mandag den 6. april 2026 kl. 16.00", "d. 06.04.2026".
_DATED_LINE = re.compile(r"^\s*(?:(?:man|tirs|ons|tors|fre|lør|søn)dag\b[\s,]*)?(?:den\s+|d\.\s*)?(?P<date>\d.*)$", re.I)
_SHORT_YEAR = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{2})\b")  # "Dato: 09.04.26", on a Dato line only
_DATE_LINES = 6  # the labelled date line is looked for among the lines right under the header
# A line that opens a further part of the agenda, between punkter: no punkt's text.
_AGENDA_PART = re.compile(r"^\s*(?:tillægsdagsorden|supplerende\s+dagsorden|ekstra\s+dagsorden|tillægspunkter)\s*:?\s*$",
                          re.I)
_START = re.compile(r"\bkl\.\s*(\d{1,2})[:.](\d{2})\b")
_START_BARE = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})\b", re.I)  # "Mødetidspunkt: 17.00 - 19.00"
_KLE_LIKE = re.compile(r"^\d{2}\.\d{2}\S*$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)\S.*(?:\*\*|__):?\s*$")  # "**REFERAT ...**", "**Beslutning:**"
_MD_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_RULE = re.compile(r"\s*(?:-{3,}|\*{3,}|_{3,})\s*")  # a horizontal rule between punkter
_MD_TABLE_RULE = re.compile(r"^\s*\|(?:\s*:?-{3,}:?\s*\|)+\s*$")
_MD_UNDERSCORES = re.compile(r"(?<!\w)__(?=\S)|(?<=\S)__(?!\w)")  # bold "__x__", not "rapport__v2.pdf"
_LABEL_LINES = 3  # a label is looked for among the body's first lines ("Dok.nr.: …" may come first)
# A KLE journal number ending the title: "Boligsocial helhedsplan - 03.22.00-G01-2-26".
_TITLE_KLE = re.compile(r"\s*[-–—:,]?\s*(?P<value>\d{2}\.\d{2}\.\d{2}\S*)\s*$")
# A labelled journal number ending the title: "Budget 2027 - Sagsnr. 26-001234", "Vandløb (Sagsnr. 26/5678)".
_TITLE_LABELLED = re.compile(r"\s*(?:[-–—:,]\s*)?(?P<open>\()?\s*(?:" + NUMBER_LABEL + r")\b\.?\s*:?\s*"
                             r"(?P<value>" + KLE_WRITTEN + r"|[^\s()]+)\s*(?(open)\))\s*$", re.I)
# A journal number alone in brackets ending the title, no label: "Renovering af Sundbyøster Hal (2024-0612345)";
# what the brackets hold is read by _title_bracketed.
_TITLE_BRACKETED = re.compile(r"\s*(?:[-–—:,]\s*)?\((?P<value>[^()]+)\)\s*$")
_DIGIT_RUN = re.compile(r"\d+")
_ENDS_SENTENCE = re.compile(r"[.!?:;)\]”\"'»…]\s*$")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SOFT_HYPHEN_AT_END = re.compile("\u00ad[\u200b\u200c\u200d\u2060\ufeff\u00ad \t]*(?=\r?\n|\r|$)")
# The label over who attended ("Mødedeltagere" as FirstAgenda writes it, with or without a colon; the others with
# a colon, a tab or alone on their line) and the names after it.
_PARTICIPANTS = re.compile(r"^\s*(?:Mødedeltagere(?=[\s:]|$)|(?i:mødedeltagere|deltagere|medlemmer|til\s*stede"
                           r"|fremmødte)\s*(?=[:\t]|$))[\s:]*(?P<text>.*?)\s*$")
_PARTICIPANT_LINES = 40
_BULLET = re.compile(r"^\s*[-–•*·]\s+")
_AND_NAME = re.compile(r" og (?=[A-ZÆØÅ])")
_AND_FIRST = re.compile(r"^\s*og (?=[A-ZÆØÅ])")  # "og Carl Dam (F)": the last name, wrapped
# Where the start time is written when no "kl." names it: the label, and whether it needs a colon (a short word).
_TIME_LABELS = (("Mødetidspunkt", False), ("Tidspunkt", True), ("Starttidspunkt", False), ("Mødestart", False),
                ("Start", True))
_ROLE_PREFIX = re.compile(r"^(?:Forperson|Formand|Forkvinde|Næstformand|Mødeleder)\s+", re.I)


@dataclass
class _RawPunkt:
    number: int
    suffix: str  # "a" of "Punkt 3a", ".1" of "Punkt 5.1"
    title: str
    line: int  # 1-based line of the header
    body: list[tuple[int, str]] = field(default_factory=list)
    divided_closed: bool = False  # under a "LUKKEDE PUNKTER" divider
    wrapped: int = 0  # lines of the title below the header line (a long title wrapped in a PDF)
    qualifier: str = ""  # "(tillæg)" of "Punkt 4 (tillæg): Titel", "[tillæg]" of "Punkt 4 [tillæg]: Titel"


def parse_text(text: str, path: str, sha256: str = "") -> Minutes:
    """Parse one minutes file; raise InputError naming the file (and line or punkt) when it can't."""
    lines = _demarkdown(drop_furniture(_visible(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")))
    header_line, committee, date = _header(lines, path)
    committee = _ABBREVIATION.sub("", committee) or committee
    raws = _split_punkter(lines, path, spaced_headers(lines, header_line) or numbered_headers(lines, header_line))
    if not raws:
        raise InputError("no_punkter", path)
    preamble = lines[header_line:raws[0].line - 1]
    meeting = Meeting(committee=committee, date=date, start_time=_start_time(preamble, lines[header_line - 1]),
                      location=_field(preamble, "Mødested") or _field(preamble, "Sted", colon_only=True),
                      participants=_participants(preamble),
                      source_path=path, source_sha256=sha256)
    return Minutes(meeting, tuple(_punkt(meeting, r, path) for r in raws))


def _visible(text: str) -> str:
    """``text`` without the invisible characters a web page carries (zero-width spaces and joiners, word joiners,
    byte order marks, soft hyphens): "29.00.00-P22-61-26\u200b" is a journal number, "rygestop\u00adkursus" one
    word. A soft hyphen ending a line is where a word was split, so it is a hyphen there (joined like one)."""
    return _INVISIBLE.sub("", _SOFT_HYPHEN_AT_END.sub("-", text))


def _demarkdown(lines: list[str]) -> list[str]:
    """Drop Markdown heading marks and bold markers (the 2021-01-21 export); a pipe table's row becomes its cells
    joined by tabs ("| Sagsnr. | 27.18.00-G01-110-26 |" reads as a label and its value, "| Beslutning | ... |"
    as a heading and its text) and its rule line "|---|---|" goes, as do horizontal rules ("---"). Plain text is
    unchanged."""
    markdown = any(_MD_HEADING.match(x) or _MD_BOLD_LINE.match(x) for x in lines[:50])
    out = []
    for x in lines:
        x = x.rstrip()
        if markdown and _MD_RULE.fullmatch(x):
            x = ""
        elif markdown:
            x = _MD_UNDERSCORES.sub("", _MD_HEADING.sub("", x).replace("**", ""))
            if _MD_TABLE_ROW.match(x):
                x = "" if _MD_TABLE_RULE.match(x) else "\t".join(c.strip() for c in x.strip().strip("|").split("|"))
        out.append(x)
    return out


def _header(lines: list[str], path: str) -> tuple[int, str, dt.date]:
    """Line after the header, committee and date: "REFERAT <udvalg> d. DD-MM-YYYY" (or "d. 3. marts 2025"), or
    "Referat (af møde) i/for <udvalg>" with "Dato:"/"Mødedato:" and a date (numbers or words) on one of the next
    _DATE_LINES lines."""
    for i, x in enumerate(lines):
        m = _HEADER.match(x)
        if m and (dated := _date(m.group("date"), path, i + 1)):
            return i + 1, _COMMITTEE_LEAD.sub("", " ".join(m.group("committee").split())), dated
        m = _HEADER_NAMED.match(x)
        if m:  # the date on the line itself ("... i Økonomiudvalget den 3. marts 2025 kl. 16.00") or below it
            committee, dated = _committee_and_date(m.group("committee"), path, i + 1)
            if dated := dated or _date_line(lines, i + 1, path):
                return i + 1, committee, dated
        if punkt_header(x):
            break
    return _loose_header(lines, path)


# The other ways a head names the meeting, read only when the two above do not: "REFERAT X den 06-04-2026",
# "REFERAT X d. 6. april 2026 kl. 16.00", "REFERAT X d. 09.04.26", "# Referat – X" over "Dato: ...", "REFERAT"
# alone over "X d. 06-04-2026", "Referat" over "X" over "Mødedato: ...", "X" over "Referat fra mødet den ...".
_REFERAT_LINE = re.compile(r"^\W*(?:(?:åben|lukket)\s+)?(?:referat|beslutningsreferat|beslutningsprotokol|mødeprotokol"
                           r"|dagsorden(?:\s+(?:med\s+beslutninger|og\s+referat|med\s+referat))?)\b(?P<rest>.*)$", re.I)
_AGENDA_QUALIFIER = re.compile(r"^(?:åben|lukket)\s+dagsorden(?:\s+med\s+beslutninger)?\b", re.I)  # "Referat - åben dagsorden"
_LABEL_LINE = re.compile(r"^\s*[^\W\d_][\w .,/-]{0,30}:\s")  # "Mødested: Jobcentret": a field, no committee
_COMMITTEE_LEAD = re.compile(r"^(?:(?:af|fra)\s+(?:det\s+)?(?:(?:ekstra)?ordinære\s+)?mødet?\b\s*)?(?:(?:i|for)\s+)?", re.I)
# Where a date may start after the committee: "X den 6. april", "X, mandag den 06.04.2026", "X d. 2026-04-06".
_DATE_START = re.compile(r"(?:^|[\s,]+)(?:(?:man|tirs|ons|tors|fre|lør|søn)dag\s+)?(?:(?:den|d\.)\s*)?(?=\d)", re.I)
_HEAD_LINES = 25
# A line that only names the municipality: "Holbæk Kommune", "Københavns Kommune", "ODENSE KOMMUNE", "Lyngby-Taarbæk
# Kommune"
_MUNICIPALITY = re.compile(r"\W*[^\W\d_][\w.-]*(?:\s+[^\W\d_][\w.-]*){0,2}\s+kommunes?\W*", re.I)
_ABBREVIATION = re.compile(r"\s*\((?:[A-ZÆØÅ]{2,6})\)\s*$")  # "Børne- og Ungeudvalget (BUU)": initials find it


def _loose_header(lines: list[str], path: str) -> tuple[int, str, dt.date]:
    """The meeting from a "Referat ..." line in the head (before the first punkt header): the committee on that
    line, else on the next line, else on the line above; the date on the committee's line or on a date line
    below (_date_line). no_date names the committee when only the date is missing; no_header otherwise."""
    head = []
    for x in lines[:_HEAD_LINES]:
        if punkt_header(x):
            break
        head.append(x)
    at = next((i for i, x in enumerate(head) if _REFERAT_LINE.match(x)), None)
    if at is None:
        raise InputError("no_header", path)
    last = at
    committee, date = _committee_and_date(_REFERAT_LINE.match(head[at]).group("rest"), path, at + 1)
    if not committee:  # on the line above ("X" over "Referat fra mødet den ...") or below ("Referat" over "X")
        for i in _committee_lines(head, at, bool(date)):
            if _DATE_LABEL.match(head[i]) or _DATED_LINE.match(head[i]) or _LABEL_LINE.match(head[i]):
                continue
            committee, named_date = _committee_and_date(head[i], path, i + 1)
            date, last = date or named_date, max(last, i)
            break
    if committee and date is None:
        date = _date_line(lines, last + 1, path)
    if not committee:
        raise InputError("no_header", path)
    if date is None:
        raise InputError("no_meeting_date", path, line=at + 1, committee=committee)
    return last + 1, committee, date


def _committee_lines(head: list[str], at: int, dated: bool) -> list[int]:
    """Where the committee of a "Referat" line at ``at`` may be written: the nearest line with text above it and
    below it (above first when the "Referat" line has the date), a line that only names the municipality ("Holbæk
    Kommune" between "REFERAT" and "Kommunalbestyrelsen") passed over for the line beyond it: the municipality
    publishes the minutes, it is no committee. The municipality's line comes last, for minutes naming no other."""
    near, town = [], []
    for order in ([range(at - 1, -1, -1), range(at + 1, len(head))] if dated
                  else [range(at + 1, len(head)), range(at - 1, -1, -1)]):
        found = [i for i in order if head[i].strip()][:2]
        if found and _MUNICIPALITY.fullmatch(head[found[0]]):
            town.append(found.pop(0))
        near += found[:1]
    return near + town


def _committee_and_date(text: str, path: str, line: int) -> tuple[str, dt.date | None]:
    """"af møde i Erhvervsudvalget den 6. april 2026 kl. 16.00" -> ("Erhvervsudvalget", 2026-04-06); the date is
    the first one the rest of the line starts with, so a number in the name stays ("Lokaludvalg 2 Nord")."""
    text = _COMMITTEE_LEAD.sub("", _AGENDA_QUALIFIER.sub("", text.strip(" \t-–—:|·")).strip(" \t-–—:|·")).strip()
    date = None
    for m in _DATE_START.finditer(text):
        rest = text[m.end():]
        if _starts_with_date(rest) or _SHORT_YEAR.match(rest):
            date = _date(rest, path, line) or _short_date(rest, path, line)
            text = text[:m.start()]
            break
    return " ".join(text.strip(" \t-–—:|·,").split()), date


def _date_line(lines: list[str], start: int, path: str) -> dt.date | None:
    """The date on the first "Dato:"/"Mødedato:" line (a two-digit year allowed there: "09.04.26"), or on a line
    that is only a day ("Mandag den 6. april 2026 kl. 16.00"), among the _DATE_LINES lines from ``start``
    (0-based)."""
    for n in range(start, min(start + _DATE_LINES, len(lines))):
        if punkt_header(lines[n]):
            return None
        label = _DATE_LABEL.match(lines[n])
        if label and (dated := _date(label.group("value"), path, n + 1) or _short_date(label.group("value"), path,
                                                                                        n + 1)):
            return dated
        if (day := _day_text(lines[n])) and (dated := _date(day, path, n + 1)):
            return dated
    return None


def _starts_with_date(text: str) -> bool:
    try:
        found = named_date(text)
    except ValueError:
        return True  # a day that does not exist: _date names it (bad_date)
    return bool(found) and text.lstrip().startswith(found[0])


def _day_text(line: str) -> str | None:
    """The date of a line that is only the meeting's day ("Mandag den 6. april 2026 kl. 16.00"), else None."""
    m = _DATED_LINE.match(line)
    return m.group("date") if m and _starts_with_date(m.group("date")) else None


def _short_date(text: str, path: str, line: int) -> dt.date | None:
    """"09.04.26" as 9 April 2026 (the year in this century); bad_date at ``line`` for no real day."""
    m = _SHORT_YEAR.match(text)
    if not m:
        return None
    try:
        return dt.date(2000 + int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        raise InputError("bad_date", path, line=line, text=text.strip()) from None


def _date(text: str, path: str, line: int) -> dt.date | None:
    """The date written in ``text`` ("04-11-2026", "4. november 2026"); bad_date at ``line`` for no real day."""
    try:
        found = named_date(text)
    except ValueError:
        raise InputError("bad_date", path, line=line, text=text.strip()) from None
    return found[1] if found else None


def _split_punkter(lines: list[str], path: str, numbered: dict[int, Header]) -> list[_RawPunkt]:
    """The punkter: a header (punkt_header, or one of ``numbered`` by 1-based line) and the lines below it."""
    out: list[_RawPunkt] = []
    first_line: dict[str, int] = {}  # label ("5", "5.1") -> its header's line
    closed_part = False
    current: _RawPunkt | None = None
    title_until = 0  # the last line of a header's title
    before = ""  # the last line with text
    for i, x in enumerate(lines, 1):
        if i <= title_until:
            continue  # the title of the header above ("PUNKT 7" over its title)
        m = numbered.get(i) or punkt_header(x)
        if m and current is not None and _introduces(before):
            m = None  # "Af referatet fremgik:" then "Punkt 2: …": a quotation in the punkt's text
        before = x if x.strip() else before
        part = divider(x) if not m else None
        if m and not TOC_LINE.search(x):
            title_until = i + m.below
            current = _RawPunkt(m.number, m.suffix, m.title, i, divided_closed=closed_part, wrapped=m.below,
                                qualifier=m.qualifier)
            label = f"{m.number}{m.suffix}"
            if label not in first_line:
                first_line[label] = i
                out.append(current)
            elif not closed_part:
                raise InputError("duplicate_punkt", path, line=i, punkt=label, number=label,
                                 first_line=first_line[label])
            # else: closed punkter numbered on their own under a divider ("LUKKEDE PUNKTER", then "Punkt 1"
            # again) take a number an open punkt has: not stored, their text read into nobody's
        elif part is not None and not _in_contents(lines, i):
            closed_part = part  # a divider belongs to no punkt's text
        elif _AGENDA_PART.match(x):
            continue  # nor does "Tillægsdagsorden"
        elif current is not None:
            if not current.body and i == current.line + current.wrapped + 1 and x.strip()[:1].islower():
                # the title goes on, lower case, right under the header: "Punkt 2: Forslag til ny trafikplan for"
                # / "den indre by"
                joined = join_hyphenated(current.title, x)
                current.title = joined if joined is not None else f"{current.title} {x.strip()}"
                current.wrapped += 1
                continue
            current.body.append((i, x))
    return out


def _introduces(line: str) -> bool:
    """True when ``line`` is a sentence that ends in a colon and so introduces what follows ("Af referatet
    fremgik:"), not a section heading ("Beslutning:", "Bilag:") whose section may be empty."""
    return line.rstrip().endswith(":") and line_heading(line)[0] is None and len(line.split()) > 2


def _in_contents(lines: list[str], number: int) -> bool:
    """True when line ``number`` (1-based) is followed by a table-of-contents line ("Titel.....3")."""
    following = next((x for x in lines[number:] if x.strip()), "")
    return bool(TOC_LINE.search(following))


def _field(preamble: list[str], label: str, colon_only: bool = False) -> str | None:
    """The text after ``label`` on its line ("Mødested Rådhuset", "Sted: Rådhuset", a table's "Sted<tab>Rådhuset");
    a short, common word as label ("Sted") only counts with a colon or a tab."""
    for x in preamble:
        if x.startswith((label + ":", label + "\t")) or (not colon_only and x.startswith(label + " ")):
            return x[len(label):].strip(" :\t") or None
    return None


def _start_time(preamble: list[str], header: str) -> dt.time | None:
    """"Mødedato ... kl. HH:MM" (or "Dato: ... kl.", "kl." on the header line or on a line that is only the
    day), else the first of _TIME_LABELS with a time: "Mødetidspunkt: (kl.) HH.MM - ...", "Tidspunkt: ...",
    "Starttidspunkt: 16:00", "Mødestart: kl. 16.00"."""
    day_lines = [x for x in preamble if _day_text(x)]
    m = (_START.search(_field(preamble, "Mødedato") or "") or _START.search(_field(preamble, "Dato", colon_only=True)
                                                                             or "") or _START.search(header)
         or next(filter(None, map(_START.search, day_lines)), None))
    for label, colon_only in () if m else _TIME_LABELS:
        if m := _START_BARE.match(_field(preamble, label, colon_only) or ""):
            break
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return dt.time(int(m.group(1)), int(m.group(2)))
    return None


def _participants(preamble: list[str]) -> tuple[str, ...]:
    """Who attended: the names after the first participants label (_PARTICIPANTS: "Mødedeltagere", "Deltagere:",
    "Medlemmer:", "Til stede:", "Fremmødte:") on its line, going on below while a line ends in a comma or the next starts with "og"; or, with
    nothing after the label, on the lines below it up to a blank line or another label ("Fraværende: ..."), a
    bullet ("- ", "• ") dropped. 'Forperson A (rolle), B (chef for X, Y) og C' -> ('A (rolle)', 'B (chef for X,
    Y)', 'C'): commas in () kept, "og" before a capital letter a comma; a part in lower case ("A (V), formand") goes
    with the name before it."""
    for i, x in enumerate(preamble):
        if m := _PARTICIPANTS.match(x):
            break
    else:
        return ()
    lines, below = [m.group("text")], preamble[i + 1:i + 1 + _PARTICIPANT_LINES]
    for y in below:
        if not y.strip() or _LABEL_LINE.match(y) or punkt_header(y):
            break
        if lines[0] and not lines[-1].endswith(",") and not _AND_FIRST.match(y):
            break  # the names on the label's line ended there
        lines.append(_AND_FIRST.sub("", _BULLET.sub("", y)).strip())
    names: list[str] = []
    for line in filter(str.strip, lines):
        for name in _names(line):
            if names and name[:1].islower():
                names[-1] = f"{names[-1]}, {name}"  # "formand" of "A (V), formand"
            else:
                names.append(name)
    return tuple(names)


def _names(line: str) -> list[str]:
    """The names on one line, split at commas and at "og" before a capital letter, outside brackets."""
    names, depth, cur, k = [], 0, "", 0
    while k < len(line):
        c = line[k]
        depth += (c == "(") - (c == ")")
        joined = _AND_NAME.match(line, k) if depth <= 0 else None
        if depth <= 0 and (c == "," or joined):
            names.append(cur)
            cur, k = "", joined.end() if joined else k + 1
            continue
        cur, k = cur + c, k + 1
    names.append(cur)
    return [_ROLE_PREFIX.sub("", " ".join(n.split())) for n in names if n.strip()]


def _journal_line(content: list[tuple[int, str]]) -> tuple[int, int, str] | None:
    """Where the punkt's journal number is written (first and last line number) and the number as written: a
    labelled line among the first _LABEL_LINES, its value on it or on the next line, or a first line that is one
    word (or a KLE number written with spaces)."""
    def one_number(line: str) -> bool:
        return " " not in line.strip() or bool(KLE_SPACED.fullmatch(line.strip()))

    for j, (n, line) in enumerate(content[:_LABEL_LINES]):
        if label := JOURNAL_LABEL.match(line) or KLE_LABEL.match(line):
            if label.group("value"):
                return n, n, label.group("value")
            if j + 1 < len(content) and one_number(content[j + 1][1]):
                return n, content[j + 1][0], content[j + 1][1].strip()
    if content and one_number(content[0][1]):
        return content[0][0], content[0][0], content[0][1].strip()
    return None


def _punkt(meeting: Meeting, raw: _RawPunkt, path: str) -> Punkt:
    # The qualifier ("Punkt 4 (tillæg): Titel") stays in the raw title, where the closed rule reads it ("(lukket)"),
    # and out of the title a user searches for.
    raw_title = f"{raw.qualifier} {raw.title}" if raw.qualifier else raw.title
    title, slot = clean_title(raw.title)
    body = raw.body
    content = [(n, x) for n, x in body if x.strip()]
    journal = None
    found = _journal_line(content)
    if found:
        first, n, candidate = found
        journal = JournalNumber.try_parse(candidate)
        if journal is None and _KLE_LIKE.match(candidate):
            raise InputError("bad_journal", path, line=n, punkt=f"{raw.number}{raw.suffix}", text=candidate)
        if journal is not None:
            body = [(k, x) for k, x in body if not first <= k <= n]
    for ending in (_TITLE_LABELLED.search(title), _title_bracketed(title)):
        if ending and (in_title := JournalNumber.try_parse(ending.group("value"))) and journal in (None, in_title):
            journal, title = in_title, title[:ending.start()].rstrip() or title  # the one below wins when they differ
            break
    if journal is None and (end := _TITLE_KLE.search(title)) and JournalNumber.try_parse(end.group("value")):
        journal = JournalNumber.try_parse(end.group("value"))
        title = title[:end.start()].rstrip() or title
    sections = _sections([x for _, x in body], meeting)
    # the body's first lines (the old rule looked at three) and every section's first line
    closed = raw.divided_closed or is_closed([raw_title], [x for _, x in content[:3]] + [s.text for s in sections])
    if closed:
        sections = ()  # a closed punkt's text is never kept
    return Punkt(meeting=meeting, number=raw.number, suffix=raw.suffix, raw_title=raw_title, title=title,
                 journal=journal, sections=sections, time_slot=slot, closed=closed)


def _title_bracketed(title: str) -> re.Match | None:
    """The brackets ending ``title`` when they hold one journal number and nothing else, with no label
    ("Anlægsbevilling til renovering af Hjallese Skole (2024-0612345)", "(EMN-2025-000517)", "(25/8890)"), as
    find_journal_numbers reads one in text; else None. A year, a word, an amount ("(2024)", "(lukket)", "(BUU)",
    "(3.000 kr.)") is no number, and neither is a name with a year in one run of digits ("(FN-2030)"): a case number
    has at least two."""
    m = _TITLE_BRACKETED.search(title)
    if not m:
        return None
    value = m.group("value")
    found = find_journal_numbers(value)
    if len(found) != 1 or JournalNumber.try_parse(value) != found[0] or len(_DIGIT_RUN.findall(value)) < 2:
        return None
    return m


def _sections(lines: list[str], meeting: Meeting) -> tuple[Section, ...]:
    """Split a punkt's body at known headings; text before the first heading is kept as 'Andet'."""
    parts: list[tuple[SectionName, str, list[str]]] = []
    for k, x in enumerate(lines):
        name, heading, first = (line_heading(x, meeting.committee, meeting.date) if x.strip()
                                else (None, "", ""))
        if name is not None and (_wrapped_in_sentence(x, first, lines[k + 1] if k + 1 < len(lines) else "", meeting)
                                 or _ends_wrapped_sentence(x, lines[k - 1] if k else "")):
            name = None
        if name is not None:
            if _names_the_decision(parts, name, x, meeting):
                parts.pop()  # "Beslutning" over "Økonomiudvalgets beslutning den 4. marts 2025": one decision
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


def _names_the_decision(parts: list[tuple[SectionName, str, list[str]]], name: SectionName, line: str,
                        meeting: Meeting) -> bool:
    """True when ``line``, a heading ``name``, names this meeting's decision ("Økonomiudvalgets beslutning den 4.
    marts 2025", "Beslutning i Økonomiudvalget den ...") right under a Beslutning heading with no text of its own
    (København): the heading only announces it, so the line's section is the decision and the empty one goes. A
    Beslutning with text, or a line naming an earlier meeting (Historik), leaves both."""
    if name is not SectionName.BESLUTNING or not parts:
        return False
    above, _, text = parts[-1]
    return (above is SectionName.BESLUTNING and not any(x.strip() for x in text)
            and meeting_heading(line, meeting.committee, meeting.date) is not None)


def _wrapped_in_sentence(line: str, text: str, below: str, meeting: Meeting) -> bool:
    """True for a line that names a body and a day ("Styregruppen den 24. marts 2026") with nothing after it, when
    the paragraph goes on right below it in lower case ("og derefter med direktionen."): a sentence wrapped after
    the day, not a heading. A colon after the day makes it a heading whatever follows."""
    return (not text and not line.rstrip().endswith(":") and below.strip()[:1].islower()
            and meeting_heading(line, meeting.committee, meeting.date) is not None)


def _ends_wrapped_sentence(line: str, above: str) -> bool:
    """True for a heading word in lower case right under a line of text that ends no sentence: the end of a
    wrapped sentence ("Der er indkommet 23" / "høringssvar."), not a heading."""
    return line.lstrip()[:1].islower() and bool(above.strip()) and not _ENDS_SENTENCE.search(above)


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs, lines inside joined by newline; page-break splits and words hyphenated at
    a line's end joined back."""
    paras: list[list[str]] = [[]]
    for x in lines:
        if x.strip():
            paras[-1].append(x)
        elif paras[-1]:
            paras.append([])
    out: list[str] = []
    for p in (_lines_joined(p) for p in paras if p):
        if out and (joined := join_hyphenated(out[-1], p)) is not None:
            out[-1] = joined
        elif out and _continues(out[-1], p):
            out[-1] = out[-1].rstrip() + " " + p.lstrip()
        else:
            out.append(p)
    return out


def _lines_joined(lines: list[str]) -> str:
    """A paragraph's lines joined by newline, a word hyphenated at a line's end made whole (join_hyphenated)."""
    text = lines[0]
    for x in lines[1:]:
        joined = join_hyphenated(text, x)
        text = joined if joined is not None else text + "\n" + x
    return text


def _continues(previous: str, first_line: str) -> bool:
    """A paragraph cut by a page break: no closing punctuation before (or an abbreviation: "3 mio. kr."), a
    lower-case word after."""
    start = first_line.lstrip()
    return bool(start) and start[0].islower() and (not _ENDS_SENTENCE.search(previous)
                                                   or bool(ENDS_IN_ABBREVIATION.search(previous)))
