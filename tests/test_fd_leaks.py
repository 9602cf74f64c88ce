"""The long-running processes give back every file descriptor they take: a web process answering for months, a
worker syncing and notifying every few minutes, and every command run in one process.

Each test counts this process's open descriptors (/proc/self/fd) before and after many rounds of a real path:
signed requests over HTTP to the web app while the store changes under it (the core reloads), worker runs
against a fake publication site, `beslut` commands. A path that keeps one database connection, socket or
memory-mapped index file per round fails here long before a municipality's process reaches its limit.
"""
from __future__ import annotations

import datetime as dt
import gc
import os
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.cli import main as cli
from bot.compose import ServiceWorker, Wiring, open_core, open_store, update_index, web_app
from bot.core.follow import FollowKind, Owner, OwnerKind
from bot.core.live import LiveCore
from bot.settings import Settings
from bot.state.subscriptions import SubscriptionStore
from embeddings.ingest.files import ingest_paths
from fakes import HashingEmbedder
from site_fakes import FakeSite, meeting_doc, punkt_doc
from slack_fakes import SECRET, TOKEN, LiveServer, dm, event_body, post_signed, write_minutes

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")

SLACK = 3  # descriptors a round may still hold for a moment (a closing socket, a pooled connection)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@contextmanager
def collector_off():
    """Counts without the cycle collector: what a path holds is given back when its owner is done, not
    whenever the collector next runs (a busy process may take long to)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


MINUTES = """REFERAT Økonomiudvalget d. {day:02d}-03-2025

Punkt 1: Vinterbadeanstalt nummer {n} ved havnen

00.01.00-A00-{n}-25

Beslutning

Økonomiudvalget besluttede at etablere vinterbadeanstalt nummer {n} ved havnen.
"""


def test_the_web_process_keeps_no_descriptor_per_request_or_reload_and_gives_all_back_when_closed(home, fake,
                                                                                                  tmp_path):
    settings = Settings(home=home, slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.url)
    embedder = HashingEmbedder()
    with collector_off():
        before = open_fds()
        store = open_store(settings, migrate=False)  # as `beslut serve` opens them (Wiring._live_core)
        live = LiveCore(lambda: open_core(settings, embedder, store, build_missing=False), store, interval=0)
        writer = open_store(settings)  # `beslut ingest` and the worker, writing meanwhile
        with LiveServer(web_app(settings, live, store, readiness=live)) as server:

            def round(i: int, change: bool) -> None:
                if change:  # new minutes and their index: the next request reloads the core
                    ingest_paths(writer, [write_minutes(tmp_path / f"m{i}", f"oekonomi-{i}.txt",
                                                        MINUTES.format(day=i % 28 + 1, n=i))])
                    update_index(settings, writer, embedder, note=lambda s: None)
                status, _, _ = post_signed(server.url + "/slack/events",
                                           event_body(dm(f"vinterbadeanstalt nummer {i}", channel=f"D{i}"),
                                                      event_id=f"Ev{i}"), "application/json")
                assert status == 200
                live.wait_for_reload(30)
                fake.first_post(lambda b: b.get("channel") == f"D{i}")
                for path in ("/readyz", "/metrics", "/healthz"):
                    with urllib.request.urlopen(server.url + path, timeout=10) as r:
                        assert r.status == 200

            for i in range(3):  # warm: imports, the event loop, the first connections
                round(i, change=True)
            warm = open_fds()
            for i in range(3, 40):
                round(i, change=i % 4 == 0)
            assert open_fds() <= warm + SLACK
            assert live.ask("vinterbadeanstalt nummer 36 ved havnen").hits[0].title.endswith("nummer 36 ved havnen")
        live.close()
        store.close()
        writer.close()
        # The web framework keeps a reference to every app it served (and through it to the core): closing is
        # what gives the index's memory-mapped files and the store's connections back, not the collector.
        assert open_fds() <= before + SLACK


def test_a_worker_syncing_indexing_and_notifying_keeps_no_descriptor_per_run(tmp_path, fake):
    site = FakeSite()
    try:
        settings = Settings(home=tmp_path / "home", sources=(site.url,), today=dt.date(2026, 11, 30),
                            slack_bot_token=TOKEN, slack_api_url=fake.url)
        wiring = Wiring(settings, embedder=HashingEmbedder())
        worker = ServiceWorker(wiring)
        SubscriptionStore(wiring.store.db).follow(Owner("slack", OwnerKind.CHANNEL, "C1", "C1"), FollowKind.TOPIC,
                                                  "skatepark i bymidten", "U1", 10)

        def run(i: int) -> None:
            site.add(meeting_doc(f"m{i}", "Byrådet", f"2026-11-{i % 27 + 1:02d}T17:00:00+01:00", [punkt_doc(
                1, f"Skatepark nummer {i} i bymidten", f"26-000{300 + i}", f"p-m{i}",
                f"Byrådet vedtog skatepark nummer {i} i bymidten.", "Unge ønsker en skatepark.")]))
            assert worker.sync().new == (f"m{i}",)  # the sync, the index, then the notifications
            assert worker.notify().candidates  # a topic with candidates: the run opened the model's index

        with collector_off():
            for i in range(3):
                run(i)
            warm = open_fds()
            for i in range(3, 25):
                run(i)
            assert open_fds() <= warm + SLACK
        assert "Skatepark nummer 0 i bymidten" in fake.bodies("/chat.postMessage")[0]["text"]
        wiring.close()
    finally:
        site.close()


def test_commands_run_in_one_process_close_their_store_and_index(home, capsys):
    def beslut(*argv: str) -> str:
        assert cli.run(list(argv), lambda s: Wiring(s, embedder=HashingEmbedder())) == 0
        return capsys.readouterr().out

    with pytest.MonkeyPatch.context() as mp, collector_off():
        mp.setenv("BESLUT_HOME", str(home))
        before = open_fds()
        for _ in range(15):
            assert "83.02.00-A00-1-23" in beslut("ask", "hvad besluttede vi om telefontider?")
            assert "83.02.00-A00-1-23" in beslut("sag", "83.02.00-A00-1-23")
            beslut("meetings")
            beslut("migrate")
        assert open_fds() <= before + SLACK
