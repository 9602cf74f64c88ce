"""Composition of the knowledge side: the store (SQLite or PostgreSQL), the model, the index and the core."""
from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from collections.abc import Callable

from bot.core.messages import render
from bot.core.service import Beslut, CoreOptions
from bot.settings import Settings
from embeddings.dense.build import UpdateStats, build_or_update
from embeddings.dense.vector_index import DirectoryIndex, VectorIndex
from embeddings.errors import BeslutError, ConfigError
from embeddings.search.answerability import Answerability
from embeddings.search.calibration import calibration_for
from embeddings.search.retriever import Retriever
from embeddings.store import Store
from embeddings.sync.run import SyncReport

log = logging.getLogger(__name__)


def load_embedder(settings: Settings):
    from embeddings.dense.encoder import load_embedder as load

    return load(settings.model, settings.model_cache_dir)


def index_kind(settings: Settings):
    from embeddings.dense.ann import IndexKind

    return IndexKind(settings.index_kind)


def index_workers(settings: Settings) -> int:
    """Processes for a big batch of embedding (BESLUT_INDEX_WORKERS; 0: one per core this process may use)."""
    import os

    return settings.index_workers or len(os.sched_getaffinity(0))


def index_store(settings: Settings, store: Store):
    """Where the vector index is kept: in the database with DATABASE_URL (web replicas build theirs from it),
    else as files in BESLUT_HOME/index."""
    if settings.database_url:
        from embeddings.dense.index_db import DatabaseIndex

        return DatabaseIndex(store.db, store, index_kind(settings))
    return DirectoryIndex(settings.index_dir)


# One process at a time brings the index up to date (a lease in the database): two ingests, or an ingest and
# the worker, would otherwise both embed the same new punkter and both write the vectors. The holder renews it
# as the embedding goes, so a dead holder on another host blocks the others at most this long.
INDEX_LEASE = dt.timedelta(minutes=30)
INDEX_RENEW_SECONDS = 60.0


def update_index(settings: Settings, store: Store, embedder, rebuild: bool = False,
                 note: Callable[[str], None] = lambda s: print(s, file=sys.stderr),
                 progress: Callable[[int, int], None] = lambda done, total: None,
                 ) -> tuple[VectorIndex, UpdateStats]:
    """Bring the index up to date with the store, embedding only new or changed punkter (on every core when
    there are many: embeddings/dense/parallel.py). While another process does it, wait, then take up its
    index: only what it left is embedded."""
    from bot.state.leases import Leases

    waiting = lambda holder: note(render("index_waiting", holder=holder or "?"))  # noqa: E731
    with Leases(store.db).wait("index", INDEX_LEASE, waiting=waiting) as held:
        renewed = [time.monotonic()]

        def progress_and_renew(done: int, total: int) -> None:
            if time.monotonic() - renewed[0] >= INDEX_RENEW_SECONDS:
                held.renew()
                renewed[0] = time.monotonic()
            progress(done, total)

        return _update_index(settings, store, embedder, rebuild, note, progress_and_renew)


def _update_index(settings: Settings, store: Store, embedder, rebuild: bool, note: Callable[[str], None],
                  progress: Callable[[int, int], None]) -> tuple[VectorIndex, UpdateStats]:
    saved = index_store(settings, store)
    kind, workers = index_kind(settings), index_workers(settings)
    previous = None
    if not rebuild:
        try:
            previous = saved.load(embedder.model_id)
        except BeslutError as e:  # an index of an older format: converted from its vectors, or built again
            if e.code != "index_format":
                raise
            previous = saved.upgraded(embedder.model_id, store, kind, workers)
            if previous is not None:
                note(render("index_upgraded", path=str(saved), chunks=len(previous)))
    fingerprint = store.fingerprint()
    if previous is None:
        note(render("index_building", punkter=len(store.open_keys())))
    index, stats = build_or_update(store, embedder, fingerprint, previous, progress=progress,
                                   kind=kind, workers=workers)
    saved.save(index)
    log.info("index updated: %s", stats)
    return index, stats


def open_store(settings: Settings, migrate: bool = True) -> Store:
    """The minutes store: PostgreSQL at DATABASE_URL, else SQLite in BESLUT_HOME. The chat state lives in the
    same database (``store.db``). ``migrate=False``: the web process, which never changes the schema."""
    from embeddings.db import Database

    db = Database(settings.database_url, migrate) if settings.database_url else Database.sqlite(settings.store_path,
                                                                                                migrate)
    store = Store(db)
    for owner in schema_owners(settings)[1:]:  # every owner, not only the ones this command touches
        db.migrate(owner)
    return store


def schema_owners(settings: Settings) -> list:
    """Every owner of tables in the database: the minutes store, the chat state, the index (with DATABASE_URL)."""
    from bot.state import CHAT
    from embeddings.store import MINUTES

    owners = [MINUTES, CHAT]
    if settings.database_url:
        from embeddings.dense.index_db import INDEX

        owners.append(INDEX)
    return owners


def migrate(settings: Settings) -> dict[str, str | None]:
    """Apply every owner's migrations (`beslut migrate`); the revision each stands at afterwards."""
    store = open_store(settings)
    try:
        return {m.name: store.db.version(m) for m in schema_owners(settings)}
    finally:
        store.close()


def core_options(settings: Settings) -> CoreOptions:
    return CoreOptions(settings.source_url_template, settings.today)


def open_core(settings: Settings, embedder=None, store: Store | None = None, build_missing: bool = True) -> Beslut:
    """A ready Beslut. A missing index is built from the store (documented), unless ``build_missing`` is
    off (the web process: only the worker writes vectors); a stale one is an error."""
    store = store or open_store(settings)
    if store.db.behind():
        raise BeslutError("schema_behind")
    embedder = embedder or load_embedder(settings)
    index = index_store(settings, store).load(embedder.model_id)
    if index is None:
        if not build_missing:
            raise BeslutError("index_missing")
        index, _ = update_index(settings, store, embedder)
    elif index.store_fingerprint != store.fingerprint():
        raise BeslutError("index_stale")
    retriever = Retriever(index, store.get_many, embedder, calibration_for(embedder.model_id),
                          answerability_for(embedder))
    return Beslut(store, retriever, core_options(settings))


def answerability_for(embedder) -> Answerability | None:
    """Issue 15's answer / partial / none decision for a model that was tuned for it (its own hidden states
    compare the question's words with the punkt's, against the shipped background of ordinary minutes,
    word_match.shipped_background); None for other models: the retriever's rule alone."""
    from embeddings.search.answerability import RULES

    rule = RULES.get(embedder.model_id)
    if rule is None or not hasattr(embedder, "model"):
        return None
    from embeddings.dense.word_match import ContextualWordMatcher, shipped_background

    return Answerability(rule, ContextualWordMatcher(embedder, shipped_background()))


def case_core(settings: Settings, store: Store) -> Beslut:
    """A Beslut for case look-ups and digests: no model, no index, the same citations and source links."""
    return Beslut(store, None, core_options(settings))


def sync_sources(settings: Settings, store: Store, sources: list[str] | None = None, since: dt.date | None = None,
                 dry_run: bool = False, progress: Callable[[int, int], None] = lambda done, total: None,
                 ) -> SyncReport:
    from embeddings.sync.client import ClientOptions, SiteClient
    from embeddings.sync.run import SyncOptions, sync
    from embeddings.sync.site import normalise_base

    if sources:
        try:
            sources = [normalise_base(s) for s in sources]
        except ValueError as e:
            raise BeslutError("sync_source_invalid", value=str(e)) from None
    chosen = sources or list(settings.sources)
    if not chosen:
        raise ConfigError("sync_no_sources")
    client = SiteClient(ClientOptions())
    try:
        return sync(store, chosen, client, SyncOptions(settings.today_date(), since, settings.sync_recheck_days,
                                                       dry_run, settings.sync_concurrency), progress)
    finally:
        client.close()
