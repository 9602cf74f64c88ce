"""Domain model: a meeting's minutes as frozen, validated dataclasses.

A punkt is cited as ``YYYY-MM-DD#N`` (``Punkt.ref``, unique within a committee) and identified in the
store and the index by ``Punkt.uid`` (committee, date, start time and number). A sub-numbered punkt ("Punkt 3a",
"Punkt 5.1") has the number 3 or 5 and the suffix "a" or ".1"; its label, "3a" or "5.1", takes N's place.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum

from embeddings.journal import JournalNumber

# A decision that approves the recommendation by reference: one that names it ("Indstillingen godkendt.",
# "Godkendt som indstillet") or whose every line only approves ("Godkendt.", "1.-2. Anbefales.", "1. Godkendt" /
# "2. Godkendt", "Ad 1: Godkendt."), absentees aside ("Afbud: ..."); also one taking the Indstilling's numbered
# points one by one ("Ad 1: Godkendt." / "Ad 2: Godkendt med den ændring, at ..."), when one of them is approved as
# it stands: what that point decided is written only in the Indstilling.
_NAMES_INDSTILLING = re.compile(r"\bindstilling(?:en|erne)?\b|\bindstillet\b", re.I)
_POINT = r"(?:ad\s+(?:pkt\.?\s*|punkt\s+)?)?\d{1,2}\.?(?:\s*[-–]\s*\d{1,2}\.?)?\s*:?\s+"  # "2. ", "1.-2. ", "Ad 1: "
_APPROVES = re.compile(rf"^\s*(?:{_POINT})?(?:godkendt|godkendes|tiltrådt|tiltrædes|anbefalet"
                       r"|anbefales|vedtaget)\s*[.!]?\s*$", re.I)
_AD_POINT = re.compile(r"^\s*ad\s+(?:pkt\.?\s*|punkt\s+)?\d{1,2}\.?(?:\s*[-–]\s*\d{1,2}\.?)?\s*:?\s+\S", re.I)
_ABSENT = re.compile(r"^\s*(?:afbud|fraværende)\b", re.I)
_BY_REFERENCE_CHARS = 160  # longer decisions say what they decide themselves
# What may follow a punkt's number: a letter ("3a", a punkt added to the agenda late) or a dot and a number ("5.1",
# a sub-punkt). A label is the number and its suffix, if any. The parsers and `beslut show` read suffixes by this.
SUFFIX = r"(?:[a-z]|\.[0-9]{1,3})"
_SUFFIX = re.compile(f"{SUFFIX}?")
_LABEL = re.compile(rf"([0-9]{{1,9}})({SUFFIX}?)")


class SectionName(StrEnum):
    """Canonical section names. Parsers map every heading they meet to one of these."""

    ANLEDNING = "Anledning"
    RESUME = "Resume"
    SAGSFREMSTILLING = "Sagsfremstilling"
    INDSTILLING = "Indstilling"
    BESLUTNING = "Beslutning"
    HISTORIK = "Historik"
    BILAG = "Bilag"
    OTHER = "Andet"  # a heading we keep but do not recognise (the heading as written is kept)


@dataclass(frozen=True)
class Section:
    """One section of a punkt: canonical name, the heading as written, and its text.

    ``text`` is paragraphs separated by one blank line, lines inside a paragraph joined by "\\n".
    """

    name: SectionName
    text: str
    heading: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, SectionName):
            object.__setattr__(self, "name", SectionName(self.name))
        if not self.heading:
            object.__setattr__(self, "heading", self.name.value)


@dataclass(frozen=True)
class Meeting:
    """One committee meeting, as stated in its minutes."""

    committee: str
    date: dt.date
    start_time: dt.time | None = None
    location: str | None = None
    participants: tuple[str, ...] = ()
    source_path: str = ""
    source_sha256: str = ""
    # Where a publication site has it (FirstAgenda: the site's base URL and the meeting's id there), and
    # whether the site called it concluded (Afsluttet) when it was read; None for files.
    source_url: str | None = None
    source_id: str | None = None
    concluded: bool | None = None

    def __post_init__(self) -> None:
        if not self.committee.strip():
            raise ValueError("Meeting.committee is empty")
        if not isinstance(self.date, dt.date):
            raise TypeError("Meeting.date must be a datetime.date")
        object.__setattr__(self, "participants", tuple(self.participants))


@dataclass(frozen=True)
class Attachment:
    """A bilag: its name as published and, from a publication site, its id there (for the link)."""

    name: str
    source_id: str | None = None


@dataclass(frozen=True)
class Punkt:
    """One agenda item (punkt) of a meeting.

    ``raw_title`` is the heading as written ("CF - Velkommen til ny leder (9.00-9.15)"); ``title`` is
    clean ("Velkommen til ny leder"); ``time_slot`` is "9.00-9.15" or None. A closed punkt keeps only
    title, date and journal number: its sections are always empty.
    """

    meeting: Meeting
    number: int
    raw_title: str
    title: str
    journal: JournalNumber | None = None
    sections: tuple[Section, ...] = ()
    time_slot: str | None = None
    closed: bool = False
    source_id: str | None = None  # the punkt's id on its publication site (deep links)
    attachments: tuple[Attachment, ...] = ()
    suffix: str = ""  # "a" for "Punkt 3a", ".1" for "Punkt 5.1"; "" for a plain number

    def __post_init__(self) -> None:
        if self.number < 0:
            raise ValueError(f"Punkt.number must be >= 0, got {self.number}")
        if not _SUFFIX.fullmatch(self.suffix):
            raise ValueError(f"Punkt.suffix must be a letter or a dot and digits, got {self.suffix!r}")
        object.__setattr__(self, "sections", tuple(self.sections))
        object.__setattr__(self, "attachments", tuple(self.attachments))
        if self.closed and (self.sections or self.attachments):
            raise ValueError(f"closed punkt {self.ref} must not carry section text")

    @property
    def label(self) -> str:
        """The punkt's number as the minutes write it: "4", "3a", "5.1"."""
        return f"{self.number}{self.suffix}"

    @property
    def ref(self) -> str:
        """``YYYY-MM-DD#N``, how people cite a punkt (`beslut show`, the question sets): unique within a
        committee."""
        return f"{self.meeting.date.isoformat()}#{self.label}"

    @property
    def uid(self) -> str:
        """``committee|YYYY-MM-DD|HH:MM|N`` (time empty when unknown): unique in the store, since a committee
        can meet twice a day (Greve's Byråd, 8 September 2025). The index keys its chunks by it."""
        return punkt_uid(self.meeting.committee, self.meeting.date, self.meeting.start_time, self.label)

    def section(self, name: SectionName) -> Section | None:
        for s in self.sections:
            if s.name == name:
                return s
        return None

    @property
    def decision(self) -> str | None:
        """The Beslutning text, or None when the punkt has none (or an empty one). Of several (a punkt resumed
        later in the meeting: "Beslutning" then "Ny beslutning"), the last one that says something."""
        texts = [s.text for s in self.sections if s.name is SectionName.BESLUTNING and s.text.strip()]
        return texts[-1] if texts else None

    @property
    def approved_indstilling(self) -> str | None:
        """The Indstilling text when the decision approves it by reference only ("Indstillingen godkendt.",
        "Godkendt som indstillet.", "Tiltrådt.", "Ad 1: Godkendt." / "Ad 2: Godkendt med den ændring, at ..."):
        what was decided is written there. None otherwise."""
        decision = self.decision
        s = self.section(SectionName.INDSTILLING)
        if not decision or not s or not s.text.strip() or len(decision) > _BY_REFERENCE_CHARS:
            return None
        lines = [x for x in decision.splitlines() if x.strip() and not _ABSENT.match(x)]
        by_reference = _NAMES_INDSTILLING.search(decision) or (lines and all(_APPROVES.match(x) for x in lines)) or (
            lines and all(_AD_POINT.match(x) for x in lines) and any(_APPROVES.match(x) for x in lines))
        return s.text if by_reference else None

    @property
    def content_hash(self) -> str:
        """sha256 of everything that is embedded (ids and links are not); unchanged punkter are not
        re-embedded."""
        return content_hash(self.title, self.journal.raw if self.journal else None, self.closed,
                            [(s.name.value, s.heading, s.text) for s in self.sections])


def punkt_uid(committee: str, date: dt.date, start_time: dt.time | None, label: int | str) -> str:
    """``Punkt.uid`` from its parts (the store builds it from columns without building the Punkt); ``label``:
    the number, or ``Punkt.label``."""
    t = start_time
    start = "" if t is None else t.isoformat(timespec="minutes" if not (t.second or t.microsecond) else "auto")
    return f"{committee}|{date.isoformat()}|{start}|{label}"


def split_label(label: str) -> tuple[int, str]:
    """``Punkt.label`` -> (number, suffix): "4" -> (4, ""), "3a" -> (3, "a"), "5.1" -> (5, ".1"). ValueError for
    anything else."""
    m = _LABEL.fullmatch(label)
    if not m:
        raise ValueError(f"not a punkt number: {label!r}")
    return int(m.group(1)), m.group(2)


def content_hash(title: str, journal: str | None, closed: bool, sections: list[tuple[str, str, str]]) -> str:
    """``Punkt.content_hash`` from stored columns: (name, heading, text) per section, in order."""
    payload = json.dumps([title, journal, closed, [list(s) for s in sections]], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Minutes:
    """What a parser returns for one source file: one meeting and its punkter in order."""

    meeting: Meeting
    punkter: tuple[Punkt, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "punkter", tuple(self.punkter))
        seen: set[str] = set()
        for p in self.punkter:
            if p.meeting != self.meeting:
                raise ValueError(f"punkt {p.ref} belongs to another meeting")
            if p.label in seen:
                raise ValueError(f"duplicate punkt number {p.label}")
            seen.add(p.label)


# Example instances, next to the models (used by tests and docs).
EXAMPLE_MEETING = Meeting(
    committee="Chefforum",
    date=dt.date(2024, 9, 11),
    start_time=dt.time(9, 0),
    location="915",
    participants=("Henrik Harder (Kommunaldirektør)",),
    source_path="data/referater/chefforum-2024-09-11.txt",
)
EXAMPLE_PUNKT = Punkt(
    meeting=EXAMPLE_MEETING,
    number=4,
    raw_title="CF - Opfølgning på implementering af ens telefontider",
    title="Opfølgning på implementering af ens telefontider",
    journal=JournalNumber.parse("83.02.00-A00-1-23"),
    sections=(
        Section(SectionName.INDSTILLING, "1. at der aftales en konkret deadline for implementering"),
        Section(SectionName.BESLUTNING, "Chefforum besluttede, at beslutningen fra ØU om telefontider gælder"),
    ),
)
