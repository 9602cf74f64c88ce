"""`beslut notify` and `beslut subscriptions`: notifications to followers, for operators."""
from __future__ import annotations

import argparse
import json
import sys

from bot.cli import render as render_text
from bot.cli.home import store_absent
from bot.cli.ports import Wiring
from bot.core.follow import Subscription
from bot.core.messages import SUBSCRIPTION_STATUS, followed, render
from bot.core.results import NotifyOutcome, NotifyReport, NotifyStatus


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("notify", help="giv dem, der følger sager og emner, besked om nye punkter (én gang)")
    p.add_argument("--dry-run", action="store_true", help="vis hvad der ville blive sendt, uden at sende det")
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(run=run_notify)
    p = sub.add_parser("subscriptions", help="vis alle, der følger sager og emner")
    p.add_argument("--json", action="store_true", help="skriv listen som JSON")
    p.set_defaults(run=run_subscriptions)


def run_notify(args: argparse.Namespace, wiring: Wiring) -> int:
    report = wiring.notify(dry_run=args.dry_run)
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        for o in report.outcomes:
            print(render_text.printable(outcome_line(o)),
                  file=sys.stdout if o.status in (NotifyStatus.SENT, NotifyStatus.WOULD_SEND) else sys.stderr)
        print(render("notify_summary", subscriptions=report.subscriptions, candidates=report.candidates,
                     messages=sum(o.status in (NotifyStatus.SENT, NotifyStatus.WOULD_SEND) for o in report.outcomes),
                     verb="ville blive sendt" if report.dry_run else "sendt"))
    trouble = (NotifyStatus.FAILED, NotifyStatus.PAUSED, NotifyStatus.UNCERTAIN, NotifyStatus.NO_PLATFORM)
    return 1 if any(o.status in trouble for o in report.outcomes) else 0


def outcome_line(o: NotifyOutcome) -> str:
    sub = o.notification.subscription
    code = {NotifyStatus.SENT: "notify_sent", NotifyStatus.WOULD_SEND: "notify_would_send",
            NotifyStatus.FAILED: "notify_failed", NotifyStatus.PAUSED: "notify_paused",
            NotifyStatus.UNCERTAIN: "notify_uncertain", NotifyStatus.NO_PLATFORM: "notify_no_platform"}[o.status]
    return render(code, owner=sub.owner.key, what=followed(sub.kind, sub.query), target=sub.owner.target,
                  count=len(o.notification.hits) + o.notification.more, reason=o.reason or "",
                  platform=sub.owner.platform)


def report_json(r: NotifyReport) -> dict:
    """The documented JSON of `beslut notify --json` (README "JSON output"); fields are only ever added."""
    return {"dry_run": r.dry_run, "subscriptions": r.subscriptions, "candidates": r.candidates,
            "notifications": [{**subscription_json(o.notification.subscription), "outcome": o.status.value,
                               "reason": o.reason,
                               "punkter": [{**render_text.hit_json(h), "amended": h.uid in o.notification.amended}
                                           for h in o.notification.hits],
                               "more": o.notification.more} for o in r.outcomes]}


def subscription_json(s: Subscription, counts: dict[str, int] | None = None) -> dict:
    out = {"id": s.id, "platform": s.owner.platform, "owner_kind": s.owner.kind.value, "owner_id": s.owner.id,
           "target": s.owner.target, "kind": s.kind.value, "query": s.query, "status": s.status.value,
           "created_at": s.created_at, "created_by": s.created_by, "checked_until": s.checked_until,
           "paused_reason": s.paused_reason}
    if counts is not None:
        out["notifications"] = counts
    return out


def run_subscriptions(args: argparse.Namespace, wiring: Wiring) -> int:
    subs, counts = ([], {}) if store_absent(wiring.settings) else wiring.subscriptions()
    if args.json:
        print(json.dumps([subscription_json(s, counts.get(s.id, {})) for s in subs], ensure_ascii=False, indent=2))
        return 0
    if not subs:
        print(render("subscriptions_none"))
    for s in subs:
        status = SUBSCRIPTION_STATUS[s.status.value] + (f": {s.paused_reason}" if s.paused_reason else "")
        print(render_text.printable(render("subscription_line", id=s.id, owner=s.owner.key, target=s.owner.target,
                                           what=followed(s.kind, s.query), status=status,
                                           created=s.created_at[:16].replace("T", " "))))
    return 0
