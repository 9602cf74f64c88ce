"""``Wiring``: what the CLI's commands run on (the port in bot/cli/ports.py), built from one Settings."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from bot.compose.chat import digest_builder, digest_targets, notify_publishers, topic_answers
from bot.compose.knowledge import (case_core, index_store, load_embedder, migrate, open_core, open_store,
                                   sync_sources, update_index)
from bot.compose.web import SYNC_JOB, check_web_settings, slack_bolt_app, web_app
from bot.core.live import LiveCore
from bot.core.ports import Publisher
from bot.core.service import Beslut
from bot.settings import Settings
from embeddings.dense.build import UpdateStats
from embeddings.errors import BeslutError, ConfigError
from embeddings.store import Store

if TYPE_CHECKING:
    from pathlib import Path

    from bot.compose.worker import ServiceWorker
    from bot.core.follow import Subscription
    from bot.core.results import Digest, DigestOutcome, NotifyReport
    from bot.digest.builder import DigestBuilder
    from embeddings.backup import BackupReport
    from embeddings.sync.run import SyncReport

log = logging.getLogger(__name__)


class Wiring:
    """What the CLI's commands run on, built on first use from one Settings (bot/cli/ports.py)."""

    def __init__(self, settings: Settings, embedder=None) -> None:
        self.settings = settings
        if embedder is not None:  # a test embedder instead of the model Settings names
            self.embedder = embedder

    @cached_property
    def store(self) -> Store:
        return open_store(self.settings)

    def close(self) -> None:
        """Close the store if it was opened (its pooled connections: the database file, its WAL). Cores
        handed out by ``core`` and ``case_core`` are their callers' to close."""
        store = self.__dict__.pop("store", None)
        if store is not None:
            store.close()

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
        """A core with the model and the index, the caller's to close (``Beslut.close``)."""
        return open_core(self.settings, self.embedder, self.store)

    def sync(self, sources: list[str] | None = None, since: dt.date | None = None, dry_run: bool = False,
             progress: Callable[[int, int], None] = lambda done, total: None) -> SyncReport:
        """Fetch new and changed meetings from ``sources`` (default BESLUT_SOURCES) into the store. A run that
        read every site's list is recorded as the last sync (GET /metrics), one that did not as a failure."""
        from bot.state.job_runs import JobRuns

        try:
            report = sync_sources(self.settings, self.store, sources, since, dry_run, progress)
        except BeslutError:
            raise  # bad arguments or settings: nothing was tried
        except Exception:
            if not dry_run:
                JobRuns(self.store.db).record(SYNC_JOB, ok=False)
            raise
        if not dry_run:
            JobRuns(self.store.db).record(SYNC_JOB, ok=not any(f.meeting is None for f in report.failed))
        return report

    def case_core(self) -> Beslut:
        return case_core(self.settings, self.store)

    def digest_builder(self, tz) -> DigestBuilder:
        return digest_builder(self.settings, self.store, tz)

    def digest_targets(self, channel: str | None = None) -> list[tuple[Publisher, str]]:
        return digest_targets(self.settings, self.store, channel)

    def _week(self, week: str | None, now: dt.datetime):
        from bot.core.week import IsoWeek, previous_complete_week, zone

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

        opened: list[Beslut] = []

        def open_core() -> Beslut:  # a topic needs the index as the store is now
            if self.index_behind():
                self.update_index()
            opened.append(self.core())
            return opened[-1]

        try:
            return run_notify(self.store, self.case_core().hit, topic_answers(open_core),
                              notify_publishers(self.settings, self.store) if publishers is None else publishers,
                              dt.datetime.now(dt.timezone.utc), dry_run, command_name(self.settings))
        finally:  # the worker notifies every few minutes: each run's index is released as it ends
            for core in opened:
                core.close()

    def subscriptions(self) -> tuple[list[Subscription], dict[str, dict[str, int]]]:
        """Every subscription, and its notifications counted by status (`beslut subscriptions`)."""
        from bot.state.notifications import NotificationLedger
        from bot.state.subscriptions import SubscriptionStore

        return SubscriptionStore(self.store.db).all(), NotificationLedger(self.store.db).counts()

    def live_subscriptions(self) -> int:
        from bot.state.subscriptions import SubscriptionStore

        return SubscriptionStore(self.store.db).live_count()

    def backup(self, target: Path) -> BackupReport:
        """`beslut backup FILE`: the SQLite database (store and chat state), copied online and atomically.
        The store is not opened (so not migrated): the copy is the database as the running processes use it."""
        if self.settings.database_url:
            raise ConfigError("backup_needs_sqlite")
        from embeddings.backup import backup_sqlite

        return backup_sqlite(self.settings.store_path, target)

    def worker(self) -> ServiceWorker:
        from bot.compose.worker import ServiceWorker  # the worker is built on a Wiring

        return ServiceWorker(self)

    def serve(self, host: str, port: int | None, socket_mode: bool) -> None:
        """`beslut serve`: settings checked and the port taken first (a port in use is a Danish message before
        the model loads); then the model loads, and the app answers while the index loads in the background
        (GET /readyz says when it has). The web process never migrates the schema or writes vectors: while
        the schema is behind or there is no index it waits, and says why."""
        check_web_settings(self.settings, socket_mode)
        if socket_mode:  # pragma: no cover - needs Slack
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            store, core = self._live_core()
            try:
                SocketModeHandler(slack_bolt_app(self.settings, core, store),
                                  app_token=self.settings.slack_app_token).start()
            finally:
                core.close()
                store.close()
            return
        import uvicorn
        from uvicorn.config import STARTUP_FAILURE

        from bot.web import listening_socket

        port = self.settings.port if port is None else port
        with listening_socket(host, port) as sock:
            store, core = self._live_core()
            try:
                # One uvicorn process (workers=1: the model is loaded once); concurrency comes from threads. Its
                # logs go through the CLI's one configuration (log_config=None; bot/cli/logs.py); no access log:
                # the router logs each message's ids, outcome and latency, and refusals are logged by their route.
                server = uvicorn.Server(uvicorn.Config(
                    web_app(self.settings, core, store, readiness=core), host=host, port=port, workers=1,
                    log_level="info", log_config=None, access_log=False, proxy_headers=True, server_header=False))
                log.info("web process listening on %s port %d", host, sock.getsockname()[1])
                server.run(sockets=[sock])
            finally:  # the server has stopped: no request answers from them any more
                core.close()
                store.close()
        if not server.started:  # as uvicorn.run ends a start that failed (its log says why)
            raise SystemExit(STARTUP_FAILURE)

    def _live_core(self) -> tuple[Store, LiveCore]:
        """The store (not migrated) and a LiveCore loading the index in the background; the model is loaded
        first, so a broken model stops the start."""
        store = open_store(self.settings, migrate=False)
        embedder = self.embedder
        return store, LiveCore(lambda: open_core(self.settings, embedder, store, build_missing=False), store,
                               background=True)
