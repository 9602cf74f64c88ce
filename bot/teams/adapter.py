"""Microsoft Teams adapter on the Microsoft 365 Agents SDK: POST /api/messages -> router -> Adaptive Card.

Plugs into the one FastAPI app with ``add_teams_routes(app, conversation, store, settings)``; what a message
means, the help, error messages and the apology are the router's (bot/core/router.py). The route checks the
Bot Framework JWT with the SDK's ``jwt_authorization_decorator`` (on this route only, so Slack's
/slack/events is untouched); anonymous requests are accepted only with BESLUT_TEAMS_ALLOW_ANONYMOUS, which
refuses to start next to real credentials. Outgoing calls to the Bot Connector get their token from the
SDK's connection manager (MSAL by default); ``token_provider_factory`` swaps the provider, e.g. for tests.

Before the SDK sees an activity the route checks its shape (400 for a body that is not an activity or a
serviceUrl that is not an http(s) URL) and where replies would go (403 unless the serviceUrl is on the
allow-list, bot/teams_service_urls.py; loopback too in anonymous mode). Conversation references for the
digest and for notifications are stored, and removed, only for requests that carried a verified token: never
in anonymous mode. A ``følg`` from a verified request stores its conversation's reference (where the
notifications go); in anonymous mode the router answers that nothing can be followed there.
"""
from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from microsoft_agents.activity import Activity, ActivityTypes, ConversationReference
from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.hosting.core import (AccessTokenProviderBase, AgentApplication, AgentAuthConfiguration,
                                           ApplicationOptions, AuthTypes, ConnectionManager, Connections, MemoryStorage,
                                           RouteRank, TurnContext, TurnState)
from microsoft_agents.hosting.fastapi import CloudAdapter, jwt_authorization_decorator, start_agent_process

from bot.core.reply import Reply
from bot.core.router import Context, Conversation, FollowIntent, Surface, apology
from bot.settings import Settings
from bot.teams.conversations import TeamsConversations
from embeddings.errors import ConfigError
from bot.teams.cards import reply_activity
from bot.teams.service_urls import ServiceUrls, origin, shown
from embeddings.store import Store

log = logging.getLogger(__name__)

TokenProviderFactory = Callable[[AgentAuthConfiguration], AccessTokenProviderBase]

_AT_TAG = re.compile(r"</?at>", re.I)
PLATFORM = "teams"


# --- configuration ---------------------------------------------------------------------------------
def auth_configuration(settings: Settings) -> AgentAuthConfiguration:
    """The SDK auth configuration from Settings; a BeslutError with a Danish message when inconsistent.

    Also checks BESLUT_TEAMS_SERVICE_URLS (ValueError, Danish), so every start-up check of Teams covers it.
    """
    ServiceUrls.from_settings(settings)
    credentials = settings.teams_app_id or settings.teams_app_password or settings.teams_cert_pfx_file
    if settings.teams_allow_anonymous:
        if credentials:
            raise ConfigError("teams_anonymous_with_credentials")
        return AgentAuthConfiguration(anonymous_allowed=True)
    if not settings.teams_app_id:
        raise ConfigError("teams_not_configured")
    if not (settings.teams_app_password or settings.teams_cert_pfx_file):
        raise ConfigError("teams_secret_missing")
    if settings.teams_app_password and settings.teams_cert_pfx_file:
        raise ConfigError("teams_secret_and_cert")
    if not settings.teams_tenant_id:
        raise ConfigError("teams_tenant_missing")
    if settings.teams_cert_pfx_file:
        if not settings.teams_cert_pfx_file.is_file():
            raise ConfigError("teams_cert_missing", path=str(settings.teams_cert_pfx_file))
        return AgentAuthConfiguration(AuthTypes.certificate, settings.teams_app_id, settings.teams_tenant_id,
                                      cert_pfx_file=str(settings.teams_cert_pfx_file),
                                      send_x5c=settings.teams_cert_send_x5c, anonymous_allowed=False)
    return AgentAuthConfiguration(AuthTypes.client_secret, settings.teams_app_id, settings.teams_tenant_id,
                                  settings.teams_app_password, anonymous_allowed=False)


def connections(auth: AgentAuthConfiguration,
                token_provider_factory: TokenProviderFactory | None = None) -> Connections:
    """The SDK connection manager: where outgoing Bot Connector tokens come from (MSAL unless replaced)."""
    return ConnectionManager(provider_factory=token_provider_factory or MsalAuth,
                             connections_configurations={"SERVICE_CONNECTION": auth})


# --- what the user asked --------------------------------------------------------------------------
def question_text(activity: Activity) -> str:
    """The message text without the bot's @mention (removed by the SDK) or other mention markup."""
    text = _AT_TAG.sub("", activity.text or "")
    return " ".join(html.unescape(text).split())


def addressed_to_bot(activity: Activity) -> bool:
    """Personal chats always; channels and group chats only when the bot is @mentioned."""
    if conversation_type(activity) == "personal":
        return True
    bot_id = activity.recipient.id if activity.recipient else None
    return any(m.mentioned and m.mentioned.id == bot_id for m in activity.get_mentions())


def conversation_type(activity: Activity) -> str:
    return (activity.conversation.conversation_type if activity.conversation else None) or "personal"


def context_of(activity: Activity, reachable: bool = False) -> Context:
    """Where a message came from, for the router: ids only. A channel's id is without ";messageid=…" (the
    thread a message was in), so a channel's subscriptions are the channel's, whichever thread they were made
    in. ``reachable``: the request was verified, so its conversation can be posted to later."""
    surface = Surface.DIRECT if conversation_type(activity) == "personal" else Surface.MENTION
    return Context(PLATFORM, surface, activity.from_property.id if activity.from_property else None,
                   channel_id(activity.conversation.id) if activity.conversation else None, reachable,
                   event=activity.id)


def channel_id(conversation_id: str) -> str:
    """"19:abc@thread.tacv2;messageid=1700" -> "19:abc@thread.tacv2": the conversation, not one thread in it."""
    return conversation_id.split(";messageid=", 1)[0]


# --- the agent -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TeamsBot:
    agent: AgentApplication
    adapter: CloudAdapter
    auth: AgentAuthConfiguration


def build_bot(conversation: Conversation, store: Store, auth: AgentAuthConfiguration,
              token_provider_factory: TokenProviderFactory | None = None) -> TeamsBot:
    conversations = TeamsConversations(store.db)
    conns = connections(auth, token_provider_factory)
    adapter = CloudAdapter(connection_manager=conns)
    options = ApplicationOptions(storage=MemoryStorage(), start_typing_timer=False, remove_recipient_mention=True)
    agent = AgentApplication[TurnState](options, connection_manager=conns)

    def authenticated(ctx: TurnContext) -> bool:
        """The request carried a verified Bot Framework token; never true in anonymous development mode."""
        return not auth.ANONYMOUS_ALLOWED and bool(ctx.identity and ctx.identity.claims)

    async def send(ctx: TurnContext, reply: Reply) -> None:
        await ctx.send_activity(reply_activity(reply))

    @agent.activity(ActivityTypes.message)
    async def on_message(ctx: TurnContext, _state: TurnState) -> None:
        act = ctx.activity
        conv = act.conversation.id if act.conversation else "?"
        if not addressed_to_bot(act):
            log.debug("teams: ignoring unaddressed message in %s", conv)
            return
        context = context_of(act, reachable=authenticated(ctx))
        intent = conversation.intent(question_text(act), context)
        if isinstance(intent, FollowIntent) and context.reachable:  # notifications will be posted here later
            await asyncio.to_thread(conversations.save, reference_for_later(act))
        await send(ctx, await asyncio.to_thread(conversation.answer, intent, context))

    @agent.activity(ActivityTypes.conversation_update)
    async def on_conversation_update(ctx: TurnContext, _state: TurnState) -> None:
        act = ctx.activity
        bot_id = act.recipient.id if act.recipient else None
        if any(m.id == bot_id for m in act.members_added or ()):
            kind = act.conversation.conversation_type or "personal"
            if authenticated(ctx):  # its serviceUrl is where digests will go, with the bot's token
                cid = await asyncio.to_thread(conversations.save, act.get_conversation_reference())
                log.info("teams: added to conversation %s (%s)", cid, kind)
            else:
                log.info("teams: added to conversation %s (%s) without a token: not stored", act.conversation.id,
                         kind)
            await send(ctx, conversation.help())
        elif any(m.id == bot_id for m in act.members_removed or ()):
            await forget(ctx, "removed from")

    @agent.activity(ActivityTypes.installation_update)
    async def on_installation_update(ctx: TurnContext, _state: TurnState) -> None:
        if (ctx.activity.action or "").startswith("remove"):
            await forget(ctx, "uninstalled from")

    async def forget(ctx: TurnContext, what: str) -> None:
        cid = ctx.activity.conversation.id
        if not authenticated(ctx):
            log.info("teams: %s conversation %s without a token: the store is left as it is", what, cid)
            return
        await asyncio.to_thread(conversations.delete, cid)
        log.info("teams: %s conversation %s", what, cid)

    async def ignore(ctx: TurnContext, _state: TurnState) -> None:
        log.debug("teams: ignoring %s activity", ctx.activity.type)  # (the SDK's own warning logs message text)

    agent.add_route(lambda _ctx: True, ignore, rank=RouteRank.LAST)  # edits, reactions, typing, ...

    @agent.error
    async def on_error(ctx: TurnContext, err: Exception) -> None:
        await apologise(ctx, err)

    adapter.on_turn_error = apologise  # the SDK default would post the exception text to the user
    return TeamsBot(agent, adapter, auth)


def reference_for_later(activity: Activity) -> ConversationReference:
    """The conversation reference to post to later: the conversation itself (a channel without the thread's
    ";messageid=…"), so a notification is a new post."""
    ref = activity.get_conversation_reference()
    return ref.model_copy(update={"conversation": ref.conversation.model_copy(
        update={"id": channel_id(ref.conversation.id)})})


async def apologise(ctx: TurnContext, err: Exception) -> None:
    """Log with traceback, then a short Danish apology; never the exception text, never re-raise."""
    conv = ctx.activity.conversation.id if ctx.activity and ctx.activity.conversation else "?"
    log.error("teams: turn failed (conversation %s)", conv, exc_info=err)
    if ctx.activity is None or ctx.activity.type != ActivityTypes.message or ctx.responded:
        return
    try:
        await ctx.send_activity(reply_activity(apology()))
    except Exception:
        log.exception("teams: could not send the apology (conversation %s)", conv)


# --- the route -------------------------------------------------------------------------------------
def activity_problem(body: object) -> str | None:
    """Why ``body`` is not an activity the SDK can take (for a 400), or None. Never raises, never logs."""
    if not isinstance(body, dict):
        return "the body must be a JSON object (an activity)"
    conversation = body.get("conversation")
    if not isinstance(body.get("type"), str) or not body["type"]:
        return "type is missing"
    if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str) or not conversation["id"]:
        return "conversation.id is missing"
    if origin(body.get("serviceUrl")) is None:
        return "serviceUrl must be an absolute http(s) URL"
    return None


async def refuse(request: Request, service_urls: ServiceUrls, *, anonymous: bool) -> JSONResponse | None:
    """400 for a body that is no activity, 403 for a serviceUrl replies may not go to; None: hand it on."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    problem = activity_problem(body)
    service_url = None
    if problem is None:
        try:  # what the SDK will make of it (it may log a traceback for what fails here: rare)
            service_url = Activity.model_validate(body).service_url
        except Exception as e:  # pydantic's ValidationError, or the SDK's own checks: the client's input
            problem = f"not an activity ({type(e).__name__})"
        else:
            problem = activity_problem({**body, "serviceUrl": service_url})  # (e.g. "service_url" given too)
    if problem is not None:
        log.warning("teams: bad activity refused: %s", problem)
        return JSONResponse({"error": f"Bad activity: {problem}."}, status_code=400)
    if not service_urls.allows_reply(service_url, anonymous=anonymous):
        log.warning("teams: activity refused: serviceUrl %s is not allowed (BESLUT_TEAMS_SERVICE_URLS%s)",
                    shown(service_url), ", or loopback in anonymous mode" if anonymous else "")
        return JSONResponse({"error": "serviceUrl not allowed."}, status_code=403)
    return None


def add_teams_routes(app: FastAPI, conversation: Conversation, store: Store, settings: Settings, *,
                     token_provider_factory: TokenProviderFactory | None = None,
                     path: str = "/api/messages") -> TeamsBot:
    """Mount POST /api/messages on ``app``. Raises BeslutError (Danish) when the Teams settings are wrong."""
    bot = build_bot(conversation, store, auth_configuration(settings), token_provider_factory)
    service_urls = ServiceUrls.from_settings(settings)
    anonymous = bool(bot.auth.ANONYMOUS_ALLOWED)
    app.state.agent_configuration = bot.auth  # read by the SDK's jwt_authorization_decorator
    if bot.auth.ANONYMOUS_ALLOWED:
        log.warning("teams: requests WITHOUT a token are accepted (BESLUT_TEAMS_ALLOW_ANONYMOUS): development only")

    @jwt_authorization_decorator
    async def authenticate(request: Request) -> None:
        return None  # reached only with a valid token (or anonymously in development mode)

    async def teams_messages(request: Request):
        try:
            denied = await authenticate(request)
        except Exception as e:  # the SDK raises e.g. KeyError for a JWT without "kid": still a bad token
            log.warning("teams: token rejected (%s)", type(e).__name__)
            return JSONResponse({"error": "Invalid token or authentication failed."}, status_code=401)
        if denied is not None:
            return denied
        refusal = await refuse(request, service_urls, anonymous=anonymous)
        if refusal is not None:
            return refusal
        return await start_agent_process(request, bot.agent, bot.adapter)

    app.add_api_route(path, teams_messages, methods=["POST"], name="teams_messages")
    return bot


def mount_teams(settings: Settings, conversation: Conversation, store: Store, *,
                token_provider_factory: TokenProviderFactory | None = None) -> Callable[[FastAPI], None]:
    """A ``bot.web.Mount`` for create_app. Checks the settings now, so a bad one fails before any route exists."""
    auth_configuration(settings)

    def mount(app: FastAPI) -> None:
        add_teams_routes(app, conversation, store, settings, token_provider_factory=token_provider_factory)

    return mount
