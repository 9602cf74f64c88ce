"""The digest ledger: which weekly digest went to which channel (chat state, bot/state/).

The ledger has one row per (ISO week, platform-qualified channel), e.g. ("2024-W37", "slack:C123"). A row
is *claimed* inside a write transaction before anything is posted, so a restarted worker, a catch-up run and
a second worker racing the first post once. Statuses:

- ``claimed``   claimed, post not finished: in flight, or the process died mid-post (outcome unknown)
- ``posted``    the platform confirmed the post
- ``empty``     nothing to post that week (and BESLUT_DIGEST_POST_EMPTY is off)
- ``failed``    the platform certainly did not post (it refused, or the request never left): retried
- ``uncertain`` the request left but no answer came (timeout, dropped connection): never reposted
                automatically; the operator checks the channel and re-sends with ``--force``

Timestamps are UTC ISO strings in the store's own format, so they compare with ``punkter.first_seen``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from bot.core.results import DigestStatus
from bot.state import CHAT
from bot.state.tables import digest_ledger as L
from embeddings.db import Database, insert_or_ignore
from embeddings.store import stamp


@dataclass(frozen=True)
class LedgerRow:
    week: str
    channel: str  # platform-qualified: "slack:C123", "teams:19:abc@thread.tacv2"
    status: DigestStatus
    claimed_at: str
    finished_at: str | None
    items: int | None


@dataclass(frozen=True)
class LedgerHealth:
    """For GET /metrics: when a digest was last posted, and how many (week, channel) rows are failed or
    uncertain (a failed one is retried; an uncertain one waits for the operator)."""

    last_posted: dt.datetime | None
    failures: int


class DigestLedger:
    """Claim-before-post rows in ``digest_ledger``; safe across threads, processes and hosts (the
    database's primary key decides who claims)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.migrate(CHAT)

    def get(self, week: str, channel: str) -> LedgerRow | None:
        with self.db.read() as conn:
            r = conn.execute(sa.select(L).where(L.c.week == week, L.c.channel == channel)).first()
        return _row(r) if r else None

    def rows(self) -> list[LedgerRow]:
        with self.db.read() as conn:
            return [_row(r) for r in conn.execute(sa.select(L).order_by(L.c.week, L.c.channel))]

    def claim(self, week: str, channel: str, now: dt.datetime, force: bool = False) -> bool:
        """Claim (week, channel); True for exactly one caller. A ``failed`` row may be claimed again; any
        row may be with ``force`` (the operator checked the channel)."""
        with self.db.write() as conn:
            if insert_or_ignore(conn, L, week=week, channel=channel, status=DigestStatus.CLAIMED.value,
                                claimed_at=stamp(now)):
                return True
            again = sa.update(L).where(L.c.week == week, L.c.channel == channel)
            if not force:
                again = again.where(L.c.status == DigestStatus.FAILED.value)
            return conn.execute(again.values(status=DigestStatus.CLAIMED.value, claimed_at=stamp(now),
                                             finished_at=None, items=None)).rowcount == 1

    def finish(self, week: str, channel: str, status: DigestStatus, now: dt.datetime, items: int | None = None) -> None:
        with self.db.write() as conn:
            conn.execute(sa.update(L).where(L.c.week == week, L.c.channel == channel)
                         .values(status=status.value, finished_at=stamp(now), items=items))

    def health(self) -> LedgerHealth:
        with self.db.read() as conn:
            last = conn.execute(sa.select(sa.func.max(L.c.finished_at)).where(
                L.c.status == DigestStatus.POSTED.value)).scalar()
            failures = conn.execute(sa.select(sa.func.count()).select_from(L).where(
                L.c.status.in_([DigestStatus.FAILED.value, DigestStatus.UNCERTAIN.value]))).scalar_one()
        return LedgerHealth(dt.datetime.fromisoformat(last) if last else None, failures)

    def last_cutoff(self, before_week: str) -> str | None:
        """When the latest digest of an earlier week was built (its claim time), failed ones excepted:
        minutes ingested after it are "late" for the next digest."""
        with self.db.read() as conn:
            return conn.execute(sa.select(sa.func.max(L.c.claimed_at)).where(
                L.c.week < before_week, L.c.status != DigestStatus.FAILED.value)).scalar()


def _row(r) -> LedgerRow:
    return LedgerRow(r.week, r.channel, DigestStatus(r.status), r.claimed_at, r.finished_at, r.items)
