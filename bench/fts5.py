"""The lexical leg's alternative, measured against bm25s in bench/run.py: SQLite FTS5 over stemmed text.

Same tokens as embeddings.search.lexical (Danish Snowball stems, same stop words), ranked by FTS5's bm25().
Not used by the product: it exists so the choice of bm25s stays measured, not assumed.
"""
from __future__ import annotations

import sqlite3

import numpy as np

from embeddings.search.lexical import Bm25Index


class Fts5Index:
    def __init__(self, texts: list[str]) -> None:
        self._tokens = Bm25Index([]).tokens
        self.size = len(texts)
        self._db = sqlite3.connect(":memory:")
        self._db.execute("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
        self._db.executemany("INSERT INTO docs (rowid, body) VALUES (?, ?)",
                             ((i, " ".join(self._tokens(t))) for i, t in enumerate(texts)))

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.size, np.float32)
        terms = sorted(set(self._tokens(query)))
        if not terms:
            return out
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        for rowid, rank in self._db.execute("SELECT rowid, bm25(docs) FROM docs WHERE docs MATCH ?", (match,)):
            out[rowid] = -rank  # FTS5's bm25() is negative: smaller is better
        return out
