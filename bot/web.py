"""The one web app (Procfile `web: beslut serve`): GET /healthz and the routes each chat platform mounts.

A mount is a callable that adds a platform's routes to the app (``bot.slack.route.mount_slack``,
``bot.teams.adapter.mount_teams``); the composition root decides which. Authentication stays per route
(Slack signatures on /slack/events, Teams JWT on /api/messages), never app-wide middleware.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from fastapi import FastAPI

Mount = Callable[[FastAPI], None]


def create_app(mounts: Sequence[Mount] = ()) -> FastAPI:
    app = FastAPI(title="beslut", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"ok": True}

    for mount in mounts:
        mount(app)
    return app
