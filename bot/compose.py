"""The composition root: Settings -> Store, Embedder, index, Retriever, Beslut. Nothing else wires things."""
from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core import Beslut, CoreOptions
from bot.errors import BeslutError
from bot.messages import render
from bot.settings import Settings
from embeddings.search import Retriever, calibration_for
from embeddings.store import Store
from embeddings.vector_index import UpdateStats, VectorIndex, build_or_update

if TYPE_CHECKING:
    from bot.live_core import LiveCore

log = logging.getLogger(__name__)


def load_embedder(settings: Settings):
    from embeddings.encoder import load_embedder as load

    return load(settings.model, settings.model_cache_dir)


def update_index(settings: Settings, store: Store, embedder, rebuild: bool = False,
                 note: Callable[[str], None] = lambda s: print(s, file=sys.stderr)) -> tuple[VectorIndex, UpdateStats]:
    """Bring the index up to date with the store, embedding only new or changed punkter."""
    previous = None if rebuild else VectorIndex.load(settings.index_dir, embedder.model_id)
    punkter = [p for p in store.punkter() if not p.closed]
    if previous is None:
        note(render("index_building", punkter=len(punkter)))
    bar = None

    def progress(done: int, total: int) -> None:  # a bar on a terminal when there is much to embed
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, desc="indeks", unit="tekststykke", file=sys.stderr,
                       disable=None if total > 200 else True)
        bar.update(done - bar.n)

    index, stats = build_or_update(punkter, embedder, store.fingerprint(), previous, progress=progress)
    if bar is not None:
        bar.close()
    index.save(settings.index_dir)
    log.info("index updated: %s", stats)
    return index, stats


def open_core(settings: Settings, embedder=None, store: Store | None = None) -> Beslut:
    """A ready Beslut. A missing index is built from the store (documented); a stale one is an error."""
    store = store or Store(settings.store_path)
    embedder = embedder or load_embedder(settings)
    index = VectorIndex.load(settings.index_dir, embedder.model_id)
    if index is None:
        index, _ = update_index(settings, store, embedder)
    elif index.store_fingerprint != store.fingerprint():
        raise BeslutError("index_stale")
    retriever = Retriever(store.punkter(), index, embedder, calibration_for(embedder.model_id))
    return Beslut(store, retriever, CoreOptions(settings.source_url_template, settings.today))


def open_live_core(settings: Settings, store: Store, embedder=None, interval: float = 30.0) -> LiveCore:
    """The web process's core: loads the model once and follows `beslut ingest` runs of other processes."""
    from bot.live_core import LiveCore

    embedder = embedder or load_embedder(settings)
    return LiveCore(lambda: open_core(settings, embedder=embedder, store=store), store, interval)
