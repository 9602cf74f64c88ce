"""Keeps Slack payloads, and so message text, out of the logs at every level.

bolt and slack_sdk write whole bodies to their loggers: bolt a request whose signature it rejects (INFO)
and the payload of a request nothing handles (WARNING), slack_sdk every Web API and response_url call
and its answer (DEBUG), Socket Mode every frame (DEBUG). ``PayloadFree`` drops their records below
WARNING and blanks anything in braces (a payload dict or JSON) in the rest, keeping what went wrong and
where. ``bolt_logger()`` is the logger to give bolt's App: bolt copies its filters to every logger it
derives (middleware, listeners, the per-request logger, Socket Mode), so one filter covers bolt;
``install()`` alone covers slack_sdk for clients used without bolt (the digest).
"""
from __future__ import annotations

import logging
import re

BOLT_LOGGER = "bot.slack.app.bolt"
SDK_LOGGERS = ("slack_sdk.web.base_client", "slack_sdk.webhook.client")  # WebClient, respond()
_BRACES = re.compile(r"\{.*\}", re.S)


class PayloadFree(logging.Filter):
    """Lets a Slack library's warnings and errors through without the payloads they quote."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return False
        message = record.getMessage()
        if "{" in message:
            record.msg, record.args = _BRACES.sub("{…}", message), ()
        return True


_FILTER = PayloadFree()


def install() -> None:
    """Puts the filter on bolt's logger and slack_sdk's (idempotent: one filter object)."""
    for name in (BOLT_LOGGER, *SDK_LOGGERS):
        logging.getLogger(name).addFilter(_FILTER)


def bolt_logger() -> logging.Logger:
    """The logger for bolt's App, filtered; install it before the App is built (bolt copies filters then)."""
    install()
    return logging.getLogger(BOLT_LOGGER)
