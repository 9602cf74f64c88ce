"""A synthetic store and a tiny model for it, built once per size and kept under data/bench/scale/.

``prepare(home, punkter, long)`` writes ``home/beslut.db`` (through ``Store.replace_minutes``, as ingest does)
and ``home/tiny-model``: a real sentence-transformers model (StaticEmbedding, 384 dimensions, random weights)
that BESLUT_MODEL can name. ``home/corpus.json`` records what was built; a later run reuses it.

The word vectors are random but shaped like a trained model's space (``tiny_model``): a word is the mean of
random vectors of its letter 4-grams in a 64-dimensional space, projected to 384 with a little noise, and
scaled by how rare it is (a / (a + p(word)), "smooth inverse frequency"). So a made-up compound lies between
the words it was made from, texts are led by their rare words, and "hvad besluttede vi om" weighs little.
Plain random word vectors (or random unit vectors) give a space with no neighbourhoods: every text is a
needle, exact search finds it, and no approximate index can (HNSW's recall@10 was 0.35 on them), which says
nothing about minutes. With these vectors HNSW's recall at 100k chunks (0.99) is close to its recall on
Greve's real e5 vectors (0.99 at the punkt level, docs/benchmarks.md).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from bench.scale.synth import Generator
from bot.settings import PROJECT_DIR
from embeddings.store import Store

sys.path.insert(0, str(PROJECT_DIR / "tests"))  # tiny_sentence_transformer, as bench/sync.py uses the fakes
DIMENSION = 384
PROMPTS = {"query": "query: ", "document": "passage: "}
MODEL_VERSION = 3  # 2: word vectors scaled by rarity; 3: and made of letter 4-grams in 64 dimensions
SIF_A = 1e-3


def tiny_model(path: Path, words: dict[str, float], seed: int, latent: int = 64, noise: float = 0.3) -> None:
    """A StaticEmbedding over ``words`` (word -> share of the bundled minutes' words, 0 for made-up ones) with
    the vectors described above; the prompts and unknown words weigh nothing."""
    import torch

    from fakes import tiny_sentence_transformer

    rng = np.random.default_rng(seed)
    grams: dict[str, int] = {}
    parts = {w: [grams.setdefault(g, len(grams)) for g in _grams(w)] for w in words}
    gram_vectors = rng.normal(size=(len(grams), latent)).astype(np.float32)
    projection = rng.normal(size=(latent, DIMENSION)).astype(np.float32) / np.sqrt(latent)
    st = tiny_sentence_transformer(PROMPTS, list(words), dimension=DIMENSION, seed=seed)
    static = st[0]
    weights = np.zeros(tuple(static.embedding.weight.shape), np.float32)
    for word, i in static.tokenizer.get_vocab().items():
        if word in words:
            v = gram_vectors[parts[word]].mean(0) @ projection
            v += noise * rng.normal(size=DIMENSION).astype(np.float32) / np.sqrt(DIMENSION)
            weights[i] = v / np.linalg.norm(v) * (SIF_A / (SIF_A + words[word]))
    with torch.no_grad():
        static.embedding.weight.copy_(torch.from_numpy(weights))
    st.save(str(path))


def _grams(word: str) -> list[str]:
    w = f"<{word}>"
    return [w[i:i + 4] for i in range(max(1, len(w) - 3))]


def prepare(home: Path, punkter: int, long: bool, seed: int = 14, model: bool = True,
            log=lambda s: print(s, file=sys.stderr, flush=True)) -> dict:
    marker = home / "corpus.json"
    wanted = {"punkter": punkter, "long": long, "seed": seed, "model": model}
    if marker.is_file():
        info = json.loads(marker.read_text(encoding="utf-8"))
        if {k: info.get(k) for k in wanted} == wanted:
            if model and info.get("model_version") != MODEL_VERSION:
                tiny_model(home / "tiny-model", json.loads((home / "words.json").read_text(encoding="utf-8")), seed)
                info["model_version"] = MODEL_VERSION
                marker.write_text(json.dumps(info, indent=2), encoding="utf-8")
            return info
    home.mkdir(parents=True, exist_ok=True)
    for f in home.glob("beslut.db*"):
        f.unlink()
    gen = Generator(seed)
    store = Store(home / "beslut.db")
    t0 = time.perf_counter()
    meetings = 0
    for minutes in gen.minutes(punkter, long):
        store.replace_minutes(minutes, minutes.meeting.source_path, minutes.meeting.source_sha256)
        meetings += 1
        if meetings % 2000 == 0:
            log(f"  stored {meetings * 10} punkter ({time.perf_counter() - t0:.0f} s)")
    store_s = time.perf_counter() - t0
    store.close()
    frequency = {}
    for w, p in zip(gen.vocab.words, gen.vocab.p):
        frequency[str(w).lower()] = frequency.get(str(w).lower(), 0.0) + float(p)
    words = {w: frequency.get(w, 0.0) for w in gen.words()}
    (home / "words.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    if model:
        tiny_model(home / "tiny-model", words, seed)
    info = {**wanted, "meetings": meetings, "store_s": store_s, "vocabulary": len(words),
            "model_version": MODEL_VERSION}
    marker.write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info
