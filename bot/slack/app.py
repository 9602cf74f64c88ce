"""The Slack adapter: a bolt App whose listeners turn events into router calls and Replies into Block Kit.

- ``app_mention`` in a channel: answered in the message's thread; a direct message (``message.im``):
  answered in the DM. Bot messages and message subtypes (edits, joins, …) are ignored.
- the slash command (``/sag`` by default) is the router's ``sag`` command: acknowledged at once with what the
  router says without the core (the help, a malformed journal number, or "Søger i referaterne …"), then,
  when the core is needed, answered ephemerally through ``respond()`` by a lazy listener.
- Slack retries (X-Slack-Retry-Num) are answered once: event ids are recorded in SeenEvents.
- What the text means, the help, error messages and the apology are the router's (bot/core/router.py).
  Logs carry ids (event, channel, user), never tokens or message text.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.core import log_privacy, messages
from bot.core.router import Context, Conversation, Surface
from bot.settings import Settings
from bot.slack.blocks import SlackMessage, escape, text_message, to_messages
from bot.slack.seen_events import SeenEvents

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_MARKUP = re.compile(r"<(?:#[CG][A-Z0-9]+|!\w+|(?:https?|mailto):[^>\s]*)(?:\|[^>]*)?>")
LISTENER_THREADS = 8
PLATFORM = "slack"
BOLT_LOGGER = "slack_bolt.App"  # a third-party name: the filter drops its lines below WARNING


def command_name(settings: Settings) -> str:
    """The slash command as Slack sends it: "/sag" (BESLUT_SLACK_COMMAND, with or without the slash)."""
    return "/" + settings.slack_command.lstrip("/")


def question_from(text: str) -> str:
    """The text of a message or command: user mentions (the bot), channel references, links and special mentions
    (``<#C1|ledelse>``, ``<https://…|se her>``, ``<!channel>``) removed, Slack's &amp; &lt; &gt; decoded (we
    escape again on the way out), whitespace tidied."""
    plain = _MARKUP.sub(" ", _MENTION.sub(" ", text or ""))
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(plain.split())


# Subtypes of a person's own message: a question sent with a file, a thread reply also sent to the channel.
_PERSON_SUBTYPES = frozenset({"file_share", "thread_broadcast"})


def _is_from_bot(event: dict) -> bool:
    """A bot's message, or one that is not a person writing (edited, deleted, joined, ...)."""
    subtype = event.get("subtype")
    return bool(event.get("bot_id") or (subtype and subtype not in _PERSON_SUBTYPES) or event.get("bot_profile"))


def build_slack_app(conversation: Conversation, settings: Settings, client: WebClient, seen: SeenEvents) -> App:
    """The bolt App. ``client`` talks to the Web API (SLACK_API_URL in tests); ``seen`` de-duplicates.

    Bolt does not call auth.test at start-up (token_verification_enabled=False); its first request does,
    through ``client``. Bolt verifies no signatures: the HTTP route (bot/web.py) does, on the raw bytes
    before anything is parsed, and Socket Mode needs none. Its logs never carry payloads: its logger has the
    privacy filter (bot/core/log_privacy.py), which bolt copies to every logger it derives from it.
    """
    allowed = set(settings.slack_allowed_channels)
    name = command_name(settings)
    app = App(client=client, signing_secret="", token_verification_enabled=False,
              request_verification_enabled=False, process_before_response=False,
              listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="slack"),
              logger=log_privacy.guarded_logger(BOLT_LOGGER))

    def channel_allowed(channel: str | None) -> bool:
        return not allowed or (channel or "").startswith("D") or channel in allowed

    @app.middleware
    def drop_retries(body: dict, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not seen.first_time(event_id):
            log.info("slack event %s already handled; retry ignored", event_id)
            return BoltResponse(status=200, body="")
        return next()

    def post(client: WebClient, channel: str, thread_ts: str | None, replies: list[SlackMessage]) -> None:
        for m in replies:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, **m.payload())

    @app.event("app_mention")
    def on_mention(event: dict, body: dict, client: WebClient) -> None:
        channel = event.get("channel")
        if _is_from_bot(event):
            return
        if not channel_allowed(channel):
            log.info("slack mention in channel %s ignored: not in BESLUT_SLACK_CHANNELS", channel)
            return
        log.debug("slack mention %s in %s", body.get("event_id"), channel)  # the router logs the outcome
        context = Context(PLATFORM, Surface.MENTION, event.get("user"), channel, event=body.get("event_id"))
        reply = conversation.reply(question_from(event.get("text", "")), context)
        post(client, channel, event.get("thread_ts") or event.get("ts"), to_messages(reply))

    @app.event("message")
    def on_message(event: dict, body: dict, client: WebClient) -> None:
        if event.get("channel_type") != "im" or _is_from_bot(event):
            return  # only direct messages; channel messages reach us as app_mention
        log.debug("slack dm %s in %s", body.get("event_id"), event.get("channel"))
        context = Context(PLATFORM, Surface.DIRECT, event.get("user"), event.get("channel"),
                          event=body.get("event_id"))
        reply = conversation.reply(question_from(event.get("text", "")), context)
        post(client, event["channel"], event.get("thread_ts"), to_messages(reply))

    def command_context(command: dict) -> Context:
        return Context(PLATFORM, Surface.COMMAND, command.get("user_id"), command.get("channel_id"),
                       event=command.get("trigger_id"))

    def sag_ack(ack: Callable, command: dict) -> None:
        if not channel_allowed(command.get("channel_id")):
            ack(response_type="ephemeral", **text_message(messages.render("slack_channel_not_allowed")).payload())
            return
        now = conversation.acknowledge(question_from(command.get("text") or ""), command_context(command))
        if now.follows:  # "Søger i referaterne …": a line of text until the answer comes
            ack(response_type="ephemeral", text=escape(now.reply.intro))
        else:
            ack(response_type="ephemeral", **to_messages(now.reply)[0].payload())

    def sag_answer(command: dict, respond: Callable) -> None:
        if not channel_allowed(command.get("channel_id")):
            return  # answered in the ack
        reply = conversation.follow_up(question_from(command.get("text") or ""), command_context(command))
        for m in to_messages(reply) if reply else ():
            respond(response_type="ephemeral", replace_original=False, **m.payload())

    app.command(name)(ack=sag_ack, lazy=[sag_answer])
    return app
