"""Blending only the punkter a leg scored gives what blending every punkt gave: the same punkter, in the same
order, with the same scores, for every mode, filter, date preference and journal match (random legs with
ties, checked against the blend over all punkter as the retriever computed it before)."""
from __future__ import annotations

import numpy as np
import pytest

from embeddings.search.calibration import Calibration
from embeddings.search.query_filters import QueryFilter
from embeddings.search.retriever import Legs, Mode, best_blended


def blend_everything(legs: Legs, mask: np.ndarray, k: int, mode: Mode, cal: Calibration):
    """The oracle: every punkt's blend (-inf outside ``mask``), then a stable sort."""
    if not mask.any():
        return [], []
    d, lex = legs.dense.astype(np.float64), legs.lexical.astype(np.float64)

    def norm(x, scored):
        if not scored.any():
            return np.zeros_like(x)
        lo, hi = float(x[scored].min()), float(x[scored].max())
        return np.clip((x - lo) / (hi - lo), 0.0, 1.0) if hi > lo else np.where(scored, 1.0, 0.0)

    if mode is Mode.BM25:
        blend = lex
    elif mode is Mode.DENSE:
        blend = d
    else:
        w = cal.dense_weight
        blend = w * norm(d, mask & (d > 0)) + (1 - w) * norm(lex, mask)
    blend = np.where(mask, blend + cal.date_bonus * legs.preferred, -np.inf) + legs.exact * 10.0
    order = [int(i) for i in np.argsort(-blend, kind="stable")[:k] if np.isfinite(blend[i])]
    return order, [float(blend[i]) for i in order]


def random_legs(rng: np.random.Generator, n: int) -> tuple[Legs, np.ndarray]:
    levels = rng.choice([0.0, 0.0, 0.3, 0.5, 0.5, 0.8, 0.9], n)  # zeros and ties on purpose
    dense = np.where(rng.random(n) < 0.5, levels, 0.0).astype(np.float32)
    lexical = np.where(rng.random(n) < rng.random(), rng.choice([0.0, 1.5, 2.0, 2.0, 7.25], n), 0.0).astype(np.float32)
    if rng.random() < 0.1:
        lexical[:] = 2.0  # every punkt has the same lexical score
    if rng.random() < 0.3:
        dense[:] = 0.0  # the dense leg found nothing (or was not asked)
    mask = rng.random(n) < rng.choice([0.2, 0.7, 1.0])
    preferred = rng.random(n) < rng.choice([0.0, 0.3])
    exact = rng.random(n) < rng.choice([0.0, 0.0, 0.05])
    chunks = {int(i): int(i) for i in np.flatnonzero(dense > 0)}
    legs = Legs("q", QueryFilter(), mask, preferred, exact, dense, lexical, chunks)
    return legs, mask


@pytest.mark.parametrize("seed", range(40))
def test_blending_the_scored_punkter_equals_blending_every_punkt(seed):
    rng = np.random.default_rng(seed)
    cal = Calibration()
    for _ in range(25):
        legs, mask = random_legs(rng, int(rng.integers(1, 60)))
        for mode in Mode:
            for k in (1, 3, 8, 100):
                for m in (mask, np.ones_like(mask)):
                    assert best_blended(legs, m, k, mode, cal) == blend_everything(legs, m, k, mode, cal)
