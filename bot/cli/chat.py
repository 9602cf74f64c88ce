"""`beslut serve`, `beslut worker`, `beslut digest`: the chat processes (Procfile `web` and `worker`).

Configuration is checked before anything slow happens (loading the model), so a missing secret is a clear
Danish message and a non-zero exit at start-up, not a failure on the first request.
"""
from __future__ import annotations

import argparse
import logging

from bot.cli.arguments import port_argument, week_argument
from bot.cli.ports import Wiring
from bot.core import messages
from bot.core.reply import digest_reply
from bot.core.results import DigestOutcome, DigestStatus

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="start webprocessen: Slack på POST /slack/events (Procfile 'web')")
    p.add_argument("--port", type=port_argument, metavar="PORT", help="port (standard: $PORT, ellers 3000)")
    p.add_argument("--host", default="0.0.0.0", metavar="ADRESSE", help="adresse (standard 0.0.0.0)")
    p.add_argument("--socket-mode", action="store_true",
                   help="Slack via Socket Mode uden offentlig URL (kræver SLACK_APP_TOKEN)")
    p.set_defaults(run=run_serve, service=True)  # service: beslut's INFO lines are logged (bot/cli/logs.py)
    p = sub.add_parser("worker", help="send ugens beslutninger efter planen (BESLUT_DIGEST_CRON, standard "
                                      "mandag 08:00) (Procfile 'worker')")
    p.set_defaults(run=run_worker, service=True)
    p = sub.add_parser("digest", help="send ugens beslutninger nu: beslut digest [--week 2024-W37] [--dry-run]")
    p.add_argument("--week", type=week_argument, metavar="UGE", help="ISO-uge, fx 2024-W37 (standard: sidste hele uge)")
    p.add_argument("--dry-run", action="store_true", help="vis beskeden uden at sende den eller skrive i loggen")
    p.add_argument("--channel", metavar="KANAL",
                   help="Slack-kanalens id, fx C0123456789, eller teams:<samtale-id> (i stedet for "
                        "BESLUT_DIGEST_CHANNEL og BESLUT_DIGEST_TEAMS)")
    p.add_argument("--force", action="store_true",
                   help="send igen, selv om loggen siger sendt eller uvist (se efter i kanalen først)")
    p.set_defaults(run=run_digest_command)


# --- web ---------------------------------------------------------------------------------------
def run_serve(args: argparse.Namespace, wiring: Wiring) -> int:
    wiring.serve(args.host, args.port, args.socket_mode)
    return 0


def run_worker(args: argparse.Namespace, wiring: Wiring) -> int:
    settings = wiring.settings
    worker = wiring.worker()
    # log lines, not prints: a worker's output is its log (JSON lines with BESLUT_LOG_FORMAT=json)
    if worker.targets:
        log.info("%s", messages.render("digest_worker_started", cron=settings.digest_cron, timezone=settings.timezone,
                                       targets=", ".join(f"{p.platform}:{t}" for p, t in worker.targets)))
    if settings.sources:
        log.info("%s", messages.render("sync_worker_started", cron=settings.sync_cron, timezone=settings.timezone,
                                       sources=", ".join(settings.sources)))
    if worker.publishers:
        log.info("%s", messages.render("notify_worker_started", platforms=", ".join(sorted(worker.publishers)),
                                       minutes=worker.notify_minutes))
    worker.run_forever()
    return 0


def run_digest_command(args: argparse.Namespace, wiring: Wiring) -> int:
    if args.dry_run:
        from bot.cli.render import reply_text

        print(reply_text(digest_reply(wiring.digest_preview(args.week))))
        return 0
    outcomes = wiring.post_digest(args.week, args.channel, args.force)
    for o in outcomes:
        print(outcome_line(o))
    return 1 if any(o.status in (DigestStatus.FAILED, DigestStatus.UNCERTAIN, DigestStatus.CLAIMED) and not o.in_flight
                    for o in outcomes) else 0


def outcome_line(o: DigestOutcome) -> str:
    week = o.week
    if o.in_flight:  # another run holds the claim and is sending now: nothing to do, and never --force
        return messages.render("digest_in_progress", channel=o.channel, week=week, claimed_at=o.claimed_at)
    if o.status is DigestStatus.CLAIMED:  # claimed by a run that died mid-post: it may have posted
        return messages.render("digest_interrupted", channel=o.channel, week=week, claimed_at=o.claimed_at,
                               target=o.channel)
    if o.status is DigestStatus.UNCERTAIN:  # a run (this or an earlier one) sent it and lost track of it
        return messages.render("digest_uncertain", channel=o.channel, week=week, target=o.channel)
    if o.already:
        return messages.render("digest_already", channel=o.channel, week=week, claimed_at=o.claimed_at,
                               status=messages.DIGEST_STATUS.get(o.status.value, o.status.value))
    if o.status is DigestStatus.POSTED:
        return messages.render("digest_posted", channel=o.channel, week=week, items=o.items)
    if o.status is DigestStatus.EMPTY:
        return messages.render("digest_empty_skipped", channel=o.channel, week=week)
    return messages.render("digest_failed", channel=o.channel, week=week)
