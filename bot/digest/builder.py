"""The weekly digest's content from the store: decisions of the week's meetings plus late minutes.

A week's digest holds (1) the decisions of meetings held in that ISO week (Monday–Sunday, local time) and
(2) late minutes: punkter first ingested after the previous digest was built (its ledger claim time) whose
meeting was before the week. Each punkt therefore appears in one digest. Without an earlier digest there
are no late minutes, so the first digest after importing an archive is not flooded with it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.core.results import Digest, DigestMeeting, Hit
from bot.core.week import IsoWeek
from embeddings.minutes import Punkt
from embeddings.store import Store, stamp


class DigestBuilder:
    """Builds the Digest for a week from the store. ``hit`` turns a stored punkt into a cited Hit (the
    core's, so digest citations and source links equal the answers')."""

    def __init__(self, store: Store, hit: Callable[[Punkt], Hit], tz: ZoneInfo) -> None:
        self.store = store
        self.hit = hit
        self.tz = tz

    def __call__(self, week: IsoWeek, late_since: str | None, until: dt.datetime) -> Digest:
        """The digest of ``week`` as of ``until``; ``late_since`` is the previous digest's claim time."""
        held = self.store.held_between(week.monday, week.sunday)
        late: list[Punkt] = []
        if late_since is not None:
            late = self.store.first_seen_between(late_since, stamp(until), week.monday)
        meetings = _group(held, self.hit, late=False) + _group(late, self.hit, late=True)
        return Digest(str(week), week.monday, week.sunday, tuple(meetings))


def _group(punkter: list[Punkt], hit: Callable[[Punkt], Hit], late: bool) -> list[DigestMeeting]:
    """Punkter with a (verified) decision, grouped by committee, then meeting (oldest first), by number."""
    by_meeting: dict[tuple[str, dt.date], list[Hit]] = {}
    for p in sorted(punkter, key=lambda p: (p.meeting.committee.lower(), p.meeting.date, p.number, p.suffix)):
        h = hit(p)
        if h.decision:
            by_meeting.setdefault((p.meeting.committee, p.meeting.date), []).append(h)
    return [DigestMeeting(committee, date, tuple(hits), late) for (committee, date), hits in by_meeting.items()]
