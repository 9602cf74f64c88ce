"""The meeting head of minutes as text: committee, date, start time, place and participants.

The head, above the first punkt::

    REFERAT <udvalg> d. DD-MM-YYYY          header: committee and date (never hard-coded)
      or  Referat (af møde) i/for <udvalg>     with "Dato: 02.11.2026" / "Mødedato: 2. november 2026" just below
    Mødedato ... kl. HH:MM / Mødested ... / Mødedeltagere A (rolle), B (rolle)
      or  Mødetidspunkt: (kl.) HH.MM - HH.MM / Sted: ...
"""
from __future__ import annotations

import datetime as dt
import re

from embeddings.errors import InputError
from embeddings.ingest.punkt_headers import punkt_header
from embeddings.ingest.sections import named_date


_HEADER = re.compile(r"^\s*REFERAT\s+(?P<committee>.+?)\s+d\.\s*"
                     r"(?P<date>\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{1,2}\.?\s+[^\W\d_]+\s+\d{4})\s*$", re.I)
# "Referat af møde i Børne- og Skoleudvalget" / "Referat for X": the date on a labelled line just below it.
_HEADER_NAMED = re.compile(r"^\s*Referat\s+(?:af\s+mødet?\s+)?(?:i|for)\s+(?P<committee>\S.*?)\s*$", re.I)
_DATE_LABEL = re.compile(r"^\s*(?:Møde)?dato\b\s*:?\s*(?P<value>.*)$", re.I)  # "Dato: 02.11.2026", "Mødedato: 2. ..."
# A line that is only the meeting's day, unlabelled: "Mandag den 6. april 2026 kl. 16.00", "d. 06.04.2026".
_DATED_LINE = re.compile(r"^\s*(?:(?:man|tirs|ons|tors|fre|lør|søn)dag\b[\s,]*)?(?:den\s+|d\.\s*)?(?P<date>\d.*)$", re.I)
_SHORT_YEAR = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{2})\b")  # "Dato: 09.04.26", on a Dato line only
_DATE_LINES = 6  # the labelled date line is looked for among the lines right under the header
_START = re.compile(r"\bkl\.\s*(\d{1,2})[:.](\d{2})\b")
_START_BARE = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})\b", re.I)  # "Mødetidspunkt: 17.00 - 19.00"
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


def header(lines: list[str], path: str) -> tuple[int, str, dt.date]:
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
ABBREVIATION = re.compile(r"\s*\((?:[A-ZÆØÅ]{2,6})\)\s*$")  # "Børne- og Ungeudvalget (BUU)": initials find it


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


def field_value(preamble: list[str], label: str, colon_only: bool = False) -> str | None:
    """The text after ``label`` on its line ("Mødested Rådhuset", "Sted: Rådhuset", a table's "Sted<tab>Rådhuset");
    a short, common word as label ("Sted") only counts with a colon or a tab."""
    for x in preamble:
        if x.startswith((label + ":", label + "\t")) or (not colon_only and x.startswith(label + " ")):
            return x[len(label):].strip(" :\t") or None
    return None


def start_time(preamble: list[str], header: str) -> dt.time | None:
    """"Mødedato ... kl. HH:MM" (or "Dato: ... kl.", "kl." on the header line or on a line that is only the
    day), else the first of _TIME_LABELS with a time: "Mødetidspunkt: (kl.) HH.MM - ...", "Tidspunkt: ...",
    "Starttidspunkt: 16:00", "Mødestart: kl. 16.00"."""
    day_lines = [x for x in preamble if _day_text(x)]
    m = (_START.search(field_value(preamble, "Mødedato") or "")
         or _START.search(field_value(preamble, "Dato", colon_only=True) or "") or _START.search(header)
         or next(filter(None, map(_START.search, day_lines)), None))
    for label, colon_only in () if m else _TIME_LABELS:
        if m := _START_BARE.match(field_value(preamble, label, colon_only) or ""):
            break
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return dt.time(int(m.group(1)), int(m.group(2)))
    return None


def participants(preamble: list[str]) -> tuple[str, ...]:
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
