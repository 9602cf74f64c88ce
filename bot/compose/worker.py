"""``ServiceWorker``: `beslut worker`, the one process that syncs, indexes, notifies and posts digests."""
from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from bot.compose.chat import notify_publishers
from bot.compose.wiring import Wiring
from bot.core.ports import Publisher
from embeddings.errors import ConfigError

if TYPE_CHECKING:
    from bot.core.results import NotifyReport
    from embeddings.sync.run import SyncReport

log = logging.getLogger(__name__)


SYNC_LEASE = dt.timedelta(hours=2)  # a worker that dies mid-sync blocks the next one at most this long
NOTIFY_LEASE = dt.timedelta(minutes=30)
NOTIFY_MINUTES = 15  # the worker also notifies this often: retries, and minutes read in by `beslut ingest`


class ServiceWorker:
    """`beslut worker` (Procfile `worker`): the sync on BESLUT_SYNC_CRON and before each weekly digest, one
    worker at a time (a lease in the database), followed by the index and the notifications to followers;
    the notifications also every NOTIFY_MINUTES (retries, and minutes `beslut ingest` read in); the weekly
    digest on its cron."""

    def __init__(self, wiring: Wiring) -> None:
        from bot.core.week import zone
        from bot.digest.worker import DigestWorker, parse_cron

        self.wiring = wiring
        settings = wiring.settings
        self.tz = zone(settings.timezone)
        self.sync_trigger = parse_cron(settings.sync_cron, self.tz, "BESLUT_SYNC_CRON") if settings.sources else None
        targets = wiring.digest_targets() if (settings.digest_channel or settings.digest_teams_conversations) else []
        self.publishers = notify_publishers(settings, wiring.store)
        self.notify_minutes = NOTIFY_MINUTES
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
            scheduler.add_job(self.notify, "interval", minutes=self.notify_minutes, id="notify", coalesce=True,
                              max_instances=1, replace_existing=True)
        if self.digest is not None:
            self.digest.boot()
            self.digest.schedule(scheduler)
        scheduler.start()
