"""Leases: "only one process at a time runs this", across processes and hosts sharing the database.

``Leases(db).hold("sync", ttl)`` is a context manager yielding True when this process got the lease (and
releasing it afterwards) or False when another holds it. A holder that dies leaves its lease to expire
after ``ttl``, so a crashed worker never blocks the job for ever.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import socket
from collections.abc import Callable, Iterator

import sqlalchemy as sa

from bot.state import CHAT
from bot.state.tables import leases as T
from embeddings.db import Database, insert_or_ignore
from embeddings.store import stamp


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Leases:
    def __init__(self, db: Database, clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> None:
        self.db = db
        self.clock = clock
        db.migrate(CHAT)

    def acquire(self, name: str, owner: str, ttl: dt.timedelta) -> bool:
        now = self.clock()
        with self.db.write() as conn:
            if insert_or_ignore(conn, T, name=name, owner=owner, expires_at=stamp(now + ttl)):
                return True
            taken = conn.execute(sa.update(T).where(T.c.name == name, T.c.expires_at < stamp(now))
                                 .values(owner=owner, expires_at=stamp(now + ttl)))
            return taken.rowcount == 1

    def release(self, name: str, owner: str) -> None:
        with self.db.write() as conn:
            conn.execute(sa.delete(T).where(T.c.name == name, T.c.owner == owner))

    @contextlib.contextmanager
    def hold(self, name: str, ttl: dt.timedelta) -> Iterator[bool]:
        owner = _owner()
        got = self.acquire(name, owner, ttl)
        try:
            yield got
        finally:
            if got:
                self.release(name, owner)
