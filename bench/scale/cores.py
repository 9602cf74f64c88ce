"""Batch indexing on every core: the real bundled model on the bundled minutes' chunks, one process (as
before) against two worker processes, side by side in one run, alternating so a busy machine moves both."""
from __future__ import annotations

import os
import time
from pathlib import Path

from embeddings.dense.chunking import chunk_punkt
from embeddings.dense.encoder import load_embedder
from embeddings.dense.parallel import encode_documents
from embeddings.ingest.text import parse_text


def bundled_chunks(folder: Path) -> list[str]:
    texts = []
    for f in sorted(folder.iterdir()):
        texts += [c.text for p in parse_text(f.read_text(encoding="utf-8"), str(f)).punkter for c in chunk_punkt(p)]
    return texts


def measure(folder: Path, model_cache: Path, repeat: int = 2, rounds: int = 2, log=print) -> dict:
    """chunks/s on one process and on two, and what starting the two workers costs (loading the model)."""
    embedder = load_embedder(None, model_cache, threads=1)
    texts = bundled_chunks(folder) * repeat
    embedder.encode_documents(texts[:8])
    t = time.perf_counter()
    encode_documents(embedder, texts[:4], batch_size=2, workers=2, min_chunks=0)
    start_s = time.perf_counter() - t
    one, two = [], []
    for r in range(rounds):
        t = time.perf_counter()
        encode_documents(embedder, texts, workers=1)
        one.append(time.perf_counter() - t)
        t = time.perf_counter()
        encode_documents(embedder, texts, workers=2, min_chunks=0)
        two.append(time.perf_counter() - t)
        log(f"  round {r + 1}: one process {len(texts) / one[-1]:.2f} chunks/s, two {len(texts) / two[-1]:.2f}")
    best_one, best_two = min(one), min(two)
    return {"chunks": len(texts), "one_per_s": len(texts) / best_one, "two_per_s": len(texts) / best_two,
            "two_steady_per_s": len(texts) / max(best_two - start_s, 1e-9), "start_s": start_s,
            "load": os.getloadavg()}
