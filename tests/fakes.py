"""Small real implementations of the core's ports, for fast deterministic tests.

``HashingEmbedder`` implements the ``Embedder`` port (embeddings/encoder.py) without a model: a
normalised bag of hashed, lower-cased word trigrams. Texts sharing words are close, others are not, so
retrieval tests can reason about rankings in milliseconds. It is not a mock: the index, the fusion and
the answers run for real on its vectors.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np

_WORD = re.compile(r"(?u)\w+")


class HashingEmbedder:
    model_id = "test/hashing-embedder"

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, np.float32)
        for word in _WORD.findall(text.lower()):
            w = f"#{word}#"
            for i in range(max(len(w) - 2, 1)):
                h = int.from_bytes(hashlib.blake2b(w[i:i + 3].encode(), digest_size=4).digest(), "little")
                v[h % self.dimension] += 1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return np.stack([self._vector(t) for t in texts])

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)
