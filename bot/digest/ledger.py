"""Chat state kept in the store's SQLite: the digest ledger and the seen Slack events.

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

from bot.core.results import DigestStatus
from embeddings.store import Store, stamp


@dataclass(frozen=True)
class LedgerRow:
    week: str
    channel: str  # platform-qualified: "slack:C123", "teams:19:abc@thread.tacv2"
    status: DigestStatus
    claimed_at: str
    finished_at: str | None
    items: int | None


class DigestLedger:
    """Claim-before-post rows in ``digest_ledger``; safe across threads, processes and restarts."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, week: str, channel: str) -> LedgerRow | None:
        r = self.store.connect().execute(
            "SELECT week, channel, status, claimed_at, finished_at, items FROM digest_ledger"
            " WHERE week = ? AND channel = ?", (week, channel)).fetchone()
        return LedgerRow(r[0], r[1], DigestStatus(r[2]), r[3], r[4], r[5]) if r else None

    def rows(self) -> list[LedgerRow]:
        return [LedgerRow(r[0], r[1], DigestStatus(r[2]), r[3], r[4], r[5]) for r in self.store.connect().execute(
            "SELECT week, channel, status, claimed_at, finished_at, items FROM digest_ledger"
            " ORDER BY week, channel")]

    def claim(self, week: str, channel: str, now: dt.datetime, force: bool = False) -> bool:
        """Claim (week, channel); True for exactly one caller. A ``failed`` row may be claimed again; any
        row may be with ``force`` (the operator checked the channel)."""
        with self.store.transaction() as conn:
            cur = conn.execute("INSERT OR IGNORE INTO digest_ledger (week, channel, status, claimed_at)"
                               " VALUES (?, ?, ?, ?)", (week, channel, DigestStatus.CLAIMED.value, stamp(now)))
            if cur.rowcount == 1:
                return True
            condition = "" if force else " AND status = 'failed'"
            cur = conn.execute("UPDATE digest_ledger SET status = ?, claimed_at = ?, finished_at = NULL,"
                               f" items = NULL WHERE week = ? AND channel = ?{condition}",
                               (DigestStatus.CLAIMED.value, stamp(now), week, channel))
            return cur.rowcount == 1

    def finish(self, week: str, channel: str, status: DigestStatus, now: dt.datetime, items: int | None = None) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE digest_ledger SET status = ?, finished_at = ?, items = ? WHERE week = ?"
                         " AND channel = ?", (status.value, stamp(now), items, week, channel))

    def last_cutoff(self, before_week: str) -> str | None:
        """When the latest digest of an earlier week was built (its claim time), failed ones excepted:
        minutes ingested after it are "late" for the next digest."""
        r = self.store.connect().execute(
            "SELECT MAX(claimed_at) FROM digest_ledger WHERE week < ? AND status != 'failed'",
            (before_week,)).fetchone()
        return r[0]
