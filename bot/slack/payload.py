"""Is a signed, parsed body a Slack payload? Checked before bolt sees it, because bolt assumes the shapes
Slack sends: a string where an object belongs ({"type": "event_callback", "event": "x"}) fails in bolt's
middleware with a 500 and a traceback, and a number where our listeners read text fails after the ack.

The check is on shapes, not on kinds: a payload of a kind this app has no listener for (a dialog submission,
an event it did not subscribe to) is still a Slack payload, and bolt answers it 404 "unhandled request".
"""
from __future__ import annotations

from collections.abc import Mapping

# What the listeners in bot/slack/app.py and bolt's retry middleware read, as Slack sends them: strings.
_TOP_STRINGS = ("type", "token", "team_id", "api_app_id", "event_id", "enterprise_id", "challenge", "command",
                "text", "user_id", "channel_id", "response_url", "trigger_id", "callback_id")
_MESSAGE_STRINGS = ("type", "subtype", "text", "user", "channel", "channel_type", "ts", "thread_ts", "event_ts",
                    "bot_id", "team")
_OUR_EVENTS = ("app_mention", "message")
_INTERACTIVE_WITH_ACTIONS = ("block_actions", "interactive_message")  # bolt reads their actions[0]


def payload_problem(body: object) -> str | None:
    """Why ``body`` (bolt's parse of a request body) is no Slack payload, for the log (names, never
    values); None when it is one."""
    if not isinstance(body, Mapping):
        return "not an object"
    wrong = _not_strings(body, _TOP_STRINGS)
    if wrong:
        return f"{wrong} is not text"
    kind = body.get("type")
    if kind is None and "command" not in body:  # a slash command has no type (its form fields are text)
        return "neither a type nor a command"
    for name in ("event", "view", "message", "container"):  # objects wherever Slack sends them
        if name in body and not isinstance(body[name], Mapping):
            return f"{name} is not an object"
    if "view" in body and not isinstance(body["view"].get("type"), str):  # bolt reads view["type"]
        return "view without a type"
    actions = body.get("actions", [] if kind not in _INTERACTIVE_WITH_ACTIONS else None)
    if not (isinstance(actions, list) and all(isinstance(a, Mapping) for a in actions)) or (
            kind in _INTERACTIVE_WITH_ACTIONS and not actions):
        return "actions is not a list of objects"
    if kind == "url_verification" and "challenge" not in body:
        return "url_verification without a challenge"
    if kind == "event_callback":
        event = body.get("event")
        if event is None:
            return "event_callback without an event"
        if not isinstance(event.get("type"), str):
            return "event without a type"
        if event["type"] in _OUR_EVENTS:
            wrong = _not_strings(event, _MESSAGE_STRINGS)
            if wrong:
                return f"event.{wrong} is not text"
    return None


def _not_strings(obj: Mapping, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` that ``obj`` has with a value other than a string."""
    return next((n for n in names if n in obj and not isinstance(obj[n], str)), None)
