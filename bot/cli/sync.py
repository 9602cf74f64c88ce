"""`beslut sync`: keep the store (and the index) current from FirstAgenda publication sites."""
from __future__ import annotations

import argparse
import json
import sys

from bot.cli import render as render_text
from bot.cli.arguments import date_argument
from bot.cli.ports import Wiring
from bot.cli.progress import progress_bar
from bot.core.messages import render, user_message
from embeddings.sync.run import SyncReport


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="hent nye og ændrede møder fra FirstAgenda-publiceringssider "
                                    "(BESLUT_SOURCES) og opdatér søgeindekset")
    p.add_argument("sources", nargs="*", metavar="ADRESSE",
                   help="publiceringssidernes adresser, fx https://dagsordener.greve.dk (standard: BESLUT_SOURCES)")
    p.add_argument("--since", type=date_argument("--since"), metavar="ÅÅÅÅ-MM-DD",
                   help="hent kun møder fra denne dato og frem (til den første indlæsning)")
    p.add_argument("--dry-run", action="store_true", help="vis hvad der ville blive hentet, uden at hente det")
    p.add_argument("--no-index", action="store_true",
                   help="opdatér ikke søgeindekset bagefter (kør 'beslut index' senere)")
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(run=run_sync)


def run_sync(args: argparse.Namespace, wiring: Wiring) -> int:
    with progress_bar("sync", "møde") as progress:
        report = wiring.sync(args.sources or None, since=args.since, dry_run=args.dry_run, progress=progress)
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        print_report(report, args.dry_run)
    if report.changed_anything and not args.no_index and not args.dry_run and wiring.index_behind():
        with progress_bar() as progress:
            stats = wiring.update_index(progress=progress)
        print(render_text.index_summary(stats), file=sys.stderr if args.json else sys.stdout)
    if report.changed_anything and not args.dry_run:
        render_text.notify_hint(wiring.live_subscriptions())
    return 1 if report.failed else 0


def report_json(r: SyncReport) -> dict:
    """The documented JSON of a sync run (README "JSON output"); fields are only ever added."""
    return {"sources": list(r.sources), "new": len(r.new), "changed": len(r.changed), "unchanged": len(r.unchanged),
            "failed": [{"source": f.source, "meeting": f.meeting, "reason": user_message(f.error)} for f in r.failed],
            "requests": r.requests,
            "planned": [{"source": s, "meeting": m.id, "committee": m.committee,
                         "meeting_date": m.date.isoformat() if m.date else None} for s, m in r.planned],
            "vanished": [{"source": s, "meeting": m} for s, m in r.vanished]}


def print_report(r: SyncReport, dry_run: bool) -> None:
    for source, meeting in r.vanished:
        print(render("sync_vanished", source=source, meeting=meeting), file=sys.stderr)
    for f in r.failed:
        code = "sync_site_failed" if f.meeting is None else "sync_meeting_failed"
        print(render_text.printable(render(code, source=f.source, meeting=f.meeting, reason=user_message(f.error))),
              file=sys.stderr)
    sites = sum(f.meeting is None for f in r.failed)  # sites whose list of meetings could not be read
    if dry_run:  # what would be fetched
        for source, m in r.planned:
            print(render_text.printable(render("sync_planned", source=source, meeting=m.id, committee=m.committee,
                                               date=m.date.isoformat() if m.date else "?")))
        if not r.planned:
            print(render("sync_planned_none_failed" if sites else "sync_planned_none"))
        return
    print(render("sync_summary", meetings=len(r.planned), sources=", ".join(r.sources), new=len(r.new),
                 changed=len(r.changed), unchanged=len(r.unchanged),
                 failed=sum(f.meeting is not None for f in r.failed), requests=r.requests))
    if sites:
        print(render("sync_summary_sites", sites=sites, total=len(r.sources)))
