"""Keep the store current from FirstAgenda publication sites: fetch what is new or may still change.

Per site: read its list of meetings; fetch the meetings not stored yet, and those stored that may still
change (the site did not call them concluded, or they have no decision yet, or they were held within
``recheck_days``); store each whole meeting in one transaction, unless its content is unchanged.

- One failing meeting never stops the others: it is reported, and fetched again by the next run (it was
  not stored, or it still may change).
- A site whose list cannot be read changes nothing, and the others go on.
- A meeting that is no longer listed stays in the store (it is reported as vanished and logged).
- Only new or changed punkter are embedded again afterwards: the index reuses vectors by content hash.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace

from embeddings.errors import BeslutError
from embeddings.ingest.firstagenda import minutes_from_document
from embeddings.minutes import Minutes
from embeddings.store import Store
from embeddings.sync.client import SiteClient
from embeddings.sync.site import SiteMeeting, committees_url, meeting_url, parse_committees

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncOptions:
    today: dt.date
    since: dt.date | None = None  # meetings held before this are not fetched (a first backfill's limit)
    recheck_days: int = 60  # stored meetings held this recently are fetched again
    dry_run: bool = False  # list what would be fetched; fetch and store nothing
    concurrency: int = 2  # meetings fetched at once, per run


@dataclass(frozen=True)
class Failure:
    source: str  # the site's base URL
    meeting: str | None  # the meeting's id; None when the site's list itself failed
    error: BeslutError


@dataclass(frozen=True)
class SyncReport:
    sources: tuple[str, ...]
    new: tuple[str, ...] = ()  # meeting ids stored for the first time
    changed: tuple[str, ...] = ()  # meeting ids stored again with other content
    unchanged: tuple[str, ...] = ()  # fetched, same content: nothing stored
    failed: tuple[Failure, ...] = ()
    planned: tuple[tuple[str, SiteMeeting], ...] = ()  # what was (or, in a dry run, would be) fetched
    vanished: tuple[tuple[str, str], ...] = ()  # (source, meeting id) stored but no longer listed
    requests: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.new or self.changed)


@dataclass
class _Tally:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    planned: list[tuple[str, SiteMeeting]] = field(default_factory=list)
    vanished: list[tuple[str, str]] = field(default_factory=list)


def sync(store: Store, sources: Sequence[str], client: SiteClient, options: SyncOptions,
         progress: Callable[[int, int], None] = lambda done, total: None) -> SyncReport:
    tally = _Tally()
    plans: list[tuple[str, SiteMeeting]] = []
    for base in sources:
        plans += _plan(store, base, client, options, tally)
    tally.planned = plans
    if not options.dry_run and plans:
        _fetch_and_store(store, plans, client, options, tally, progress)
    return SyncReport(tuple(sources), tuple(tally.new), tuple(tally.changed), tuple(tally.unchanged),
                      tuple(tally.failed), tuple(tally.planned), tuple(tally.vanished), client.requests)


def _plan(store: Store, base: str, client: SiteClient, options: SyncOptions, tally: _Tally
          ) -> list[tuple[str, SiteMeeting]]:
    """The meetings of ``base`` to fetch; a site whose list fails is reported and skipped."""
    try:
        listed = parse_committees(client.get_json(committees_url(base)), committees_url(base))
    except BeslutError as e:
        log.info("sync: the meeting list of %s could not be read (%s)", base, e.code)
        tally.failed.append(Failure(base, None, e))
        return []
    stored = store.published(base)
    ids = {m.id for m in listed}
    for mid in sorted(set(stored) - ids):
        log.warning("sync: meeting %s is no longer listed by %s; it stays in the store", mid, base)
        tally.vanished.append((base, mid))
    recheck_from = options.today - dt.timedelta(days=options.recheck_days)
    out = []
    for m in listed:
        if options.since and m.date and m.date < options.since:
            continue
        known = stored.get(m.id)
        if known is None or not known.concluded or not known.decided or known.date >= recheck_from:
            out.append((base, m))
    return out


def _fetch_and_store(store: Store, plans: list[tuple[str, SiteMeeting]], client: SiteClient,
                     options: SyncOptions, tally: _Tally, progress: Callable[[int, int], None]) -> None:
    def fetch(base: str, m: SiteMeeting) -> Minutes:
        url = meeting_url(base, m.id)
        return minutes_from_document(client.get_json(url), url, source_url=base)

    with ThreadPoolExecutor(max(1, options.concurrency), thread_name_prefix="sync") as pool:
        futures = {pool.submit(fetch, base, m): (base, m) for base, m in plans}
        for done, future in enumerate(as_completed(futures), 1):
            base, m = futures[future]
            try:
                minutes = future.result()
                _store(store, base, m, minutes, tally)  # stored here, in one thread, a meeting at a time
            except BeslutError as e:
                log.info("sync: meeting %s of %s failed (%s)", m.id, base, e.code)
                tally.failed.append(Failure(base, m.id, e))
            progress(done, len(plans))


def _store(store: Store, base: str, m: SiteMeeting, minutes: Minutes, tally: _Tally) -> None:
    if minutes.meeting.source_id is None:  # the document names no id: use the one the list gave
        meeting = replace(minutes.meeting, source_id=m.id)
        minutes = Minutes(meeting, tuple(replace(p, meeting=meeting) for p in minutes.punkter))
    sha = content_identity(minutes)
    path = meeting_url(base, m.id)
    if store.source_known(sha):
        tally.unchanged.append(m.id)
        return
    replaced = store.replace_minutes(minutes, path, sha)
    (tally.changed if replaced else tally.new).append(m.id)


def content_identity(minutes: Minutes) -> str:
    """sha256 of what a meeting publishes (content, ids, links), not of the bytes: a site that changes
    only a timestamp in its JSON does not make the meeting "changed". A punkt is named by its number, or by
    its label when it has a suffix ("3a"): a renumbered sub-punkt changes the meeting, and the identities of
    meetings stored before suffixes were read stay as they were."""
    m = minutes.meeting
    payload = [m.committee, m.date.isoformat(), m.start_time.isoformat() if m.start_time else None, m.location,
               list(m.participants), m.source_url, m.source_id, m.concluded,
               [[p.label if p.suffix else p.number, p.raw_title, p.content_hash, p.source_id, [[a.name, a.source_id] for a in p.attachments]]
                for p in minutes.punkter]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()
