"""When a scheduled job last succeeded and last failed (``job_runs``), so the web process can tell how old
the last sync is (GET /metrics) although the worker runs it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.state import CHAT
from bot.state.tables import job_runs as J
from embeddings.db import Database, upsert
from embeddings.store import stamp


class JobRuns:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.migrate(CHAT)

    def record(self, name: str, ok: bool, now: dt.datetime | None = None) -> None:
        """Record that job ``name`` finished now, successfully or not."""
        column = "succeeded_at" if ok else "failed_at"
        moment = stamp(now or dt.datetime.now(dt.timezone.utc))
        with self.db.write() as conn:
            upsert(conn, J, ["name"], {"name": name, column: moment}, [column])

    def last_success(self, name: str) -> dt.datetime | None:
        with self.db.read() as conn:
            value = conn.execute(sa.select(J.c.succeeded_at).where(J.c.name == name)).scalar()
        return dt.datetime.fromisoformat(value) if value else None
