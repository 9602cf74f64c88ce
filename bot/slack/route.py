"""Slack's HTTP route, POST /slack/events: nothing is trusted before the signature.

The body is read as a stream and refused with 413 as soon as it is over MAX_SLACK_BODY (declared or counted);
the v0 signature and its timestamp are checked on the raw bytes (401); only then is it decoded and handed to
bolt (400 for a signed body that is no Slack payload: unparsable, or not in a shape Slack sends, see
bot/slack/payload.py). Refusals are logged with their reason, never with the
body. Bolt's App is synchronous: its dispatch runs in the thread pool, never on the event loop, so a slow
answer cannot stall other requests; listeners run on bolt's own executor after the ack.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import App, BoltRequest
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from bot.settings import Settings
from bot.slack.payload import payload_problem

log = logging.getLogger(__name__)

Mount = Callable[[FastAPI], None]
SLACK_PATH = "/slack/events"
MAX_SLACK_BODY = 1024 * 1024  # Slack's payloads are a few kB; this leaves room for big views
STALE_AFTER = 5 * 60  # seconds a signed request stays valid (replays), as Slack and slack_sdk say
# Slack checks a slash command's URL with an unsigned "ssl_check=1&token=…": answered 200, nothing runs.
_SSL_CHECK = re.compile(rb"ssl_check=1&token=[A-Za-z0-9]{0,100}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds


def slack_configured(settings: Settings) -> bool:
    return bool(settings.slack_bot_token or settings.slack_signing_secret)


def missing_slack_settings(settings: Settings, socket_mode: bool = False) -> list[str]:
    """The environment variables Slack still needs (empty when it can start)."""
    wanted = {"SLACK_BOT_TOKEN": settings.slack_bot_token}
    if socket_mode:
        wanted["SLACK_APP_TOKEN"] = settings.slack_app_token
    else:
        wanted["SLACK_SIGNING_SECRET"] = settings.slack_signing_secret
    return [name for name, value in wanted.items() if not value]


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to be over ``limit`` bytes: by its Content-Length
    before anything is read, else by counting while it streams in (no or a false Content-Length)."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def signed_by_slack(secret: str, raw: bytes, timestamp: str | None, signature: str | None,
                    now: float | None = None) -> bool:
    """Slack's v0 signature (HMAC-SHA256 of "v0:{timestamp}:{body}") over the raw bytes, with a timestamp
    at most five minutes off, as slack_sdk's SignatureVerifier checks it; that one decodes the body as UTF-8
    first, so it cannot vouch for bytes that are not."""
    if not (timestamp and _TIMESTAMP.fullmatch(timestamp) and signature and signature.isascii()):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > STALE_AFTER:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def refuse(status: int, error: str, reason: str) -> Response:
    """An answer without the body. After a 413 uvicorn reads what the client still sends and drops it
    unstored (closing instead would leave clients that send before they read with a broken pipe)."""
    log.info("slack request refused with %d: %s", status, reason)
    return JSONResponse({"error": error}, status_code=status)


def mount_slack(bolt: App, signing_secret: str) -> Mount:
    """POST /slack/events: capped body, signature, then bolt. Bolt itself verifies nothing (one place)."""
    def mount(app: FastAPI) -> None:
        @app.post(SLACK_PATH)
        async def slack_events(request: Request) -> Response:
            try:
                raw = await read_capped(request, MAX_SLACK_BODY)
            except ClientDisconnect:
                return refuse(400, "incomplete_body", "the client left before the body was complete")
            if raw is None:
                return refuse(413, "body_too_large", f"body over {MAX_SLACK_BODY} bytes")
            if _SSL_CHECK.fullmatch(raw):
                return Response(status_code=200)
            if not signed_by_slack(signing_secret, raw, request.headers.get("x-slack-request-timestamp"),
                                   request.headers.get("x-slack-signature")):
                return refuse(401, "invalid_signature", "missing, wrong or stale signature")
            try:
                bolt_request = BoltRequest(body=raw.decode("utf-8"), query=request.url.query,
                                           headers=dict(request.headers))
            except Exception as e:  # the constructor only parses: not UTF-8, not JSON, no form bolt understands
                return refuse(400, "malformed_body", f"signed body is no Slack payload ({type(e).__name__})")
            problem = payload_problem(bolt_request.body)
            if problem:  # parsed, but not in a shape Slack sends: bolt would fail on it with a traceback
                return refuse(400, "malformed_body", f"signed body is no Slack payload ({problem})")
            r = await run_in_threadpool(bolt.dispatch, bolt_request)
            return Response(status_code=r.status, content=r.body, headers=r.first_headers_without_set_cookie())

    return mount
