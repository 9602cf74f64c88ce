"""Ports the core talks through, injected at the composition root (bot/compose.py).

Tests pass small real implementations (a fake Slack Web API on port 0 behind the real Slack publisher),
never patches.
"""
from __future__ import annotations

from typing import Protocol

from bot.presentation import Reply


class Publisher(Protocol):
    """Posts a rendered Reply to one channel or conversation of one chat platform (the digest's way out).

    ``platform`` qualifies targets in the digest ledger ("slack", "teams"), so a Slack channel and a
    Teams conversation with the same id never share a ledger row.
    """

    platform: str

    def publish(self, target: str, reply: Reply) -> None:
        """Post ``reply`` to ``target``; raise on failure (the ledger then records the failure)."""
        ...
