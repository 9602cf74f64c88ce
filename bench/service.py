"""Service benchmark: a web replica builds its FAISS index from the vectors in PostgreSQL (DATABASE_URL)
instead of embedding anything. Goal: under 10 s for the Greve archive.

    python -m bench.service [--home DIR]   # writes its section of docs/benchmarks.md

DIR holds a Greve store (beslut.db) and its index built with the real model (index/; default
data/bench/greve, which `python -m bench.run` builds). The vectors are written to a throwaway PostgreSQL
database (tests/pg_server.py), then loaded back the way `beslut serve` loads them, three times: vectors from
PostgreSQL, the punkt table and BM25 built from the store (here the SQLite copy: the same rows).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

from bench.sections import write_section
from bot.settings import PROJECT_DIR
from embeddings.db import Database
from embeddings.dense.index_db import DatabaseIndex
from embeddings.dense.vector_index import VectorIndex
from embeddings.store import Store

sys.path.insert(0, str(PROJECT_DIR / "tests"))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.service")
    ap.add_argument("--home", type=Path, default=PROJECT_DIR / "data/bench/greve")
    args = ap.parse_args(argv)
    args.index = args.home / "index"
    manifest = args.index / "manifest.json"
    if not manifest.exists() or not (args.home / "beslut.db").exists():
        print(f"no store and index in {args.home}: run `python -m bench.run` first (it builds the Greve index)",
              file=sys.stderr)
        return 0
    model_id = json.loads(manifest.read_text())["model_id"]
    from pg_server import PgServer, new_database

    server = PgServer()
    try:
        source = VectorIndex.load(args.index, model_id)
        store = Store(args.home / "beslut.db")
        db = Database(new_database(server.admin))
        t0 = time.perf_counter()
        DatabaseIndex(db, store).save(source)
        save_s = time.perf_counter() - t0
        loads = []
        for _ in range(3):
            t0 = time.perf_counter()
            loaded = DatabaseIndex(Database(db.url.render_as_string(hide_password=False), migrate=False),
                                   store).load(model_id)
            loads.append(time.perf_counter() - t0)
        assert len(loaded) == len(source)
    finally:
        server.stop()
    rows = [["write all vectors (from a loaded index, so without the chunk texts a first build also stores)", f"{save_s:.1f} s"],
            ["load and build FAISS (a web replica), median of 3", f"{statistics.median(loads):.1f} s"]]
    table = ["| step | time |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]
    write_section("service", "\n".join([
        "## A web replica's start on PostgreSQL (Greve)", "",
        f"`python -m bench.service` on {dt.date.today()}: the Greve index ({len(source):,} chunks, "
        f"{source.dimension} dimensions, `{model_id}`) written to a throwaway PostgreSQL 15 on a Unix socket, then "
        "loaded as `beslut serve` loads it with DATABASE_URL (no embedding; the punkt table and BM25 from the "
        "store). Goal: under 10 s.", "", *table]))
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
