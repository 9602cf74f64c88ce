"""Composition of what goes out: digest targets and builder, notification publishers and topic matching."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.compose.knowledge import case_core
from bot.core.ports import Publisher
from bot.core.service import Beslut
from bot.settings import Settings
from embeddings.errors import ConfigError
from embeddings.store import Store

if TYPE_CHECKING:
    from bot.digest.builder import DigestBuilder


def digest_targets(settings: Settings, store: Store, channel: str | None = None) -> list[tuple[Publisher, str]]:
    """Where the digest goes: BESLUT_DIGEST_CHANNEL (Slack) and BESLUT_DIGEST_TEAMS (Teams conversations).

    ``channel`` (--channel) replaces them with one target: a ledger key such as "slack:C0123456789" or
    "teams:19:…@thread.tacv2", or a bare Slack channel id.
    """
    if channel:
        platform, sep, rest = channel.partition(":")
        wanted = {platform: (rest,)} if sep and platform in ("slack", "teams") else {"slack": (channel,)}
    else:
        wanted = {"slack": (settings.digest_channel,) if settings.digest_channel else (),
                  "teams": settings.digest_teams_conversations}
    targets: list[tuple[Publisher, str]] = []
    if wanted.get("slack"):
        if not settings.slack_bot_token:
            raise ConfigError("slack_missing_config", names="SLACK_BOT_TOKEN")
        from bot.slack.publisher import SlackPublisher, web_client

        publisher = SlackPublisher(web_client(settings, retries=False))
        targets += [(publisher, c) for c in wanted["slack"]]
    if wanted.get("teams"):
        from bot.teams.publisher import teams_digest_targets

        targets += teams_digest_targets(settings.with_(digest_teams_conversations=tuple(wanted["teams"])), store)
    if not targets:
        raise ConfigError("digest_no_targets")
    return targets


def notify_publishers(settings: Settings, store: Store) -> dict[str, Publisher]:
    """Where notifications can go from this process: Slack with SLACK_BOT_TOKEN, Teams when configured."""
    publishers: dict[str, Publisher] = {}
    if settings.slack_bot_token:
        from bot.slack.publisher import SlackPublisher, web_client

        publishers["slack"] = SlackPublisher(web_client(settings, retries=False))
    if settings.teams_enabled:
        from bot.teams.publisher import TeamsPublisher

        publishers["teams"] = TeamsPublisher.from_settings(settings, store)
    return publishers


def topic_answers(open_core: Callable[[], Beslut]) -> Callable[[str, frozenset[str]], tuple[str, ...]]:
    """How a followed topic matches new punkter: ``ask`` restricted to them (bot/notify/match.py). The core
    (model, index) is opened on the first topic that has candidates, once per run."""
    core: list[Beslut] = []

    def answers(topic: str, uids: frozenset[str]) -> tuple[str, ...]:
        if not core:
            core.append(open_core())
        answer = core[0].ask(topic, k=max(1, len(uids)), within=uids)
        return () if answer.abstained else tuple(h.uid for h in answer.hits if h.uid)

    return answers


def digest_builder(settings: Settings, store: Store, tz) -> DigestBuilder:
    """Digest hits are built by the core, so citations and source links equal the answers'."""
    from bot.digest.builder import DigestBuilder

    return DigestBuilder(store, case_core(settings, store).hit, tz)
