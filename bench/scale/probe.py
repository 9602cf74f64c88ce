"""One fresh process against one home: what a web process pays to start and to answer.

    python -m bench.scale.probe HOME QUESTIONS.json [--exact]

Prints one JSON object: RSS with the model only and with the core after the questions (and what of it each
index file holds, from /proc/self/smaps), the time to open the core and to answer the first question
(from process start), retrieval latency without the query encoder (the questions' vectors are encoded
first), and with ``--exact`` the recall@10 of the index's structure against exact search over the same
vectors: of the dense leg (chunks) and of the whole retrieval (punkter).
"""
from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from bench.measure import rss_mb  # noqa: E402


def resident_files(folder: Path) -> dict[str, float]:
    """MB resident per file of ``folder`` mapped into this process, and 'anonymous' for the heap."""
    out: dict[str, float] = defaultdict(float)
    name = None
    with open("/proc/self/smaps") as f:
        for line in f:
            head = line.split()
            if len(head) >= 5 and "-" in head[0] and not head[0].endswith(":"):
                path = head[5] if len(head) > 5 else ""
                name = Path(path).name if path.startswith(str(folder)) else ("anonymous" if not path or
                                                                           path.startswith("[") else None)
            elif head and head[0] == "Rss:" and name:
                out[name] += int(head[1]) / 1024
    return dict(out)


class Precomputed:
    """The real embedder, with the questions' vectors computed before timing starts."""

    def __init__(self, embedder, questions: list[str]) -> None:
        self.inner, self.model_id, self.dimension = embedder, embedder.model_id, embedder.dimension
        self.cache = {q: v for q, v in zip(questions, embedder.encode_queries(questions))}

    def encode_queries(self, texts):
        return np.stack([self.cache[t] if t in self.cache else self.inner.encode_queries([t])[0] for t in texts])

    def encode_documents(self, texts):
        return self.inner.encode_documents(texts)


def main(argv: list[str]) -> dict:
    from bot.compose import load_embedder, open_core
    from bot.settings import Settings
    from embeddings.search.query_filters import parse_filters

    home, questions = Path(argv[0]).resolve(), json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    settings = Settings(home=home, model=str(home / "tiny-model"), today=None)
    embedder = load_embedder(settings)
    embedder.encode_queries(["opvarmning"])
    rss_model = rss_mb()
    t = time.perf_counter()
    core = open_core(settings, embedder=embedder, build_missing=False)
    load_s = time.perf_counter() - t
    core.ask(questions[0])
    first_s = time.perf_counter() - STARTED
    rss_first = rss_mb()
    for q in questions:
        core.ask(q)
    rss_core = rss_mb()
    files = resident_files(settings.index_dir)
    retriever = core.retriever
    index = retriever.index
    # Retrieval without the encoder: legs (both), fusion, abstention and the hits read from the store.
    retriever.embedder = Precomputed(embedder, [parse_filters(q, settings.today_date(), retriever.committees)[1]
                                                for q in questions])
    lat = []
    for q in questions * 2:
        t = time.perf_counter()
        retriever.search(q, k=10)
        lat.append(time.perf_counter() - t)
    lat.sort()
    out = {"punkter": len(index.punkts), "chunks": len(index), "structure": index.manifest()["structure"],
           "rss_model_mb": rss_model, "rss_first_mb": rss_first, "rss_core_mb": rss_core, "files_mb": files,
           "load_s": load_s, "first_answer_s": first_s,
           "p50_ms": 1000 * statistics.median(lat), "p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))],
           "mapped_mb": {p.name: p.stat().st_size / 2**20 for p in settings.index_dir.iterdir()}}
    if "--exact" in argv:
        out.update(recall(retriever, questions))
    return out


def recall(retriever, questions: list[str]) -> dict:
    """Recall@10 of the structure against exact search over the same vectors (float32, IndexFlatIP)."""
    import faiss

    from embeddings.dense.vector_index import VectorIndex
    from embeddings.search.retriever import Retriever

    index = retriever.index
    flat = faiss.IndexFlatIP(index.dimension)
    vectors = index.vectors()
    for i in range(0, len(vectors), 100_000):
        flat.add(np.ascontiguousarray(vectors[i:i + 100_000], np.float32))
    exact = VectorIndex(index.model_id, index.dimension, index.punkts, index.chunk_punkt, index.chunk_position,
                        vectors, flat, index.lexical, index.store_fingerprint, index.background)
    exact_retriever = Retriever(exact, retriever.fetch, retriever.embedder, retriever.cal)
    dense, punkter, exact_ms = [], [], []
    for q in questions:
        qv = retriever.embedder.encode_queries([q])[0]
        k = retriever.cal.dense_candidates  # as the retriever asks: its 400 candidates, of which the best 10
        a = {r for _, r in index.search(qv, k)[:10]}
        t = time.perf_counter()
        b = {r for _, r in exact.search(qv, k)[:10]}
        exact_ms.append(1000 * (time.perf_counter() - t))
        dense.append(len(a & b) / max(1, len(b)))
        got = [s.punkt.uid for s in retriever.search(q, k=10).hits]
        want = [s.punkt.uid for s in exact_retriever.search(q, k=10).hits]
        punkter.append(len(set(got) & set(want)) / max(1, len(want)))
    return {"recall_dense_chunks": float(np.mean(dense)), "recall_retrieval_punkter": float(np.mean(punkter)),
            "exact_dense_p50_ms": statistics.median(exact_ms)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
