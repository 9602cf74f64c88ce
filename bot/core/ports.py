"""Ports the core talks through, injected at the composition root (bot/compose.py).

Tests pass small real implementations (a fake Slack Web API on port 0 behind the real Slack publisher),
never patches.
"""
from __future__ import annotations

from typing import Protocol

from bot.core.follow import Followed, FollowKind, Owner, Subscription
from bot.core.reply import Reply


class Publisher(Protocol):
    """Posts a rendered Reply to one channel or conversation of one chat platform (the digest's and the
    notifications' way out).

    ``platform`` qualifies targets in the digest ledger ("slack", "teams"), so a Slack channel and a
    Teams conversation with the same id never share a ledger row.
    """

    platform: str

    def publish(self, target: str, reply: Reply) -> None:
        """Post ``reply`` to ``target``; raise NotDelivered when it certainly was not posted, anything else
        when it may have been (the digest ledger then records the post as uncertain)."""
        ...


class NotDelivered(Exception):
    """Raised by a Publisher when the platform certainly did not post (safe to retry).

    Any other exception from ``Publisher.publish`` is treated as *uncertain*: it may have been posted.
    """


class TargetGone(NotDelivered):
    """Raised by a Publisher when the target is gone for good: the channel does not exist or was archived,
    the user left, the bot was removed. Not posted, and retrying will not help: a subscription pauses.
    ``reason`` is short and safe to show and log: the platform's error code ("channel_not_found", "HTTP 403")."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class Subscriptions(Protocol):
    """Who follows what (bot/state/subscriptions.py). ``owner`` scopes every call: nobody lists or stops
    another user's or channel's subscriptions."""

    def follow(self, owner: Owner, kind: FollowKind, query: str, by: str | None, limit: int) -> Followed:
        """Follow ``query``: a new subscription, the one the owner has already (resumed if paused), or
        LIMIT when the owner has ``limit`` subscriptions."""
        ...

    def of(self, owner: Owner) -> list[Subscription]:
        """The owner's active and paused subscriptions, oldest first (their list numbers are 1, 2, ...)."""
        ...

    def stop(self, owner: Owner, ref: str) -> Subscription | None:
        """Stop the owner's subscription ``ref`` (its list number or its id); None when it has none such."""
        ...
