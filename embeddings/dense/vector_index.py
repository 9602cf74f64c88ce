"""The search index: every open punkt's chunk vectors in a FAISS structure (ann.py) and its BM25 postings
(search/lexical.py), with what ranking needs of each punkt in arrays (punkt_table.py). No text is kept:
hits are read from the store.

Layout of ``<home>/index/`` (format 3)::

    manifest.json       format, model id, dimension, counts, store fingerprint, chunking, the FAISS structure,
                        the committees, the abstention background (calibration.py)
    faiss.index         the FAISS structure over the chunk vectors (ann.py)
    vectors.npy         every chunk's vector as embedded (float32): rebuilds use it, questions never read it
    chunk.punkt.npy     per chunk: the punkt's row, -1 when the punkt was removed (a tombstone, see below)
    chunk.position.npy  per chunk: its position in the punkt (chunking.py)
    punkt.*             per punkt: uid, content hash, committee, date, journal key (punkt_table.py)
    bm25.*              the BM25 postings (lexical.py)

Everything but the manifest is memory-mapped on load, so a process is ready in about a second whatever the
size, and a question reads only what it touches. Updating is incremental (build.py): vectors of punkter
whose content hash is unchanged are reused, only new or changed punkter are embedded; a flat index is
rebuilt from the saved vectors, an IVF or HNSW index takes the new vectors and marks the removed ones
(HNSW cannot delete), and is rebuilt from the saved vectors once a fifth of it is removed.

``<home>/index`` is a symbolic link to one version directory (``index.v-<id>``). A save writes a new version
and replaces the link in one rename, so a crash leaves the old or the new index, and a reader (which resolves
the link once) never sees a mix of two saves, however many processes or threads save at once.
"""
from __future__ import annotations

import glob
import json
import logging
import os
import shutil
import time
import uuid
from pathlib import Path

import faiss
import numpy as np

from embeddings.arrays import load_array, save_array
from embeddings.dense import ann
from embeddings.dense.chunking import OVERLAP_WORDS, WINDOW_WORDS
from embeddings.dense.punkt_table import PunktTable
from embeddings.errors import BeslutError
from embeddings.search.lexical import Bm25Index

log = logging.getLogger(__name__)
CHUNKING = {"window_words": WINDOW_WORDS, "overlap_words": OVERLAP_WORDS}
FORMAT_VERSION = 3  # 3: no texts, FAISS structure by size, BM25 and punkt arrays saved; 2: punkt keys with start time
faiss.omp_set_num_threads(1)  # the query path runs on one thread (2 threads on 2 busy cores: 30x slower)


class VectorIndex:
    """Chunk vectors, BM25 postings and the punkt table of one store snapshot, searchable by cosine."""

    def __init__(self, model_id: str, dimension: int, punkts: PunktTable, chunk_punkt: np.ndarray,
                 chunk_position: np.ndarray, vectors: np.ndarray, index: faiss.Index, lexical: Bm25Index,
                 store_fingerprint: str, background: dict | None = None) -> None:
        if not (len(chunk_punkt) == len(chunk_position) == len(vectors) == index.ntotal):
            raise ValueError("chunk rows and vectors differ in length")
        if lexical.size != len(punkts):
            raise ValueError("BM25 documents and punkter differ in number")
        self.model_id = model_id
        self.dimension = dimension
        self.punkts = punkts
        self.chunk_punkt = chunk_punkt
        self.chunk_position = chunk_position
        self._vectors = vectors
        self.faiss = index
        self.lexical = lexical
        self.store_fingerprint = store_fingerprint
        self.background = background  # {"probes": key, "cosine": x} (calibration.py), None: not known
        self.texts: dict[int, str] = {}  # chunk row -> text, for rows embedded in this process (index_db.py)
        self.structure_seconds: float | None = None  # building the FAISS structure, when built in this process
        self.removed = int(np.count_nonzero(np.asarray(chunk_punkt) < 0))
        self._alive = None
        if self.removed:
            live = (np.asarray(chunk_punkt) >= 0).astype(np.uint8)
            self._alive = np.packbits(live, bitorder="little")
            self._selector = faiss.IDSelectorBitmap(len(live), faiss.swig_ptr(self._alive))

    def __len__(self) -> int:
        """Live chunks."""
        return len(self.chunk_punkt) - self.removed

    def close(self) -> None:
        """Give back what ``load`` opened: each memory-mapped array holds a file descriptor until nothing
        refers to it any more, and a web framework or a test may keep a reference to the core that answers
        from this index long after its owner is done with it. The index cannot be searched afterwards.
        Only its owner closes it (``Beslut.close``, whoever built it): its punkt table and BM25 postings go
        with it, and a Retriever over it shares them."""
        self.punkts.close()
        self.lexical.close()
        self.chunk_punkt = self.chunk_position = self._vectors = self.faiss = None  # type: ignore[assignment]
        self._alive = self._selector = None

    @property
    def kind(self) -> ann.IndexKind:
        return ann.kind_of(self.faiss)

    def vectors(self) -> np.ndarray:
        """Every chunk row's vector as embedded (rows of removed punkter included until a rebuild)."""
        return self._vectors

    def live_rows(self) -> np.ndarray:
        return np.flatnonzero(np.asarray(self.chunk_punkt) >= 0)

    def search(self, query_vector: np.ndarray, k: int) -> list[tuple[float, int]]:
        """Top ``k`` live chunks as (cosine, chunk row), best first."""
        scores, rows = self.search_arrays(query_vector, k)
        return [(float(s), int(r)) for s, r in zip(scores, rows)]

    def search_arrays(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        scores, rows = ann.search(self.faiss, query_vector, k, self._selector if self.removed else None)
        found = rows >= 0
        return scores[found], rows[found]

    def chunk_uid(self, row: int) -> str:
        return self.punkts.uid(int(self.chunk_punkt[row]))

    # --- persistence -----------------------------------------------------------------------
    def manifest(self) -> dict:
        return {"format": FORMAT_VERSION, "model_id": self.model_id, "dimension": self.dimension,
                "chunks": len(self), "punkter": len(self.punkts), "removed_chunks": self.removed,
                "store_fingerprint": self.store_fingerprint, "chunking": CHUNKING,
                "structure": ann.describe(self.faiss), "structure_seconds": self.structure_seconds,
                "committees": self.punkts.committees,
                "background": self.background}

    def save(self, directory: Path) -> None:
        """Write the index as a new version next to ``directory`` and switch ``directory`` (a symbolic link)
        to it in one rename: a reader resolves the link once and reads one whole version (see ``load``),
        whoever saves meanwhile (processes or threads). The previous version is kept for readers still on it;
        older ones are removed."""
        directory = Path(directory)
        version = directory.with_name(f"{directory.name}.v-{uuid.uuid4().hex[:12]}")
        version.mkdir(parents=True)
        faiss.write_index(self.faiss, str(version / "faiss.index"))
        save_array(version, "vectors", np.asarray(self._vectors, np.float32))
        save_array(version, "chunk.punkt", np.asarray(self.chunk_punkt, np.int32))
        save_array(version, "chunk.position", np.asarray(self.chunk_position, np.int32))
        self.punkts.save(version)
        self.lexical.save(version)
        (version / "manifest.json").write_text(json.dumps(self.manifest(), indent=2, ensure_ascii=False),
                                               encoding="utf-8")
        previous = directory.resolve() if directory.is_symlink() else None
        if directory.exists() and not directory.is_symlink():  # a plain directory from an older version
            os.rename(directory, directory.with_name(f"{directory.name}.v-old-{uuid.uuid4().hex[:12]}"))
        link = directory.with_name(f"{directory.name}.link-{uuid.uuid4().hex[:12]}")
        os.symlink(version.name, link)
        os.replace(link, directory)
        keep = {version.name} | ({previous.name} if previous is not None else set())
        for old in directory.parent.glob(f"{glob.escape(directory.name)}.v-*"):
            if old.name not in keep and old.stat().st_mtime < time.time() - 60:  # not one being written now
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
        """The saved index (memory-mapped), None when there is none; a clear error when it belongs to another
        model or an older format."""
        directory = Path(directory).resolve()  # one version, even if a newer one is saved while this reads
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
            index = _read_faiss(directory / "faiss.index")
            vectors = load_array(directory, "vectors")
            chunk_punkt = load_array(directory, "chunk.punkt")
            chunk_position = load_array(directory, "chunk.position")
            punkts = PunktTable.load(directory, list(manifest["committees"]))
            lexical = Bm25Index.load(directory)
            loaded = cls(model_id, int(manifest["dimension"]), punkts, chunk_punkt, chunk_position, vectors, index,
                         lexical, manifest["store_fingerprint"], manifest.get("background"))
        except (OSError, RuntimeError, ValueError, TypeError, KeyError):
            raise BeslutError("index_corrupt", path=str(directory)) from None
        if index.d != manifest["dimension"] or len(loaded) != manifest["chunks"]:
            raise BeslutError("index_corrupt", path=str(directory))
        return loaded


def _read_faiss(path: Path) -> faiss.Index:
    """Memory-mapped where FAISS can (flat codes), read whole otherwise."""
    try:
        return faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
    except RuntimeError:
        return faiss.read_index(str(path))


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

    def upgraded(self, model_id: str, source, kind: ann.IndexKind, workers: int = 1) -> VectorIndex | None:
        """The saved index of an older format in the current one, from its saved vectors (build.py,
        ``from_format_2``); None when that cannot be done (then it is built from the store)."""
        from embeddings.dense.build import from_format_2

        return from_format_2(self.directory.resolve(), source, model_id, kind, workers)
