"""The FAISS structures side by side on one set of vectors: build time, bytes per chunk, the dense leg's
latency on one thread (400 candidates, as the retriever asks) and its recall@10 against exact search.

Also exact (flat) search time by size, which sets ``ann.FLAT_MAX``.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from bench.measure import percentile
from embeddings.dense import ann
from embeddings.dense.ann import IndexKind


def timed_searches(index: faiss.Index, queries: np.ndarray, k: int = 400) -> tuple[list[float], np.ndarray]:
    lat, top = [], []
    for q in queries:
        t = time.perf_counter()
        _, ids = ann.search(index, q, k)
        lat.append(1000 * (time.perf_counter() - t))
        top.append(ids[:10])
    return lat, np.array(top)


def compare(vectors: np.ndarray, queries: np.ndarray, kinds=(IndexKind.IVF, IndexKind.HNSW), workers: int = 2,
            built: dict | None = None, log=print) -> list[dict]:
    """One row per structure (flat first: the exact reference) over ``vectors``; ``built`` maps a kind to an
    (index, build seconds) made earlier over the same vectors, which is measured instead of built again."""
    n, d = vectors.shape
    flat = faiss.IndexFlatIP(d)
    t = time.perf_counter()
    ann.add(flat, vectors, workers)
    rows = [_row(IndexKind.FLAT, flat, time.perf_counter() - t, queries, None, n)]
    truth = rows[0].pop("top")
    log(f"  flat: p95 {rows[0]['p95_ms']:.1f} ms")
    for kind in kinds:
        if built and kind in built:
            index, seconds = built[kind]
        else:
            t = time.perf_counter()
            index = ann.create(kind, d, ann.train_sample(vectors), n, workers)
            ann.add(index, vectors, workers)
            seconds = time.perf_counter() - t
        rows.append(_row(kind, index, seconds, queries, truth, n))
        rows[-1].pop("top")
        log(f"  {kind.value}: built in {rows[-1]['build_s']:.0f} s, recall@10 {rows[-1]['recall']:.3f}, "
            f"p95 {rows[-1]['p95_ms']:.1f} ms")
        del index
    return rows


def _row(kind: IndexKind, index: faiss.Index, build_s: float, queries: np.ndarray, truth, n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.index"
        faiss.write_index(index, str(path))
        size = path.stat().st_size
    lat, top = timed_searches(index, queries)
    recall = 1.0 if truth is None else float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top, truth)]))
    return {"kind": kind.value, "describe": ann.describe(index), "build_s": build_s, "bytes_per_chunk": size / n,
            "p50_ms": statistics.median(lat), "p95_ms": percentile(lat, 0.95), "recall": recall, "top": top}


def flat_by_size(vectors: np.ndarray, queries: np.ndarray, sizes=(25_000, 50_000, 100_000, 200_000, 400_000)
                 ) -> list[tuple[int, float, float]]:
    """(chunks, p50 ms, p95 ms) of exact search over the first ``size`` vectors."""
    out = []
    for size in sizes:
        if size > len(vectors):
            break
        flat = faiss.IndexFlatIP(vectors.shape[1])
        flat.add(np.ascontiguousarray(vectors[:size], np.float32))
        lat, _ = timed_searches(flat, queries)
        out.append((size, statistics.median(lat), percentile(lat, 0.95)))
    return out
