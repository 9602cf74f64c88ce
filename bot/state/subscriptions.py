"""Who follows what: the repository of ``subscriptions`` (bot.core.ports.Subscriptions, and what the
notifier and the operators need).

A subscription is *live* while active or paused; stopping keeps the row (status ``stopped``) for the record.
A partial unique index allows one live subscription per owner and query, so two racing ``følg`` make one; the
limit per owner is checked in the same write transaction (on PostgreSQL under an advisory lock per owner, so
two racing follows cannot both take the last place). Timestamps are store timestamps (UTC ISO, microseconds),
comparable with ``punkter.changed_at``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.core.follow import (ID_ALPHABET, FollowKind, Followed, FollowOutcome, Owner, OwnerKind, Subscription,
                             SubscriptionStatus)
from bot.state import CHAT
from bot.state.tables import subscriptions as T
from embeddings.db import Database, insert_or_ignore
from embeddings.store import stamp

_LIVE = T.c.status != SubscriptionStatus.STOPPED.value


def new_id() -> str:
    """A short id such as "k7q2m": a letter first (never read as a list number), then four more."""
    return secrets.choice(ID_ALPHABET[:23]) + "".join(secrets.choice(ID_ALPHABET) for _ in range(4))


class SubscriptionStore:
    """The ``subscriptions`` table. Safe across threads, processes and hosts."""

    def __init__(self, db: Database,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> None:
        self.db = db
        self.clock = clock
        db.migrate(CHAT)

    # --- the owner's (bot.core.ports.Subscriptions) -------------------------------------------------
    def follow(self, owner: Owner, kind: FollowKind, query: str, by: str | None, limit: int) -> Followed:
        now = stamp(self.clock())
        with self.db.write() as conn:
            _lock_owner(conn, owner)
            for _ in range(8):  # a new id collides with another's about never; try again if it does
                same = conn.execute(sa.select(T).where(*_of(owner), T.c.kind == kind.value, T.c.query == query,
                                                       _LIVE)).first()
                if same is not None:
                    if same.status == SubscriptionStatus.PAUSED.value:
                        conn.execute(sa.update(T).where(T.c.id == same.id).values(
                            status=SubscriptionStatus.ACTIVE.value, status_at=now, paused_reason=None,
                            target=owner.target))
                        return Followed(FollowOutcome.RESUMED, _subscription(conn.execute(
                            sa.select(T).where(T.c.id == same.id)).one()))
                    return Followed(FollowOutcome.ALREADY, _subscription(same))
                live = conn.execute(sa.select(sa.func.count()).select_from(T).where(*_of(owner), _LIVE)).scalar_one()
                if live >= limit:
                    return Followed(FollowOutcome.LIMIT)
                values = dict(id=new_id(), platform=owner.platform, owner_kind=owner.kind.value, owner_id=owner.id,
                              target=owner.target, kind=kind.value, query=query,
                              status=SubscriptionStatus.ACTIVE.value, created_at=now, created_by=by)
                if insert_or_ignore(conn, T, **values):
                    return Followed(FollowOutcome.CREATED, _subscription(
                        conn.execute(sa.select(T).where(T.c.id == values["id"])).one()))
        raise RuntimeError("no free subscription id after 8 tries")

    def of(self, owner: Owner) -> list[Subscription]:
        with self.db.read() as conn:
            return [_subscription(r) for r in conn.execute(
                sa.select(T).where(*_of(owner), _LIVE).order_by(T.c.created_at, T.c.id))]

    def stop(self, owner: Owner, ref: str) -> Subscription | None:
        now = stamp(self.clock())
        with self.db.write() as conn:
            live = conn.execute(sa.select(T).where(*_of(owner), _LIVE).order_by(T.c.created_at, T.c.id)).all()
            if ref.isdigit():
                n = int(ref)
                row = live[n - 1] if 1 <= n <= len(live) else None
            else:
                row = next((r for r in live if r.id == ref.lower()), None)
            if row is None:
                return None
            conn.execute(sa.update(T).where(T.c.id == row.id).values(status=SubscriptionStatus.STOPPED.value,
                                                                     status_at=now))
        return _subscription(row, status=SubscriptionStatus.STOPPED)

    # --- the notifier's and the operators' -------------------------------------------------------------
    def get(self, sub_id: str) -> Subscription | None:
        with self.db.read() as conn:
            r = conn.execute(sa.select(T).where(T.c.id == sub_id)).first()
        return _subscription(r) if r else None

    def all(self) -> list[Subscription]:
        """Every subscription, stopped ones too, by platform, owner and age (`beslut subscriptions`)."""
        with self.db.read() as conn:
            return [_subscription(r) for r in conn.execute(
                sa.select(T).order_by(T.c.platform, T.c.owner_kind, T.c.owner_id, T.c.created_at, T.c.id))]

    def active(self) -> list[Subscription]:
        """The subscriptions notifications are sent for, oldest first."""
        with self.db.read() as conn:
            return [_subscription(r) for r in conn.execute(
                sa.select(T).where(T.c.status == SubscriptionStatus.ACTIVE.value).order_by(T.c.created_at, T.c.id))]

    def live_count(self) -> int:
        with self.db.read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(T).where(_LIVE)).scalar_one()

    def channel_cases(self, platform: str, channel: str) -> list[Subscription]:
        """A channel's active case and prefix subscriptions (its weekly digest's "Sager I følger")."""
        with self.db.read() as conn:
            return [_subscription(r) for r in conn.execute(sa.select(T).where(
                T.c.platform == platform, T.c.owner_kind == OwnerKind.CHANNEL.value, T.c.owner_id == channel,
                T.c.kind != FollowKind.TOPIC.value, T.c.status == SubscriptionStatus.ACTIVE.value)
                .order_by(T.c.created_at, T.c.id))]

    def checked(self, sub_id: str, until: str) -> None:
        """Punkter changed up to ``until`` have been matched for ``sub_id`` (never moves back)."""
        with self.db.write() as conn:
            conn.execute(sa.update(T).where(T.c.id == sub_id, sa.or_(T.c.checked_until.is_(None),
                                                                     T.c.checked_until < until))
                         .values(checked_until=until))

    def pause(self, sub_id: str, reason: str) -> bool:
        """The target is gone for good: stop notifying until its owner follows it again. True when this call
        paused it (it was active)."""
        with self.db.write() as conn:
            return conn.execute(sa.update(T).where(T.c.id == sub_id, T.c.status == SubscriptionStatus.ACTIVE.value)
                                .values(status=SubscriptionStatus.PAUSED.value, paused_reason=reason,
                                        status_at=stamp(self.clock()))).rowcount == 1


def _of(owner: Owner) -> tuple:
    return T.c.platform == owner.platform, T.c.owner_kind == owner.kind.value, T.c.owner_id == owner.id


def _lock_owner(conn: Connection, owner: Owner) -> None:
    """PostgreSQL: one follow per owner at a time until the transaction ends (SQLite's writers queue anyway)."""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(owner.key.encode()).digest()[:8], "big") >> 1
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _subscription(r, status: SubscriptionStatus | None = None) -> Subscription:
    owner = Owner(r.platform, OwnerKind(r.owner_kind), r.owner_id, r.target)
    return Subscription(r.id, owner, FollowKind(r.kind), r.query, status or SubscriptionStatus(r.status),
                        r.created_at, r.created_by, r.checked_until, r.paused_reason)
