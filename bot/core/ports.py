"""Ports the core talks through, injected at the composition root (bot/compose.py).

Tests pass small real implementations (a fake Slack Web API on port 0 behind the real Slack publisher),
never patches.
"""
from __future__ import annotations

from typing import Protocol

from bot.core.reply import Reply


class Publisher(Protocol):
    """Posts a rendered Reply to one channel or conversation of one chat platform (the digest's way out).

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
