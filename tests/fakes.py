"""Small real implementations of the core's ports, for fast deterministic tests.

``HashingEmbedder`` implements the ``Embedder`` port (embeddings/encoder.py) without a model: a
normalised bag of hashed, lower-cased word trigrams. Texts sharing words are close, others are not, so
retrieval tests can reason about rankings in milliseconds. It is not a mock: the index, the fusion and
the answers run for real on its vectors.

``NoCore`` is a Core for routes that must never reach it: asking it fails the test.
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



class CountingEmbedder(HashingEmbedder):
    """A HashingEmbedder that counts the documents it embeds (what an index update cost)."""

    def __init__(self) -> None:
        super().__init__()
        self.documents = 0

    def encode_documents(self, texts):
        self.documents += len(texts)
        return super().encode_documents(texts)


class NoCore:
    """A Core for routes that must not ask it anything (installs, auth failures): fails the test if asked."""

    def ask(self, question, k=3):
        raise AssertionError("not asked")

    def sag(self, query):
        raise AssertionError("not asked")


def tiny_sentence_transformer(prompts: dict[str, str] | None, texts: list[str], dimension: int = 16, seed: int = 7):
    """A real SentenceTransformer in milliseconds: lower-cased words of ``texts`` -> mean of fixed random
    vectors. ``model.save(path)`` gives a folder that BESLUT_MODEL can name."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    words = ["[UNK]", "query:", "passage:"] + sorted(set(" ".join(texts).lower().split()))
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    weights = np.random.default_rng(seed).normal(size=(len(words), dimension)).astype(np.float32)
    return SentenceTransformer(modules=[StaticEmbedding(tok, embedding_weights=weights)], prompts=prompts,
                               device="cpu")


def race(n: int, attempt) -> list:
    """``attempt(i)`` from ``n`` threads released at once (each with connections of its own); the results."""
    import threading

    barrier, results = threading.Barrier(n), []

    def go(i: int) -> None:
        barrier.wait()
        results.append(attempt(i))

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results
