"""Slack event ids already handled, so a retried delivery (X-Slack-Retry-Num) is answered once."""
from __future__ import annotations

import datetime as dt

from embeddings.store import Store, stamp


class SeenEvents:
    """Slack event ids already handled, so a retried delivery (X-Slack-Retry-Num) is answered once.

    Kept in SQLite so it holds across threads, processes and restarts; rows older than ``keep`` go.
    """

    def __init__(self, store: Store, keep: dt.timedelta = dt.timedelta(days=2)) -> None:
        self.store = store
        self.keep = keep
        self._inserts = 0
        self.prune()

    def first_time(self, event_id: str, now: dt.datetime | None = None) -> bool:
        """Record ``event_id``; True only the first time it is seen."""
        now = now or dt.datetime.now(dt.timezone.utc)
        with self.store.transaction() as conn:
            cur = conn.execute("INSERT OR IGNORE INTO seen_events (event_id, seen_at) VALUES (?, ?)",
                               (event_id, stamp(now)))
        self._inserts += 1
        if self._inserts % 500 == 0:
            self.prune(now)
        return cur.rowcount == 1

    def prune(self, now: dt.datetime | None = None) -> None:
        now = now or dt.datetime.now(dt.timezone.utc)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM seen_events WHERE seen_at < ?", (stamp(now - self.keep),))
