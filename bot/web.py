"""The one web app (Procfile `web: beslut serve`): GET /healthz, GET /readyz, GET /metrics and the routes each
chat platform mounts.

A mount is a callable that adds a platform's routes to the app (``bot.slack.route.mount_slack``,
``bot.teams.adapter.mount_teams``); the composition root decides which. Authentication stays per route
(Slack signatures on /slack/events, Teams JWT on /api/messages), never app-wide middleware.

GET /metrics serves ``metrics`` (bot/core/metrics.py) in Prometheus's text format: counts and ids, never
message text.

``listening_socket`` takes the port before anything slow happens (loading the model), for uvicorn to serve on.
"""
from __future__ import annotations

import errno
import socket
from collections.abc import Callable, Sequence

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.concurrency import run_in_threadpool

from bot.core import metrics as core_metrics
from embeddings.errors import BeslutError, ConfigError

BACKLOG = 2048  # uvicorn's default

Mount = Callable[[FastAPI], None]
Ready = Callable[[], tuple[bool, "str | None"]]  # (ready, why not: a message code)


def create_app(mounts: Sequence[Mount] = (), ready: Ready = lambda: (True, None),
               metrics: CollectorRegistry | None = None) -> FastAPI:
    """GET /healthz: the process runs (liveness). GET /readyz: 200 once the database can be reached, the schema
    is current and the core (model, index) is loaded, 503 with the reason until then (readiness: route
    traffic here). GET /metrics: ``metrics`` (default: the request counters and the process's own)."""
    app = FastAPI(title="beslut", docs_url=None, redoc_url=None, openapi_url=None)
    registry = metrics or core_metrics.registry()

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"ok": True}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        ok, reason = await run_in_threadpool(ready)  # may wait for the database: off the event loop
        return JSONResponse({"ready": ok, "reason": reason}, status_code=200 if ok else 503)

    @app.get("/metrics")
    async def prometheus_metrics() -> Response:
        body = await run_in_threadpool(generate_latest, registry)  # reads the database: off the event loop
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    for mount in mounts:
        mount(app)
    return app


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` and listening, for ``uvicorn.Server.run(sockets=[...])``.

    Taken at start-up, before the model loads: a port in use is a Danish message and exit 1 at once, not an
    error from uvicorn after the model has loaded. Listening at once keeps it race-free: SO_REUSEADDR (as
    uvicorn sets it) lets a restart take a port whose old connections linger in TIME_WAIT, and on Linux it
    also lets two sockets bind one port as long as neither listens; a listening socket holds it alone.
    Connections made while the model loads wait in the backlog until the app runs."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as uvicorn decides
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise BeslutError("serve_port_in_use", host=host, port=port) from None
        if isinstance(e, socket.gaierror) or e.errno == errno.EADDRNOTAVAIL:  # no such name or not this machine's
            raise ConfigError("serve_host_invalid", host=host, reason=e.strerror or type(e).__name__) from None
        raise BeslutError("serve_cannot_listen", host=host, port=port,
                          reason=e.strerror or type(e).__name__) from None
    return sock
