"""The notification ledger: which punkt (in which version) was told to which subscription, exactly once.

One row per (subscription, punkt uid, content hash), the primary key. A notify run *claims* rows inside a write
transaction before it sends anything, so restarts, two workers racing and re-ingesting the same file never
tell twice: the database's key decides who claims. Statuses:

- ``claimed``   claimed by a run, message not finished: in flight, or the run died mid-send (outcome unknown:
                never re-sent automatically, like the digest's "uncertain")
- ``sent``      the platform confirmed the message
- ``failed``    the platform certainly did not post it (refused, never left, or the target is gone and the
                subscription paused): claimed again by the next run (of a resumed subscription)
- ``uncertain`` the request left without an answer (timeout): never re-sent automatically
- ``skipped``   matched but not told: the decision shown is the same as one already told (only another section
                changed), or the punkt changed again or was closed before the message went out (its newer
                version gets a row of its own)

A punkt whose content hash changed after it was told gets a new row; when its decision changed too it is
marked ``amended`` and shown as 'ændret'.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from bot.state import CHAT
from bot.state.tables import notifications as N
from embeddings.db import Database, insert_or_ignore
from embeddings.store import stamp


class NotificationStatus(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    SKIPPED = "skipped"


TOLD = (NotificationStatus.CLAIMED.value, NotificationStatus.SENT.value, NotificationStatus.UNCERTAIN.value)


@dataclass(frozen=True)
class Match:
    """A punkt (in one version) a subscription matched."""

    punkt_uid: str
    content_hash: str
    decision_hash: str


@dataclass(frozen=True)
class Claimed:
    """A row a run holds: send it, then ``finish``."""

    punkt_uid: str
    content_hash: str
    amended: bool


class NotificationLedger:
    """The ``notifications`` table. Safe across threads, processes and hosts."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.migrate(CHAT)

    def claim(self, sub_id: str, matches: list[Match], run: str, now: dt.datetime) -> list[Claimed]:
        """Record ``matches`` as claimed by ``run`` (skipped when their decision was told already), claim the
        subscription's failed rows again, and return every row ``run`` holds for ``sub_id``."""
        at = stamp(now)
        with self.db.write() as conn:
            for m in matches:
                told = conn.execute(sa.select(N.c.decision_hash).where(
                    N.c.subscription_id == sub_id, N.c.punkt_uid == m.punkt_uid, N.c.content_hash != m.content_hash,
                    N.c.status.in_(TOLD))).scalars().all()
                same_decision = m.decision_hash in told
                status = NotificationStatus.SKIPPED if same_decision else NotificationStatus.CLAIMED
                insert_or_ignore(conn, N, subscription_id=sub_id, punkt_uid=m.punkt_uid, content_hash=m.content_hash,
                                 decision_hash=m.decision_hash, status=status.value, amended=int(bool(told)),
                                 run=run, claimed_at=at, finished_at=at if same_decision else None)
            conn.execute(sa.update(N).where(N.c.subscription_id == sub_id,
                                            N.c.status == NotificationStatus.FAILED.value)
                         .values(status=NotificationStatus.CLAIMED.value, run=run, claimed_at=at, finished_at=None,
                                 reason=None))
            rows = conn.execute(sa.select(N.c.punkt_uid, N.c.content_hash, N.c.amended).where(
                N.c.subscription_id == sub_id, N.c.run == run, N.c.status == NotificationStatus.CLAIMED.value)
                .order_by(N.c.claimed_at, N.c.punkt_uid)).all()
        return [Claimed(uid, h, bool(a)) for uid, h, a in rows]

    def finish(self, sub_id: str, run: str, rows: list[Claimed], status: NotificationStatus, now: dt.datetime,
               reason: str | None = None) -> None:
        """The outcome of ``run``'s message for ``rows`` of ``sub_id``."""
        if not rows:
            return
        with self.db.write() as conn:
            for r in rows:
                conn.execute(sa.update(N).where(N.c.subscription_id == sub_id, N.c.punkt_uid == r.punkt_uid,
                                                N.c.content_hash == r.content_hash, N.c.run == run)
                             .values(status=status.value, finished_at=stamp(now), reason=reason))

    def unsent(self, sub_id: str, matches: list[Match]) -> tuple[list[Match], list[tuple[str, str, bool]]]:
        """For a dry run: the ``matches`` a run would claim (no row yet, decision not told) and the failed rows
        it would retry, as (punkt uid, content hash, amended); nothing is written."""
        with self.db.read() as conn:
            rows = conn.execute(sa.select(N.c.punkt_uid, N.c.content_hash, N.c.decision_hash, N.c.status, N.c.amended)
                                .where(N.c.subscription_id == sub_id)).all()
        known = {(r.punkt_uid, r.content_hash) for r in rows}
        told = {(r.punkt_uid, r.decision_hash) for r in rows if r.status in TOLD}
        new = [m for m in matches if (m.punkt_uid, m.content_hash) not in known
               and (m.punkt_uid, m.decision_hash) not in told]
        failed = [(r.punkt_uid, r.content_hash, bool(r.amended)) for r in rows
                  if r.status == NotificationStatus.FAILED.value]
        return new, failed

    def amended(self, sub_id: str, punkt_uid: str, content_hash: str) -> bool:
        """Whether a version of the punkt other than ``content_hash`` was told to ``sub_id`` (dry runs)."""
        with self.db.read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(N).where(
                N.c.subscription_id == sub_id, N.c.punkt_uid == punkt_uid, N.c.content_hash != content_hash,
                N.c.status.in_(TOLD))).scalar_one() > 0

    def counts(self) -> dict[str, dict[str, int]]:
        """Rows per subscription and status (`beslut subscriptions`)."""
        with self.db.read() as conn:
            rows = conn.execute(sa.select(N.c.subscription_id, N.c.status, sa.func.count())
                                .group_by(N.c.subscription_id, N.c.status)).all()
        out: dict[str, dict[str, int]] = {}
        for sub_id, status, n in rows:
            out.setdefault(sub_id, {})[status] = n
        return out
