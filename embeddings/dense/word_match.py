"""Question words against a passage in the model's own hidden states (late interaction, as ColBERT, but
with the sentence model's last layer and no training): the answerability decision's paraphrase test.

A word of the question is the mean of its tokens' last hidden states in the encoded question (with the
model's query prompt), so "medlemmer" in "byrådets medlemmer" is read in its context; its score is the
best cosine to any token of the passage encoded as a document. A word the passage paraphrases scores
high ("politikere" in a punkt about "byrådsmedlemmer"); a word it knows nothing about scores low.

One forward pass of the question and one of the passage (its best chunk, at most 512 tokens): about as
much as encoding the question and a chunk, only done when the lexical coverage alone does not answer.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from embeddings.dense.encoder import SentenceTransformerEmbedder

MAX_TOKENS = 512


class ContextualWordMatcher:
    """The WordMatcher port (embeddings/search/answerability.py) over a loaded sentence-transformers model."""

    def __init__(self, embedder: "SentenceTransformerEmbedder") -> None:
        import torch

        self._torch = torch
        st = embedder.model
        self._tokenizer = st.tokenizer
        self._model = st[0].auto_model
        prompts = embedder.prompts
        self._query_prompt = prompts.get("query", "")
        self._doc_prompt = prompts.get("document", prompts.get("passage", ""))
        self._lock = threading.Lock()  # one forward pass at a time: the web answers on a thread pool

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
        q_states, offsets = self._states(text)
        p_states = self._states(self._doc_prompt + passage)[0][1:-1]  # without <s> and </s>
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
                out[w] = round(float((p_states @ (v / np.linalg.norm(v))).max()), 4)
        return out
