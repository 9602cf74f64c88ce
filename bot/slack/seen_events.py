"""Slack event ids already handled, so a retried delivery (X-Slack-Retry-Num) is answered once."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.state import CHAT
from bot.state.tables import seen_events as E
from embeddings.db import Database, insert_or_ignore
from embeddings.store import stamp


class SeenEvents:
    """Kept in the database, so it holds across threads, processes, hosts and restarts; rows older than
    ``keep`` go."""

    def __init__(self, db: Database, keep: dt.timedelta = dt.timedelta(days=2)) -> None:
        self.db = db
        self.keep = keep
        self._inserts = 0
        db.migrate(CHAT)

    def first_time(self, event_id: str, now: dt.datetime | None = None) -> bool:
        """Record ``event_id``; True only the first time it is seen."""
        now = now or dt.datetime.now(dt.timezone.utc)
        with self.db.write() as conn:
            first = insert_or_ignore(conn, E, event_id=event_id, seen_at=stamp(now))
        if self._inserts % 500 == 0:  # the first call too: old rows go soon after a start
            self.prune(now)
        self._inserts += 1
        return first

    def prune(self, now: dt.datetime | None = None) -> None:
        now = now or dt.datetime.now(dt.timezone.utc)
        with self.db.write() as conn:
            conn.execute(sa.delete(E).where(E.c.seen_at < stamp(now - self.keep)))
