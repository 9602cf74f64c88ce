"""Posting the weekly digest exactly once per (week, channel), and the `worker` process's schedule.

``run_digest`` is the one way a digest goes out (worker, `beslut digest`, tests). The cron only wakes the
worker: correctness comes from the ledger, so the worker also ticks at boot (a missed Monday run is caught
up while its week lasts) and every 15 minutes (retrying posts the platform refused).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.core.results import Digest
from bot.core.week import IsoWeek
from embeddings.errors import ConfigError
from bot.core.ports import NotDelivered
from bot.core.results import DigestOutcome, DigestStatus
from bot.digest.ledger import DigestLedger
from bot.core.ports import Publisher
from bot.core.reply import digest_reply
from bot.state.subscriptions import SubscriptionStore
from embeddings.store import Store

log = logging.getLogger(__name__)

Build = Callable[[IsoWeek, "str | None", dt.datetime], Digest]  # (week, late_since, until) -> Digest
CATCH_UP_MINUTES = 15
# A claim older than this without an outcome belongs to a run that died mid-post (a post takes seconds;
# the platforms' timeouts are 30 s). Younger ones belong to a run still sending: never advise --force.
CLAIM_IN_FLIGHT = dt.timedelta(minutes=10)
_CRON = re.compile(r"\s*([a-z,\-]+)\s+(\d{1,2}):(\d{2})\s*")


def _already(w: str, row, target: str, now: dt.datetime) -> DigestOutcome:
    """The outcome for a (week, channel) another run has: done, or claimed and still in flight, or claimed
    by a run that died mid-post (then uncertain: it may have posted)."""
    in_flight = (row.status is DigestStatus.CLAIMED
                 and now - dt.datetime.fromisoformat(row.claimed_at) < CLAIM_IN_FLIGHT)
    return DigestOutcome(w, row.channel, target, row.status, row.items or 0, True, row.claimed_at, in_flight)


def channel_key(publisher: Publisher, target: str) -> str:
    return f"{publisher.platform}:{target}"


def run_digest(store: Store, build: Build, targets: Sequence[tuple[Publisher, str]], week: IsoWeek,
               now: dt.datetime, post_empty: bool = False, force: bool = False) -> list[DigestOutcome]:
    """Post ``week``'s digest to every target that has not had it; claim each (week, channel) first. A
    channel that follows cases gets a short "Sager I følger" section for those that moved that week.

    ``build`` is a DigestBuilder (or any function with its signature). ``force`` re-sends whatever the
    ledger says: only for an operator who checked the channel after an *uncertain* outcome.
    """
    ledger = DigestLedger(store.db)
    w = str(week)
    outcomes: list[DigestOutcome] = []
    pending: list[tuple[Publisher, str]] = []
    for publisher, target in targets:
        row = ledger.get(w, channel_key(publisher, target))
        if row is None or row.status is DigestStatus.FAILED or force:
            pending.append((publisher, target))
        else:
            outcomes.append(_already(w, row, target, now))
    if not pending:
        return outcomes
    digest = build(week, ledger.last_cutoff(w), now)
    reply = digest_reply(digest)
    items = sum(len(m.items) for m in digest.meetings)
    for publisher, target in pending:
        key = channel_key(publisher, target)
        if not ledger.claim(w, key, now, force=force):
            outcomes.append(_already(w, ledger.get(w, key), target, now))
            continue
        if digest.empty and not post_empty:
            ledger.finish(w, key, DigestStatus.EMPTY, now, 0)
            outcomes.append(DigestOutcome(w, key, target, DigestStatus.EMPTY))
            continue
        followed = SubscriptionStore(store.db).channel_cases(publisher.platform, target)
        status = _publish(publisher, target, digest_reply(digest, followed) if followed else reply, key, w)
        ledger.finish(w, key, status, dt.datetime.now(dt.timezone.utc), items if status is DigestStatus.POSTED else None)
        outcomes.append(DigestOutcome(w, key, target, status, items if status is DigestStatus.POSTED else 0))
    return outcomes


def _publish(publisher: Publisher, target: str, reply, key: str, week: str) -> DigestStatus:
    try:
        publisher.publish(target, reply)
    except NotDelivered as e:
        log.warning("digest %s -> %s not delivered (%s); retried at the next run", week, key, e)
        return DigestStatus.FAILED
    except Exception:
        log.exception("digest %s -> %s: outcome unknown; NOT reposted automatically. Check the channel; if the"
                      " digest is missing run: beslut digest --week %s --channel %s --force", week, key, week, key)
        return DigestStatus.UNCERTAIN
    log.info("digest %s -> %s posted", week, key)
    return DigestStatus.POSTED


# --- schedule ----------------------------------------------------------------------------------
def parse_cron(text: str, tz: ZoneInfo, name: str = "BESLUT_DIGEST_CRON") -> CronTrigger:
    """'mon 08:00' (APScheduler day_of_week, then HH:MM) as a cron in local time (DST-correct); ``name`` is
    the setting it came from, for the message."""
    m = _CRON.fullmatch(text.lower())
    try:
        if not m:
            raise ValueError(text)
        return CronTrigger(day_of_week=m.group(1), hour=int(m.group(2)), minute=int(m.group(3)), timezone=tz)
    except ValueError:
        raise ConfigError("digest_cron_invalid", text=text, name=name) from None


def last_fire(trigger: CronTrigger, now: dt.datetime) -> dt.datetime | None:
    """The latest time the cron fired at or before ``now``, looking back eight days."""
    fire, last = trigger.get_next_fire_time(None, now - dt.timedelta(days=8)), None
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
    return last


def due_week(trigger: CronTrigger, now: dt.datetime, tz: ZoneInfo) -> IsoWeek | None:
    """The week whose digest is due at ``now``: the week before the latest cron fire, while the fire's own
    week lasts (a worker booting Thursday catches up Monday's run; one booting Monday 07:00 waits)."""
    fired = last_fire(trigger, now)
    if fired is None or IsoWeek.of(fired.astimezone(tz).date()) != IsoWeek.of(now.astimezone(tz).date()):
        return None
    return IsoWeek.of(fired.astimezone(tz).date()).shifted(-1)


class DigestWorker:
    """The `worker` process: ticks at boot, at the cron, and every 15 minutes; each tick is idempotent."""

    def __init__(self, store: Store, build: Build, targets: Sequence[tuple[Publisher, str]], trigger: CronTrigger,
                 tz: ZoneInfo, post_empty: bool = False,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
                 before: Callable[[], None] = lambda: None) -> None:
        """``before`` runs once before a digest is built for targets that have not had it (the worker syncs
        there, so the digest holds what arrived)."""
        self.store, self.build, self.targets = store, build, list(targets)
        self.trigger, self.tz, self.post_empty, self.clock = trigger, tz, post_empty, clock
        self.before = before

    def tick(self) -> list[DigestOutcome]:
        now = self.clock()
        week = due_week(self.trigger, now, self.tz)
        if week is None:
            return []
        try:
            if self._pending(week):
                self.before()
            return run_digest(self.store, self.build, self.targets, week, now, self.post_empty)
        except Exception:  # the scheduler must survive (a locked or broken store, a bug): log, tick again later
            log.exception("digest tick for %s failed", week)
            return []

    def _pending(self, week: IsoWeek) -> bool:
        """Some target has not had ``week``'s digest (no ledger row, or a failed post)."""
        ledger = DigestLedger(self.store.db)
        rows = (ledger.get(str(week), channel_key(p, t)) for p, t in self.targets)
        return any(r is None or r.status is DigestStatus.FAILED for r in rows)

    def schedule(self, scheduler: BaseScheduler) -> BaseScheduler:
        scheduler.add_job(self.tick, self.trigger, id="digest", coalesce=True, max_instances=1,
                          misfire_grace_time=None, replace_existing=True)
        scheduler.add_job(self.tick, "interval", minutes=CATCH_UP_MINUTES, id="digest-catch-up", coalesce=True,
                          max_instances=1, replace_existing=True)
        return scheduler

    def boot(self) -> list[DigestOutcome]:
        """The tick at start-up: catches up a missed run, and warns about a post left claimed or uncertain
        (the previous worker died mid-post, or the platform never answered)."""
        outcomes = self.tick()
        for o in outcomes:
            if o.already and o.status in (DigestStatus.CLAIMED, DigestStatus.UNCERTAIN) and not o.in_flight:
                log.warning("digest %s -> %s is %s since %s: check the channel; if the digest is missing run:"
                            " beslut digest --week %s --channel %s --force", o.week, o.channel, o.status.value,
                            o.claimed_at, o.week, o.channel)
        return outcomes
