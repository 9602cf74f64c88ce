"""Section headings as written -> canonical SectionName, and title cleaning shared by all parsers."""
from __future__ import annotations

import datetime as dt
import re

from embeddings.closed import strip_marker
from embeddings.minutes import SectionName
from embeddings.search.query_filters import MONTHS

HEADINGS: dict[str, SectionName] = {
    "anledning": SectionName.ANLEDNING,
    "baggrund": SectionName.ANLEDNING,
    "resume": SectionName.RESUME,
    "resumé": SectionName.RESUME,
    "sagsresume": SectionName.RESUME,
    "sagsresumé": SectionName.RESUME,
    "sagsfremstilling": SectionName.SAGSFREMSTILLING,
    "fremstilling": SectionName.SAGSFREMSTILLING,
    "sagsbeskrivelse": SectionName.SAGSFREMSTILLING,
    "saksfremstilling": SectionName.SAGSFREMSTILLING,  # Norwegian
    "supplerende sagsfremstilling": SectionName.SAGSFREMSTILLING,  # added to a case after the first agenda
    "ny supplerende sagsfremstilling": SectionName.SAGSFREMSTILLING,
    "supplerende sagsbeskrivelse": SectionName.SAGSFREMSTILLING,
    "indstilling": SectionName.INDSTILLING,
    "supplerende indstilling": SectionName.INDSTILLING,
    "indstilling fra direktionen": SectionName.INDSTILLING,
    "forvaltningens indstilling": SectionName.INDSTILLING,
    "indstilling fra forvaltningen": SectionName.INDSTILLING,
    "administrationens indstilling": SectionName.INDSTILLING,
    "indstilling fra administrationen": SectionName.INDSTILLING,
    "direktionens indstilling": SectionName.INDSTILLING,
    "direktørens indstilling": SectionName.INDSTILLING,
    "borgmesterens indstilling": SectionName.INDSTILLING,
    "forslag til beslutning": SectionName.INDSTILLING,
    "innstilling": SectionName.INDSTILLING,  # Norwegian
    "forslag til vedtak": SectionName.INDSTILLING,  # Norwegian
    "beslutning": SectionName.BESLUTNING,
    "udvalgets beslutning": SectionName.BESLUTNING,
    "byrådets beslutning": SectionName.BESLUTNING,
    "afgørelse": SectionName.BESLUTNING,
    "ny beslutning": SectionName.BESLUTNING,  # a punkt resumed later in the meeting: the decision that stands
    "endelig beslutning": SectionName.BESLUTNING,
    "fornyet beslutning": SectionName.BESLUTNING,
    "vedtak": SectionName.BESLUTNING,  # Norwegian
    "historik": SectionName.HISTORIK,
    "sagens forløb": SectionName.HISTORIK,
    "tidligere beslutninger": SectionName.HISTORIK,
    "tidligere beslutning": SectionName.HISTORIK,
    "tidligere politisk behandling": SectionName.HISTORIK,
    "tidligere behandling": SectionName.HISTORIK,
    "bilag": SectionName.BILAG,
    "vedlegg": SectionName.BILAG,  # Norwegian
    # Headings with no canonical name that still start a section of their own (OTHER, the heading as written),
    # so that their text is not glued into the section above.
    "økonomi": SectionName.OTHER,
    "økonomiske konsekvenser": SectionName.OTHER,
    "bevillingsmæssige konsekvenser": SectionName.OTHER,
    "høring": SectionName.OTHER,
    "sagens kerne": SectionName.OTHER,
    "vurdering": SectionName.OTHER,
    "retsgrundlag": SectionName.OTHER,
    "beslutningskompetence": SectionName.OTHER,
    "kommunikation": SectionName.OTHER,
    "tidsplan": SectionName.OTHER,
    "konsekvenser": SectionName.OTHER,
    "beslutningstema": SectionName.OTHER,  # what is to be decided, no decision
    "lovgrundlag": SectionName.OTHER,
    "lovhjemmel": SectionName.OTHER,
    "retligt grundlag": SectionName.OTHER,
    "juridisk grundlag": SectionName.OTHER,
    "kompetence": SectionName.OTHER,
    "problemstilling": SectionName.OTHER,  # København: Problemstilling, Løsning, Økonomi
    "løsning": SectionName.OTHER,
    "høringssvar": SectionName.OTHER,
    "borgerinddragelse": SectionName.OTHER,
    "miljøvurdering": SectionName.OTHER,
    "bæredygtighed": SectionName.OTHER,
    "finansiering": SectionName.OTHER,
}
# "Økonomiske konsekvenser", "Personalemæssige konsekvenser", "Handicappolitiske og miljømæssige konsekvenser": a
# heading of its own (OTHER); adjectives ending in -e, so "Der er ingen konsekvenser" stays text.
_CONSEQUENCES = re.compile(r"(?:[^\W\d_]+e\s+(?:og\s+)?){1,3}konsekvenser")


# What closes the minutes rather than a punkt: who was absent or disqualified (inhabil), the signatures, when the
# meeting ended. Their own section (OTHER) keeps them out of the last punkt's decision.
_END_MATTER = re.compile(r"^\s*(?P<head>fraværende|afbud|inhabilitet|inhabil|underskriftsblad|underskrifter|underskrift)"
                         r"\s*(?::\s*(?P<text>.*?))?\s*$"
                         r"|^\s*(?P<end>mødet\s+(?:er\s+)?(?:sluttede|slut|hævet|hævedes|afsluttet|afsluttedes)\b.{0,30})$",
                         re.I)
_NUMBERED_HEADING = re.compile(r"^\s*\d{1,2}\s*[.)]\s+")  # "4. Beslutning" in a Word export
# "Beslutning<TAB>Udvalget godkendte ...": two columns, so one tab (a table row "Beslutning<TAB>Emne<TAB>Tid" is not)
_WITH_TAB = re.compile(r"^\s*(?P<head>[^\W\d_]+(?:\s+[^\W\d_]+)?)\s*:?\t+\s*(?P<text>[^\t]*[^\s\t][^\t]*?)\s*$")


def canonical_section(heading: str) -> SectionName | None:
    """The canonical name of a known heading ("Vedlegg" -> Bilag, "Beslutning." -> Beslutning, "4. Beslutning"
    -> Beslutning), or None if not a known one. A heading with no canonical name of its own ("Økonomi",
    "Høring") is OTHER."""
    text = " ".join(_NUMBERED_HEADING.sub("", heading).split()).strip(" :.").lower()
    return HEADINGS.get(text) or (SectionName.OTHER if _CONSEQUENCES.fullmatch(text) else None)


# A decision or recommendation heading that carries more on its line: its text after a colon ("Beslutning:
# Godkendt."), or who and when ("Beslutning i Økonomiudvalget den 27-10-2025", "Beslutning Byrådet 12.03.2024:").
_INLINE = frozenset({SectionName.BESLUTNING, SectionName.INDSTILLING})
_WITH_TEXT = re.compile(r"^\s*(?P<head>[^\W\d_]+(?:\s+[^\W\d_]+)?)\s*:\s*(?P<text>\S.*?)\s*$")
# Who and when may follow a preposition or "den" ("Beslutning i byrådet", "Beslutning den 26. november 2026"), or
# stand in brackets ("Beslutning (26.11.2026)"); without a preposition they start with a capital or a digit.
_WITH_CONTEXT = re.compile(r"^\s*(?P<head>[^\W\d_]+)\s+(?:(?P<prep>i|fra|på|af|den)\s+(?=[^\W_])|(?=[A-ZÆØÅ0-9(]))"
                           r"\(?(?P<who>[^\W_][^!?;:]{0,60}?)\)?\s*:?\s*$")
# The words a body's name ends in, as in "Teknik- og Miljøudvalget", "Byrådet", "Kommunalbestyrelsen",
# "Chefforum", "Direktionen", "Borgerrepræsentationen" (København), "Magistraten" (Aarhus), "Styregruppen",
# "Koncernledelsen", "Klagenævnet", "Styringskomitéen"; each with its definite and genitive forms (_BODY_FORM).
_BODY_WORD = r"(?:udvalg|råd|bestyrelse|forum|direktion|repræsentation|magistrat|gruppe|ledelse|nævn|komit[eé])"
_BODY_FORM = r"(?:ets|et|ens|en|ns|n|s)?"
_CONTEXT_END = re.compile(rf"(?:{_BODY_WORD}{_BODY_FORM}|\d{{4}})$", re.I)
_CONTEXT_START = re.compile(rf"^\S*{_BODY_WORD}{_BODY_FORM}\b", re.I)


# A heading that is a meeting, a body and a day ("Byrådet den 24. marts 2026:", "Økonomiudvalget 14-04-2026, pkt.
# 5:", "Byrådets beslutning den 28. april 2026", "Beslutning Teknik- og Miljøudvalget den 07-04-2026"): the chain of
# decisions a case collects on its way to the Byråd. The body's name ends in one of _BODY_WORD ("Teknik- og
# Miljøudvalget", "Kommunalbestyrelsens", "Magistraten"); the day is written as named_date reads it.
_BODY = r"(?P<body>(?:[A-ZÆØÅ][^\W\d_]*-,?\s+(?:og\s+)?)*[A-ZÆØÅ][^\W\d_]*)"
_BODY_END = re.compile(rf"{_BODY_WORD}{_BODY_FORM}$", re.I)
_MONTH_NAMES = "|".join(MONTHS)
_DAY = (r"(?:den\s+|d\.\s*)?(?P<day>\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{4}-\d{1,2}-\d{1,2}"
        rf"|\d{{1,2}}\.?\s+(?i:{_MONTH_NAMES})\s+\d{{4}})")  # the forms named_date reads
_AFTER = r"\s*(?::\s*(?P<text>\S.*?)|:)?\s*$"  # the decision's text after a colon, if on the line
_MEETING_FORMS = (
    # "Byrådet den 24. marts 2026:", "Økonomiudvalget den 10. marts 2026, pkt. 5: Anbefales.", "Byrådet 28-04-2026"
    re.compile(rf"^\s*{_BODY},?\s+{_DAY}(?:\s*,?\s*(?:pkt|punkt)\.?\s*\d{{1,3}}[a-z]?)?{_AFTER}"),
    # "Kommunalbestyrelsens beslutning", "Økonomiudvalgets beslutning den 14. april 2026",
    # "Økonomiudvalgets indstilling"
    re.compile(rf"^\s*{_BODY}\s+(?P<kind>[Bb]eslutning|[Ii]ndstilling)(?:,?\s+{_DAY})?{_AFTER}"),
    # "Beslutning Teknik- og Miljøudvalget den 07-04-2026", "Beslutning i Byrådet den 24. marts 2026"
    re.compile(rf"^\s*[Bb]eslutning\s+(?:i\s+)?{_BODY},?\s+{_DAY}\s*:?\s*$"),
)


def chain_line(line: str) -> bool:
    """True for a line in one of _MEETING_FORMS, a body and a day ("Byrådet den 24. marts 2026", "Økonomiudvalget
    10-03-2026, pkt. 5: Anbefales.", "Beslutning i Byrådet den 24. marts 2026"), whichever meeting it names."""
    return any((m := form.match(line)) is not None and _BODY_END.search(m.group("body")) is not None
               for form in _MEETING_FORMS)


def _meeting_heading(line: str, committee: str, date: dt.date | None) -> tuple[SectionName, str, str] | None:
    """A heading naming a body and a day (_MEETING_FORMS), read in the minutes of ``committee`` on ``date``: this
    meeting's Beslutning when both are this meeting's, else an earlier step of the case (Historik, the line as its
    heading), so that neither is taken for the decision nor left inside the Indstilling above. "<Body>s
    indstilling" is the Indstilling whoever wrote it. None for any other line, and without a meeting to compare
    with (``date`` None). A genitive with no day ("Økonomiudvalgets beslutning") is this meeting's when the body
    is; "Byrådets beslutning" and "Udvalgets beslutning" are the Beslutning everywhere (HEADINGS)."""
    if date is None:
        return None
    for form in _MEETING_FORMS:
        m = form.match(line)
        if not m or not _BODY_END.search(m.group("body")):
            continue
        kind = m.groupdict().get("kind")
        if kind is not None and kind.lower() == "beslutning" and not m.group("body").endswith("s"):
            continue  # "Byrådet beslutning": no heading
        text = m.groupdict().get("text") or ""
        heading = " ".join((line.split(":", 1)[0] if text else line).split()).rstrip(" :")
        if kind is not None and kind.lower() == "indstilling":
            return SectionName.INDSTILLING, heading, text
        try:
            named_date(m.group("day") or "")
        except ValueError:
            continue  # "Byrådet den 31-02-2026": no day, no heading
        this = _this_meeting(f"{m.group('body')} {m.group('day') or ''}", committee, date)
        return (SectionName.BESLUTNING if this else SectionName.HISTORIK), heading, text
    return None


def line_heading(line: str, committee: str = "", date: dt.date | None = None) -> tuple[SectionName | None, str, str]:
    """(canonical name, heading as written, text on the heading's line) for a heading line; (None, "", "")
    for any other line. "Beslutning" -> (BESLUTNING, "Beslutning", ""); "Beslutning: Godkendt." ->
    (BESLUTNING, "Beslutning", "Godkendt."); "Beslutning i Byrådet den 12-03-2024" -> (BESLUTNING, that line,
    "") in the minutes of that meeting (``committee``, ``date``) only: a date it names must be the meeting's, or
    without a date, the committee must be the meeting's. Elsewhere such a line quotes an earlier decision
    ("Beslutning fra Chefforums møde den 14. august 2024:" in a Sagsfremstilling) and is text; but a line that is
    only a body and a day ("Økonomiudvalget den 10. marts 2026, pkt. 5: Anbefales.", "Beslutning i Byrådet den
    24. februar 2026") is an earlier step of the case: (HISTORIK, that line, its text) (see _meeting_heading)."""
    name = canonical_section(line)
    if name is not None:
        return name, line.strip(" :.\t"), ""
    m = _WITH_TAB.match(line)  # a two-column layout: any known heading, its text after a tab
    if m and canonical_section(m.group("head")) is not None:
        return canonical_section(m.group("head")), m.group("head"), m.group("text")
    if (found := end_matter(line)) is not None:
        return found
    m = _WITH_TEXT.match(line)
    if m and canonical_section(m.group("head")) in _INLINE:
        return canonical_section(m.group("head")), m.group("head"), m.group("text")
    return meeting_heading(line, committee, date) or (None, "", "")


def end_matter(line: str) -> tuple[SectionName, str, str] | None:
    """(OTHER, heading, text) for a line that closes the minutes rather than a punkt (_END_MATTER: "Fraværende:
    Jens Hansen (A)", "Inhabil: ...", "Mødet sluttede kl. 17.30"); None for any other line."""
    m = _END_MATTER.match(line)
    if not m:
        return None
    return SectionName.OTHER, " ".join((m.group("head") or m.group("end")).split()), m.group("text") or ""


def meeting_heading(line: str, committee: str, date: dt.date | None) -> tuple[SectionName, str, str] | None:
    """(name, heading, text) for a decision or recommendation heading that names a meeting (see line_heading and
    _meeting_heading), read in the minutes of ``committee`` on ``date``; None for any other line."""
    found = _meeting_heading(line, committee, date)
    if found is not None:
        return found
    m = _WITH_CONTEXT.match(line)
    if (m and canonical_section(m.group("head")) in _INLINE and len(m.group("who").split()) <= 8
            and _CONTEXT_END.search(m.group("who")) and _this_meeting(m.group("who"), committee, date)
            and (m.group("who")[0].isupper() or m.group("who")[0].isdigit() or _CONTEXT_START.match(m.group("who")))):
        return canonical_section(m.group("head")), " ".join(line.split()).strip(" :"), ""
    return None


# The ways a day is written, in the order named_date prefers them: "02.11.2026" / "2-11-2026" / "8/4-2026",
# ISO "2026-11-02", and in words "2. november 2026" (of a range "13.-14. april 2026" or "13. og 14. april 2026",
# the first day).
_DATE_FORMS = (
    (re.compile(r"\b(\d{1,2})[-./](\d{1,2})[-./](\d{4})\b"), (3, 2, 1)),
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), (1, 2, 3)),
    (re.compile(r"\b(\d{1,2})\.?(?:\s*(?:[-–]|og)\s*\d{1,2}\.?)?\s+(" + _MONTH_NAMES + r")\s+(\d{4})\b", re.I), (3, 2, 1)),
)


def _ymd(m: re.Match, order: tuple[int, int, int]) -> tuple[int, int, int]:
    y, mo, d = (m.group(g) for g in order)
    return int(y), (int(mo) if mo.isdigit() else MONTHS.index(mo.lower()) + 1), int(d)


def dates_in(text: str) -> list[dt.date]:
    """Every real day written in ``text`` (as named_date reads them), in _DATE_FORMS order."""
    days = []
    for pattern, order in _DATE_FORMS:
        for m in pattern.finditer(text):
            try:
                days.append(dt.date(*_ymd(m, order)))
            except ValueError:
                pass
    return days


def named_date(text: str) -> tuple[str, dt.date] | None:
    """The first date written in ``text`` ("02.11.2026", "2026-11-02", "2. november 2026") as written and read,
    preferring the forms in _DATE_FORMS order; None when there is none. Raises ValueError when it names no real
    day ("31.02.2026")."""
    for pattern, order in _DATE_FORMS:
        if m := pattern.search(text):
            return m.group(0), dt.date(*_ymd(m, order))
    return None


_BEFORE_DAY = re.compile(r"(?:[\s,]+(?:møde[t]?|den|d\.))*[\s,]*$", re.I)  # "Chefforums møde den " before the day


def _this_meeting(who: str, committee: str, date: dt.date | None) -> bool:
    """True when a heading's who and when (a body, a day or both: "Byrådet den 24. marts 2026", "Økonomiudvalgets",
    "i byrådet", "26.11.2026", "Chefforums møde den 14. august 2024") names the meeting being read, ``committee``
    on ``date``: a day it names is ``date``, and a body it names is ``committee``. Bodies are compared by their
    stem ("Byrådets" / "byrådet" and "Byråd", "Kommunalbestyrelsens" and "Kommunalbestyrelsen", "Teknik- og
    Miljøudvalget" and itself, not "Social- og Sundhedsudvalget" and "Sundhedsudvalget"); the generic "Udvalget"
    is any udvalg. Text before the day that is no body's name ("mødet") leaves it to the day. False for a day
    that does not exist, and when neither a body nor a day is named."""
    try:
        found = named_date(who)
    except ValueError:
        return False
    if found is not None and found[1] != date:
        return False
    body = _BEFORE_DAY.sub("", who[:who.find(found[0])] if found else who)
    if not _BODY_END.search(body):
        return found is not None
    words = body.lower().replace("é", "e").split()  # "Styringskomiteen" is "Styringskomitéen"
    stem = re.sub(r"(?:et|en)$", "", re.sub(r"s$", "", words[-1]))
    return len(stem) >= 3 and " ".join(words[:-1] + [stem]) in " ".join(committee.lower().replace("é", "e").split())


_PREFIX = re.compile(r"^\s*[A-ZÆØÅ]{1,4}\s*[-\u2010-\u2015\u2212]\s*")  # "CF - ", "CF– ", "CF- "
_SLOT = re.compile(r"\s*\((\d{1,2}[.:]\d{2})\s*[-–.]\s*(\d{1,2}[.:]\d{2})\)\s*$")  # "(9.00-9.15)", "(9.15.10.45)"


def clean_title(raw: str) -> tuple[str, str | None]:
    """("CF - Velkommen (9.00-9.15)") -> ("Velkommen", "9.00-9.15"). The slot is normalised to H.MM-H.MM.

    A closed marker ("Lukket: ", "(Lukket)") is dropped too: the punkt is flagged closed instead
    (``embeddings.closed``).
    "APV- og Trivselsundersøgelsen" keeps its "APV-": a prefix is only a prefix before a capital letter.
    """
    title = " ".join(raw.split())
    slot = None
    m = _SLOT.search(title)
    if m:
        slot = f"{m.group(1).replace(':', '.')}-{m.group(2).replace(':', '.')}"
        title = title[: m.start()]
    stripped = _PREFIX.sub("", title, count=1).strip()
    if not stripped[:1].islower():
        title = stripped
    title = strip_marker(title)
    return title.strip() or " ".join(raw.split()), slot
