"""The one web process (Procfile `web: beslut serve`): a FastAPI app serving every chat platform.

``create_app`` mounts Slack at POST /slack/events when Slack is configured, plus GET /healthz. Other
platforms add their routes through ``mounts``: callables that receive the FastAPI app, e.g. a Teams module's
``mount_teams(settings, core, store)`` returning ``lambda app: app.post("/api/messages")(...)``. Authentication
stays per route (Slack signatures here, Teams JWT on its own route), never app-wide middleware.

Bolt's App is synchronous: its dispatch runs in the thread pool, never on the event loop, so a slow
answer cannot stall other requests. Listeners run on bolt's own executor after the ack.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from fastapi import FastAPI, Request, Response
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from starlette.concurrency import run_in_threadpool

from bot.answers import Core
from bot.errors import BeslutError
from bot.ledger import SeenEvents
from bot.settings import Settings
from bot.slack_app import build_slack_app
from bot.slack_publisher import web_client
from embeddings.store import Store

log = logging.getLogger(__name__)

Mount = Callable[[FastAPI], None]
SLACK_PATH = "/slack/events"


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


def mount_slack(bolt: App) -> Mount:
    def mount(app: FastAPI) -> None:
        @app.post(SLACK_PATH)
        async def slack_events(request: Request) -> Response:
            bolt_request = BoltRequest(body=(await request.body()).decode("utf-8"), query=request.url.query,
                                       headers=dict(request.headers))
            r = await run_in_threadpool(bolt.dispatch, bolt_request)
            return Response(status_code=r.status, content=r.body, headers=r.first_headers_without_set_cookie())

    return mount


def create_app(settings: Settings, core: Core, store: Store, slack_client: WebClient | None = None,
               mounts: Sequence[Mount] = ()) -> FastAPI:
    """The web app: Slack (when SLACK_BOT_TOKEN or SLACK_SIGNING_SECRET is set) and every extra mount.

    ``core`` answers questions (tests pass a slow or failing Core); ``store`` holds the seen Slack events;
    ``slack_client`` defaults to the bot token at SLACK_API_URL.
    """
    app = FastAPI(title="beslut", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"ok": True}

    if slack_configured(settings):
        missing = missing_slack_settings(settings)
        if missing:
            raise BeslutError("slack_missing_config", names=" og ".join(missing))
        bolt = build_slack_app(core, settings, slack_client or web_client(settings), SeenEvents(store))
        mount_slack(bolt)(app)
    for mount in mounts:
        mount(app)
    return app
