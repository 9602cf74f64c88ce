"""Composition of the web process: which platforms it serves, on which core, with readiness and metrics."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core.live import LiveCore
from bot.settings import Settings
from embeddings.errors import ConfigError
from embeddings.store import Store

if TYPE_CHECKING:
    from fastapi import FastAPI
    from slack_sdk import WebClient

    from bot.core.metrics import ServiceState
    from bot.core.results import Core
    from bot.teams.adapter import TokenProviderFactory
    from bot.web import Mount

log = logging.getLogger(__name__)


def check_web_settings(settings: Settings, socket_mode: bool) -> None:
    """Every setting `beslut serve` needs, checked before the model loads (ConfigError, Danish)."""
    from bot.slack.route import missing_slack_settings, slack_configured

    if socket_mode:
        if not settings.slack_app_token:
            raise ConfigError("slack_socket_needs_app_token")
        missing = missing_slack_settings(settings, socket_mode=True)
    elif slack_configured(settings) or not settings.teams_enabled:
        missing = missing_slack_settings(settings)
    else:
        missing = []  # a Teams-only deployment
    if missing:
        raise ConfigError("slack_missing_config", names=" og ".join(missing))
    if settings.teams_enabled:
        from bot.teams.adapter import auth_configuration

        auth_configuration(settings)  # inconsistent Teams settings: a Danish message before the model loads


def slack_bolt_app(settings: Settings, core: Core, store: Store, client: WebClient | None = None):
    """Slack's bolt App over the one router; the help names the slash command (BESLUT_SLACK_COMMAND)."""
    from bot.core.router import Conversation
    from bot.slack.app import build_slack_app, command_name
    from bot.slack.publisher import web_client
    from bot.slack.seen_events import SeenEvents
    from bot.state.subscriptions import SubscriptionStore

    conversation = Conversation(core, slash_command=command_name(settings), subscriptions=SubscriptionStore(store.db))
    return build_slack_app(conversation, settings, client or web_client(settings), SeenEvents(store.db))


def web_mounts(settings: Settings, core: Core, store: Store, slack_client: WebClient | None = None,
               token_provider_factory: TokenProviderFactory | None = None) -> list[Mount]:
    """Slack at POST /slack/events when Slack is configured, Teams at POST /api/messages when Teams is."""
    from bot.slack.route import missing_slack_settings, mount_slack, slack_configured

    mounts: list[Mount] = []
    if slack_configured(settings):
        missing = missing_slack_settings(settings)
        if missing:
            raise ConfigError("slack_missing_config", names=" og ".join(missing))
        mounts.append(mount_slack(slack_bolt_app(settings, core, store, slack_client), settings.slack_signing_secret))
    if settings.teams_enabled:
        from bot.core.router import Conversation
        from bot.state.subscriptions import SubscriptionStore
        from bot.teams.adapter import mount_teams

        conversation = Conversation(core, subscriptions=SubscriptionStore(store.db))
        mounts.append(mount_teams(settings, conversation, store, token_provider_factory=token_provider_factory))
    return mounts


def web_app(settings: Settings, core: Core, store: Store, slack_client: WebClient | None = None,
            token_provider_factory: TokenProviderFactory | None = None, readiness=None) -> FastAPI:
    """The web app of `beslut serve`: the platforms configured in ``settings``. ``slack_client`` and
    ``token_provider_factory`` replace the Slack Web API client and the Bot Connector token source (tests);
    ``readiness`` (a LiveCore) answers GET /readyz (without it the app is ready as soon as it runs)."""
    from bot.core.metrics import registry
    from bot.web import create_app

    unreachable = database_unreachable(store)

    def ready() -> tuple[bool, str | None]:
        if unreachable():  # first: a server that cannot be reached looks like a schema to migrate otherwise
            return False, "database_unreachable"
        behind = store.db.behind()
        if behind:
            return False, "schema_behind"
        if readiness is not None and not readiness.ready:
            return False, readiness.reason
        return True, None

    return create_app(web_mounts(settings, core, store, slack_client, token_provider_factory), ready=ready,
                      metrics=registry(service_state(store, core)))


def database_unreachable(store: Store) -> Callable[[], bool]:
    """Whether the database cannot be reached now (a stopped PostgreSQL, a wrong host, an unreadable SQLite file):
    a connection is opened and given back at each call. A change is logged once, with the error's type only."""
    from sqlalchemy.exc import SQLAlchemyError

    said: list[bool] = [False]

    def unreachable() -> bool:
        try:
            with store.db.read():
                pass
        except SQLAlchemyError as e:
            if not said[0]:
                log.warning("not ready (database_unreachable: %s)", type(e).__name__)
            said[0] = True
            return True
        if said[0]:
            log.info("the database can be reached again")
        said[0] = False
        return False

    return unreachable


SYNC_JOB = "sync"  # its name in the job_runs table (bot/state/job_runs.py)


def service_state(store: Store, core: Core | LiveCore | None) -> Callable[[], ServiceState]:
    """What GET /metrics reads at each scrape: the index the web process answers from, and from the
    database when the worker last synced and posted a digest, and what failed."""
    from bot.core.metrics import ServiceState
    from bot.digest.ledger import DigestLedger
    from bot.state.job_runs import JobRuns
    from bot.state.notifications import NotificationLedger, NotificationStatus

    ledger, runs, notifications = DigestLedger(store.db), JobRuns(store.db), NotificationLedger(store.db)
    failed = {NotificationStatus.FAILED.value, NotificationStatus.UNCERTAIN.value}

    def read() -> ServiceState:
        digest = ledger.health()
        notify_failures = sum(n for by_status in notifications.counts().values()
                              for status, n in by_status.items() if status in failed)
        return ServiceState(index_chunks=index_chunks(core), last_sync=runs.last_success(SYNC_JOB),
                            last_digest=digest.last_posted, digest_failures=digest.failures,
                            notify_failures=notify_failures)

    return read


def index_chunks(core: Core | LiveCore | None) -> int | None:
    """Chunks in the vector index ``core`` answers from (None: not loaded yet, or a core without an index)."""
    if isinstance(core, LiveCore):
        if not core.ready:
            return None
        core = core.current
    retriever = getattr(core, "retriever", None)  # a Beslut's; test doubles have none
    index = getattr(retriever, "index", None)
    return len(index) if index is not None else None
