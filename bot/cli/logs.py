"""The one logging configuration, applied by the CLI before every command (README "Operations").

beslut, uvicorn (started with ``log_config=None``), slack_bolt, slack_sdk, the Agents SDK and every other
library log through one handler on the root logger, on stderr, as text (default) or JSON lines
(BESLUT_LOG_FORMAT=json), and through ``PrivacyFilter`` (bot/core/log_privacy.py), which keeps message text,
bodies and tokens out at every level.

Levels: the services (`beslut serve`, `beslut worker`) log beslut's own INFO lines, so the Procfile shows
each request's ids, outcome and latency; the other commands only warnings (their output is the answer);
``-v`` shows beslut's DEBUG lines everywhere. Third-party loggers stay at WARNING unless ``-v`` (their lines
below WARNING are dropped by the filter in any case, life-cycle lines such as uvicorn's excepted).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import TextIO

from bot.core.log_privacy import FILTER, OWN_LOGGERS, scrub

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Fields a beslut log call may add with ``extra=``: ids, outcomes and numbers only (router, adapters).
STRUCTURED_FIELDS = ("platform", "surface", "intent", "outcome", "code", "latency_ms", "event", "channel")
_HANDLER_NAME = "beslut"


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC ISO), level, logger, message, the structured fields of beslut's
    own records, and the (already filtered) exception text."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name.split(".", 1)[0] in OWN_LOGGERS:
            for key in STRUCTURED_FIELDS:
                value = getattr(record, key, None)
                if value is not None:
                    out[key] = value if isinstance(value, (int, float, bool)) else scrub(str(value))
        if record.exc_info and not record.exc_text:  # a record that bypassed the filter (never ours)
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exception"] = record.exc_text
        if record.stack_info:
            out["stack"] = record.stack_info
        return json.dumps(out, ensure_ascii=False, default=str)


def formatter(fmt: str) -> logging.Formatter:
    return JsonLines() if fmt == "json" else logging.Formatter(TEXT_FORMAT)


def configure(fmt: str = "text", verbose: bool = False, service: bool = False,
              stream: TextIO | None = None, force: bool = False) -> logging.Handler | None:
    """Install the one handler on the root logger (replacing any earlier one) and set the levels.

    ``fmt`` "text" or "json"; ``service`` for the long-running processes (INFO for beslut's loggers).
    Like ``logging.basicConfig``, it leaves a root logger that a host configured already (pytest running
    the CLI in-process) alone, unless ``force``. Returns the handler (None when it left it alone).
    """
    root = logging.getLogger()
    logging.getLogger("beslut.progress").setLevel(logging.DEBUG if verbose else logging.INFO)  # long runs
    if not verbose:
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
    if not force and any(h.get_name() != _HANDLER_NAME for h in root.handlers):
        return None
    for h in list(root.handlers):  # ours from an earlier call
        if h.get_name() == _HANDLER_NAME:
            root.removeHandler(h)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter(fmt))
    handler.addFilter(FILTER)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    own = logging.DEBUG if verbose else logging.INFO if service else logging.WARNING
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(own)
    logging.captureWarnings(True)  # libraries' warnings.warn(): the same format, through the filter
    return handler
