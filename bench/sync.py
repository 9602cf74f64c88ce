"""Sync benchmark: the whole Greve dump (373 meetings) served by the fake publication site on 127.0.0.1,
synced without indexing; then a second sync with nothing new.

    python -m bench.sync        # writes its section of docs/benchmarks.md

Needs ../shared/corpus/greve (skipped cleanly without it).
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bench.sections import write_section
from bot.settings import PROJECT_DIR
from embeddings.dense.build import build_or_update
from embeddings.store import Store
from embeddings.sync.client import SiteClient
from embeddings.sync.run import SyncOptions, sync

GREVE = PROJECT_DIR.parent / "shared" / "corpus" / "greve" / "firstagenda-greve-raw-json.tar.gz"
sys.path.insert(0, str(PROJECT_DIR / "tests"))  # the fake site and the hashing embedder the tests use


def main() -> int:
    if not GREVE.exists():
        print("../shared/corpus/greve is not beside the project: skipped", file=sys.stderr)
        return 0
    from fakes import HashingEmbedder
    from site_fakes import FakeSite

    site = FakeSite()
    with tempfile.TemporaryDirectory(prefix="beslut-sync-") as tmp, tarfile.open(GREVE) as tar:
        for member in tar.getmembers():
            if member.name.endswith(".json"):
                doc = json.load(tar.extractfile(member))
                site.add(doc, list_date=doc["Moede"]["Dato"])
        store = Store(Path(tmp) / "beslut.db")
        options = SyncOptions(dt.date(2026, 11, 30))
        rows = []
        for run in ("first (empty store)", "second (nothing new)"):
            client = SiteClient()
            t0 = time.perf_counter()
            report = sync(store, [site.url], client, options)
            seconds = time.perf_counter() - t0
            client.close()
            if run.startswith("first"):
                embedder = HashingEmbedder()
                index, _ = build_or_update([p for p in store.punkter() if not p.closed], embedder, store.fingerprint())
            else:
                _, stats = build_or_update([p for p in store.punkter() if not p.closed], embedder,
                                           store.fingerprint(), index)
            rows.append([run, f"{seconds:.1f} s", report.requests, len(report.new), len(report.changed),
                         len(report.unchanged), len(report.failed),
                         "-" if run.startswith("first") else stats.embedded_punkter])
        meetings, punkter = store.counts()
    site.close()
    table = ["| run | wall time | requests | new | changed | unchanged | failed | punkter embedded again |",
             "|---|---|---|---|---|---|---|---|"] + ["| " + " | ".join(map(str, r)) + " |" for r in rows]
    write_section("sync", "\n".join([
        "## Sync from a publication site (Greve)", "",
        f"`python -m bench.sync` on {dt.date.today()}: the 373 Greve meetings served by the test suite's fake "
        "FirstAgenda site on 127.0.0.1 (tests/site_fakes.py), synced into an empty store without the model "
        f"(indexing with the tests' hashing embedder only to count re-embedding). Stored: {meetings} meetings, "
        f"{punkter} punkter. Goal for the second run: nothing embedded again, under 400 requests.", "",
        *table, "",
        "The second run asks for the list of meetings and nothing else: every meeting is concluded, decided and "
        "older than BESLUT_SYNC_RECHECK_DAYS. Requests go two at a time (BESLUT_SYNC_CONCURRENCY); against a real "
        "site, latency rather than parsing bounds the first run."]))
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
