"""The weekly digest's way into Teams: a Publisher that posts a Reply card to a stored conversation.

``publish(conversation_id, reply)`` loads the conversation reference saved when the bot was added
(bot/teams/conversations.py), opens a proactive turn with the SDK (``continue_conversation``, which
gets the Bot Connector token from the same connection manager as the web process) and posts a new
message with ``send_to_conversation`` at the reference's serviceUrl.

The reference's serviceUrl must be on the allow-list (BESLUT_TEAMS_SERVICE_URLS, bot/teams_service_urls.py)
before anything is sent, token request included: a reference stored before references were checked, or
written by hand, cannot send the bot's token elsewhere. A refused one is ``NotDelivered`` with the reason.

Failures are classified for the ledger like the Slack publisher's: when the post certainly did not happen
(unknown conversation, no token, connection refused, the connector answering 4xx) ``NotDelivered`` (retried
at the next run); a 5xx or a request that left without an answer may have posted and is re-raised as is
(*uncertain*: never reposted automatically). An unknown conversation (the bot was removed, so its reference
was deleted) and the connector's 403 (the bot is not in the conversation any more) and 404 (no such
conversation) are ``TargetGone``: a NotDelivered that pauses a subscription instead of being retried for ever.
"""
from __future__ import annotations

import asyncio
import logging
import threading

import aiohttp
from microsoft_agents.activity import Activity, ConversationReference
from microsoft_agents.hosting.core import ClaimsIdentity, TurnContext
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from microsoft_agents.hosting.fastapi import CloudAdapter

from bot.core import messages
from bot.teams.conversations import TeamsConversations
from bot.core.ports import NotDelivered, TargetGone
from bot.core.reply import Reply
from bot.settings import Settings
from bot.teams.adapter import TokenProviderFactory, auth_configuration, connections
from bot.teams.cards import reply_activity
from bot.teams.service_urls import ServiceUrls, shown
from embeddings.store import Store

log = logging.getLogger(__name__)
GONE = frozenset({403, 404})  # the Bot Connector: the bot is not in the conversation / no such conversation


async def _propagate(_ctx: TurnContext, err: Exception) -> None:
    raise err  # the SDK default would post the exception text into the conversation and swallow it


class TeamsPublisher:
    """bot.core.ports.Publisher for Teams: target = conversation id (a team's General channel, a chat)."""

    platform = "teams"

    def __init__(self, store: Store, adapter: CloudAdapter, app_id: str | None, service_urls: ServiceUrls) -> None:
        self.conversations = TeamsConversations(store.db)
        self.adapter = adapter
        self.app_id = app_id  # None: anonymous development mode
        self.service_urls = service_urls  # where posts may go (no loopback exception, unlike anonymous replies)
        adapter.on_turn_error = _propagate

    @classmethod
    def from_settings(cls, settings: Settings, store: Store,
                      token_provider_factory: TokenProviderFactory | None = None) -> "TeamsPublisher":
        auth = auth_configuration(settings)  # same checks, same Danish errors as the web process
        adapter = CloudAdapter(connection_manager=connections(auth, token_provider_factory))
        return cls(store, adapter, None if auth.ANONYMOUS_ALLOWED else auth.CLIENT_ID,
                   ServiceUrls.from_settings(settings))

    def publish(self, target: str, reply: Reply) -> None:
        """Post ``reply`` to conversation ``target``; raises on an unknown conversation or HTTP failure."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self.publish_async(target, reply))
            return
        # Called from inside an event loop: run on a private loop in a helper thread.
        error: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self.publish_async(target, reply))
            except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
                error.append(e)

        t = threading.Thread(target=run, name="teams-publish")
        t.start()
        t.join()
        if error:
            raise error[0]

    async def publish_async(self, target: str, reply: Reply) -> None:
        ref = await asyncio.to_thread(self.conversations.load, target)
        if ref is None:
            raise TargetGone(messages.render("teams_conversation_unknown", conversation_id=target),
                             "conversation_unknown")
        if not self.service_urls.allows(ref.service_url):
            log.warning("teams: not posting to %s: its serviceUrl %s is not allowed (BESLUT_TEAMS_SERVICE_URLS)",
                        target, shown(ref.service_url))
            raise NotDelivered(messages.render("teams_service_url_refused", conversation_id=target,
                                               service_url=shown(ref.service_url)))
        activity = message_for(ref, reply)
        sending = False

        async def post(ctx: TurnContext) -> None:
            nonlocal sending
            client = ctx.services.get(ConnectorClientBase)
            sending = True
            await client.conversations.send_to_conversation(ref.conversation.id, activity)

        continuation = ref.get_continuation_activity()
        try:
            if self.app_id:
                await self.adapter.continue_conversation(self.app_id, continuation, post)
            else:
                await self.adapter.continue_conversation_with_claims(ClaimsIdentity(), continuation, post)
        except aiohttp.ClientResponseError as e:
            log.warning("teams: post to %s refused: HTTP %s", target, e.status)
            if e.status in GONE:
                raise TargetGone(f"teams refused: HTTP {e.status}", f"HTTP {e.status}") from None
            if e.status < 500:
                raise NotDelivered(f"teams refused: HTTP {e.status}") from None
            raise
        except aiohttp.ClientConnectorError as e:  # connection refused, DNS: the request never left
            log.warning("teams: post to %s not sent: %s", target, type(e).__name__)
            raise NotDelivered(f"not sent: {type(e).__name__}") from None
        except Exception as e:
            if sending:
                raise
            log.warning("teams: post to %s not sent: %s", target, type(e).__name__)  # e.g. no token
            raise NotDelivered(f"not sent: {type(e).__name__}") from None
        log.info("teams: posted to conversation %s", target)


def message_for(ref: ConversationReference, reply: Reply) -> Activity:
    """The card activity addressed from the bot into the referenced conversation (a new message)."""
    activity = reply_activity(reply)
    activity.channel_id = ref.channel_id
    activity.service_url = ref.service_url
    activity.conversation = ref.conversation
    activity.from_property = ref.agent
    return activity


def teams_digest_targets(settings: Settings, store: Store, token_provider_factory: TokenProviderFactory | None = None
                         ) -> list[tuple[TeamsPublisher, str]]:
    """(publisher, conversation id) for every conversation in BESLUT_DIGEST_TEAMS; [] when there are none."""
    if not settings.digest_teams_conversations:
        return []
    publisher = TeamsPublisher.from_settings(settings, store, token_provider_factory)
    return [(publisher, cid) for cid in settings.digest_teams_conversations]
