"""The dense leg: chunk vectors in a FAISS inner-product index, persisted as a directory with a manifest.

Layout of ``<home>/index/``::

    manifest.json   format, model id, dimension, counts, store fingerprint, chunking parameters
    faiss.index     IndexFlatIP over L2-normalised chunk vectors (inner product = cosine)
    chunks.jsonl    one line per vector: punkt key, content hash, position, text

Updating is incremental: vectors of punkter whose content hash is unchanged are reused, only new or
changed punkter are embedded. A new directory is written beside the old one and swapped in, so a
crash leaves either the old or the new index (or none: then it is rebuilt from the store).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import faiss
import numpy as np

from embeddings.errors import BeslutError
from embeddings.dense.chunking import OVERLAP_WORDS, WINDOW_WORDS, chunk_punkt
from embeddings.minutes import Punkt

if TYPE_CHECKING:
    from embeddings.dense.encoder import Embedder

log = logging.getLogger(__name__)
CHUNKING = {"window_words": WINDOW_WORDS, "overlap_words": OVERLAP_WORDS}
FORMAT_VERSION = 2  # 2: punkt keys carry the meeting's start time
faiss.omp_set_num_threads(1)  # the query path runs on one thread (2 threads on 2 busy cores: 30x slower)


@dataclass(frozen=True)
class ChunkRow:
    uid: str  # Punkt.uid ("punkt_key" in chunks.jsonl)
    content_hash: str
    position: int
    text: str

    def as_json(self) -> dict:
        return {"punkt_key": self.uid, "content_hash": self.content_hash, "position": self.position,
                "text": self.text}

    @classmethod
    def from_json(cls, d: dict) -> "ChunkRow":
        return cls(d["punkt_key"], d["content_hash"], d["position"], d["text"])


@dataclass(frozen=True)
class UpdateStats:
    embedded_punkter: int
    reused_punkter: int
    removed_punkter: int
    chunks: int


class VectorIndex:
    """Chunk vectors + their rows, searchable by cosine."""

    def __init__(self, model_id: str, rows: list[ChunkRow], index: "faiss.Index", store_fingerprint: str) -> None:
        if len(rows) != index.ntotal:
            raise ValueError("rows and vectors differ in length")
        self.model_id = model_id
        self.dimension = index.d
        self.rows = rows
        self.store_fingerprint = store_fingerprint
        self.faiss = index

    @classmethod
    def from_vectors(cls, model_id: str, dimension: int, rows: list[ChunkRow], vectors: np.ndarray,
                     store_fingerprint: str) -> "VectorIndex":
        index = faiss.IndexFlatIP(dimension)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(model_id, rows, index, store_fingerprint)

    def __len__(self) -> int:
        return len(self.rows)

    def vectors(self) -> np.ndarray:
        if not len(self.rows):
            return np.zeros((0, self.dimension), np.float32)
        return self.faiss.reconstruct_n(0, len(self.rows))

    def search(self, query_vector: np.ndarray, k: int) -> list[tuple[float, ChunkRow]]:
        """Top ``k`` chunks by cosine, best first."""
        k = min(k, len(self.rows))
        if k <= 0:
            return []
        scores, ids = self.faiss.search(np.ascontiguousarray(query_vector.reshape(1, -1), np.float32), k)
        return [(float(s), self.rows[i]) for s, i in zip(scores[0], ids[0]) if i >= 0]

    # --- persistence -----------------------------------------------------------------------
    def manifest(self) -> dict:
        return {"format": FORMAT_VERSION, "model_id": self.model_id, "dimension": self.dimension,
                "chunks": len(self.rows), "punkter": len({r.uid for r in self.rows}),
                "store_fingerprint": self.store_fingerprint,
                "chunking": CHUNKING}

    def save(self, directory: Path) -> None:
        directory = Path(directory)
        tmp = directory.with_name(f"{directory.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        faiss.write_index(self.faiss, str(tmp / "faiss.index"))
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as f:
            for r in self.rows:
                f.write(json.dumps(r.as_json(), ensure_ascii=False) + "\n")
        (tmp / "manifest.json").write_text(json.dumps(self.manifest(), indent=2), encoding="utf-8")
        old = directory.with_name(f"{directory.name}.old-{os.getpid()}")
        if directory.exists():
            os.rename(directory, old)
        os.rename(tmp, directory)
        shutil.rmtree(old, ignore_errors=True)

    @staticmethod
    def saved_fingerprint(directory: Path) -> str | None:
        """The store fingerprint a saved index was built from (its manifest only); None when there is none
        or it cannot be read (either way it must be built again)."""
        try:
            manifest = json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))
            return str(manifest["store_fingerprint"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @classmethod
    def load(cls, directory: Path, model_id: str) -> "VectorIndex | None":
        """The saved index, None when there is none; a clear error when it belongs to another model."""
        directory = Path(directory)
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError:
            raise BeslutError("index_corrupt", path=str(directory)) from None
        # An index depends on what it indexes (content: the fingerprint below; model; chunking), not on the
        # store's schema version: a migration of unrelated tables never forces a re-embed.
        if manifest.get("format") != FORMAT_VERSION or manifest.get("chunking") != CHUNKING:
            raise BeslutError("index_format", path=str(directory))
        if manifest.get("model_id") != model_id:
            raise BeslutError("index_model_mismatch", path=str(directory), found=manifest.get("model_id"),
                              model=model_id)
        try:
            index = faiss.read_index(str(directory / "faiss.index"))
            with open(directory / "chunks.jsonl", encoding="utf-8") as f:
                rows = [ChunkRow.from_json(json.loads(line)) for line in f]
        except (OSError, RuntimeError, ValueError, TypeError):
            raise BeslutError("index_corrupt", path=str(directory)) from None
        if index.ntotal != len(rows) or index.d != manifest["dimension"]:
            raise BeslutError("index_corrupt", path=str(directory))
        return cls(model_id, rows, index, manifest["store_fingerprint"])


def build_or_update(punkter: Sequence[Punkt], embedder: "Embedder", store_fingerprint: str,
                    previous: VectorIndex | None = None, batch_size: int = 32,
                    progress: Callable[[int, int], None] = lambda done, total: None,
                    ) -> tuple[VectorIndex, UpdateStats]:
    """An index over ``punkter``, reusing ``previous`` vectors for punkter whose content is unchanged."""
    keep_rows: list[ChunkRow] = []
    keep_vecs: list[np.ndarray] = []
    wanted = {p.uid: p.content_hash for p in punkter}
    reused: set[str] = set()
    if previous is not None and len(previous):
        old_vectors = previous.vectors()
        for row, vec in zip(previous.rows, old_vectors):
            if wanted.get(row.uid) == row.content_hash:
                keep_rows.append(row)
                keep_vecs.append(vec)
                reused.add(row.uid)
    removed = len({r.uid for r in previous.rows} - set(wanted)) if previous else 0
    new_rows = [ChunkRow(c.uid, p.content_hash, c.position, c.text)
                for p in punkter if p.uid not in reused for c in chunk_punkt(p)]
    new_vecs: list[np.ndarray] = []
    for i in range(0, len(new_rows), batch_size):
        batch = new_rows[i:i + batch_size]
        new_vecs.append(embedder.encode_documents([r.text for r in batch]))
        progress(i + len(batch), len(new_rows))
    rows = keep_rows + new_rows
    parts = ([np.stack(keep_vecs)] if keep_vecs else []) + new_vecs
    vectors = np.concatenate(parts) if parts else np.zeros((0, embedder.dimension), np.float32)
    index = VectorIndex.from_vectors(embedder.model_id, embedder.dimension, rows, vectors, store_fingerprint)
    return index, UpdateStats(len({r.uid for r in new_rows}), len(reused), removed, len(rows))


class DirectoryIndex:
    """The index as a directory of files (``<home>/index/``, the default); see the module docstring."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def __str__(self) -> str:
        return str(self.directory)

    def saved_fingerprint(self) -> str | None:
        return VectorIndex.saved_fingerprint(self.directory)

    def load(self, model_id: str) -> VectorIndex | None:
        return VectorIndex.load(self.directory, model_id)

    def save(self, index: VectorIndex) -> None:
        index.save(self.directory)
