"""The web process's core picks up minutes ingested by another process, without a restart."""
from __future__ import annotations

import logging

from bot.compose import open_core, update_index
from bot.core.live import LiveCore
from bot.settings import Settings
from embeddings.ingest.files import ingest_paths
from embeddings.store import Store

from conftest import BUNDLED
from fakes import HashingEmbedder

NEW = """REFERAT Økonomiudvalget d. 04-03-2025

Punkt 1: Vinterbadeanstalt ved havnen

00.01.00-A00-3-25

Beslutning

Økonomiudvalget besluttede at etablere en vinterbadeanstalt ved havnen fra 1. oktober 2025.
"""


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def setup(tmp_path):
    settings = Settings(home=tmp_path / "home")
    store = Store(settings.store_path)
    ingest_paths(store, [BUNDLED])
    embedder = HashingEmbedder()
    clock = Clock()
    live = LiveCore(lambda: open_core(settings, embedder=embedder, store=store), store, interval=30, clock=clock)
    return settings, store, embedder, clock, live


def ingest_new(tmp_path, store: Store) -> None:
    (tmp_path / "new.txt").write_text(NEW, encoding="utf-8")
    ingest_paths(Store(store.path), [tmp_path / "new.txt"])  # as `beslut ingest` in another process would


def test_new_minutes_are_answered_after_the_next_check(tmp_path):
    settings, store, embedder, clock, live = setup(tmp_path)
    assert live.ask("vinterbadeanstalt ved havnen").abstained
    ingest_new(tmp_path, store)
    update_index(settings, Store(store.path), embedder)
    assert live.ask("vinterbadeanstalt ved havnen").abstained  # not checked again before the interval
    clock.now = 31
    live.ask("vinterbadeanstalt ved havnen")  # notices the change, reloads in the background
    live.wait_for_reload(10)
    a = live.ask("vinterbadeanstalt ved havnen")
    assert not a.abstained and a.hits[0].committee == "Økonomiudvalget"
    assert "vinterbadeanstalt" in a.hits[0].decision


def test_a_stale_index_keeps_the_previous_snapshot_and_says_why(tmp_path, caplog):
    settings, store, embedder, clock, live = setup(tmp_path)
    ingest_new(tmp_path, store)  # ingest --no-index: the index on disk is behind the store
    clock.now = 31
    with caplog.at_level(logging.WARNING, logger="bot.core.live"):
        assert live.ask("hvad besluttede vi om telefontider?").hits  # still answered
        live.wait_for_reload(10)
    assert "index_stale" in caplog.text
    assert live.ask("hvad besluttede vi om telefontider?").hits[0].case_number == "83.02.00-A00-1-23"
    update_index(settings, Store(store.path), embedder)
    clock.now = 62
    live.ask("telefontider")
    live.wait_for_reload(10)
    assert not live.ask("vinterbadeanstalt ved havnen").abstained


def test_an_index_still_behind_the_store_is_looked_at_again_within_seconds(tmp_path):
    """`beslut ingest` stores, then indexes: a check between the two finds the index stale. The next look
    comes a few seconds later, not a whole interval, so new minutes are answered soon after the index."""
    settings, store, embedder, clock, live = setup(tmp_path)
    ingest_new(tmp_path, store)
    clock.now = 31
    live.ask("vinterbadeanstalt ved havnen")  # sees the change; the index is not there yet
    live.wait_for_reload(10)
    update_index(settings, Store(store.path), embedder)
    clock.now = 37  # 6 s later, long before the next 30-s interval
    live.ask("vinterbadeanstalt ved havnen")
    live.wait_for_reload(10)
    assert not live.ask("vinterbadeanstalt ved havnen").abstained


def test_a_removed_meeting_is_never_cited_again_not_even_before_the_reload(tmp_path):
    """`beslut remove` in another process: the web process's snapshot still has the meeting's vectors until the
    next check, but what it cites is read from the store, so the removed punkter are gone from its answers at
    once; after the index follows and the core reloads, they are gone from its ranking too."""
    import datetime as dt

    settings, store, embedder, clock, live = setup(tmp_path)
    question = "hvad besluttede vi om telefontider?"
    assert live.ask(question).hits[0].meeting_date == dt.date(2024, 9, 11)
    other = Store(store.path)  # as `beslut remove` in another process
    assert other.remove_meeting("Chefforum", dt.date(2024, 9, 11), dt.time(9, 0)) == 8
    answer = live.ask(question)  # no reload yet: the interval has not passed
    assert all(h.meeting_date != dt.date(2024, 9, 11) for h in answer.hits + answer.uncertain)
    update_index(settings, other, embedder)
    other.close()
    clock.now = 31
    live.ask(question)
    live.wait_for_reload(10)
    answer = live.ask(question)
    assert all(h.meeting_date != dt.date(2024, 9, 11) for h in answer.hits + answer.uncertain)
    assert live.ask("telefontider ens").hits + live.ask("telefontider ens").uncertain  # others still found
    assert not any(h.meeting_date == dt.date(2024, 9, 11) for h in live.ask("83.02.00-A00-1-23").hits)  # its journal number finds nothing now
