"""The composition root: Settings -> store, model, index, core, web app, publishers, digest worker.

Nothing else wires objects: the CLI, Slack, Teams and the digest receive what they need from here. ``main`` is
the `beslut` console script (pyproject) and ``python -m bot``.
"""
from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from bot.cli import main as cli
from bot.core.messages import render
from bot.core.ports import Publisher
from bot.core.service import Beslut, CoreOptions
from bot.settings import Settings
from embeddings.dense.build import UpdateStats, build_or_update
from embeddings.dense.vector_index import DirectoryIndex, VectorIndex
from embeddings.errors import BeslutError, ConfigError
from embeddings.search.calibration import calibration_for
from embeddings.search.retriever import Retriever
from embeddings.store import Store

from bot.core.live import LiveCore

if TYPE_CHECKING:
    from fastapi import FastAPI
    from slack_sdk import WebClient

    from bot.core.follow import Subscription
    from bot.core.results import Core, Digest, DigestOutcome, NotifyReport
    from bot.digest.builder import DigestBuilder
    from bot.digest.worker import DigestWorker
    from bot.teams.adapter import TokenProviderFactory
    from bot.web import Mount
    from embeddings.sync.run import SyncReport

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    return cli.run(argv, Wiring)


# --- the knowledge side ----------------------------------------------------------------------------
def load_embedder(settings: Settings):
    from embeddings.dense.encoder import load_embedder as load

    return load(settings.model, settings.model_cache_dir)


def index_kind(settings: Settings):
    from embeddings.dense.ann import IndexKind

    return IndexKind(settings.index_kind)


def index_workers(settings: Settings) -> int:
    """Processes for a big batch of embedding (BESLUT_INDEX_WORKERS; 0: one per core this process may use)."""
    import os

    return settings.index_workers or len(os.sched_getaffinity(0))


def index_store(settings: Settings, store: Store):
    """Where the vector index is kept: in the database with DATABASE_URL (web replicas build theirs from it),
    else as files in BESLUT_HOME/index."""
    if settings.database_url:
        from embeddings.dense.index_db import DatabaseIndex

        return DatabaseIndex(store.db, store, index_kind(settings))
    return DirectoryIndex(settings.index_dir)


def update_index(settings: Settings, store: Store, embedder, rebuild: bool = False,
                 note: Callable[[str], None] = lambda s: print(s, file=sys.stderr),
                 progress: Callable[[int, int], None] = lambda done, total: None,
                 ) -> tuple[VectorIndex, UpdateStats]:
    """Bring the index up to date with the store, embedding only new or changed punkter (on every core when
    there are many: embeddings/dense/parallel.py)."""
    saved = index_store(settings, store)
    previous = None if rebuild else saved.load(embedder.model_id)
    fingerprint = store.fingerprint()
    if previous is None:
        note(render("index_building", punkter=len(store.open_keys())))
    index, stats = build_or_update(store, embedder, fingerprint, previous, progress=progress,
                                   kind=index_kind(settings), workers=index_workers(settings))
    saved.save(index)
    log.info("index updated: %s", stats)
    return index, stats


def open_store(settings: Settings, migrate: bool = True) -> Store:
    """The minutes store: PostgreSQL at DATABASE_URL, else SQLite in BESLUT_HOME. The chat state lives in the
    same database (``store.db``). ``migrate=False``: the web process, which never changes the schema."""
    from embeddings.db import Database

    db = Database(settings.database_url, migrate) if settings.database_url else Database.sqlite(settings.store_path,
                                                                                                migrate)
    store = Store(db)
    for owner in schema_owners(settings)[1:]:  # every owner, not only the ones this command touches
        db.migrate(owner)
    return store


def schema_owners(settings: Settings) -> list:
    """Every owner of tables in the database: the minutes store, the chat state, the index (with DATABASE_URL)."""
    from bot.state import CHAT
    from embeddings.store import MINUTES

    owners = [MINUTES, CHAT]
    if settings.database_url:
        from embeddings.dense.index_db import INDEX

        owners.append(INDEX)
    return owners


def migrate(settings: Settings) -> dict[str, str | None]:
    """Apply every owner's migrations (`beslut migrate`); the revision each stands at afterwards."""
    store = open_store(settings)
    return {m.name: store.db.version(m) for m in schema_owners(settings)}


def core_options(settings: Settings) -> CoreOptions:
    return CoreOptions(settings.source_url_template, settings.today)


def open_core(settings: Settings, embedder=None, store: Store | None = None, build_missing: bool = True) -> Beslut:
    """A ready Beslut. A missing index is built from the store (documented), unless ``build_missing`` is
    off (the web process: only the worker writes vectors); a stale one is an error."""
    store = store or open_store(settings)
    if store.db.behind():
        raise BeslutError("schema_behind")
    embedder = embedder or load_embedder(settings)
    index = index_store(settings, store).load(embedder.model_id)
    if index is None:
        if not build_missing:
            raise BeslutError("index_missing")
        index, _ = update_index(settings, store, embedder)
    elif index.store_fingerprint != store.fingerprint():
        raise BeslutError("index_stale")
    retriever = Retriever(index, store.get_many, embedder, calibration_for(embedder.model_id))
    return Beslut(store, retriever, core_options(settings))


def case_core(settings: Settings, store: Store) -> Beslut:
    """A Beslut for case look-ups and digests: no model, no index, the same citations and source links."""
    return Beslut(store, None, core_options(settings))


def sync_sources(settings: Settings, store: Store, sources: list[str] | None = None, since: dt.date | None = None,
                 dry_run: bool = False, progress: Callable[[int, int], None] = lambda done, total: None,
                 ) -> SyncReport:
    from embeddings.sync.client import ClientOptions, SiteClient
    from embeddings.sync.run import SyncOptions, sync
    from embeddings.sync.site import normalise_base

    if sources:
        try:
            sources = [normalise_base(s) for s in sources]
        except ValueError as e:
            raise BeslutError("sync_source_invalid", value=str(e)) from None
    chosen = sources or list(settings.sources)
    if not chosen:
        raise ConfigError("sync_no_sources")
    client = SiteClient(ClientOptions())
    try:
        return sync(store, chosen, client, SyncOptions(settings.today_date(), since, settings.sync_recheck_days,
                                                       dry_run, settings.sync_concurrency), progress)
    finally:
        client.close()


# --- the web process -------------------------------------------------------------------------------
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
    from bot.web import create_app

    def ready() -> tuple[bool, str | None]:
        behind = store.db.behind()
        if behind:
            return False, "schema_behind"
        if readiness is not None and not readiness.ready:
            return False, readiness.reason
        return True, None

    return create_app(web_mounts(settings, core, store, slack_client, token_provider_factory), ready=ready)


# --- the digest --------------------------------------------------------------------------------------
def digest_targets(settings: Settings, store: Store, channel: str | None = None) -> list[tuple[Publisher, str]]:
    """Where the digest goes: BESLUT_DIGEST_CHANNEL (Slack) and BESLUT_DIGEST_TEAMS (Teams conversations).

    ``channel`` (--channel) replaces them with one target: a ledger key such as "slack:C0123456789" or
    "teams:19:…@thread.tacv2", or a bare Slack channel id.
    """
    if channel:
        platform, sep, rest = channel.partition(":")
        wanted = {platform: (rest,)} if sep and platform in ("slack", "teams") else {"slack": (channel,)}
    else:
        wanted = {"slack": (settings.digest_channel,) if settings.digest_channel else (),
                  "teams": settings.digest_teams_conversations}
    targets: list[tuple[Publisher, str]] = []
    if wanted.get("slack"):
        if not settings.slack_bot_token:
            raise ConfigError("slack_missing_config", names="SLACK_BOT_TOKEN")
        from bot.slack.publisher import SlackPublisher, web_client

        publisher = SlackPublisher(web_client(settings, retries=False))
        targets += [(publisher, c) for c in wanted["slack"]]
    if wanted.get("teams"):
        from bot.teams.publisher import teams_digest_targets

        targets += teams_digest_targets(settings.with_(digest_teams_conversations=tuple(wanted["teams"])), store)
    if not targets:
        raise ConfigError("digest_no_targets")
    return targets


# --- following: notifications ------------------------------------------------------------------------
def notify_publishers(settings: Settings, store: Store) -> dict[str, Publisher]:
    """Where notifications can go from this process: Slack with SLACK_BOT_TOKEN, Teams when configured."""
    publishers: dict[str, Publisher] = {}
    if settings.slack_bot_token:
        from bot.slack.publisher import SlackPublisher, web_client

        publishers["slack"] = SlackPublisher(web_client(settings, retries=False))
    if settings.teams_enabled:
        from bot.teams.publisher import TeamsPublisher

        publishers["teams"] = TeamsPublisher.from_settings(settings, store)
    return publishers


def topic_answers(open_core: Callable[[], Beslut]) -> Callable[[str, frozenset[str]], tuple[str, ...]]:
    """How a followed topic matches new punkter: ``ask`` restricted to them (bot/notify/match.py). The core
    (model, index) is opened on the first topic that has candidates, once per run."""
    core: list[Beslut] = []

    def answers(topic: str, uids: frozenset[str]) -> tuple[str, ...]:
        if not core:
            core.append(open_core())
        answer = core[0].ask(topic, k=max(1, len(uids)), within=uids)
        return () if answer.abstained else tuple(h.uid for h in answer.hits if h.uid)

    return answers


def digest_builder(settings: Settings, store: Store, tz) -> DigestBuilder:
    """Digest hits are built by the core, so citations and source links equal the answers'."""
    from bot.digest.builder import DigestBuilder

    return DigestBuilder(store, case_core(settings, store).hit, tz)


class Wiring:
    """What the CLI's commands run on, built on first use from one Settings (bot/cli/ports.py)."""

    def __init__(self, settings: Settings, embedder=None) -> None:
        self.settings = settings
        if embedder is not None:  # a test embedder instead of the model Settings names
            self.embedder = embedder

    @cached_property
    def store(self) -> Store:
        return open_store(self.settings)

    @cached_property
    def embedder(self):
        return load_embedder(self.settings)

    def migrate(self) -> dict[str, str | None]:
        return migrate(self.settings)

    def index_behind(self) -> bool:
        return index_store(self.settings, self.store).saved_fingerprint() != self.store.fingerprint()

    def update_index(self, rebuild: bool = False, progress: Callable[[int, int], None] = lambda d, t: None,
                     ) -> UpdateStats:
        return update_index(self.settings, self.store, self.embedder, rebuild, progress=progress)[1]

    def core(self) -> Beslut:
        return open_core(self.settings, self.embedder, self.store)

    def sync(self, sources: list[str] | None = None, since: dt.date | None = None, dry_run: bool = False,
             progress: Callable[[int, int], None] = lambda done, total: None) -> SyncReport:
        """Fetch new and changed meetings from ``sources`` (default BESLUT_SOURCES) into the store."""
        return sync_sources(self.settings, self.store, sources, since, dry_run, progress)

    def case_core(self) -> Beslut:
        return case_core(self.settings, self.store)

    def digest_builder(self, tz) -> DigestBuilder:
        return digest_builder(self.settings, self.store, tz)

    def digest_targets(self, channel: str | None = None) -> list[tuple[Publisher, str]]:
        return digest_targets(self.settings, self.store, channel)

    def _week(self, week: str | None, now: dt.datetime):
        from bot.digest.week import IsoWeek, previous_complete_week, zone

        tz = zone(self.settings.timezone)
        return (IsoWeek.parse(week) if week else previous_complete_week(now, tz)), tz

    def digest_preview(self, week: str | None) -> Digest:
        """``week``'s digest as it would be posted now (default: the last complete week); nothing recorded."""
        from bot.digest.ledger import DigestLedger

        now = dt.datetime.now(dt.timezone.utc)
        iso_week, tz = self._week(week, now)
        return self.digest_builder(tz)(iso_week, DigestLedger(self.store.db).last_cutoff(str(iso_week)), now)

    def post_digest(self, week: str | None, channel: str | None, force: bool) -> list[DigestOutcome]:
        """Post ``week``'s digest to the configured targets (or ``channel``) that have not had it."""
        from bot.digest.worker import run_digest

        now = dt.datetime.now(dt.timezone.utc)
        iso_week, tz = self._week(week, now)
        return run_digest(self.store, self.digest_builder(tz), self.digest_targets(channel), iso_week, now,
                          self.settings.digest_post_empty, force)

    def notify(self, dry_run: bool = False, publishers: dict[str, Publisher] | None = None) -> NotifyReport:
        """One notify pass (bot/notify/run.py): tell followers about new punkter, once."""
        from bot.notify.run import run_notify
        from bot.slack.app import command_name

        def open_core() -> Beslut:  # a topic needs the index as the store is now
            if self.index_behind():
                self.update_index()
            return self.core()

        return run_notify(self.store, self.case_core().hit, topic_answers(open_core),
                          notify_publishers(self.settings, self.store) if publishers is None else publishers,
                          dt.datetime.now(dt.timezone.utc), dry_run, command_name(self.settings))

    def subscriptions(self) -> tuple[list[Subscription], dict[str, dict[str, int]]]:
        """Every subscription, and its notifications counted by status (`beslut subscriptions`)."""
        from bot.state.notifications import NotificationLedger
        from bot.state.subscriptions import SubscriptionStore

        return SubscriptionStore(self.store.db).all(), NotificationLedger(self.store.db).counts()

    def live_subscriptions(self) -> int:
        from bot.state.subscriptions import SubscriptionStore

        return SubscriptionStore(self.store.db).live_count()

    def worker(self) -> ServiceWorker:
        return ServiceWorker(self)

    def serve(self, host: str, port: int | None, socket_mode: bool) -> None:
        """`beslut serve`: settings checked first; then the port opens while the model and the index load in
        the background (GET /readyz says when they have). The web process never migrates the schema or
        writes vectors: while the schema is behind or there is no index it waits, and says why."""
        check_web_settings(self.settings, socket_mode)
        store = open_store(self.settings, migrate=False)
        embedder = self.embedder  # loaded before the port opens: a broken model stops the start
        core = LiveCore(lambda: open_core(self.settings, embedder, store, build_missing=False), store,
                        background=True)
        if socket_mode:  # pragma: no cover - needs Slack
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            SocketModeHandler(slack_bolt_app(self.settings, core, store),
                              app_token=self.settings.slack_app_token).start()
            return
        import uvicorn

        # One uvicorn process (workers=1: the model is loaded once); concurrency comes from threads.
        uvicorn.run(web_app(self.settings, core, store, readiness=core), host=host,
                    port=self.settings.port if port is None else port, workers=1, log_level="info",
                    proxy_headers=True, server_header=False)


SYNC_LEASE = dt.timedelta(hours=2)  # a worker that dies mid-sync blocks the next one at most this long
NOTIFY_LEASE = dt.timedelta(minutes=30)
NOTIFY_MINUTES = 15  # the worker also notifies this often: retries, and minutes read in by `beslut ingest`


class ServiceWorker:
    """`beslut worker` (Procfile `worker`): the sync on BESLUT_SYNC_CRON and before each weekly digest, one
    worker at a time (a lease in the database), followed by the index and the notifications to followers;
    the notifications also every NOTIFY_MINUTES (retries, and minutes `beslut ingest` read in); the weekly
    digest on its cron."""

    def __init__(self, wiring: Wiring) -> None:
        from bot.digest.week import zone
        from bot.digest.worker import DigestWorker, parse_cron

        self.wiring = wiring
        settings = wiring.settings
        self.tz = zone(settings.timezone)
        self.sync_trigger = parse_cron(settings.sync_cron, self.tz, "BESLUT_SYNC_CRON") if settings.sources else None
        targets = wiring.digest_targets() if (settings.digest_channel or settings.digest_teams_conversations) else []
        self.publishers = notify_publishers(settings, wiring.store)
        if not targets and self.sync_trigger is None and not self.publishers:
            raise ConfigError("worker_nothing_to_do")
        self.digest = (DigestWorker(wiring.store, wiring.digest_builder(self.tz), targets,
                                    parse_cron(settings.digest_cron, self.tz), self.tz, settings.digest_post_empty,
                                    before=self.sync) if targets else None)

    @property
    def targets(self) -> list[tuple[Publisher, str]]:
        return self.digest.targets if self.digest else []

    def sync(self) -> SyncReport | None:
        """Sync every source and bring the index up to date; None when another worker is syncing now or
        there is nothing to sync from."""
        from bot.state.leases import Leases

        if not self.wiring.settings.sources:
            return None
        with Leases(self.wiring.store.db).hold("sync", SYNC_LEASE) as mine:
            if not mine:
                log.info("sync skipped: another worker is syncing")
                return None
            try:
                report = self.wiring.sync()
            except Exception:  # the scheduler must survive; the next run tries again
                log.exception("sync failed")
                return None
            log.info("sync: %d new, %d changed, %d unchanged, %d failed meetings, %d requests", len(report.new),
                     len(report.changed), len(report.unchanged), len(report.failed), report.requests)
            for f in report.failed:
                log.warning("sync: %s meeting %s failed (%s)", f.source, f.meeting, f.error.code)
            if self.wiring.index_behind():
                stats = self.wiring.update_index()
                log.info("index updated after sync: %s", stats)
        self.notify()
        return report

    def notify(self) -> NotifyReport | None:
        """Tell followers about new punkter (once: the ledger); None when another worker is notifying now or
        no chat platform is configured."""
        from bot.state.leases import Leases

        if not self.publishers:
            return None
        with Leases(self.wiring.store.db).hold("notify", NOTIFY_LEASE) as mine:
            if not mine:
                log.info("notify skipped: another worker is notifying")
                return None
            try:
                report = self.wiring.notify(publishers=self.publishers)
            except Exception:  # the scheduler must survive; the next run tries again
                log.exception("notify failed")
                return None
            log.info("notify: %d subscriptions, %d candidate punkter, %d messages", report.subscriptions,
                     report.candidates, len(report.outcomes))
            return report

    def run_forever(self) -> None:  # pragma: no cover - blocks; tests drive sync() and the digest worker
        from apscheduler.schedulers.blocking import BlockingScheduler

        scheduler = BlockingScheduler(timezone=self.tz)
        if self.sync_trigger is not None:
            scheduler.add_job(self.sync, self.sync_trigger, id="sync", coalesce=True, max_instances=1,
                              misfire_grace_time=3600, replace_existing=True)
        if self.publishers:
            scheduler.add_job(self.notify, "interval", minutes=NOTIFY_MINUTES, id="notify", coalesce=True,
                              max_instances=1, replace_existing=True)
        if self.digest is not None:
            self.digest.boot()
            self.digest.schedule(scheduler)
        scheduler.start()
