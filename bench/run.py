"""Benchmarks: speed, memory and retrieval quality as ratios measured side by side in one run.

    python -m bench.run [--quick] [--out docs/benchmarks.md]

Writes a Markdown report (default docs/benchmarks.md). ``--quick`` skips the Greve corpus (5,553 punkter
from ../shared/corpus/greve; indexing it takes about an hour on two cores); without ../shared that part is
skipped too. Everything runs on one thread for queries, as in production.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.fts5 import Fts5Index
from bench.measure import percentile, rss_mb
from bench.sections import write_section
from bot.compose import open_core
from bot.core.evaluate import load_questions, metrics, run
from bot.settings import PROJECT_DIR, Settings
from embeddings.dense.chunking import chunk_punkt
from embeddings.dense.encoder import load_embedder
from embeddings.ingest.files import ingest_paths
from embeddings.search.lexical import Bm25Index, punkt_text
from embeddings.search.retriever import Mode
from embeddings.store import Store
from embeddings.dense.build import build_or_update

SHARED = PROJECT_DIR.parent / "shared"
QUESTION_SETS = [PROJECT_DIR / "tests/data/dev.jsonl", PROJECT_DIR / "tests/data/extra.jsonl"]
GREVE_QUESTIONS = [  # latency on a real-size corpus (quality: bench/greve.jsonl)
    "hvad besluttede byrådet om budget 2024?", "skolestruktur", "affaldsordning for sommerhuse",
    "Hvad blev besluttet om ny svømmehal?", "lokalplan for Greve Nord", "takster for hjemmepleje",
    "klimaplan", "Hvad besluttede vi om ældreboliger i Tune?", "vinterbadning", "cykelsti langs Køgevej",
    "regnskab 2023", "Hvem blev valgt til borgmester?",
]


def probe_rss(home: Path, load_core: bool) -> float:
    """RSS (MB) of a fresh process that loads the model, and the store + index + BM25 when ``load_core``."""
    code = ("import sys; from bench.measure import rss_mb; from bot.settings import Settings, PROJECT_DIR; "
            "from embeddings.dense.encoder import load_embedder; from bot.compose import open_core; "
            "from pathlib import Path; s = Settings(home=Path(sys.argv[1]), model_cache=PROJECT_DIR / 'data/models'); "
            "e = load_embedder(None, s.model_cache_dir); "
            f"c = open_core(s, embedder=e) if {load_core} else None; print(rss_mb())")
    out = subprocess.run([sys.executable, "-c", code, str(home)], capture_output=True, text=True, check=True,
                         cwd=PROJECT_DIR)
    return float(out.stdout.split()[-1])


def timed(fn: Callable[[], object], repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


class Report:
    """Markdown lines, printed as they come and rewritten to ``out`` each time (a crash keeps what ran)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.parts: list[str] = []

    def add(self, *lines: str) -> None:
        self.parts += lines
        print("\n".join(lines), flush=True)
        write_section("run", "\n".join(self.parts), self.out)

    def table(self, header: list[str], rows: list[list[object]]) -> None:
        self.add("", "| " + " | ".join(header) + " |", "|" + "---|" * len(header),
                 *("| " + " | ".join(str(c) for c in r) + " |" for r in rows), "")


def speed(rep: Report, settings: Settings, embedder) -> None:
    store = Store(settings.store_path)
    punkter = [p for p in store.punkter() if not p.closed]
    chunks = [c.text for p in punkter for c in chunk_punkt(p)]
    embedder.encode_documents(chunks[:8])  # warm-up
    raw = timed(lambda: embedder.encode_documents(chunks))[0]
    build = timed(lambda: build_or_update(punkter, embedder, store.fingerprint()))[0]
    core = open_core(settings, embedder=embedder, store=store)
    questions = [q.q for path in QUESTION_SETS for q in load_questions(path)]
    for q in questions[:5]:
        core.ask(q)
    encode = [t for q in questions for t in timed(lambda: embedder.encode_queries([q]), 3)]
    ask = [t for q in questions for t in timed(lambda: core.ask(q), 3)]
    enc_p50, ask_p95 = statistics.median(encode) * 1000, percentile(ask, 0.95) * 1000
    rep.add("## Speed (bundled minutes: 36 punkter)", "",
            f"Same process, same {len(questions)} questions x 3, warm, one thread.")
    rep.table(["measure", "value", "ratio", "goal"], [
        ["bare query encoding p50", f"{enc_p50:.1f} ms", "", ""],
        ["warm `ask` p95 (filters, both legs, fusion, quote check, history)", f"{ask_p95:.1f} ms",
         f"{ask_p95 / enc_p50:.2f}x encoding p50", "<= 2x"],
        [f"raw encoder on the {len(chunks)} chunks", f"{len(chunks) / raw:.2f} chunks/s", "", ""],
        ["indexing (chunking + encoding + FAISS)", f"{len(chunks) / build:.2f} chunks/s",
         f"{raw / build:.2f}x raw encoder", ">= 0.8x"],
    ])


def quality(rep: Report, settings: Settings, embedder) -> None:
    core = open_core(settings, embedder=embedder)
    rows = []
    for path in QUESTION_SETS:
        questions = load_questions(path)
        for mode in Mode:
            m = metrics(run(questions, lambda q: core.ask(q, mode=mode)))
            rows.append([path.name, mode.value, f"{m.recall_at_1:.3f}", f"{m.recall_at_3:.3f}", f"{m.mrr:.3f}",
                         m.none_abstained, m.answerable_abstained, f"{m.p50_ms:.0f} ms"])
    rep.add("## Retrieval quality per leg and blended", "",
            "`dev.jsonl` is ../shared/eval/dev.jsonl; `extra.jsonl` is our own second set (12 of its 40 "
            "questions ask about things never decided). Weights and thresholds: `python -m bench.tune`.")
    rep.table(["set", "mode", "R@1", "R@3", "MRR", "none abstained", "answerable abstained", "p50"], rows)


def lexical(rep: Report, corpora: dict[str, list]) -> None:
    rows = []
    questions = [q for path in QUESTION_SETS for q in load_questions(path) if q.expect]
    for name, punkter in corpora.items():
        texts = [punkt_text(p) for p in punkter]
        for label, cls in (("bm25s + PyStemmer", Bm25Index), ("SQLite FTS5 on stems", Fts5Index)):
            t = time.perf_counter()
            index = cls(texts)
            built = time.perf_counter() - t
            qs = [q.q for q in questions]
            lat = [x for q in qs for x in timed(lambda: index.scores(q), 3)]
            hit1 = ""
            if name == "bundled":
                ids = [p.ref for p in punkter]
                hit1 = f"{sum(ids[int(index.scores(q.q).argmax())] in q.expect for q in questions) / len(questions):.3f}"
            rows.append([name, len(punkter), label, f"{built:.2f} s", f"{statistics.median(lat) * 1000:.2f} ms",
                         f"{percentile(lat, 0.95) * 1000:.2f} ms", hit1])
    rep.add("## Lexical leg: bm25s or SQLite FTS5", "",
            "Same Danish stems and stop words; R@1 of the lexical leg alone on the answerable questions.")
    rep.table(["corpus", "punkter", "engine", "build", "query p50", "query p95", "R@1 (bundled)"], rows)


def greve(rep: Report, embedder, work: Path, home: Path) -> list | None:
    """Ingest and index the Greve corpus into ``home`` (timed), or reuse what an earlier run built there."""
    tarball = SHARED / "corpus/greve/firstagenda-greve-raw-json.tar.gz"
    settings = Settings(home=home, model_cache=PROJECT_DIR / "data/models")
    timing_file = home / "bench-build.json"
    built_now = not timing_file.is_file()
    if built_now:
        if not tarball.is_file():
            rep.add("## Greve corpus", "", "Skipped: ../shared/corpus/greve is not beside the project.")
            return None
        with tarfile.open(tarball) as tar:
            tar.extractall(work / "greve", filter="data")
        store = Store(settings.store_path)
        t = time.perf_counter()
        report = ingest_paths(store, [work / "greve"])
        ingest_s = time.perf_counter() - t
        punkter = [p for p in store.punkter() if not p.closed]
        t = time.perf_counter()
        index, stats = build_or_update(punkter, embedder, store.fingerprint())
        index_s = time.perf_counter() - t
        index.save(settings.index_dir)
        del index
        timing = {"date": str(dt.date.today()), "files": len(report.outcomes), "failed": len(report.failed),
                  "ingest_s": ingest_s, "index_s": index_s, "chunks": stats.chunks, "how": "timed by bench.run"}
        timing_file.write_text(json.dumps(timing, indent=2), encoding="utf-8")
    timing = json.loads(timing_file.read_text(encoding="utf-8"))
    store = Store(settings.store_path)
    meetings, total = store.counts()
    punkter = [p for p in store.punkter() if not p.closed]
    t = time.perf_counter()
    core = open_core(settings, embedder=embedder, store=store)
    load_s = time.perf_counter() - t
    per_punkt_kb = (probe_rss(settings.home, True) - probe_rss(settings.home, False)) * 1024 / len(punkter)
    disk = sum(f.stat().st_size for f in settings.index_dir.iterdir()) + settings.store_path.stat().st_size
    for q in GREVE_QUESTIONS[:3]:
        core.ask(q)
    lat = [x for q in GREVE_QUESTIONS for x in timed(lambda: core.ask(q), 3)]
    rep.add("## Greve corpus (373 meetings, 5,553 punkter)", "",
            "Ingested and indexed in this run." if built_now else
            f"Ingested and indexed on {timing['date']} ({timing['how']}); the store and index in {home} were reused.")
    rep.table(["measure", "value"], [
        ["ingest (parse + store)", f"{timing['ingest_s']:.1f} s ({timing['files'] / timing['ingest_s']:.0f} files/s), "
                                   f"{meetings} meetings, {total} punkter, {timing['failed']} failed"],
        ["open punkter indexed", f"{len(punkter)} ({timing['chunks']} chunks)"],
        ["index build", f"{timing['index_s'] / 60:.1f} min ({timing['chunks'] / timing['index_s']:.2f} chunks/s)"],
        ["load store + index + BM25 (process start excluded)", f"{load_s:.1f} s"],
        ["memory for store snapshot + index + BM25", f"{per_punkt_kb:.1f} KB per punkt (RSS of a fresh process "
                                                      "with and without them)"],
        ["on disk (store + index)", f"{disk / len(punkter) / 1024:.1f} KB per punkt"],
        ["warm `ask` p50 / p95", f"{statistics.median(lat) * 1000:.0f} / {percentile(lat, 0.95) * 1000:.0f} ms "
                                  "(goal p95 < 1 s)"],
    ])
    greve_quality(rep, core)
    return punkter


def greve_quality(rep: Report, core) -> None:
    """bench/greve.jsonl: questions written from Greve's titles in other words, scored by case number (a
    case passes several committees, each punkt of it is a right answer), and five never decided."""
    rows = []
    for line in (PROJECT_DIR / "bench/greve.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        a = core.ask(d["q"], k=3)
        shown = a.uncertain if a.abstained else a.hits
        rank = next((i + 1 for i, h in enumerate(shown) if h.case_number in d["cases"]), None)
        ok = a.abstained if not d["cases"] else (not a.abstained and rank == 1)
        top = shown[0] if shown else None
        rows.append([d["q"], ", ".join(d["cases"]) or "(ingen)", "ok" if ok else ("~" if rank else "miss"),
                     "abstained" if a.abstained else f"rank {rank}" if rank else "-",
                     f"{top.committee} {top.ref} {top.case_number}: {top.title[:50]}" if top else "-"])
    right = sum(r[2] == "ok" for r in rows)
    rep.add(f"Greve questions ({right}/{len(rows)} right: answerable ones at rank 1, the others abstained):")
    rep.table(["question", "expected case", "", "result", "top punkt (nearest when abstaining)"], rows)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run")
    ap.add_argument("--quick", action="store_true", help="skip the Greve corpus")
    ap.add_argument("--out", type=Path, default=PROJECT_DIR / "docs/benchmarks.md")
    ap.add_argument("--greve-home", type=Path, default=PROJECT_DIR / "data/bench/greve",
                    help="where the Greve store and index are built once and reused (about an hour to build)")
    args = ap.parse_args(argv)
    rep = Report(args.out)
    rep.add(f"Written by `python -m bench.run{' --quick' if args.quick else ''}` on {dt.date.today()}: "
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. Ratios are "
            "measured side by side in one process, so a busy machine moves both sides; absolute numbers "
            "are for orientation.", "")
    with tempfile.TemporaryDirectory(prefix="beslut-bench-") as tmp:
        work = Path(tmp)
        settings = Settings(home=work / "home", model_cache=PROJECT_DIR / "data/models")
        ingest_paths(Store(settings.store_path), [PROJECT_DIR / "data/referater"])
        embedder = load_embedder(None, settings.model_cache_dir, threads=1)
        rep.add(f"Model `{embedder.model_id}`, dimension {embedder.dimension}; RSS after loading it "
                f"{rss_mb():.0f} MB.", "")
        speed(rep, settings, embedder)
        quality(rep, settings, embedder)
        corpora = {"bundled": [p for p in Store(settings.store_path).punkter() if not p.closed]}
        greve_punkter = None if args.quick else greve(rep, embedder, work, args.greve_home)
        if greve_punkter:
            corpora["Greve"] = greve_punkter
        lexical(rep, corpora)
    rep.add("## Reading these numbers", "",
            "- Lexical leg: bm25s scores the whole corpus in one sparse product and stays flat from 36 to "
            "5,168 punkter; FTS5 is about a hundred times slower per query on Greve for the same stems, with "
            "a similar top-1 on the bundled set. BM25 it is, kept as compact postings since issue 14 "
            "(embeddings/search/lexical.py; tests check its scores equal bm25s's).",
            "- Blend: dense alone beats BM25 on both bundled sets; the blend (w = 0.8) matches dense there and "
            "keeps exact-word matches for names and numbers (`python -m bench.tune` prints the sweep).",
            "- Abstention: a margin over each corpus's own background cosine (embeddings/search/calibration.py), "
            "then the answerability decision (embeddings/search/answerability.py; section \"Answer, partial or "
            "none\"). The margin was chosen between the bundled sets' lowest answerable cosine and the Greve "
            "set's highest never-decided one, so the Greve questions informed it: treat 15/15 there as a check "
            "of the mechanism, not an unbiased score.",
            "- Warm `ask` p95 includes the answerability decision since issue 15: when the question's words are "
            "not mostly in the nearest punkt, one forward pass of the question and one of that punkt's best chunk "
            "compare them word by word (about 100-130 ms on one thread). The goal of at most twice the query "
            "encoding was set before it; without the decision p95 stays under 2x (bench.quality, \"Cost\": 29 ms). "
            "Well inside a chat reply's budget, and the price of not quoting a near miss as the answer.",
            "- Memory for Greve: since issue 14 no text is held, but below 100,000 chunks the index is exact "
            "(float32, read whole by every search) and the answerability decision's start (16 passages through "
            "the model) is a fixed cost spread over these 5,168 punkter; per punkt at scale: section \"Scale\".",
            "- Indexing is bounded by the encoder (about 8-10 chunks/s per core); `beslut index` embeds big "
            "batches on every core (section \"Scale\": 1.9x on two), then `beslut ingest` embeds only new or "
            "changed punkter.",
            "")
    print(f"\nwritten to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
