"""One notify pass (`beslut notify`, and the worker after each sync): tell every follower, once, about new
punkter with a decision that touch what they follow.

For each active subscription:

1. Candidates: open punkter with a decision whose content was stored after the subscription was made and
   after it was last checked (``checked_until``, less OVERLAP: a write transaction still open when the last
   pass looked commits with an earlier time stamp; the ledger makes looking twice harmless). Archive punkter
   stored before the subscription never notify.
2. Match them (bot/notify/match.py): case and prefix by journal number, a topic as ``ask`` restricted to them.
3. Claim them in the ledger (bot/state/notifications.py), with the subscription's failed rows: only rows this
   run claimed are sent, so restarts, two workers and re-ingesting a file never tell twice. Then advance
   ``checked_until``.
4. Render one message (bot/core/reply.py ``notification_reply``: the same items, escaping and citations as
   answers; at most MAX_ITEMS punkter, then "og N flere"; 'ændret' for a decision told before in another
   version), re-reading each punkt: one closed, changed again or gone since is skipped, never shown.
5. Publish through the platform's Publisher (the Slack user's DM, the Slack channel, the Teams conversation)
   and record the outcome: sent; failed (retried next run); the target gone for good (TargetGone: failed and
   the subscription paused, so it is not retried for ever); uncertain (never re-sent automatically).

A subscription whose platform has no publisher in this process is left as it is (nothing claimed) and
reported. ``dry_run`` matches and renders but claims, advances and sends nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import secrets
import socket
from collections.abc import Callable, Mapping, Sequence

from bot.core.follow import Subscription, command_prefix
from bot.core.ports import NotDelivered, Publisher, TargetGone
from bot.core.reply import notification_reply
from bot.core.results import Hit, Notification, NotifyOutcome, NotifyReport, NotifyStatus
from bot.notify.match import Answers, matching
from bot.state.notifications import Claimed, Match, NotificationLedger, NotificationStatus
from bot.state.subscriptions import SubscriptionStore
from embeddings.minutes import Punkt
from embeddings.store import Store, stamp

log = logging.getLogger(__name__)

MAX_ITEMS = 10  # punkter shown in one message; the rest are counted ("og N flere")
OVERLAP = dt.timedelta(minutes=10)  # how far back each pass looks again (see the module docstring)

_LEDGER_STATUS = {NotifyStatus.SENT: NotificationStatus.SENT, NotifyStatus.FAILED: NotificationStatus.FAILED,
                  NotifyStatus.PAUSED: NotificationStatus.FAILED, NotifyStatus.UNCERTAIN: NotificationStatus.UNCERTAIN}


def decision_hash(decision: str) -> str:
    return hashlib.sha256(decision.encode("utf-8")).hexdigest()


def run_notify(store: Store, hit: Callable[[Punkt], Hit], answers: Answers, publishers: Mapping[str, Publisher],
               now: dt.datetime, dry_run: bool = False, slash_command: str | None = None) -> NotifyReport:
    """One pass over every active subscription (module docstring). ``hit`` cites a stored punkt (the core's,
    so links equal the answers'); ``publishers`` by platform ("slack", "teams"); ``slash_command`` names
    Slack's command in the "how to stop" line."""
    subscriptions = SubscriptionStore(store.db)
    ledger = NotificationLedger(store.db)
    subs = subscriptions.active()
    if not subs:
        return NotifyReport(dry_run, 0, 0)
    until = stamp(now)
    since = {s.id: _since(s) for s in subs}
    changed = store.changed_between(min(since.values()), until)
    run = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    outcomes: list[NotifyOutcome] = []
    for sub in subs:
        publisher = publishers.get(sub.owner.platform)
        try:
            found = matching(sub, [c for c in changed if c.changed_at > since[sub.id]], answers)
            matches = [Match(c.punkt.uid, c.content_hash, decision_hash(c.punkt.decision or "")) for c in found]
            if dry_run:
                outcome = _preview(sub, matches, ledger, store, hit)
            elif publisher is None:
                outcome = _unsent(sub, matches, ledger, store, hit)
            else:
                claimed = ledger.claim(sub.id, matches, run, now)
                subscriptions.checked(sub.id, until)
                outcome = _send(sub, claimed, run, ledger, subscriptions, store, hit, publisher, slash_command)
        except Exception:  # one subscription's trouble (a broken topic, the index) must not stop the others
            log.exception("notify: subscription %s failed; nothing claimed for it, tried again next run", sub.id)
            continue
        if outcome is not None:
            outcomes.append(outcome)
    return NotifyReport(dry_run, len(subs), len(changed), tuple(outcomes))


def _since(sub: Subscription) -> str:
    if sub.checked_until is None:
        return sub.created_at
    back = stamp(dt.datetime.fromisoformat(sub.checked_until) - OVERLAP)
    return max(sub.created_at, back)


def _send(sub: Subscription, claimed: list[Claimed], run: str, ledger: NotificationLedger,
          subscriptions: SubscriptionStore, store: Store, hit: Callable[[Punkt], Hit], publisher: Publisher,
          slash_command: str | None) -> NotifyOutcome | None:
    shown, dropped = _cited(claimed, store, hit)
    ledger.finish(sub.id, run, dropped, NotificationStatus.SKIPPED, dt.datetime.now(dt.timezone.utc))
    if not shown:
        return None
    rows = [r for r, _ in shown]
    notification = _notification(sub, shown)
    reply = notification_reply(notification, f"{command_prefix(sub.owner, slash_command)}stop {sub.id}")
    status, reason = _publish(publisher, sub, reply)
    ledger.finish(sub.id, run, rows, _LEDGER_STATUS[status], dt.datetime.now(dt.timezone.utc), reason)
    if status is NotifyStatus.PAUSED:
        subscriptions.pause(sub.id, reason or "")
    return NotifyOutcome(notification, status, reason)


def _publish(publisher: Publisher, sub: Subscription, reply) -> tuple[NotifyStatus, str | None]:
    try:
        publisher.publish(sub.owner.target, reply)
    except TargetGone as e:
        log.warning("notify: subscription %s paused: %s %s is gone (%s)", sub.id, sub.owner.platform,
                    sub.owner.target, e.reason)
        return NotifyStatus.PAUSED, e.reason
    except NotDelivered as e:
        log.warning("notify: subscription %s -> %s not delivered; retried at the next run", sub.id, sub.owner.target)
        return NotifyStatus.FAILED, type(e).__name__ if not str(e) else str(e)[:200]
    except Exception:
        log.exception("notify: subscription %s -> %s: outcome unknown; NOT re-sent automatically", sub.id,
                      sub.owner.target)
        return NotifyStatus.UNCERTAIN, None
    log.info("notify: subscription %s -> %s %s sent", sub.id, sub.owner.platform, sub.owner.target)
    return NotifyStatus.SENT, None


def _cited(claimed: Sequence[Claimed], store: Store, hit: Callable[[Punkt], Hit],
           ) -> tuple[list[tuple[Claimed, Hit]], list[Claimed]]:
    """The claimed rows as cited now, oldest meeting first; rows whose punkt is gone, closed, changed again
    or without a verified decision are dropped (never shown)."""
    shown, dropped = [], []
    for r in claimed:
        p = store.get(r.punkt_uid)
        h = hit(p) if p is not None and not p.closed and p.content_hash == r.content_hash else None
        if h is None or not h.decision:
            dropped.append(r)
        else:
            shown.append((r, h))
    shown.sort(key=lambda rh: (rh[1].meeting_date, rh[1].committee.lower(), rh[1].item_number, rh[1].item_suffix))
    return shown, dropped


def _notification(sub: Subscription, shown: Sequence[tuple[Claimed, Hit]]) -> Notification:
    amended = frozenset(r.punkt_uid for r, _ in shown if r.amended)
    hits = tuple(h for _, h in shown)
    return Notification(sub, hits[:MAX_ITEMS], amended, max(0, len(hits) - MAX_ITEMS))


def _preview(sub: Subscription, matches: list[Match], ledger: NotificationLedger, store: Store,
             hit: Callable[[Punkt], Hit]) -> NotifyOutcome | None:
    """What a real run would send (nothing written): new matches not told, and failed rows to retry."""
    new, failed = ledger.unsent(sub.id, matches)
    rows = [Claimed(m.punkt_uid, m.content_hash, ledger.amended(sub.id, m.punkt_uid, m.content_hash)) for m in new]
    rows += [Claimed(uid, h, amended) for uid, h, amended in failed if (uid, h) not in
             {(m.punkt_uid, m.content_hash) for m in new}]
    shown, _ = _cited(rows, store, hit)
    return NotifyOutcome(_notification(sub, shown), NotifyStatus.WOULD_SEND) if shown else None


def _unsent(sub: Subscription, matches: list[Match], ledger: NotificationLedger, store: Store,
            hit: Callable[[Punkt], Hit]) -> NotifyOutcome | None:
    """A subscription whose platform is not configured here: reported, nothing claimed (the next run with a
    publisher sends it)."""
    preview = _preview(sub, matches, ledger, store, hit)
    return NotifyOutcome(preview.notification, NotifyStatus.NO_PLATFORM) if preview else None
