"""The answerability decision on stores of one meeting (issue 15): the shipped word background against the
store's own.

    python -m bench.small_stores [--greve-meetings N]

A municipality starts with a few meetings, and so do small test stores. Each store here holds one meeting;
it is asked the questions whose right punkt is in it and, for the bundled minutes, every never-decided
question of the bundled sets. Two word backgrounds are compared on the same store and index: the one the
product ships (word_match.shipped_background) and, as before, first chunks of 16 punkter of the store
itself. Bundled: each of the five meetings. Greve: the N meetings most questions of bench/greve*.jsonl point
to (the raw JSON from ../shared/corpus/greve, the case numbers looked up in a Greve store, bench.quality's
GREVE_HOMES); skipped without them. Writes the "small-stores" section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
import tarfile
import tempfile
from pathlib import Path

from bench.quality import BUNDLED_SETS, GREVE_HOMES, GREVE_SETS, SHARED, Row, collect, load, table
from bench.sections import write_section
from bench.word_background import first_chunks
from bot.settings import PROJECT_DIR, Settings
from embeddings.search.answerability import Answerability, Tier, rule_for

GREVE_TAR = SHARED / "corpus/greve/firstagenda-greve-raw-json.tar.gz"
TODAY = dt.date(2026, 11, 30)


def one_store(work: Path, name: str, paths: list[Path], questions: list[dict], embedder) -> dict[str, list[Row]]:
    """Rows per background for ``questions`` asked of a store of ``paths``."""
    from bot.compose import open_core
    from embeddings.dense.word_match import ContextualWordMatcher
    from embeddings.ingest.files import ingest_paths
    from embeddings.store import Store

    settings = Settings(home=work / name, model_cache=PROJECT_DIR / "data/models")
    store = Store(settings.store_path)
    ingest_paths(store, paths)
    core = open_core(settings, embedder=embedder, store=store)
    qfile = settings.home / "questions.jsonl"
    qfile.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in questions), encoding="utf-8")
    shipped = core.retriever.answerability
    out = {"shipped": collect(core, "shipped", qfile, TODAY)}
    own = ContextualWordMatcher(embedder, first_chunks(store))
    core.retriever.answerability = Answerability(shipped.rule, own)
    out["own"] = collect(core, "own", qfile, TODAY)
    return out


def bundled(work: Path, embedder) -> dict[str, list[Row]]:
    questions = [d for path in BUNDLED_SETS.values() if path.is_file() for d in load(path)]
    rows: dict[str, list[Row]] = {"shipped": [], "own": []}
    for path in sorted((PROJECT_DIR / "data/referater").iterdir()):
        date = path.stem.split("-", 1)[1]
        mine = [d for d in questions if not d["expect"] or any(e.startswith(date) for e in d["expect"])]
        for k, v in one_store(work, path.stem, [path], mine, embedder).items():
            rows[k] += v
    return rows


def greve(work: Path, embedder, meetings: int) -> tuple[dict[str, list[Row]], int] | None:
    db_path = next((h / "beslut.db" for h in GREVE_HOMES if (h / "beslut.db").is_file()), None)
    if db_path is None or not GREVE_TAR.is_file():
        return None
    with tarfile.open(GREVE_TAR) as tar:
        tar.extractall(work / "raw", filter="data")
    raw = {p.name: p for p in (work / "raw").rglob("*.json")}
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    by_meeting: dict[str, list[dict]] = {}
    for path in GREVE_SETS.values():
        for d in load(path):
            if not d["cases"]:
                continue
            hit = db.execute("SELECT m.source_path FROM punkter p JOIN meetings m ON m.id = p.meeting_id WHERE "
                             f"p.journal IN ({','.join('?' * len(d['cases']))}) ORDER BY m.date LIMIT 1",
                             d["cases"]).fetchone()
            if hit and Path(hit[0]).name in raw:
                by_meeting.setdefault(Path(hit[0]).name, []).append(d)
    rows: dict[str, list[Row]] = {"shipped": [], "own": []}
    chosen = sorted(by_meeting, key=lambda m: (-len(by_meeting[m]), m))[:meetings]
    for n, name in enumerate(chosen):
        for k, v in one_store(work, f"greve{n}", [raw[name]], by_meeting[name], embedder).items():
            rows[k] += v
    return rows, len(chosen)


def report(parts: dict[str, dict[str, list[Row]]], decide, rule) -> str:
    out = []
    for corpus, by_background in parts.items():
        for background, rows in by_background.items():
            ans = [r for r in rows if r.answerable]
            none = [r for r in rows if not r.answerable]
            first = [r for r in ans if r.rank == 1]
            kept = sum(r.tier(decide, rule) is Tier.ANSWER for r in first)
            declined = sum(r.tier(decide, rule) is not Tier.ANSWER for r in none)
            out.append([corpus, "shipped (the product)" if background == "shipped" else "the store's own",
                        f"{kept}/{len(first)}", f"{declined}/{len(none)}" if none else "–"])
    return "\n".join([
        "## The decision on stores of one meeting (issue 15)", "",
        f"Written by `python -m bench.small_stores` on {dt.date.today()}.", "",
        "One store per meeting, asked the questions whose right punkt is in it (and, bundled, every never-decided "
        "question of the bundled sets). Questions whose right punkt the ranking puts first: how many the decision "
        "answers; never-decided questions: how many it declines. The word background the shipped rule was tuned "
        "with, against first chunks of the store's own punkter (a one-meeting store is then its own background)."]
        + table(["stores", "word background", "ranked first: answered", "never decided: declined"], out))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.small_stores")
    ap.add_argument("--greve-meetings", type=int, default=30)
    ap.add_argument("--out", type=Path, default=PROJECT_DIR / "docs/benchmarks.md")
    args = ap.parse_args(argv)
    from bench.quality import _Present
    from embeddings.dense.e5_convert import MODEL_ID
    from embeddings.dense.encoder import load_embedder

    rule = rule_for(MODEL_ID)
    decide = Answerability(rule, matcher=_Present()).decide
    embedder = load_embedder(None, PROJECT_DIR / "data/models", threads=1)
    with tempfile.TemporaryDirectory(prefix="beslut-small-") as tmp:
        parts = {"bundled, one meeting each (5)": bundled(Path(tmp), embedder)}
        g = greve(Path(tmp), embedder, args.greve_meetings)
        if g is not None:
            parts[f"Greve, one meeting each ({g[1]})"] = g[0]
    text = report(parts, decide, rule)
    print(text)
    write_section("small-stores", text, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
