"""Hybrid retrieval: journal numbers exactly first, then a weighted blend of dense (e5 chunks, best chunk
per punkt) and lexical (BM25, Danish stems) scores, with Danish date/committee filters and abstention.

A search runs in two steps so the legs can be measured and tuned separately (bench/tune.py):
``legs(question)`` computes each leg's score for every punkt once; ``rank(legs)`` blends, filters and
decides whether to abstain.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from embeddings.search.answerability import Answerability, Tier, Verdict
from embeddings.search.calibration import UNTUNED, Calibration, background_cosine
from embeddings.journal import find_journal_numbers
from embeddings.search.lexical import Bm25Index, punkt_text
from embeddings.minutes import Punkt
from embeddings.search.query_filters import QueryFilter, parse_filters
from embeddings.dense.vector_index import VectorIndex

if TYPE_CHECKING:
    from embeddings.dense.encoder import Embedder


class Mode(StrEnum):
    BM25 = "bm25"
    DENSE = "dense"
    HYBRID = "hybrid"


@dataclass(frozen=True)
class Scored:
    punkt: Punkt
    score: float
    dense: float  # best chunk cosine (0 when the punkt was not among the candidates)
    lexical: float  # raw BM25
    chunk: str | None = None  # the best chunk's text: why it matched


@dataclass(frozen=True)
class Legs:
    """Each leg's score for every punkt of the retriever, for one question."""

    query: str  # the question without its filter words
    filter: QueryFilter
    mask: np.ndarray  # punkter the filter accepts
    preferred: np.ndarray  # punkter in a preferred period ("gebyret i 2025": the year may be the topic's)
    exact: np.ndarray  # punkter whose journal number the question names
    dense: np.ndarray
    lexical: np.ndarray
    chunks: dict[int, str]
    scope: np.ndarray | None = None  # ``within``: the only punkter searched, also when abstaining (None: all)


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Scored, ...]  # best first; when abstaining, the nearest punkter (uncertain)
    filter: QueryFilter
    abstain: bool  # true for the partial tier too: nothing answers exactly what was asked
    tier: Tier = Tier.ANSWER  # answer / partial (near, but not what was asked) / none (issue 15)
    uncovered: tuple[str, ...] = ()  # partial: the question's words the nearest punkt has nothing close to


class Retriever:
    """Search over the open punkter of a store snapshot. Build once per process; queries are read-only."""

    def __init__(self, punkter: Sequence[Punkt], index: VectorIndex | None, embedder: "Embedder | None",
                 calibration: Calibration = UNTUNED, answerability: Answerability | None = None) -> None:
        self.punkter = [p for p in punkter if not p.closed]
        self.index = index
        self.embedder = embedder
        self.cal = calibration
        self.answerability = answerability  # None: answer whenever the nearest punkt is not weak
        self._pos = {p.uid: i for i, p in enumerate(self.punkter)}
        self._bm25 = Bm25Index([punkt_text(p) for p in self.punkter])
        self._committee = [p.meeting.committee for p in self.punkter]
        self._dates = [p.meeting.date for p in self.punkter]
        self.committees = sorted(set(self._committee))
        self.background = None  # the corpus's cosine for unrelated questions, when a margin needs it
        if calibration.cosine_margin is not None and index is not None and embedder is not None:
            self.background = background_cosine(index, embedder)

    def min_cosine(self, cal: Calibration) -> float:
        if cal.cosine_margin is None or self.background is None:
            return cal.min_cosine
        return self.background + cal.cosine_margin

    def search(self, question: str, k: int = 3, mode: Mode = Mode.HYBRID,
               today: dt.date | None = None, within: Collection[str] | None = None) -> SearchResult:
        """The best ``k`` punkter for ``question``, or an abstention. ``within`` (Punkt.uid values) restricts
        the search to those punkter: ranking and abstention then see only them, as if the corpus held only
        them besides the question's own filters (notifications: "would ask have answered with it?")."""
        return self.rank(self.legs(question, mode, today, within), k, mode)

    def legs(self, question: str, mode: Mode = Mode.HYBRID, today: dt.date | None = None,
             within: Collection[str] | None = None) -> Legs:
        qfilter, rest = parse_filters(question, today or dt.date.today(), self.committees)
        n = len(self.punkter)
        mask = np.fromiter((qfilter.accepts(c, d) for c, d in zip(self._committee, self._dates)), bool, n)
        scope = None
        if within is not None:
            scope = np.zeros(n, bool)
            scope[[self._pos[u] for u in within if u in self._pos]] = True
            mask &= scope
        preferred = np.fromiter((qfilter.prefers(d) for d in self._dates), bool, n)
        cases = {j.raw for j in find_journal_numbers(question)}
        exact = np.fromiter((bool(cases and p.journal and p.journal.raw in cases) for p in self.punkter), bool, n)
        dense = np.zeros(n, np.float32)
        chunks: dict[int, str] = {}
        if mode is not Mode.BM25 and self.index is not None and self.embedder is not None and n:
            qv = self.embedder.encode_queries([rest])[0]
            for cos, row in self.index.search(qv, self.cal.dense_candidates):
                i = self._pos.get(row.uid)
                if i is not None and cos > dense[i]:
                    dense[i], chunks[i] = cos, row.text
        lexical = self._bm25.scores(rest) if mode is not Mode.DENSE else np.zeros(n, np.float32)
        return Legs(rest, qfilter, mask, preferred, exact, dense, lexical, chunks, scope)

    def rank(self, legs: Legs, k: int = 3, mode: Mode = Mode.HYBRID,
             calibration: Calibration | None = None) -> SearchResult:
        cal = calibration or self.cal
        blend, order = self._order(legs, legs.mask, k, mode, cal)  # no order: nothing passed the filter
        abstain = not order
        if order and not legs.exact.any():
            top_cos = float(legs.dense[order[0]])
            top_cov = self._bm25.coverage(legs.query, order[0]) if mode is not Mode.DENSE else 0.0
            abstain = _weak(top_cos, top_cov, mode, self.min_cosine(cal), cal)
            # --- issue 15: near, but is it what was asked? (embeddings/search/answerability.py) ---
            if not abstain and self.answerability is not None:
                verdict = self.judge(legs, order[0], mode)
                if verdict.tier is Tier.PARTIAL:  # the nearest punkt alone, shown as nearest
                    return SearchResult(self._scored(legs, blend, order[:1]), legs.filter, True, Tier.PARTIAL,
                                        verdict.uncovered)
        if abstain and not legs.mask.all():
            # Nothing (good) in that period or committee: the nearest punkter are offered from all of them.
            everywhere = np.ones_like(legs.mask) if legs.scope is None else legs.scope
            blend, order = self._order(legs, everywhere, k, mode, cal)
        elif not abstain:  # answering: only punkter close to the best; abstaining: the nearest, as uncertain
            order = [i for i in order if blend[i] >= cal.min_relative * blend[order[0]]]
        return SearchResult(self._scored(legs, blend, order), legs.filter, abstain,
                            Tier.NONE if abstain else Tier.ANSWER)

    def _scored(self, legs: Legs, blend: np.ndarray, order: list[int]) -> tuple[Scored, ...]:
        return tuple(Scored(self.punkter[i], float(blend[i]), float(legs.dense[i]), float(legs.lexical[i]),
                            legs.chunks.get(i)) for i in order)

    def judge(self, legs: Legs, i: int, mode: Mode = Mode.HYBRID, compare_all: bool = False) -> Verdict:
        """issue 15: the answerability signals and verdict for punkt ``i`` (the top one) of ``legs``."""
        assert self.answerability is not None
        margin = None
        if mode is not Mode.BM25 and self.background is not None:
            margin = float(legs.dense[i]) - self.background
        signals = self.answerability.signals(
            legs.query, lambda text: self._bm25.coverage(text, i), margin,
            lambda: legs.chunks.get(i) or punkt_text(self.punkter[i]), compare_all)
        return self.answerability.decide(signals)

    def _order(self, legs: Legs, mask: np.ndarray, k: int, mode: Mode,
               cal: Calibration) -> tuple[np.ndarray, list[int]]:
        """The blended score of every punkt (-inf outside ``mask``) and the best ``k`` inside it."""
        if not mask.any():
            return np.full(len(mask), -np.inf), []
        blend = _blend(legs.dense, legs.lexical, mask, mode, cal.dense_weight)
        blend = np.where(mask, blend + cal.date_bonus * legs.preferred, -np.inf) + legs.exact * 10.0
        return blend, [int(i) for i in np.argsort(-blend, kind="stable")[:k] if np.isfinite(blend[i])]


def _blend(dense: np.ndarray, lexical: np.ndarray, mask: np.ndarray, mode: Mode, w: float) -> np.ndarray:
    if mode is Mode.BM25:
        return lexical.astype(np.float64)
    if mode is Mode.DENSE:
        return dense.astype(np.float64)

    def norm(x: np.ndarray, scored: np.ndarray) -> np.ndarray:
        """Min-max over the punkter the leg scored, so the rest (0) cannot squash their differences."""
        if not scored.any():
            return np.zeros_like(x)
        lo, hi = float(x[scored].min()), float(x[scored].max())
        return np.clip((x - lo) / (hi - lo), 0.0, 1.0) if hi > lo else np.where(scored, 1.0, 0.0)

    # The dense leg scores only the FAISS candidates (the best chunks); on a big corpus everything else is 0.
    d, lex = dense.astype(np.float64), lexical.astype(np.float64)
    return w * norm(d, mask & (d > 0)) + (1 - w) * norm(lex, mask)


def _weak(top_cos: float, top_cov: float, mode: Mode, min_cosine: float, cal: Calibration) -> bool:
    dense_weak = top_cos < min_cosine
    lex_weak = top_cov < cal.min_coverage
    if mode is Mode.BM25:
        return lex_weak
    if mode is Mode.DENSE:
        return dense_weak
    return dense_weak and lex_weak

