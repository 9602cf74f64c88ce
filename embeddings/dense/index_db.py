"""The search index kept in the database (with DATABASE_URL): every web replica builds its index in memory
from these rows, without embedding anything; the worker (ingest, sync, `beslut index`) writes them.

``index_manifest`` holds one row (model, dimension, chunking, the store fingerprint it was built from);
``index_chunks`` one row per chunk with its float32 vector as embedded. Saving writes only the difference to
what is stored, in one transaction, so readers see the old index or the new one. Loading quantises in memory
(the FAISS structure of BESLUT_INDEX, ann.py) and reads the punkt table and BM25 text from the store: the
database keeps exact vectors, so a replica can build any structure from them.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from embeddings.db import Database, Migrations, upsert
from embeddings.dense.ann import IndexKind
from embeddings.dense.build import PunktSource, from_saved_vectors
from embeddings.dense.vector_index import CHUNKING, VectorIndex
from embeddings.errors import BeslutError

INDEX = Migrations("index", Path(__file__).with_name("migrations"), "beslut_index_version")
metadata = sa.MetaData()
manifest = sa.Table(
    "index_manifest", metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("format", sa.Integer, nullable=False),
    sa.Column("model_id", sa.Text, nullable=False),
    sa.Column("dimension", sa.Integer, nullable=False),
    sa.Column("chunking", sa.Text, nullable=False),
    sa.Column("store_fingerprint", sa.Text, nullable=False),
)
chunks = sa.Table(
    "index_chunks", metadata,
    sa.Column("uid", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("vector", sa.LargeBinary, nullable=False),
)
NAME = "index"
FORMAT_VERSION = 2  # these rows' layout: unchanged when the directory index moved to format 3


class DatabaseIndex:
    """The IndexStore port (see bot/compose.py) over a Database; ``source`` (the store) supplies the punkter."""

    def __init__(self, db: Database, source: PunktSource, kind: IndexKind = IndexKind.AUTO) -> None:
        self.db = db
        self.source = source
        self.kind = kind
        db.migrate(INDEX)

    def __str__(self) -> str:
        return f"{self.db!r} (index_chunks)"

    def saved_fingerprint(self) -> str | None:
        with self.db.read() as conn:
            return conn.execute(sa.select(manifest.c.store_fingerprint).where(manifest.c.name == NAME)).scalar()

    def load(self, model_id: str) -> VectorIndex | None:
        with self.db.read() as conn:
            meta = conn.execute(sa.select(manifest).where(manifest.c.name == NAME)).first()
            if meta is None:
                return None
            if meta.format != FORMAT_VERSION or json.loads(meta.chunking) != CHUNKING:
                raise BeslutError("index_format", path=str(self))
            if meta.model_id != model_id:
                raise BeslutError("index_model_mismatch", path=str(self), found=meta.model_id, model=model_id)
            # Neither the chunk texts (they stay in the database; nothing reads them from memory) nor an order:
            # half the bytes and no sort make a replica's start about twice as fast.
            rows, vectors = [], []
            for uid, position, content_hash, vector in conn.execute(
                    sa.select(chunks.c.uid, chunks.c.position, chunks.c.content_hash, chunks.c.vector)):
                rows.append((uid, content_hash, position))
                vectors.append(bytes(vector))
        if any(len(v) != 4 * meta.dimension for v in vectors):
            raise BeslutError("index_corrupt", path=str(self))
        matrix = (np.frombuffer(b"".join(vectors), dtype=np.float32).reshape(len(rows), meta.dimension)
                  if rows else np.zeros((0, meta.dimension), np.float32))
        return from_saved_vectors(model_id, meta.dimension, rows, matrix, self.source, meta.store_fingerprint,
                                  self.kind)

    def upgraded(self, model_id: str, source, kind: IndexKind, workers: int = 1) -> VectorIndex | None:
        """Rows of an older format are not converted: the index is built from the store (one worker, once)."""
        return None

    def save(self, index: VectorIndex) -> None:
        vectors = index.vectors()
        live = index.live_rows()
        punkt_of = np.asarray(index.chunk_punkt)[live]
        positions = np.asarray(index.chunk_position)[live]
        wanted = {(index.punkts.uid(int(p)), int(pos), index.punkts.content_hash(int(p))): int(row)
                  for row, p, pos in zip(live, punkt_of, positions)}
        with self.db.write() as conn:
            meta = conn.execute(sa.select(manifest.c.model_id, manifest.c.dimension)
                                .where(manifest.c.name == NAME)).first()
            if meta is not None and (meta.model_id, meta.dimension) != (index.model_id, index.dimension):
                conn.execute(sa.delete(chunks))  # another model: nothing carries over
            have = set(conn.execute(sa.select(chunks.c.uid, chunks.c.position, chunks.c.content_hash)).all())
            stale = [k for k in have if k not in wanted]
            for i in range(0, len(stale), 500):
                conn.execute(sa.delete(chunks).where(sa.tuple_(chunks.c.uid, chunks.c.position).in_(
                    [(uid, pos) for uid, pos, _ in stale[i:i + 500]])))
            new = [k for k in wanted if k not in have]
            for i in range(0, len(new), 500):
                conn.execute(sa.insert(chunks), [
                    {"uid": uid, "position": pos, "content_hash": h, "text": index.texts.get(wanted[(uid, pos, h)], ""),
                     "vector": np.ascontiguousarray(vectors[wanted[(uid, pos, h)]], np.float32).tobytes()}
                    for uid, pos, h in new[i:i + 500]])
            upsert(conn, manifest, ["name"], {
                "name": NAME, "format": FORMAT_VERSION, "model_id": index.model_id, "dimension": index.dimension,
                "chunking": json.dumps(CHUNKING), "store_fingerprint": index.store_fingerprint},
                update=["format", "model_id", "dimension", "chunking", "store_fingerprint"])
