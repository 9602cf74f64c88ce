"""Hybrid retrieval: journal numbers exactly first, then a weighted blend of dense (e5 chunks, best chunk
per punkt) and lexical (BM25, Danish stems) scores, with Danish date/committee filters and abstention.

A search runs in two steps so the legs can be measured and tuned separately (bench/tune.py):
``legs(question)`` computes each leg's score for every punkt once; ``rank(legs)`` blends, filters and
decides whether to abstain.

The retriever holds no punkt: what ranking needs is in the index's arrays (dense/punkt_table.py), in store
order; the hits are read from the store (``fetch``) when a question is answered, with the text of the chunk
that matched cut from them again. Blending looks only at the punkter a leg scored (and, when fewer than
``k`` of them pass the filter, the first ones that did not): at a million punkter a question costs a few
passes over small arrays, with the same result as blending every punkt (tests/test_retriever_blend.py).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from embeddings.dense.chunking import chunk_punkt
from embeddings.dense.punkt_table import journal_key
from embeddings.dense.vector_index import VectorIndex
from embeddings.journal import find_journal_numbers, spellings
from embeddings.minutes import Punkt
from embeddings.search.answerability import (Answerability, Tier, Verdict, as_written, decided_text, topic_text,
                                             topic_words)
from embeddings.search.calibration import PROBES_KEY, UNTUNED, Calibration, background_cosine
from embeddings.search.lexical import punkt_text
from embeddings.search.query_filters import QueryFilter, parse_filters

if TYPE_CHECKING:
    from embeddings.dense.encoder import Embedder


class Mode(StrEnum):
    BM25 = "bm25"
    DENSE = "dense"
    HYBRID = "hybrid"


@dataclass(frozen=True)
class Scored:
    punkt: Punkt  # as the store holds it now
    score: float
    dense: float  # best chunk cosine (0 when the punkt was not among the candidates)
    lexical: float  # raw BM25
    chunk: str | None = None  # the best chunk's text: why it matched


@dataclass(frozen=True)
class Legs:
    """Each leg's score for every punkt of the index (by row), for one question."""

    query: str  # the question without its filter words
    filter: QueryFilter
    mask: np.ndarray  # punkter the filter accepts
    preferred: np.ndarray  # punkter in a preferred period ("gebyret i 2025": the year may be the topic's)
    exact: np.ndarray  # punkter whose journal number the question names
    dense: np.ndarray
    lexical: np.ndarray
    chunks: dict[int, int]  # punkt row -> chunk row of its best chunk (the dense leg's candidates)
    scope: np.ndarray | None = None  # ``within``: the only punkter searched, also when abstaining (None: all)


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Scored, ...]  # best first; when abstaining, the nearest punkter (uncertain)
    filter: QueryFilter
    abstain: bool  # true for the partial tier too: nothing answers exactly what was asked
    tier: Tier = Tier.ANSWER  # answer / partial (near, but not what was asked) / none (issue 15)
    uncovered: tuple[str, ...] = ()  # partial: the question's words the nearest punkt has nothing close to


class Retriever:
    """Search over the open punkter of an index; ``fetch`` reads punkter from the store by uid (in the order
    asked, unknown ones left out). Build once per process; queries are read-only."""

    def __init__(self, index: VectorIndex, fetch: Callable[[list[str]], Sequence[Punkt]],
                 embedder: "Embedder | None", calibration: Calibration = UNTUNED,
                 answerability: Answerability | None = None) -> None:
        self.index = index
        self.fetch = fetch
        self.embedder = embedder
        self.cal = calibration
        self.answerability = answerability  # None: answer whenever the nearest punkt is not weak
        self.punkts = index.punkts
        self.committees = list(self.punkts.committees)
        self.background = None  # the corpus's cosine for unrelated questions, when a margin needs it
        if calibration.cosine_margin is not None and embedder is not None:
            cached = index.background or {}
            self.background = (cached["cosine"] if cached.get("probes") == PROBES_KEY
                               else background_cosine(index, embedder))

    def __len__(self) -> int:
        return len(self.punkts)

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
        n = len(self.punkts)
        period = self._in_period(qfilter)
        mask = period if qfilter.strict_dates else np.ones(n, bool)
        if qfilter.committees:
            wanted = [i for i, c in enumerate(self.committees) if c in qfilter.committees]
            mask = mask & np.isin(self.punkts.committee, wanted)
        scope = None
        if within is not None:
            scope = np.zeros(n, bool)
            scope[self.punkts.rows_of(within)] = True
            mask = mask & scope
        preferred = period if not qfilter.strict_dates else np.zeros(n, bool)
        keys = [journal_key(s) for j in find_journal_numbers(question) for s in spellings(j)]  # emn-… finds EMN-…
        exact = np.isin(self.punkts.journal, np.array(keys, np.uint64)) if keys else np.zeros(n, bool)
        dense = np.zeros(n, np.float32)
        chunks: dict[int, int] = {}
        if mode is not Mode.BM25 and self.embedder is not None and n:
            qv = self.embedder.encode_queries([rest])[0]
            scores, rows = self.index.search_arrays(qv, self.cal.dense_candidates)
            for cos, row, i in zip(scores.tolist(), rows.tolist(), self.index.chunk_punkt[rows].tolist()):
                if cos > dense[i]:
                    dense[i], chunks[i] = cos, row
        lexical = self.index.lexical.scores(rest) if mode is not Mode.DENSE else np.zeros(n, np.float32)
        return Legs(rest, qfilter, mask, preferred, exact, dense, lexical, chunks, scope)

    def _in_period(self, f: QueryFilter) -> np.ndarray:
        days = self.punkts.date
        inside = np.ones(len(days), bool)
        if f.date_from:
            inside &= days >= f.date_from.toordinal()
        if f.date_to:
            inside &= days <= f.date_to.toordinal()
        return inside

    def rank(self, legs: Legs, k: int = 3, mode: Mode = Mode.HYBRID,
             calibration: Calibration | None = None) -> SearchResult:
        cal = calibration or self.cal
        order, blend = best_blended(legs, legs.mask, k, mode, cal)  # no order: nothing passed the filter
        abstain = not order
        if order and _listing(legs):
            order, blend = self._latest(legs, k, mode, cal)
            return SearchResult(self._hits(legs, order, blend), legs.filter, False, Tier.ANSWER)
        if order and not legs.exact.any():
            top_cos = float(legs.dense[order[0]])
            # what the question is about, not how it is phrased ("Hvad blev konklusionen på ...")
            top_cov = self.index.lexical.coverage(topic_text(legs.query), order[0]) if mode is not Mode.DENSE else 0.0
            abstain = _weak(top_cos, top_cov, mode, self.min_cosine(cal), cal)
            # --- issue 15: near, but is it what was asked? (embeddings/search/answerability.py) ---
            if not abstain and self.answerability is not None:
                verdict = self.judge(legs, order[0], mode)
                if verdict.tier is Tier.PARTIAL:  # the nearest punkt alone, shown as nearest
                    return SearchResult(self._hits(legs, order[:1], blend[:1]), legs.filter, True, Tier.PARTIAL,
                                        as_written(verdict.uncovered, legs.query))
        if abstain and not legs.mask.all():
            # Nothing (good) in that period or committee: the nearest punkter are offered from all of them.
            everywhere = np.ones_like(legs.mask) if legs.scope is None else legs.scope
            order, blend = best_blended(legs, everywhere, k, mode, cal)
        elif not abstain:  # answering: only punkter close to the best; abstaining: the nearest, as uncertain
            keep = [j for j, b in enumerate(blend) if b >= cal.min_relative * blend[0]]
            order, blend = [order[j] for j in keep], [blend[j] for j in keep]
        return SearchResult(self._hits(legs, order, blend), legs.filter, abstain,
                            Tier.NONE if abstain else Tier.ANSWER)

    def _latest(self, legs: Legs, k: int, mode: Mode, cal: Calibration) -> tuple[list[int], list[float]]:
        """A listing question (_listing): every punkt in its committee or period answers it, so the newest
        meetings' come first, and within a meeting the punkter whose text reads most like a decision (the blend
        with the bare question), best ``k``."""
        rows = np.flatnonzero(legs.mask)
        dates = self.punkts.date[rows]
        newest = np.sort(dates)[::-1][:k]
        recent = np.zeros_like(legs.mask)
        recent[rows[dates >= newest[-1]]] = True  # the meetings that hold the newest k punkter
        order, blend = best_blended(legs, recent, int(np.count_nonzero(recent)), mode, cal)
        ranked = sorted(range(len(order)), key=lambda j: (-int(self.punkts.date[order[j]]), -blend[j]))[:k]
        return [order[j] for j in ranked], [blend[j] for j in ranked]

    def _hits(self, legs: Legs, order: Sequence[int], blend: Sequence[float]) -> tuple[Scored, ...]:
        fetched = {p.uid: p for p in self.fetch([self.punkts.uid(i) for i in order])}
        hits = []
        for i, score in zip(order, blend):
            p = fetched.get(self.punkts.uid(i))
            if p is not None:  # removed from the store since the index was loaded: never shown
                hits.append(Scored(p, score, float(legs.dense[i]), float(legs.lexical[i]),
                                   self._why(p, i, legs.chunks.get(i))))
        return tuple(hits)

    def judge(self, legs: Legs, i: int, mode: Mode = Mode.HYBRID, compare_all: bool = False) -> Verdict:
        """issue 15: the answerability signals and verdict for punkt row ``i`` (the top one) of ``legs``."""
        assert self.answerability is not None
        margin = None
        if mode is not Mode.BM25 and self.background is not None:
            margin = float(legs.dense[i]) - self.background

        # The punkt is read from the store only to compare a word, or to look for a name or a compound.
        found = functools.cache(lambda: self.fetch([self.punkts.uid(i)]))
        signals = self.answerability.signals(
            legs.query, lambda text: self.index.lexical.coverage(text, i), margin,
            lambda: self._chunk_text(found(), legs, i), compare_all, dt.date.fromordinal(int(self.punkts.date[i])),
            bool(legs.preferred[i]), lambda: decided_text(found()[0]) if found() else "",
            self.index.lexical.share)
        return self.answerability.decide(signals)

    def chunk_text(self, legs: Legs, i: int) -> str:
        """The text of punkt row ``i``'s best chunk for ``legs`` (the whole punkt's when it has none; "" when
        the punkt is gone from the store)."""
        return self._chunk_text(self.fetch([self.punkts.uid(i)]), legs, i)

    def _chunk_text(self, found: Sequence[Punkt], legs: Legs, i: int) -> str:
        return (self._why(found[0], i, legs.chunks.get(i)) or punkt_text(found[0])) if found else ""

    def _why(self, p: Punkt, i: int, chunk_row: int | None) -> str | None:
        """The text of the chunk that matched, cut from the punkt again (None when it changed since)."""
        if chunk_row is None or p.content_hash != self.punkts.content_hash(i):
            return None
        position = int(self.index.chunk_position[chunk_row])
        chunks = chunk_punkt(p)
        return chunks[position].text if position < len(chunks) else None


def best_blended(legs: Legs, mask: np.ndarray, k: int, mode: Mode,
                 cal: Calibration) -> tuple[list[int], list[float]]:
    """The best ``k`` punkter inside ``mask`` by blended score, best first (ties: store order), and their
    scores. The blend is computed for the punkter a leg scored; every other punkt in ``mask`` scores the
    same constant (plus the date bonus), so the first of them fill up when fewer than ``k`` do better."""
    if not mask.any():
        return [], []
    scored = legs.lexical > 0 if mode is not Mode.DENSE else np.zeros(len(mask), bool)
    scored[np.fromiter(legs.chunks.keys(), np.int64, len(legs.chunks))] = True
    scored |= legs.exact
    cand = np.flatnonzero(scored & mask)
    base, rest = _blend(legs.dense[cand].astype(np.float64), legs.lexical[cand].astype(np.float64),
                        int(np.count_nonzero(mask)), mode, cal.dense_weight)
    values = base + cal.date_bonus * legs.preferred[cand] + legs.exact[cand] * 10.0
    ids = cand
    unscored = [(rest + cal.date_bonus * 1.0 + 0.0, True), (rest + cal.date_bonus * 0.0 + 0.0, False)]
    if np.count_nonzero(values > max(v for v, _ in unscored)) < k and len(cand) < np.count_nonzero(mask):
        extra = [ids]
        for value, pref in unscored:  # the first punkter of each kind that no leg scored
            firsts = np.flatnonzero(mask & (legs.preferred == pref))[:k + len(cand)]
            firsts = firsts[~np.isin(firsts, cand)][:k]
            extra.append(firsts)
            values = np.concatenate([values, np.full(len(firsts), value)])
        ids = np.concatenate(extra)
    if len(values) > k:  # only the values from the k-th best up can be among the best k (ties included)
        kth = np.partition(values, len(values) - k)[len(values) - k]
        ids, values = ids[values >= kth], values[values >= kth]
    best = np.lexsort((ids, -values))[:k]
    return [int(i) for i in ids[best]], [float(v) for v in values[best]]


def _blend(dense: np.ndarray, lexical: np.ndarray, in_mask: int, mode: Mode, w: float) -> tuple[np.ndarray, float]:
    """The blend of the scored punkter (``dense``, ``lexical``: theirs) and of every other punkt in the mask
    (both legs 0), as if computed over all ``in_mask`` punkter of the mask."""
    if mode is Mode.BM25:
        return lexical, 0.0
    if mode is Mode.DENSE:
        return dense, 0.0

    def norm(x: np.ndarray, scored: np.ndarray, others: bool) -> tuple[np.ndarray, float]:
        """Min-max over the punkter the leg scored, so the rest (0) cannot squash their differences;
        ``others``: punkter outside ``x`` count as scored with 0. Returns (x normalised, 0 normalised)."""
        if others:
            lo, hi = 0.0, float(x.max(initial=0.0))
        elif scored.any():
            lo, hi = float(x[scored].min()), float(x[scored].max())
        else:
            return np.zeros_like(x), 0.0
        if hi > lo:
            return np.clip((x - lo) / (hi - lo), 0.0, 1.0), float(np.clip((0.0 - lo) / (hi - lo), 0.0, 1.0))
        return np.where(scored, 1.0, 0.0), (1.0 if others else 0.0)

    # The dense leg scores only the FAISS candidates (the best chunks); on a big corpus everything else is 0.
    nd, nd0 = norm(dense, dense > 0, False)
    nl, nl0 = norm(lexical, np.ones(len(lexical), bool), len(lexical) < in_mask)
    return w * nd + (1 - w) * nl, w * nd0 + (1 - w) * nl0


def _listing(legs: Legs) -> bool:
    """The question asks what was decided, about nothing in particular: in a committee or a period ("Hvad
    besluttede Økonomiudvalget i juni 2026?") or at all ("Hvad besluttede vi?"). "Tak!" asks nothing."""
    f = legs.filter
    named = bool(f.committees or (f.strict_dates and (f.date_from or f.date_to)))
    return not topic_words(legs.query) and (named or _DECIDED.search(legs.query) is not None)


_DECIDED = re.compile(r"(?iu)\b(?:beslut\w*|vedt\w*|afgj\w*|afgør\w*|bestemt\w*|godkendt\w*)")


def _weak(top_cos: float, top_cov: float, mode: Mode, min_cosine: float, cal: Calibration) -> bool:
    dense_weak = top_cos < min_cosine
    lex_weak = top_cov < cal.min_coverage
    if mode is Mode.BM25:
        return lex_weak
    if mode is Mode.DENSE:
        return dense_weak
    return dense_weak and lex_weak
