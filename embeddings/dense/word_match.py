"""Question words against a passage in the model's own hidden states (late interaction, as ColBERT, but
with the sentence model's last layer and no training): the answerability decision's paraphrase test.

A word of the question is the mean of its tokens' last hidden states in the encoded question (with the
model's query prompt), so "medlemmer" in "byrådets medlemmer" is read in its context; its score is the
best cosine to any token of the passage encoded as a document. A word the passage paraphrases scores
high ("politikere" in a punkt about "byrådsmedlemmer"); a word it knows nothing about scores low.

Raw scores are compressed (last-layer states are anisotropic: almost any token of any minutes is 0.75 to
0.85 close to almost any word), and how high a word scores anywhere depends on the word. So the score is
a contrast, as the dense margin is: the word's best cosine in the passage minus its mean best cosine in
``background`` passages of ordinary minutes (a word the punkt really has stands out from them; one it only
resembles does not). On the development sets this declined about 15 more near misses than the raw score at
the same number of kept answers (docs/benchmarks.md).

The background is fixed (``shipped_background``: 16 passages of the bundled minutes), not taken from the
store: a store of one meeting made that meeting the background, so every word it is about scored low and
right answers became partial (in one-meeting Greve stores, 27 of 61 questions ranked right are answered
with the store's own background, 40 with the fixed one: `python -m bench.small_stores`). On the full Greve
corpus the fixed background keeps 5 more right answers and declines 2 fewer near misses (bench.quality).

One forward pass of the question and one of the passage (its best chunk, at most 512 tokens): about as
much as encoding the question and a chunk, only done when the lexical coverage alone does not answer.
"""
from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from embeddings.dense.encoder import SentenceTransformerEmbedder

MAX_TOKENS = 512
BACKGROUND_PASSAGES = 16
BACKGROUND_FILE = Path(__file__).with_name("word_background.json")  # bench/word_background.py writes it


def shipped_background() -> list[str]:
    """The background every store's words are contrasted with: 16 passages of the bundled minutes."""
    return json.loads(BACKGROUND_FILE.read_text(encoding="utf-8"))


def background_passages(texts: Sequence[str], n: int = BACKGROUND_PASSAGES) -> list[str]:
    """``n`` of ``texts`` spread evenly over them (deterministic): the corpus a word is contrasted with."""
    if len(texts) <= n:
        return list(texts)
    step = len(texts) / n
    return [texts[int(k * step)] for k in range(n)]


class ContextualWordMatcher:
    """The WordMatcher port (embeddings/search/answerability.py) over a loaded sentence-transformers model."""

    def __init__(self, embedder: "SentenceTransformerEmbedder", background: Sequence[str] = ()) -> None:
        """``background``: passages of the corpus (background_passages); none: raw cosines."""
        import torch

        self._torch = torch
        st = embedder.model
        self._tokenizer = st.tokenizer
        self._model = st[0].auto_model
        prompts = embedder.prompts
        self._query_prompt = prompts.get("query", "")
        self._doc_prompt = prompts.get("document", prompts.get("passage", ""))
        self._lock = threading.Lock()  # one forward pass at a time: the web answers on a thread pool
        self._background = [self._passage(t) for t in background]  # ~60 ms each, once
        # A question is compared with its punkt's best chunk, then with what the punkt decides: encoded once.
        self._question = functools.lru_cache(maxsize=8)(self._states)

    def _states(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        enc = self._tokenizer(text, return_tensors="pt", truncation=True, max_length=MAX_TOKENS,
                              return_offsets_mapping=True)
        offsets = enc.pop("offset_mapping")[0].numpy()
        with self._lock, self._torch.no_grad():
            hidden = self._model(**enc).last_hidden_state[0]
        return self._torch.nn.functional.normalize(hidden, dim=-1).numpy(), offsets

    def similarities(self, question: str, words: Sequence[str], passage: str) -> dict[str, float]:
        if not words:
            return {}
        text = self._query_prompt + question
        q_states, offsets = self._question(text)
        p_states = self._passage(passage)
        if not len(p_states):
            return {w: 0.0 for w in words}
        out: dict[str, float] = {}
        for w in words:
            m = re.search(rf"(?iu)(?<!\w){re.escape(w)}(?!\w)", text)
            if m is None:
                continue
            idx = [k for k, (a, b) in enumerate(offsets) if b > a and a >= m.start() - 1 and m.start() < b <= m.end()]
            if idx:
                v = q_states[idx].mean(axis=0)
                v /= np.linalg.norm(v)
                base = float(np.mean([(b @ v).max() for b in self._background if len(b)] or [0.0]))
                out[w] = round(float((p_states @ v).max()) - base, 4)
        return out

    def _passage(self, text: str) -> np.ndarray:
        return self._states(self._doc_prompt + text)[0][1:-1]  # without <s> and </s>
