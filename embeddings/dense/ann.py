"""The FAISS structure over the chunk vectors, chosen by size (BESLUT_INDEX=auto|flat|hnsw|ivf).

- ``flat``: exact inner product over float32 vectors (IndexFlatIP), as beslut always had: up to ``FLAT_MAX``
  chunks it stays within the latency budget on one thread, and its answers are exact.
- ``hnsw``: an HNSW graph (``HNSW_M`` links per node) over 8-bit scalar-quantised vectors: about 650 bytes
  per chunk instead of 1,536, a couple of milliseconds for the retriever's 400 candidates at a million chunks.
  What ``auto`` picks above ``FLAT_MAX``.
- ``ivf``: an inverted file (``ivf_lists(n)`` k-means cells, ``IVF_NPROBE`` searched) over 8-bit codes of
  the residuals: 400 bytes per chunk and a build in seconds, but it needs many cells searched for the same
  recall, so it is slower per question.

The numbers come from bench/scale (docs/benchmarks.md, "Scale"). 8-bit codes were chosen over float16 on
recall measured with the real model (Greve's chunks). Every structure takes new vectors incrementally;
removals are tombstones in the index's chunk table (vector_index.py), since HNSW cannot delete.
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from enum import StrEnum

import faiss
import numpy as np

FLAT_MAX = 100_000  # chunks; above this ``auto`` builds HNSW (bench/scale: exact search's p95 by size)
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 800  # twice the retriever's 400 candidates: recall@10 0.956 -> 0.977 at 1M chunks, +5 ms
IVF_NPROBE = 128
TRAIN_MAX = 100_000  # vectors sampled to train the quantiser and the IVF cells


class IndexKind(StrEnum):
    AUTO = "auto"
    FLAT = "flat"
    HNSW = "hnsw"
    IVF = "ivf"


def resolve(kind: IndexKind, chunks: int) -> IndexKind:
    """The structure to build for ``chunks`` vectors: ``auto`` is exact up to FLAT_MAX, HNSW above."""
    if kind is not IndexKind.AUTO:
        return kind
    return IndexKind.FLAT if chunks <= FLAT_MAX else IndexKind.HNSW


def ivf_lists(chunks: int) -> int:
    """About twice the square root of the size, a power of two, between 64 and 16,384."""
    return int(min(16384, max(64, 2 ** round(math.log2(2 * math.sqrt(max(chunks, 1)))))))


@contextmanager
def threads(n: int):
    """FAISS on ``n`` threads for a build, back to one (the query path) after."""
    faiss.omp_set_num_threads(max(1, n))
    try:
        yield
    finally:
        faiss.omp_set_num_threads(1)


def create(kind: IndexKind, dimension: int, sample: np.ndarray, total: int, workers: int = 1) -> faiss.Index:
    """An empty index of ``kind`` for ``total`` vectors, trained on ``sample`` (float32 rows of them) where the
    kind needs training."""
    if kind is IndexKind.FLAT:
        return faiss.IndexFlatIP(dimension)
    if kind is IndexKind.HNSW:
        index = faiss.index_factory(dimension, f"HNSW{HNSW_M},SQ8", faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    elif kind is IndexKind.IVF:
        nlist = min(ivf_lists(total), max(1, len(sample)))
        index = faiss.index_factory(dimension, f"IVF{nlist},SQ8", faiss.METRIC_INNER_PRODUCT)
        index.cp.min_points_per_centroid = 1  # no warning for small indexes (tests force ivf on a few chunks)
    else:
        raise ValueError(f"no index of kind {kind}")
    with threads(workers):
        index.train(np.ascontiguousarray(sample, np.float32))
    return index


def train_sample(vectors: np.ndarray, seed: int = 0) -> np.ndarray:
    if len(vectors) <= TRAIN_MAX:
        return np.asarray(vectors, np.float32)
    rows = np.sort(np.random.default_rng(seed).choice(len(vectors), TRAIN_MAX, replace=False))
    return np.asarray(vectors[rows], np.float32)


def add(index: faiss.Index, vectors: np.ndarray, workers: int = 1, step: int = 65536) -> None:
    with threads(workers):
        for i in range(0, len(vectors), step):
            index.add(np.ascontiguousarray(vectors[i:i + step], np.float32))


def kind_of(index: faiss.Index) -> IndexKind:
    if isinstance(index, faiss.IndexHNSW):
        return IndexKind.HNSW
    if isinstance(index, faiss.IndexIVF):
        return IndexKind.IVF
    return IndexKind.FLAT


def search(index: faiss.Index, query: np.ndarray, k: int,
           selector: faiss.IDSelector | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, ids) of the best ``k`` (among the ids ``selector`` accepts), best first; ids -1 pad a short
    answer."""
    q = np.ascontiguousarray(query.reshape(1, -1), np.float32)
    kind = kind_of(index)
    if kind is IndexKind.HNSW:
        params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
    elif kind is IndexKind.IVF:
        params = faiss.SearchParametersIVF(nprobe=min(IVF_NPROBE, faiss.extract_index_ivf(index).nlist))
    else:
        params = faiss.SearchParameters() if selector is not None else None
    if selector is not None:
        params.sel = selector
    scores, ids = index.search(q, k, params=params)
    return scores[0], ids[0]


def describe(index: faiss.Index) -> dict:
    """The structure and its parameters, for the manifest and the benchmark."""
    kind = kind_of(index)
    if kind is IndexKind.HNSW:
        return {"kind": kind.value, "code": "sq8", "m": HNSW_M, "ef_construction": index.hnsw.efConstruction,
                "ef_search": HNSW_EF_SEARCH}
    if kind is IndexKind.IVF:
        return {"kind": kind.value, "code": "sq8", "lists": faiss.extract_index_ivf(index).nlist,
                "nprobe": IVF_NPROBE}
    return {"kind": kind.value, "code": "float32"}
