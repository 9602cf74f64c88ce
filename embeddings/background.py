"""How similar an unrelated question looks to this corpus: the baseline for the abstention threshold.

e5 cosines are compressed, and the best match of a question about something never decided rises with the
size of the corpus (more punkter, more near misses): on the 36 bundled punkter it is about 0.83, on Greve's
5,168 about 0.86. So the threshold is a margin over a baseline measured on the corpus itself: the median
best cosine of questions about things no municipality decides. Sixteen query encodings (~0.3 s) when the
retriever is built.
"""
from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from embeddings.vector_index import VectorIndex

if TYPE_CHECKING:
    from embeddings.encoder import Embedder

PROBES = (
    "Hvad besluttede vi om kamelridning?", "Hvornår lander rumskibet på Mars?", "opskrift på æblekage",
    "Hvem vandt fodboldkampen i går?", "Hvordan fodrer man en papegøje?", "Hvad koster en flybillet til Bangkok?",
    "regler for skak", "Hvilken farve har himlen om natten?", "Hvordan strikker man en sweater?",
    "Hvad er hovedstaden i Peru?", "vulkanudbrud på Island", "Hvad besluttede vi om dinosaurer?",
    "Hvornår spiller orkestret Mozart?", "dykning efter perler", "Hvordan bygger man en raket?", "tips til surfing",
)


def background_cosine(index: VectorIndex, embedder: "Embedder") -> float:
    """The median over PROBES of the best chunk cosine in ``index`` (0 for an empty index)."""
    if not len(index):
        return 0.0
    vectors = embedder.encode_queries(list(PROBES))
    return statistics.median(index.search(v, 1)[0][0] for v in vectors)
