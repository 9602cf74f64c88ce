"""The weekly digest's content: ISO weeks in local time, and the Digest for one week from the store.

A week's digest holds (1) the decisions of meetings held in that ISO week (Monday–Sunday, local time) and
(2) late minutes: punkter first ingested after the previous digest was built (its ledger claim time) whose
meeting was before the week. Each punkt therefore appears in one digest. Without an earlier digest there
are no late minutes, so the first digest after importing an archive is not flooded with it.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.answers import Digest, DigestMeeting, Hit
from bot.errors import BeslutError, ConfigError
from bot.ledger import stamp
from embeddings.models import Punkt
from embeddings.store import Store

_WEEK = re.compile(r"(\d{4})-?W(\d{2})")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("timezone_invalid", text=name) from None


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week: ``IsoWeek(2024, 37)`` prints as "2024-W37"; 2025-12-29 is in 2026-W01."""

    year: int
    week: int

    def __post_init__(self) -> None:
        dt.date.fromisocalendar(self.year, self.week, 1)  # ValueError for 2021-W53 and the like

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @classmethod
    def parse(cls, text: str) -> "IsoWeek":
        m = _WEEK.fullmatch(text.strip().upper())
        try:
            if not m:
                raise ValueError(text)
            return cls(int(m.group(1)), int(m.group(2)))
        except ValueError:
            raise BeslutError("digest_week_invalid", text=text) from None

    @classmethod
    def of(cls, day: dt.date) -> "IsoWeek":
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    def shifted(self, weeks: int) -> "IsoWeek":
        return IsoWeek.of(self.monday + dt.timedelta(weeks=weeks))

    def starts(self, tz: ZoneInfo) -> dt.datetime:
        """Monday 00:00 local time, as an aware datetime."""
        return dt.datetime.combine(self.monday, dt.time(), tzinfo=tz)


def previous_complete_week(now: dt.datetime, tz: ZoneInfo) -> IsoWeek:
    """The last ISO week that has ended at ``now`` in local time (Monday 00:30 local is already the next)."""
    return IsoWeek.of(now.astimezone(tz).date()).shifted(-1)


class DigestBuilder:
    """Builds the Digest for a week from the store. ``hit`` turns a stored punkt into a cited Hit (the
    core's, so digest citations and source links equal the answers')."""

    def __init__(self, store: Store, hit: Callable[[Punkt], Hit], tz: ZoneInfo) -> None:
        self.store = store
        self.hit = hit
        self.tz = tz

    def __call__(self, week: IsoWeek, late_since: str | None, until: dt.datetime) -> Digest:
        """The digest of ``week`` as of ``until``; ``late_since`` is the previous digest's claim time."""
        held = self.store.punkter("m.date >= ? AND m.date <= ? AND p.closed = 0",
                                  (week.monday.isoformat(), week.sunday.isoformat()))
        late: list[Punkt] = []
        if late_since is not None:
            late = self.store.punkter(
                "p.first_seen > ? AND p.first_seen <= ? AND m.date < ? AND p.closed = 0",
                (late_since, stamp(until), week.monday.isoformat()))
        meetings = _group(held, self.hit, late=False) + _group(late, self.hit, late=True)
        return Digest(str(week), week.monday, week.sunday, tuple(meetings))


def _group(punkter: list[Punkt], hit: Callable[[Punkt], Hit], late: bool) -> list[DigestMeeting]:
    """Punkter with a (verified) decision, grouped by committee, then meeting (oldest first), by number."""
    by_meeting: dict[tuple[str, dt.date], list[Hit]] = {}
    for p in sorted(punkter, key=lambda p: (p.meeting.committee.lower(), p.meeting.date, p.number)):
        h = hit(p)
        if h.decision:
            by_meeting.setdefault((p.meeting.committee, p.meeting.date), []).append(h)
    return [DigestMeeting(committee, date, tuple(hits), late) for (committee, date), hits in by_meeting.items()]
