"""The Slack adapter: a bolt App whose listeners turn events into core calls and Replies into Block Kit.

- ``app_mention`` in a channel: answered in the message's thread; a direct message (``message.im``):
  answered in the DM. Bot messages and message subtypes (edits, joins, …) are ignored.
- the slash command (``/sag`` by default): acknowledged at once, then answered ephemerally through
  ``respond()`` by a lazy listener: a journal number or KLE prefix shows the case, anything else is a
  question, nothing or "hjælp" shows usage.
- Slack retries (X-Slack-Retry-Num) are answered once: event ids are recorded in SeenEvents.
- A BeslutError shows its Danish user_message; anything else is logged with its traceback and the user
  gets a short apology. Logs carry ids (event, channel), never tokens or message text.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.core import messages
from bot.slack import logs as slack_logs
from bot.core.results import Core
from embeddings.errors import BeslutError
from bot.slack.seen_events import SeenEvents
from bot.core.reply import Reply, answer_reply, timeline_reply, wants_help
from bot.settings import Settings
from bot.slack.blocks import SlackMessage, escape, text_message, to_messages
from embeddings.journal import looks_like_journal_number, normalise

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
LISTENER_THREADS = 8


def question_from(text: str) -> str:
    """The question in a message or command: user mentions (the bot) removed, Slack's &amp; &lt; &gt;
    decoded (we escape again on the way out), whitespace tidied."""
    plain = _MENTION.sub(" ", text or "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(plain.split())


def reply_for(run: Callable[[], Reply], what: str) -> list[SlackMessage]:
    """Run a core call; a BeslutError becomes its Danish message, anything else an apology (and a log)."""
    try:
        return to_messages(run())
    except BeslutError as e:
        return [text_message(messages.user_message(e))]
    except Exception:
        log.exception("slack %s failed", what)
        return [text_message(messages.render("slack_apology"))]


def answer(core: Core, question: str) -> Reply:
    return answer_reply(core.ask(question))


def sag_or_question(core: Core, text: str) -> Reply:
    """``/sag 83.02.00-A00-1-23`` or ``/sag 83.02``: the case; anything else: a question."""
    if looks_like_journal_number(text):
        return timeline_reply(core.sag(text))
    return answer_reply(core.ask(text))


def _is_from_bot(event: dict) -> bool:
    return bool(event.get("bot_id") or event.get("subtype") or event.get("bot_profile"))


def build_slack_app(core: Core, settings: Settings, client: WebClient, seen: SeenEvents) -> App:
    """The bolt App. ``client`` talks to the Web API (SLACK_API_URL in tests); ``seen`` de-duplicates.

    Bolt does not call auth.test at start-up (token_verification_enabled=False); its first request does,
    through ``client``. Bolt verifies no signatures: the HTTP route (bot/web.py) does, on the raw bytes
    before anything is parsed, and Socket Mode needs none. Its logs never carry payloads (bot/slack_logs.py).
    """
    allowed = set(settings.slack_allowed_channels)
    name = "/" + settings.slack_command.lstrip("/")
    app = App(client=client, signing_secret="", token_verification_enabled=False,
              request_verification_enabled=False, process_before_response=False,
              listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="slack"),
              logger=slack_logs.bolt_logger())

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
        thread_ts = event.get("thread_ts") or event.get("ts")
        log.info("slack mention %s in %s", body.get("event_id"), channel)
        replies = reply_for(lambda: answer(core, question_from(event.get("text", ""))), "mention")
        post(client, channel, thread_ts, replies)

    @app.event("message")
    def on_message(event: dict, body: dict, client: WebClient) -> None:
        if event.get("channel_type") != "im" or _is_from_bot(event):
            return  # only direct messages; channel messages reach us as app_mention
        log.info("slack dm %s in %s", body.get("event_id"), event.get("channel"))
        replies = reply_for(lambda: answer(core, question_from(event.get("text", ""))), "dm")
        post(client, event["channel"], event.get("thread_ts"), replies)

    def sag_ack(ack: Callable, command: dict) -> None:
        text = normalise(question_from(command.get("text") or ""))
        if wants_help(text):
            ack(response_type="ephemeral", **text_message(messages.render("slack_usage", command=name)).payload())
        elif not channel_allowed(command.get("channel_id")):
            ack(response_type="ephemeral", **text_message(messages.render("slack_channel_not_allowed")).payload())
        elif looks_like_journal_number(text):
            ack(response_type="ephemeral", text=escape(messages.render("slack_looking_up_case", query=text)))
        else:
            ack(response_type="ephemeral", text=escape(messages.render("slack_searching")))

    def sag_answer(command: dict, respond: Callable) -> None:
        text = normalise(question_from(command.get("text") or ""))
        if wants_help(text) or not channel_allowed(command.get("channel_id")):
            return  # answered in the ack
        log.info("slack command %s in %s", name, command.get("channel_id"))
        for m in reply_for(lambda: sag_or_question(core, text), "command"):
            respond(response_type="ephemeral", replace_original=False, **m.payload())

    app.command(name)(ack=sag_ack, lazy=[sag_answer])
    return app
