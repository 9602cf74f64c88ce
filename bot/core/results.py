"""Platform-neutral results of the core: what an answer, a case timeline and a digest contain.

Adapters (CLI, Slack, Teams) only render these. Every decision text here is verbatim from the store.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from bot.core.follow import Subscription
from embeddings.search.answerability import Tier


@dataclass(frozen=True)
class HistoryEntry:
    """Another punkt of the same case (sagsforløb), oldest first."""

    committee: str
    meeting_date: dt.date
    item_number: int
    title: str
    item_suffix: str = ""  # "a" of punkt 3a, ".1" of punkt 5.1

    @property
    def item_label(self) -> str:
        return f"{self.item_number}{self.item_suffix}"


@dataclass(frozen=True)
class AttachmentLink:
    """A bilag as shown with a hit: its name and, when its site publishes it, an https link."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Hit:
    """One punkt as cited in an answer, a case timeline or a digest."""

    committee: str
    meeting_date: dt.date
    item_number: int
    title: str
    case_number: str | None
    decision: str | None  # the Beslutning, verbatim; None when the punkt has none
    quote_verified: bool  # decision (or indstilling) is a substring of the stored text
    score: float | None = None  # retrieval score (None in case timelines and digests)
    indstilling: str | None = None  # shown, labelled as Indstilling, only when there is no decision
    approved_indstilling: str | None = None  # the Indstilling a decision approves by reference ("Godkendt.")
    matched: tuple[str, ...] = ()  # for long decisions: the sentences that matched the question
    why: str | None = None  # the chunk that matched, for operators (--json, logs)
    history: tuple[HistoryEntry, ...] = ()
    source_url: str | None = None  # the punkt on its publication site (https), or the operator's template
    attachments: tuple[AttachmentLink, ...] = ()
    meeting_start: dt.time | None = None  # set when the committee met more than once that day: cited then
    uid: str | None = None  # Punkt.uid: the punkt in the store (notification ledger keys)
    item_suffix: str = ""  # "a" of punkt 3a, ".1" of punkt 5.1

    @property
    def item_label(self) -> str:
        """The punkt's number as the minutes write it: "4", "3a", "5.1"."""
        return f"{self.item_number}{self.item_suffix}"

    @property
    def ref(self) -> str:
        return f"{self.meeting_date.isoformat()}#{self.item_label}"


@dataclass(frozen=True)
class Answer:
    """The answer to a question: hits, or an honest abstention with the nearest punkter as uncertain.

    ``tier`` (issue 15): "answer" (hits answer the question), "partial" (no decision about exactly that:
    ``uncertain`` holds the nearest punkt(er), ``uncovered`` the question's words they have nothing close
    to) or "none" (nothing near). ``abstained`` is true for partial and none, as before tiers existed.
    """

    question: str
    abstained: bool
    hits: tuple[Hit, ...] = ()
    uncertain: tuple[Hit, ...] = ()  # nearest punkter when abstaining, clearly labelled as uncertain
    filters: tuple[str, ...] = ()  # Danish descriptions of filters read from the question ("i 2021")
    preferences: tuple[str, ...] = ()  # periods preferred, not required ("gebyret i 2025")
    tier: Tier | None = None  # None: from ``abstained`` (answer or none)
    uncovered: tuple[str, ...] = ()  # partial only: "intet om: ..."
    widened: bool = False  # none only: ``uncertain`` has punkter outside ``filters`` (nothing near inside them)

    def __post_init__(self) -> None:
        if self.tier is None:
            object.__setattr__(self, "tier", Tier.NONE if self.abstained else Tier.ANSWER)
        if self.abstained == (self.tier is Tier.ANSWER):
            raise ValueError(f"abstained={self.abstained} contradicts tier {self.tier}")
        if self.uncovered and self.tier is not Tier.PARTIAL:
            raise ValueError("only a partial answer names uncovered words")
        if self.widened and not self.abstained:
            raise ValueError("only an abstention offers punkter outside its filters")


@dataclass(frozen=True)
class CaseTimeline:
    """`/sag <journalnummer eller præfiks>`: the case's punkter across meetings, oldest first."""

    query: str
    items: tuple[Hit, ...] = ()
    is_prefix: bool = False


@dataclass(frozen=True)
class DigestMeeting:
    committee: str
    meeting_date: dt.date
    items: tuple[Hit, ...]
    late: bool = False  # ingested since the last digest although the meeting was earlier


@dataclass(frozen=True)
class Digest:
    """The weekly digest: decisions from meetings held in ``week`` plus late minutes."""

    week: str  # ISO week, "2024-W37"
    start: dt.date  # Monday
    end: dt.date  # Sunday
    meetings: tuple[DigestMeeting, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.meetings


class Core(Protocol):
    """What the chat adapters need from the core."""

    def ask(self, question: str, k: int = 3) -> Answer: ...

    def sag(self, query: str) -> CaseTimeline: ...


class DigestStatus(StrEnum):
    """A (week, channel)'s state in the digest ledger (bot/digest/ledger.py explains each)."""

    CLAIMED = "claimed"
    POSTED = "posted"
    EMPTY = "empty"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class DigestOutcome:
    """What happened to one target: ``status`` is a ledger DigestStatus; ``already`` when another run had it."""

    week: str  # "2024-W37"
    channel: str  # "slack:C123"
    target: str  # "C123"
    status: DigestStatus
    items: int = 0
    already: bool = False
    claimed_at: str | None = None
    in_flight: bool = False  # already claimed by another run that is still sending (not uncertain)


# --- following: notifications (bot/notify/) --------------------------------------------------------
@dataclass(frozen=True)
class Notification:
    """One message to one subscription: the new punkter (at most NOTIFY_MAX_ITEMS shown, ``more`` not shown),
    each a Hit with its verbatim decision; ``amended`` holds the uids of punkter told before in another
    version (shown as 'ændret')."""

    subscription: Subscription
    hits: tuple[Hit, ...]
    amended: frozenset[str] = frozenset()
    more: int = 0


class NotifyStatus(StrEnum):
    """What happened to one subscription's message in a notify run."""

    SENT = "sent"
    WOULD_SEND = "would_send"  # --dry-run
    FAILED = "failed"  # certainly not posted: retried at the next run
    PAUSED = "paused"  # the target is gone for good: not posted, the subscription paused
    UNCERTAIN = "uncertain"  # the request left without an answer: never re-sent automatically
    NO_PLATFORM = "no_platform"  # its platform is not configured in this process: nothing claimed, tried later


@dataclass(frozen=True)
class NotifyOutcome:
    notification: Notification
    status: NotifyStatus
    reason: str | None = None  # a platform's error code, for failures


@dataclass(frozen=True)
class NotifyReport:
    """One `beslut notify` run: how many active subscriptions and candidate punkter it looked at, and one
    outcome per subscription that had something to tell."""

    dry_run: bool
    subscriptions: int
    candidates: int
    outcomes: tuple[NotifyOutcome, ...] = ()
