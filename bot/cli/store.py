"""`beslut ingest`, `beslut meetings`, `beslut show`, `beslut remove`: the punkt store from the command line."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path

from bot.cli import render as render_text
from bot.cli.home import require_store, store_absent
from embeddings.errors import BeslutError
from bot.core.messages import render, user_message
from bot.cli.ports import Wiring
from bot.cli.progress import progress_bar
from embeddings.ingest.files import FileStatus, ingest_paths
from embeddings.minutes import SUFFIX, split_label

# A punkt number has at most 9 digits: far above any agenda, far below SQLite's 64-bit integers (a longer
# one would overflow the query instead of being "no such punkt").
_MEETING = r"(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?"  # a day, and the start time when the committee met twice
_REF = re.compile(rf"{_MEETING}#([0-9]{{1,9}}(?i:{SUFFIX})?)")
_MEETING_REF = re.compile(_MEETING)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="læs referater (tekst, Markdown, HTML, PDF, FirstAgenda-JSON) ind")
    p.add_argument("paths", nargs="*", type=Path, metavar="STI",
                   help="filer eller mapper (standard: BESLUT_MINUTES, ellers de medfølgende referater)")
    p.add_argument("--no-index", action="store_true",
                   help="opdatér ikke søgeindekset bagefter (kør 'beslut index' senere)")
    p.set_defaults(run=run_ingest)
    p = sub.add_parser("migrate", help="opdatér databasens skema til denne version af beslut (før webprocessen "
                                       "genstartes ved en opgradering)")
    p.set_defaults(run=run_migrate)
    p = sub.add_parser("meetings", help="vis møderne i databasen")
    p.add_argument("--json", action="store_true", help="møderne som JSON (se README)")
    p.set_defaults(run=run_meetings)
    p = sub.add_parser("show", help="vis ét punkt: beslut show [udvalg] ÅÅÅÅ-MM-DD#N")
    p.add_argument("ref", nargs="+", metavar="PUNKT",
                   help="[udvalg] ÅÅÅÅ-MM-DD#N, fx 2024-09-11#4 (med mødets starttid, fx 2025-09-08T17:15#1, "
                        "når udvalget holdt to møder den dag)")
    p.add_argument("--json", action="store_true", help="punktet som JSON (se README)")
    p.set_defaults(run=run_show)
    p = sub.add_parser("remove", help="fjern ét møde og dets punkter: beslut remove [udvalg] ÅÅÅÅ-MM-DD --yes")
    p.add_argument("ref", nargs="+", metavar="MØDE",
                   help="[udvalg] ÅÅÅÅ-MM-DD, fx Chefforum 2024-09-11 (med mødets starttid, fx 2025-09-08T17:15, "
                        "når udvalget holdt to møder den dag)")
    p.add_argument("--yes", action="store_true", help="fjern det (uden: vis kun, hvad der ville blive fjernet)")
    p.add_argument("--no-index", action="store_true",
                   help="opdatér ikke søgeindekset bagefter (kør 'beslut index' senere)")
    p.set_defaults(run=run_remove)


def run_ingest(args: argparse.Namespace, wiring: Wiring) -> int:
    from tqdm import tqdm

    settings = wiring.settings
    paths = args.paths or [settings.minutes_dir]
    store = wiring.store
    report = ingest_paths(store, paths, progress=lambda files: tqdm(
        files, desc="ingest", unit="fil", disable=None if len(files) > 5 else True, file=sys.stderr),
        today=settings.today_date())
    for skipped in report.skipped:
        print(render_text.printable(user_message(skipped)), file=sys.stderr)
    if not report.outcomes:
        raise BeslutError("ingest_nothing", paths=", ".join(map(str, paths)))
    for o in report.outcomes:
        for problem in (*o.warnings, *([o.error] if o.error else [])):  # file names are foreign text too
            print(render_text.printable(user_message(problem)), file=sys.stderr)
    print(render("ingest_summary", files=len(report.outcomes), new=report.count(FileStatus.NEW),
                 changed=report.count(FileStatus.CHANGED), unchanged=report.count(FileStatus.UNCHANGED),
                 failed=report.count(FileStatus.FAILED), punkter=report.punkter, meetings=report.meetings))
    # The index follows the store, not this run's files: a run killed while indexing left the store ahead of
    # the index, and re-running the same ingest (every file unchanged) must still bring the index up.
    if not args.no_index and wiring.index_behind():
        with progress_bar() as progress:
            stats = wiring.update_index(progress=progress)
        print(render_text.index_summary(stats))
    if report.count(FileStatus.NEW) + report.count(FileStatus.CHANGED):
        render_text.notify_hint(wiring.live_subscriptions())
    return 1 if report.failed else 0


def run_migrate(args: argparse.Namespace, wiring: Wiring) -> int:
    for owner, version in wiring.migrate().items():
        print(render("migrated", owner=owner, version=version))
    return 0


def run_meetings(args: argparse.Namespace, wiring: Wiring) -> int:
    meetings = [] if store_absent(wiring.settings) else wiring.store.meetings()
    if args.json:
        print(json.dumps([{"committee": m.committee, "meeting_date": m.date.isoformat(), "location": m.location,
                           "items": m.punkter, "decisions": m.decisions, "source": m.source_path,
                           "start_time": m.start_time.strftime("%H:%M") if m.start_time else None}
                          for m in meetings], ensure_ascii=False, indent=2))
        return 0
    if not meetings:
        print(render("no_meetings"))
        return 0
    days = Counter((m.committee, m.date) for m in meetings)
    for m in meetings:
        print(render_text.meeting_line(m, met_twice=days[m.committee, m.date] > 1))
    return 0


def parse_ref(words: list[str]) -> tuple[str | None, dt.date, dt.time | None, str]:
    """["Chefforum", "2024-09-11#4"] -> ("Chefforum", date, None, "4"); committee names may have spaces. The
    punkt's label may carry a suffix: "2026-04-14#3a", "2026-04-14#5.1".

    ``2025-09-08T17:15#1`` names the meeting's start time, for a committee that met twice that day.
    """
    m = _REF.fullmatch(words[-1]) if words else None
    if not m:
        raise BeslutError("punkt_ref_invalid", ref=" ".join(words))
    if (when := _day_and_start(m)) is None:
        raise BeslutError("punkt_ref_invalid", ref=words[-1])
    return (" ".join(words[:-1]) or None), *when, m.group(3).lower()


def _day_and_start(m: re.Match) -> tuple[dt.date, dt.time | None] | None:
    """The day and start time a _MEETING match names; None when there is no such day or time ("2024-13-01")."""
    try:
        return dt.date.fromisoformat(m.group(1)), dt.time.fromisoformat(m.group(2)) if m.group(2) else None
    except ValueError:
        return None


def run_show(args: argparse.Namespace, wiring: Wiring) -> int:
    committee, date, start, label = parse_ref(args.ref)
    number, suffix = split_label(label)
    require_store(wiring.settings)
    found = wiring.store.get_punkt(date, number, committee, start, suffix)
    ref = " ".join(args.ref)
    if not found:
        raise BeslutError("punkt_unknown", ref=ref)
    if len({p.meeting.committee for p in found}) > 1:
        names = [p.meeting.committee for p in found]
        raise BeslutError("committee_ambiguous", ref=args.ref[-1], committees=", ".join(names), example=names[0])
    if len(found) > 1:
        times = [f"{date.isoformat()}T{p.meeting.start_time:%H:%M}#{label}" for p in found if p.meeting.start_time]
        raise BeslutError("meeting_ambiguous", ref=args.ref[-1], refs=", ".join(times))
    p = found[0]
    if args.json:
        print(json.dumps(render_text.punkt_json(p, wiring.case_core().hit(p)), ensure_ascii=False, indent=2))
    else:
        print(render_text.punkt_text(p, wiring.case_core().hit(p)))
    return 0


def run_remove(args: argparse.Namespace, wiring: Wiring) -> int:
    """One meeting out of the store (withdrawn from publication, read by mistake), then out of the index. Without
    --yes only what would go is shown. The web process stops citing its punkter at once: the retriever never
    shows a punkt the store no longer has, and the live core reloads when the store changes."""
    m = _MEETING_REF.fullmatch(args.ref[-1])
    if m is None or (when := _day_and_start(m)) is None:
        raise BeslutError("meeting_ref_invalid", ref=" ".join(args.ref))
    date, start = when
    committee = " ".join(args.ref[:-1]) or None
    ref = " ".join(args.ref)
    require_store(wiring.settings)
    that_day = wiring.store.meetings(held=date)
    found = [s for s in that_day if (committee is None or s.committee.casefold() == committee.casefold())
             and (start is None or s.start_time == start)]
    if not found:
        raise BeslutError("meeting_unknown", ref=ref)
    if len({s.committee for s in found}) > 1:
        names = sorted({s.committee for s in found})
        raise BeslutError("remove_committee_ambiguous", ref=args.ref[-1], committees=", ".join(names),
                          example=names[0])
    if len(found) > 1:
        raise BeslutError("meeting_ambiguous", ref=ref, refs=", ".join(
            f"{date.isoformat()}T{s.start_time:%H:%M}" for s in found if s.start_time))
    meeting = found[0]
    line = render_text.meeting_line(meeting, met_twice=sum(s.committee == meeting.committee for s in that_day) > 1)
    if not args.yes:
        print(render("remove_preview", ref=render_text.printable(ref), meeting=line))
        return 0
    wiring.store.remove_meeting(meeting.committee, meeting.date, meeting.start_time)
    print(render("removed", meeting=line))
    if not args.no_index and wiring.index_behind():
        with progress_bar() as progress:
            stats = wiring.update_index(progress=progress)
        print(render_text.index_summary(stats))
    print(render_text.printable(render("remove_comes_back")), file=sys.stderr)
    return 0
