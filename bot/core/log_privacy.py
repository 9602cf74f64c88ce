"""Keeps message text, request bodies and tokens out of every log line, whichever logger wrote it.

``PrivacyFilter`` sits on the one handler the CLI installs (bot/cli/logs.py), so it sees every record that
reaches the output, and on the loggers of the Slack libraries themselves (``guard``), so no other handler
(a test's capture, an embedding host's) sees their payloads either. For each record:

- **Third-party loggers** (slack_bolt, slack_sdk, microsoft_agents, aiohttp, httpx, urllib3, uvicorn,
  msal, …: anything outside beslut's own ``bot``, ``embeddings`` and ``beslut`` loggers) write request and
  response bodies at DEBUG and INFO (bolt a request whose signature it rejects, slack_sdk every Web API
  call and answer, Socket Mode every frame, the Agents SDK token requests). Their records below WARNING
  are dropped, except the server's own life-cycle lines (``SAFE_INFO``: "Started server process", the
  scheduler's "Running job"). At WARNING and above their arguments are blanked (numbers kept, an exception
  becomes its type name), anything in braces (a payload dict or JSON) becomes ``{…}``, and an exception's
  message is reduced to its type: what went wrong and where, never what was sent.
- **beslut's own loggers** log ids by convention (tests/test_log_privacy.py, and the audit in the README);
  their exceptions keep their message with braces blanked (``BeslutError`` prints its parameters there).
- **Every record's** final text, traceback included, is scrubbed of token shapes: Slack tokens
  (``xoxb-``, ``xoxp-``, ``xapp-`` …), ``Bearer …``, JWTs, Slack request signatures (``v0=…``) and the
  password in a URL such as DATABASE_URL.

The filter rewrites the record in place (``msg``, ``args``, ``exc_text``; ``exc_info`` is cleared so no
formatter renders the raw exception again) and marks it, so a record passing two guarded points is
rewritten once.
"""
from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Mapping

OWN_LOGGERS = ("bot", "embeddings", "beslut")
# Third-party records that are safe below WARNING: life-cycle lines without any request data.
SAFE_INFO = ("uvicorn.error", "apscheduler.scheduler", "apscheduler.executors.default")
REDACTED = "[redacted]"
BLANK = "…"
MAX_THIRD_PARTY_CHARS = 500

_TOKENS = (  # in this order: a header's whole value first, then the shapes anywhere
    (re.compile(r"(?i)\b(x-slack-signature|authorization)(['\"]?\s*[:=]\s*['\"]?)(?:(?:bearer|basic)\s+)?"
                r"[^\s'\",}]+"), r"\1\2" + REDACTED),
    (re.compile(r"\bxox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+"), REDACTED),  # Slack bot/user/refresh tokens
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), REDACTED),  # Slack app-level tokens (Socket Mode)
    (re.compile(r"(?i)\b(bearer|basic)\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]+"), r"\1 " + REDACTED),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), REDACTED),  # JWT
    (re.compile(r"\bv0=[0-9a-fA-F]{16,}"), "v0=" + REDACTED),  # Slack request signature
    (re.compile(r"(?i)((?:postgres(?:ql)?(?:\+\w+)?|https?|amqp|redis)://[^:/@\s]+:)[^@\s]+@"), r"\1" + REDACTED + "@"),
)
_BRACES = re.compile(r"\{.*\}", re.S)
_WARNING_ORIGIN = re.compile(r"(\S+:\d+: \w+)")
_MARK = "_beslut_private"


def is_own(name: str) -> bool:
    """True for beslut's own loggers (``bot.…``, ``embeddings.…``, ``beslut.…``)."""
    return name.split(".", 1)[0] in OWN_LOGGERS


def scrub(text: str) -> str:
    """``text`` without token shapes (Slack tokens, Bearer, JWTs, signatures, URL passwords)."""
    for pattern, replacement in _TOKENS:
        text = pattern.sub(replacement, text)
    return text


def blank_braces(text: str) -> str:
    return _BRACES.sub("{" + BLANK + "}", text)


def _blank_arg(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float)):
        return value  # status codes, counts, durations: %d and %.1f still format
    if isinstance(value, BaseException):
        return type(value).__name__
    if isinstance(value, Mapping):
        return "{" + BLANK + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + BLANK + "]"
    return BLANK


def _blanked_message(record: logging.LogRecord) -> str:
    msg, args = str(record.msg), record.args
    if not args:
        return msg
    if isinstance(args, Mapping):
        safe: object = {k: _blank_arg(v) for k, v in args.items()}
    else:
        safe = tuple(_blank_arg(a) for a in args)
    try:
        return msg % safe
    except (TypeError, ValueError, KeyError):
        return f"{msg} ({BLANK})"


def _warning_origin(record: logging.LogRecord) -> str:
    """"path.py:12: FutureWarning" of a captured warning, without the warning's own text."""
    text = str(record.args[0]) if isinstance(record.args, tuple) and record.args else str(record.msg)
    m = _WARNING_ORIGIN.match(text)
    return m.group(1) if m else "warning"


def exception_text(exc: BaseException, own: bool) -> str:
    """A traceback with every frame, where each exception is shown by its type, and (for beslut's own
    loggers) its message with braces blanked; chained exceptions as Python shows them."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    e: BaseException | None = exc
    link = ""
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        chain.append((e, link))
        if e.__cause__ is not None:
            e, link = e.__cause__, "\nThe above exception was the direct cause of the following exception:\n\n"
        elif e.__context__ is not None and not e.__suppress_context__:
            e, link = e.__context__, "\nDuring handling of the above exception, another exception occurred:\n\n"
        else:
            e = None
    parts: list[str] = []
    for e, link in reversed(chain):  # innermost first, as Python prints it
        kind = type(e).__qualname__ if type(e).__module__ == "builtins" else \
            f"{type(e).__module__}.{type(e).__qualname__}"
        text = blank_braces(str(e)) if own else ""
        frames = "".join(traceback.format_tb(e.__traceback__)) if e.__traceback__ else ""
        parts.append(("Traceback (most recent call last):\n" + frames if frames else "")
                     + (f"{kind}: {text}" if text else kind))
        if link:
            parts.append(link.rstrip("\n"))
    return scrub("\n".join(parts))


class PrivacyFilter(logging.Filter):
    """Drops third-party chatter below WARNING, blanks payloads and scrubs tokens (module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _MARK, False):
            return True
        own = is_own(record.name)
        if not own and record.levelno < logging.WARNING and record.name not in SAFE_INFO:
            return False
        if record.name == "py.warnings":  # warnings.warn() (logging.captureWarnings): where and what kind
            message = _warning_origin(record)
        elif own or record.levelno < logging.WARNING:  # own lines, and the safe life-cycle lines
            try:
                message = record.getMessage()
            except Exception:  # a filter must not raise into the code that logged
                message = f"{record.msg} ({BLANK})"
        else:
            message = blank_braces(_blanked_message(record))[:MAX_THIRD_PARTY_CHARS]
        exc_text = None
        if record.exc_info and record.exc_info[1] is not None:
            exc_text = exception_text(record.exc_info[1], own)
        elif record.exc_text:
            exc_text = scrub(record.exc_text if own else blank_braces(record.exc_text))
        record.msg, record.args = scrub(message), ()
        record.exc_info, record.exc_text = None, exc_text
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        setattr(record, _MARK, True)
        return True


FILTER = PrivacyFilter()


def guard(*logger_names: str) -> None:
    """Put the filter on these loggers too (idempotent), so every handler gets their records filtered."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if FILTER not in logger.filters:
            logger.addFilter(FILTER)


def guarded_logger(name: str) -> logging.Logger:
    """A logger with the filter on it, for a library that copies its logger's filters to the loggers it
    derives (slack_bolt's App)."""
    guard(name)
    return logging.getLogger(name)
