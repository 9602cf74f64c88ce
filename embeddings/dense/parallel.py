"""Embedding many chunks on every core: worker processes, each with its own copy of the model on one thread.

Two torch threads in one process measured slower than one on a busy two-core machine (they wait for each
other at every operation); two processes of one thread each do not wait for anything. Workers are started
with ``spawn`` (never ``fork`` after torch has run) and load the model themselves: about a model load per
worker, so the pool is only used for ``POOL_MIN_CHUNKS`` chunks or more; fewer are embedded here, as
before. The query path never comes here: it stays on one thread.
"""
from __future__ import annotations

import logging
import multiprocessing
import pickle
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from embeddings.dense.encoder import Embedder

log = logging.getLogger(__name__)
POOL_MIN_CHUNKS = 256
_worker_embedder = None


def _start(blob: bytes) -> None:
    global _worker_embedder
    _worker_embedder = pickle.loads(blob)  # a SentenceTransformerEmbedder loads its model here, on one thread


def _encode(texts: list[str]) -> np.ndarray:
    return _worker_embedder.encode_documents(texts)


def encode_documents(embedder: "Embedder", texts: Sequence[str], batch_size: int = 32, workers: int = 1,
                     progress: Callable[[int, int], None] = lambda done, total: None,
                     min_chunks: int = POOL_MIN_CHUNKS) -> np.ndarray:
    """``embedder.encode_documents(texts)`` in batches of ``batch_size``, on ``workers`` processes when there
    are at least ``min_chunks`` texts and the embedder can be sent to them; ``progress(done, total)`` after
    each batch, in order."""
    total = len(texts)
    batches = [list(texts[i:i + batch_size]) for i in range(0, total, batch_size)]
    parts: list[np.ndarray] = []
    done = 0
    for vectors in _batches(embedder, batches, workers if total >= min_chunks else 1):
        parts.append(np.asarray(vectors, np.float32))
        done += len(vectors)
        progress(done, total)
    return np.concatenate(parts) if parts else np.zeros((0, embedder.dimension), np.float32)


def _batches(embedder: "Embedder", batches: list[list[str]], workers: int) -> Iterator[np.ndarray]:
    blob = None
    if workers > 1:
        try:
            blob = pickle.dumps(embedder)
        except (pickle.PicklingError, TypeError, AttributeError) as e:
            log.info("embedding on one process: the embedder cannot be sent to workers (%s)", e)
    if blob is None:
        for batch in batches:
            yield embedder.encode_documents(batch)
        return
    log.info("embedding %d batches on %d worker processes", len(batches), workers)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                             initargs=(blob,)) as pool:
        pending: deque = deque()
        queue = iter(batches)
        for batch in queue:  # a bounded window, so texts are not all copied to the workers at once
            pending.append(pool.submit(_encode, batch))
            if len(pending) >= 4 * workers:
                break
        while pending:
            yield pending.popleft().result()
            batch = next(queue, None)
            if batch is not None:
                pending.append(pool.submit(_encode, batch))
