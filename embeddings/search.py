"""Hybrid retrieval: journal numbers exactly first, then a weighted blend of dense (e5 chunks, best chunk
per punkt) and lexical (BM25, Danish stems) scores, with Danish date/committee filters and abstention."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from embeddings.chunking import punkt_key
from embeddings.journal import find_journal_numbers
from embeddings.lexical import Bm25Index, punkt_text
from embeddings.models import Punkt
from embeddings.query_filters import QueryFilter, parse_filters
from embeddings.vector_index import VectorIndex

if TYPE_CHECKING:
    from embeddings.encoder import Embedder


class Mode(StrEnum):
    BM25 = "bm25"
    DENSE = "dense"
    HYBRID = "hybrid"


@dataclass(frozen=True)
class Calibration:
    """Tuned on the dev set with `python -m bench.tune` (docs/benchmarks.md); see there before changing."""

    dense_weight: float = 0.7  # blend = w * dense + (1 - w) * lexical, each min-max normalised per query
    min_cosine: float = 0.80  # abstain when the best chunk's cosine is below this ...
    min_lexical: float = 4.0  # ... and the best BM25 score is below this (both weak: nothing decided)
    dense_candidates: int = 400  # chunks fetched from FAISS before aggregating per punkt


# Cosine scales differ between models, so thresholds are tuned per model (docs/benchmarks.md). A model
# nobody tuned abstains on the lexical leg alone: only when no word of the question is in the minutes.
TUNED: dict[str, Calibration] = {}
UNTUNED = Calibration(min_cosine=float("inf"), min_lexical=1.0)


def calibration_for(model_id: str) -> Calibration:
    return TUNED.get(model_id, UNTUNED)


@dataclass(frozen=True)
class Scored:
    punkt: Punkt
    score: float
    dense: float  # best chunk cosine (0 when the punkt was not among the candidates)
    lexical: float  # raw BM25
    chunk: str | None = None  # the best chunk's text: why it matched
    exact_case: bool = False  # the question named this punkt's journal number


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Scored, ...]
    filter: QueryFilter
    abstain: bool
    top_cosine: float
    top_lexical: float


class Retriever:
    """Search over the open punkter of a store snapshot. Build once per process; queries are read-only."""

    def __init__(self, punkter: Sequence[Punkt], index: VectorIndex | None, embedder: "Embedder | None",
                 calibration: Calibration = Calibration()) -> None:
        self.punkter = [p for p in punkter if not p.closed]
        self.index = index
        self.embedder = embedder
        self.cal = calibration
        self._pos = {punkt_key(p): i for i, p in enumerate(self.punkter)}
        self._bm25 = Bm25Index([punkt_text(p) for p in self.punkter])
        self.committees = sorted({p.meeting.committee for p in self.punkter})

    def search(self, question: str, k: int = 3, mode: Mode = Mode.HYBRID,
               today: dt.date | None = None) -> SearchResult:
        qfilter, rest = parse_filters(question, today or dt.date.today(), self.committees)
        n = len(self.punkter)
        mask = np.array([qfilter.accepts(p.meeting.committee, p.meeting.date) for p in self.punkter], bool)
        cases = {j.raw for j in find_journal_numbers(question)}
        exact = np.array([bool(p.journal and p.journal.raw in cases) for p in self.punkter], bool)
        dense = np.zeros(n, np.float32)
        chunks: dict[int, str] = {}
        if mode is not Mode.BM25 and self.index is not None and self.embedder is not None and n:
            qv = self.embedder.encode_queries([rest])[0]
            for cos, row in self.index.search(qv, self.cal.dense_candidates):
                i = self._pos.get(row.punkt_key)
                if i is not None and cos > dense[i]:
                    dense[i], chunks[i] = cos, row.text
        lexical = self._bm25.scores(rest) if mode is not Mode.DENSE else np.zeros(n, np.float32)
        blend = self._blend(dense, lexical, mask, mode)
        blend = np.where(mask, blend, -np.inf) + exact * 10.0
        order = [int(i) for i in np.argsort(-blend, kind="stable") if np.isfinite(blend[i])]
        top_cos = float(dense[mask].max()) if mask.any() else 0.0
        top_lex = float(lexical[mask].max()) if mask.any() else 0.0
        abstain = not exact.any() and self._abstain(top_cos, top_lex, mode, bool(mask.any()))
        hits = tuple(Scored(self.punkter[i], float(blend[i]), float(dense[i]), float(lexical[i]), chunks.get(i),
                            bool(exact[i])) for i in order[:k])
        return SearchResult(hits, qfilter, abstain, top_cos, top_lex)

    def _blend(self, dense: np.ndarray, lexical: np.ndarray, mask: np.ndarray, mode: Mode) -> np.ndarray:
        def norm(x: np.ndarray) -> np.ndarray:
            if not mask.any():
                return x
            lo, hi = float(x[mask].min()), float(x[mask].max())
            return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)

        if mode is Mode.BM25:
            return lexical.astype(np.float64)
        if mode is Mode.DENSE:
            return dense.astype(np.float64)
        w = self.cal.dense_weight
        return w * norm(dense.astype(np.float64)) + (1 - w) * norm(lexical.astype(np.float64))

    def _abstain(self, top_cos: float, top_lex: float, mode: Mode, any_candidate: bool) -> bool:
        if not any_candidate:
            return True
        dense_weak = top_cos < self.cal.min_cosine
        lex_weak = top_lex < self.cal.min_lexical
        if mode is Mode.BM25:
            return lex_weak
        if mode is Mode.DENSE:
            return dense_weak
        return dense_weak and lex_weak
