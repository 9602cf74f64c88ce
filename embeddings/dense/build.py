"""Building and updating the search index (vector_index.py) from the store.

Only new or changed punkter (by content hash) are read in full, chunked, embedded (on every core:
parallel.py) and tokenised for BM25; the rest is reused from the previous index. The punkt table stays in
store order, so ties rank as they would in a fresh build.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import faiss
import numpy as np

from embeddings.dense import ann
from embeddings.dense.chunking import chunk_punkt
from embeddings.dense.parallel import POOL_MIN_CHUNKS, encode_documents
from embeddings.dense.punkt_table import PunktMeta, PunktTable
from embeddings.dense.vector_index import VectorIndex
from embeddings.minutes import Punkt
from embeddings.search.lexical import Bm25Index, punkt_text

if TYPE_CHECKING:
    from embeddings.dense.encoder import Embedder

REBUILD_REMOVED_SHARE = 0.2  # an IVF or HNSW index is rebuilt from the saved vectors past this share of tombstones
FETCH = 500  # punkter read from the store at a time


class PunktSource(Protocol):
    """What the builder reads: the store (embeddings.store.Store) or a list of punkter."""

    def open_keys(self) -> list[tuple[str, str]]:
        """(uid, content hash) of every open punkt, in store order."""
        ...

    def get_many(self, uids: list[str]) -> list[Punkt]:
        ...


class PunktList:
    """A PunktSource over punkter in memory (tests, benchmarks); closed ones are left out."""

    def __init__(self, punkter: Sequence[Punkt]) -> None:
        self._by_uid = {p.uid: p for p in punkter if not p.closed}

    def open_keys(self) -> list[tuple[str, str]]:
        return [(uid, p.content_hash) for uid, p in self._by_uid.items()]

    def get_many(self, uids: list[str]) -> list[Punkt]:
        return [self._by_uid[u] for u in uids if u in self._by_uid]


@dataclass(frozen=True)
class UpdateStats:
    embedded_punkter: int
    reused_punkter: int
    removed_punkter: int
    chunks: int


def build_or_update(punkter: Sequence[Punkt] | PunktSource, embedder: "Embedder", store_fingerprint: str,
                    previous: VectorIndex | None = None, batch_size: int = 32,
                    progress: Callable[[int, int], None] = lambda done, total: None,
                    kind: ann.IndexKind = ann.IndexKind.AUTO, workers: int = 1,
                    pool_min_chunks: int = POOL_MIN_CHUNKS) -> tuple[VectorIndex, UpdateStats]:
    """An index over the open punkter of ``punkter``, reusing ``previous`` for punkter whose content is
    unchanged; ``kind`` of FAISS structure (ann.py), ``workers`` processes for embedding and building."""
    source = punkter if hasattr(punkter, "open_keys") else PunktList(punkter)
    wanted = source.open_keys()
    uids = [u for u, _ in wanted]
    old = previous.punkts if previous is not None else PunktTable.build([])
    row_of = {u: i for i, u in enumerate(old.uids)}  # one pass, not a binary search per punkt
    old_rows = np.array([row_of.get(u, -1) for u in uids], np.int64)
    same = np.array([r >= 0 and old.content_hash(int(r)) == h for r, (_, h) in zip(old_rows, wanted)], bool)
    keep = old_rows[same] if len(same) else np.zeros(0, np.int64)
    removed = len(old) - int(np.count_nonzero(old_rows >= 0))

    new_meta: list[PunktMeta] = []
    new_chunks: list[tuple[int, int, str]] = []  # (index in new_meta, position, text)

    def new_texts() -> Iterator[str]:  # one pass over the new punkter: their rows, chunks and BM25 text
        todo = [u for u, s in zip(uids, same) if not s]
        for i in range(0, len(todo), FETCH):
            for p in source.get_many(todo[i:i + FETCH]):
                new_chunks.extend((len(new_meta), c.position, c.text) for c in chunk_punkt(p))
                new_meta.append(PunktMeta.of(p))
                yield punkt_text(p)

    prev_lexical = previous.lexical if previous is not None else Bm25Index()
    lexical = prev_lexical.updated(keep, new_texts())
    # Store order: the kept punkter and the new ones, each where the store has them.
    rank = {u: i for i, u in enumerate(uids)}
    where = np.array([rank[old.uid(int(r))] for r in keep] + [rank[m.uid] for m in new_meta], np.int64)
    order = np.argsort(where, kind="stable")  # row i of the result = order[i] of kept + new
    lexical = lexical.reordered(order)
    punkts = old.combined(keep, new_meta, order)
    row_of = np.empty(len(order), np.int64)  # kept + new -> row in the result
    row_of[order] = np.arange(len(order))

    vectors = encode_documents(embedder, [t for _, _, t in new_chunks], batch_size, workers, progress,
                               pool_min_chunks)
    new_punkt = row_of[len(keep) + np.array([j for j, _, _ in new_chunks], np.int64)]
    new_position = np.array([pos for _, pos, _ in new_chunks], np.int32)
    old_to_new = np.full(len(old), -1, np.int64)
    old_to_new[keep] = row_of[:len(keep)]

    live_chunks = len(new_chunks)
    if previous is not None:
        prev_cp = np.asarray(previous.chunk_punkt, np.int64)
        moved = np.where(prev_cp >= 0, old_to_new[np.maximum(prev_cp, 0)], -1)
        live_chunks += int(np.count_nonzero(moved >= 0))
    target = ann.resolve(kind, live_chunks)
    started = time.perf_counter()
    if (previous is not None and target is not ann.IndexKind.FLAT and previous.kind is target
            and np.count_nonzero(moved < 0) <= REBUILD_REMOVED_SHARE * (len(moved) + len(new_chunks))):
        index = faiss.clone_index(previous.faiss)  # the loaded one may be memory-mapped, read-only
        ann.add(index, vectors, workers)
        chunk_punkt_ = np.concatenate([moved, new_punkt]).astype(np.int32)
        position = np.concatenate([np.asarray(previous.chunk_position, np.int32), new_position])
        all_vectors = np.concatenate([np.asarray(previous.vectors(), np.float32), vectors])
    else:
        live = np.flatnonzero(moved >= 0) if previous is not None else np.zeros(0, np.int64)
        chunk_punkt_ = np.concatenate([moved[live] if previous is not None else live, new_punkt]).astype(np.int32)
        position = np.concatenate([np.asarray(previous.chunk_position)[live] if previous is not None
                                   else np.zeros(0, np.int32), new_position]).astype(np.int32)
        old_vectors = (np.asarray(previous.vectors()[live], np.float32) if previous is not None
                       else np.zeros((0, embedder.dimension), np.float32))
        all_vectors = np.concatenate([old_vectors, vectors])
        index = ann.create(target, embedder.dimension, ann.train_sample(all_vectors), len(all_vectors), workers)
        ann.add(index, all_vectors, workers)
    built = VectorIndex(embedder.model_id, embedder.dimension, punkts, chunk_punkt_, position, all_vectors, index,
                        lexical, store_fingerprint)
    built.structure_seconds = time.perf_counter() - started
    first_new = len(chunk_punkt_) - len(new_chunks)
    built.texts = {first_new + i: t for i, (_, _, t) in enumerate(new_chunks)}
    built.background = background(built, embedder)
    return built, UpdateStats(len(new_meta), len(keep), removed, len(built))


def background(index: VectorIndex, embedder: "Embedder") -> dict:
    """The abstention background of ``index`` (calibration.py), kept in the manifest so a process does not
    encode the probes at start."""
    from embeddings.search.calibration import PROBES_KEY, background_cosine

    return {"probes": PROBES_KEY, "cosine": background_cosine(index, embedder)}


def from_saved_vectors(model_id: str, dimension: int, rows: Sequence[tuple[str, str, int]], vectors: np.ndarray,
                       source: PunktSource, store_fingerprint: str, kind: ann.IndexKind = ann.IndexKind.AUTO,
                       workers: int = 1) -> VectorIndex:
    """An index from vectors embedded earlier (``rows``: (uid, content hash, position) per vector, as the
    database index keeps them): the punkt table and BM25 are read from ``source``, nothing is embedded.
    Chunks of punkter the store no longer has are left out."""
    by_uid: dict[str, list[int]] = {}
    for i, (uid, _, _) in enumerate(rows):
        by_uid.setdefault(uid, []).append(i)
    uids = [u for u, _ in source.open_keys() if u in by_uid]
    meta: list[PunktMeta] = []

    def texts() -> Iterator[str]:
        for i in range(0, len(uids), FETCH):
            for p in source.get_many(uids[i:i + FETCH]):
                meta.append(PunktMeta.of(p))
                yield punkt_text(p)

    lexical = Bm25Index().updated(np.zeros(0, np.int64), texts())
    content = {uid: h for uid, h, _ in rows}
    punkts = PunktTable.build([PunktMeta(m.uid, content[m.uid], m.committee, m.date, m.journal) for m in meta])
    chosen = [(r, i) for r, m in enumerate(meta) for i in by_uid[m.uid]]
    picked = np.array([i for _, i in chosen], np.int64)
    chunk_punkt_ = np.array([r for r, _ in chosen], np.int32)
    position = np.array([rows[i][2] for i in picked], np.int32)
    chosen_vectors = np.asarray(vectors, np.float32)[picked] if len(picked) else np.zeros((0, dimension), np.float32)
    index = ann.create(ann.resolve(kind, len(picked)), dimension, ann.train_sample(chosen_vectors), len(picked),
                       workers)
    ann.add(index, chosen_vectors, workers)
    return VectorIndex(model_id, dimension, punkts, chunk_punkt_, position, chosen_vectors, index, lexical,
                       store_fingerprint)


def from_format_2(directory: Path, source: PunktSource, model_id: str, kind: ann.IndexKind = ann.IndexKind.AUTO,
                  workers: int = 1) -> VectorIndex | None:
    """A saved index of format 2 (the version before this one: float32 vectors in a flat ``faiss.index``, one
    line per chunk in ``chunks.jsonl``) as the current format, from its vectors: nothing is embedded, so an
    upgrade costs seconds, not a night. None when ``directory`` is not a readable format-2 index of
    ``model_id`` (then the index is built from the store)."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != 2 or manifest.get("model_id") != model_id:
            return None
        flat = faiss.read_index(str(directory / "faiss.index"))
        vectors = flat.reconstruct_n(0, flat.ntotal) if flat.ntotal else np.zeros((0, flat.d), np.float32)
        rows = []
        with open(directory / "chunks.jsonl", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                rows.append((str(d["punkt_key"]), str(d["content_hash"]), int(d["position"])))
        if len(rows) != len(vectors):
            return None
        return from_saved_vectors(model_id, flat.d, rows, vectors, source, str(manifest["store_fingerprint"]),
                                  kind, workers)
    except (OSError, RuntimeError, ValueError, TypeError, KeyError):
        return None
