"""Following a case or a topic: who owns a subscription, where its notifications go, what it matches.

A subscription belongs to an **owner**: a user or a channel of one platform. Where a ``følg`` came from decides
(``owner_of``):

- Slack ``/sag følg …`` or a direct message: the user; notifications go to the user's DM with the bot
  (chat.postMessage to the user id).
- Slack ``@beslut følg …`` in a channel: the channel; anyone there may list or stop it; notifications go to the
  channel.
- Teams personal chat: the user; notifications go to that chat. Teams channel or group chat (``@beslut følg``):
  the conversation; notifications go there as a new post (proactive, through the conversation reference the
  Teams adapter stores when the subscription is made from a verified request).

What is followed (``FollowKind``): a journal number (exact), a KLE prefix (every case under it, as ``sag 83.02``)
or a topic: a free-text question, matched by the same retrieval and abstention as ``ask`` (bot/notify/).
Pure: no storage here; the repository is ``bot/state/subscriptions.py`` behind ``bot.core.ports.Subscriptions``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from embeddings.journal import JournalNumber

MAX_SUBSCRIPTIONS = 50  # per user or channel (active and paused)
MAX_TOPIC_CHARS = 200  # a topic is a short question, not a document
ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed back
_ID = re.compile(rf"[{ID_ALPHABET[:23]}][{ID_ALPHABET}]{{4}}")  # a letter first: never a list number


class FollowKind(StrEnum):
    CASE = "case"  # one journal number, exactly
    PREFIX = "prefix"  # every case whose KLE number starts with the prefix
    TOPIC = "topic"  # a free-text question


class OwnerKind(StrEnum):
    USER = "user"
    CHANNEL = "channel"


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # the platform said the target is gone for good (channel not found, user gone, bot removed)
    STOPPED = "stopped"  # stopped by its owner (kept for the record; never listed to users)


@dataclass(frozen=True)
class Owner:
    """Whose subscription it is (``platform``, ``kind``, ``id``) and where its notifications go (``target``:
    a Slack user id (the DM) or channel id, a Teams conversation id)."""

    platform: str
    kind: OwnerKind
    id: str
    target: str

    def __post_init__(self) -> None:
        if not (self.platform and self.id and self.target):
            raise ValueError("Owner needs a platform, an id and a target")
        object.__setattr__(self, "kind", OwnerKind(self.kind))

    @property
    def key(self) -> str:
        """"slack:user:U123", "teams:channel:19:…@thread.tacv2": for logs and operators."""
        return f"{self.platform}:{self.kind.value}:{self.id}"


@dataclass(frozen=True)
class Subscription:
    """One follow: ``id`` is the short id users stop it by ("k7q2m"); timestamps are store timestamps."""

    id: str
    owner: Owner
    kind: FollowKind
    query: str  # the journal number, the KLE prefix or the topic text
    status: SubscriptionStatus
    created_at: str
    created_by: str | None = None  # the user who made it (a channel's subscription too)
    checked_until: str | None = None  # punkter changed up to here have been matched (bot/notify/)
    paused_reason: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", FollowKind(self.kind))
        object.__setattr__(self, "status", SubscriptionStatus(self.status))

    def matches_journal(self, journal: JournalNumber | None) -> bool:
        """A case subscription's rule: the exact journal number, or a KLE number under the prefix (as
        ``sag 83.02`` finds them). Topic subscriptions match through retrieval, never here."""
        if journal is None or self.kind is FollowKind.TOPIC:
            return False
        if self.kind is FollowKind.CASE:  # another scheme is stored as the minutes write it: any case
            return journal.raw == self.query or (not journal.is_kle and journal.raw.upper() == self.query.upper())
        return journal.is_kle and journal.raw.startswith(self.query)


class FollowOutcome(StrEnum):
    CREATED = "created"
    ALREADY = "already"  # the owner follows exactly this already
    RESUMED = "resumed"  # it was paused (the target was gone): active again
    LIMIT = "limit"  # the owner has MAX_SUBSCRIPTIONS already


@dataclass(frozen=True)
class Followed:
    """What ``Subscriptions.follow`` did; ``subscription`` is None only for LIMIT."""

    outcome: FollowOutcome
    subscription: Subscription | None = None


def is_subscription_id(text: str) -> bool:
    return bool(_ID.fullmatch(text))


# --- where a message came from -> whose subscription ------------------------------------------------
def owner_of(platform: str, direct: bool, command: bool, user: str | None, channel: str | None) -> Owner | None:
    """The owner for a message on ``platform``: a slash command or a direct message -> the user, a mention
    in a channel -> the channel (rules in the module docstring); None when the ids needed are missing."""
    if platform == "slack":
        if direct or command:
            return Owner(platform, OwnerKind.USER, user, user) if user else None
        return Owner(platform, OwnerKind.CHANNEL, channel, channel) if channel else None
    if direct:  # Teams personal chat: the user's, delivered into that chat
        return Owner(platform, OwnerKind.USER, user, channel) if user and channel else None
    return Owner(platform, OwnerKind.CHANNEL, channel, channel) if channel else None


def command_prefix(owner: Owner, slash_command: str | None) -> str:
    """How the owner writes a command to the bot where notifications reach them: Slack users ``/sag stop …``
    (anywhere), channels ``@beslut stop …``, a Teams personal chat just ``stop …``."""
    if owner.kind is OwnerKind.CHANNEL:
        return "@beslut "
    if owner.platform == "slack" and slash_command:
        return f"{slash_command} "
    return ""
