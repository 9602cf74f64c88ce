"""FirstAgenda minutes as text (plain export, Markdown, or text extracted from a PDF) -> Minutes.

The layout every variant shares, and the module that reads each part::

    REFERAT <udvalg> d. DD-MM-YYYY, Mødedato, Mødested, Mødedeltagere   the meeting head (meeting_head)
    Indholdsfortegnelse + "Titel.....<tab>3" lines   (ignored)
    Punkt N: <titel>, Sak N: <titel>, N. <Titel>  one per punkt (punkt_headers)
    <journalnummer>                               first line under the header, when present; or ending the title,
                                                  labelled ("- Sagsnr. 22-000015") or alone in brackets ("(2024-0612345)")
    Anledning / Sagsfremstilling / Indstilling / Beslutning / Bilag / ... headings, alone on a line

This module puts them together (parse_text) and reads the rest: the punkter under their headers, each one's journal
number, sections and paragraphs. Markdown headings and bold markers are removed first. Paragraphs are separated by
blank lines; a paragraph cut by a page break ("... som" / "understøttes ...") is joined back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from embeddings.errors import InputError
from embeddings.journal import KLE_WRITTEN, JournalNumber, find_journal_numbers
from embeddings.minutes import Meeting, Minutes, Punkt, Section, SectionName
from embeddings.closed import divider, is_closed
from embeddings.ingest.furniture import ENDS_IN_ABBREVIATION, drop_furniture, join_hyphenated
from embeddings.ingest.journal_labels import JOURNAL_LABEL, KLE_LABEL, KLE_SPACED, NUMBER_LABEL
from embeddings.ingest.meeting_head import ABBREVIATION, field_value, header, participants, start_time
from embeddings.ingest.punkt_headers import TOC_LINE, Header, numbered_headers, punkt_header, spaced_headers
from embeddings.ingest.sections import clean_title, line_heading, meeting_heading

# A line that opens a further part of the agenda, between punkter: no punkt's text.
_AGENDA_PART = re.compile(r"^\s*(?:tillægsdagsorden|supplerende\s+dagsorden|ekstra\s+dagsorden|tillægspunkter)\s*:?\s*$",
                          re.I)
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
    header_line, committee, date = header(lines, path)
    committee = ABBREVIATION.sub("", committee) or committee
    raws = _split_punkter(lines, path, spaced_headers(lines, header_line) or numbered_headers(lines, header_line))
    if not raws:
        raise InputError("no_punkter", path)
    preamble = lines[header_line:raws[0].line - 1]
    meeting = Meeting(committee=committee, date=date, start_time=start_time(preamble, lines[header_line - 1]),
                      location=field_value(preamble, "Mødested") or field_value(preamble, "Sted", colon_only=True),
                      participants=participants(preamble),
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
        if (m and not TOC_LINE.search(x) and current is not None and current.divided_closed == closed_part
                and _names_current(m, current)):  # under a "LUKKEDE PUNKTER" divider since: a closed punkt
            title_until = i + m.below  # the punkt in progress named again over a page it runs onto (a running
            continue  # header the PDF's page edges did not show): no second punkt of that number
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


def _names_current(header: Header, current: _RawPunkt) -> bool:
    """True when ``header`` has the number and the title of the punkt in progress: the same header again."""
    def folded(title: str) -> str:
        return " ".join(title.split()).casefold()

    return ((header.number, header.suffix) == (current.number, current.suffix)
            and folded(header.title) == folded(current.title))


def _introduces(line: str) -> bool:
    """True when ``line`` is a sentence that ends in a colon and so introduces what follows ("Af referatet
    fremgik:"), not a section heading ("Beslutning:", "Bilag:") whose section may be empty."""
    return line.rstrip().endswith(":") and line_heading(line)[0] is None and len(line.split()) > 2


def _in_contents(lines: list[str], number: int) -> bool:
    """True when line ``number`` (1-based) is followed by a table-of-contents line ("Titel.....3")."""
    following = next((x for x in lines[number:] if x.strip()), "")
    return bool(TOC_LINE.search(following))


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
