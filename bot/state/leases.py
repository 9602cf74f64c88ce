"""Leases: "only one process at a time runs this", across processes and hosts sharing the database.

``Leases(db).hold("sync", ttl)`` is a context manager yielding True when this process got the lease (and
releasing it afterwards) or False when another holds it. ``Leases(db).wait("index", ttl)`` waits for the
lease instead, and yields a ``Held`` whose ``renew()`` keeps a long job's lease from running out.

A holder that dies leaves its lease to expire after ``ttl``, so a crashed worker never blocks the job for
ever. A holder on this host whose process is gone is taken over at once: owners are "host:pid:token".
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from bot.state import CHAT
from bot.state.tables import leases as T
from embeddings.db import Database, insert_or_ignore
from embeddings.store import stamp


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _gone(owner: str) -> bool:
    """True when ``owner`` was a process on this host that no longer runs (another host's: never known)."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it runs, as another user
        return False
    return False


def _holder(conn: sa.Connection, name: str) -> str | None:
    return conn.execute(sa.select(T.c.owner).where(T.c.name == name)).scalar()


@dataclass(frozen=True)
class Held:
    """A lease this process holds (``Leases.wait``)."""

    leases: "Leases"
    name: str
    owner: str
    ttl: dt.timedelta

    def renew(self) -> None:
        """Push the lease's end ``ttl`` from now (a job that runs longer than ``ttl`` calls this as it goes)."""
        with self.leases.db.write() as conn:
            conn.execute(sa.update(T).where(T.c.name == self.name, T.c.owner == self.owner)
                         .values(expires_at=stamp(self.leases.clock() + self.ttl)))


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
            if taken.rowcount == 1:
                return True
            holder = _holder(conn, name)
            if holder is None or not _gone(holder):
                return False
            taken = conn.execute(sa.update(T).where(T.c.name == name, T.c.owner == holder)
                                 .values(owner=owner, expires_at=stamp(now + ttl)))
            return taken.rowcount == 1

    def holder(self, name: str) -> str | None:
        """Who holds ``name`` now ("host:pid:token"), or None."""
        with self.db.read() as conn:
            return _holder(conn, name)

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

    @contextlib.contextmanager
    def wait(self, name: str, ttl: dt.timedelta, poll: float = 1.0,
             waiting: Callable[[str | None], None] = lambda holder: None,
             sleep: Callable[[float], None] = time.sleep) -> Iterator[Held]:
        """Hold ``name``, waiting while another process does (``waiting(holder)`` once, before the first wait);
        released afterwards."""
        owner = _owner()
        told = False
        while not self.acquire(name, owner, ttl):
            if not told:
                waiting(self.holder(name))
                told = True
            sleep(poll)
        try:
            yield Held(self, name, owner, ttl)
        finally:
            self.release(name, owner)
