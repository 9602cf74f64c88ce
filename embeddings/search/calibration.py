"""When to abstain and how the legs are blended (Calibration, per model), and how similar an unrelated
question looks to this corpus: the baseline for the abstention threshold.

e5 cosines are compressed, and the best match of a question about something never decided rises with the
size of the corpus (more punkter, more near misses): on the 36 bundled punkter it is about 0.83, on Greve's
5,168 about 0.86. So the threshold is a margin over a baseline measured on the corpus itself: the median
best cosine of questions about things no municipality decides. Sixteen query encodings (~0.3 s) when the
index is built; the result is kept in its manifest (``PROBES_KEY`` says which probes it was measured with).
"""
from __future__ import annotations

import hashlib
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from embeddings.dense.e5_convert import MODEL_ID as DEFAULT_MODEL_ID

if TYPE_CHECKING:
    from embeddings.dense.encoder import Embedder
    from embeddings.dense.vector_index import VectorIndex

@dataclass(frozen=True)
class Calibration:
    """How the legs are blended and when to abstain. Tuned with `python -m bench.tune` (docs/benchmarks.md).

    Abstain when the best punkt is weak on both legs: its best chunk's cosine is below the corpus's
    background (``background_cosine`` below) plus ``cosine_margin`` (or below ``min_cosine`` when no margin is
    set), and the question's words it contains (IDF-weighted share of the question's stems) are below
    ``min_coverage``. Both mean the same on 36 punkter as on 50,000.
    """

    dense_weight: float = 0.8  # blend = w * dense + (1 - w) * lexical, each min-max normalised per query
    cosine_margin: float | None = 0.041  # midway: bundled answerable floor 0.048, Greve none ceiling 0.034
    min_cosine: float = float("inf")
    min_coverage: float = 0.5
    min_relative: float = 0.7  # answer with further punkter only when their score is >= this share of the best
    date_bonus: float = 0.3  # added to the blend of punkter in a preferred (not strict) period
    dense_candidates: int = 400  # chunks fetched from FAISS before aggregating per punkt


# Cosine scales differ between models, so the cosine threshold is tuned per model id. A model nobody tuned
# abstains on the lexical leg alone.
TUNED: dict[str, Calibration] = {DEFAULT_MODEL_ID: Calibration()}
UNTUNED = Calibration(cosine_margin=None, min_cosine=float("inf"), min_coverage=0.5)


def calibration_for(model_id: str) -> Calibration:
    return TUNED.get(model_id, UNTUNED)


PROBES = (
    "Hvad besluttede vi om kamelridning?", "Hvornår lander rumskibet på Mars?", "opskrift på æblekage",
    "Hvem vandt fodboldkampen i går?", "Hvordan fodrer man en papegøje?", "Hvad koster en flybillet til Bangkok?",
    "regler for skak", "Hvilken farve har himlen om natten?", "Hvordan strikker man en sweater?",
    "Hvad er hovedstaden i Peru?", "vulkanudbrud på Island", "Hvad besluttede vi om dinosaurer?",
    "Hvornår spiller orkestret Mozart?", "dykning efter perler", "Hvordan bygger man en raket?", "tips til surfing",
)


PROBES_KEY = hashlib.sha256("\n".join(PROBES).encode("utf-8")).hexdigest()[:16]  # a cached background's probes


def background_cosine(index: "VectorIndex", embedder: "Embedder") -> float:
    """The median over PROBES of the best chunk cosine in ``index`` (0 for an empty index)."""
    if not len(index):
        return 0.0
    vectors = embedder.encode_queries(list(PROBES))
    return statistics.median(index.search(v, 1)[0][0] for v in vectors)
