"""The replies to ``følg``, ``følger`` and ``stop`` (the router's following intents, bot/core/router.py).

Every reply says, in Danish, exactly what is followed and how to stop it, in the words the owner uses where
they are (``/sag stop k7q2m`` for a Slack user, ``@beslut stop k7q2m`` in a channel, ``stop k7q2m`` in a Teams
personal chat). Whose subscriptions a message is about is ``owner`` (bot/core/follow.py); nobody reaches
another user's or channel's. Logs carry ids, never the followed text.
"""
from __future__ import annotations

import logging

from bot.core import messages
from bot.core.follow import (MAX_SUBSCRIPTIONS, MAX_TOPIC_CHARS, FollowKind, FollowOutcome, Owner, SubscriptionStatus,
                             command_prefix)
from bot.core.ports import Subscriptions
from bot.core.reply import Reply

log = logging.getLogger(__name__)


class Following:
    """``subscriptions`` None: following is not offered (every command says it cannot be done here)."""

    def __init__(self, subscriptions: Subscriptions | None, slash_command: str | None = None) -> None:
        self.subscriptions = subscriptions
        self.slash_command = slash_command

    def prefix(self, owner: Owner | None) -> str:
        return command_prefix(owner, self.slash_command) if owner else ""

    def follow(self, owner: Owner | None, reachable: bool, kind: FollowKind, query: str, by: str | None) -> Reply:
        """``reachable``: the bot can post to the owner later (Teams: the request was verified)."""
        if owner is None or not reachable or self.subscriptions is None:
            return Reply(messages.render("follow_unreachable"))
        prefix = self.prefix(owner)
        if kind is FollowKind.TOPIC and len(query) > MAX_TOPIC_CHARS:
            return Reply(messages.render("follow_topic_too_long", length=len(query), limit=MAX_TOPIC_CHARS,
                                         prefix=prefix))
        done = self.subscriptions.follow(owner, kind, query, by, MAX_SUBSCRIPTIONS)
        log.info("follow %s: %s for %s", kind.value, done.outcome.value, owner.key)
        subject = messages.subject(owner.kind)
        if done.outcome is FollowOutcome.LIMIT:
            return Reply(messages.render("follow_limit", subject=subject, limit=MAX_SUBSCRIPTIONS, prefix=prefix))
        sub = done.subscription
        return Reply(messages.render(f"follow_{done.outcome.value}", subject=subject,
                                     what=messages.followed(sub.kind, sub.query), id=sub.id,
                                     when=messages.follow_when(owner.platform, owner.kind),
                                     stop=f"{prefix}stop {sub.id}", prefix=prefix))

    def listing(self, owner: Owner | None) -> Reply:
        if owner is None or self.subscriptions is None:
            return Reply(messages.render("follow_unreachable"))
        prefix, subject = self.prefix(owner), messages.subject(owner.kind)
        subs = self.subscriptions.of(owner)
        if not subs:
            return Reply(messages.render("following_none", subject=subject, prefix=prefix))
        lines = [messages.following_line(n, s.kind, s.query, s.id,
                                         s.paused_reason if s.status is SubscriptionStatus.PAUSED else None)
                 for n, s in enumerate(subs, 1)]
        return Reply("\n".join([messages.render("following_intro", subject=subject, count=len(subs),
                                                limit=MAX_SUBSCRIPTIONS), *lines, "",
                                messages.render("following_outro", prefix=prefix)]))

    def stop(self, owner: Owner | None, ref: str) -> Reply:
        if owner is None or self.subscriptions is None:
            return Reply(messages.render("follow_unreachable"))
        stopped = self.subscriptions.stop(owner, ref)
        subject = messages.subject(owner.kind)
        if stopped is None:
            return Reply(messages.render("stop_unknown", subject=subject, ref=ref, prefix=self.prefix(owner)))
        log.info("subscription %s stopped for %s", stopped.id, owner.key)
        return Reply(messages.render("stop_done", subject=subject, what=messages.followed(stopped.kind, stopped.query),
                                     id=stopped.id))

    def usage(self, command: str, owner: Owner | None) -> Reply:
        """How to write ``følg`` or ``stop`` with what they need."""
        return Reply(messages.render("follow_usage" if command == "følg" else "stop_usage", prefix=self.prefix(owner)))
