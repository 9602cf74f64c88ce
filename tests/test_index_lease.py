"""One process at a time brings the index up to date (a lease in the database): an ingest that starts while
another is embedding waits for it and then embeds only what it left, so no punkt is embedded twice and the
vectors have one writer. A lease whose holder died on this host is taken over at once."""
from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import threading

from bot.compose import open_store, update_index
from bot.settings import Settings
from bot.state.leases import Leases
from embeddings.ingest.files import ingest_paths

from conftest import BUNDLED
from fakes import CountingEmbedder


class HeldEmbedder(CountingEmbedder):
    """Embeds only once ``go`` is set: the first update is still embedding when the second one starts."""

    def __init__(self, go: threading.Event) -> None:
        super().__init__()
        self.go = go

    def encode_documents(self, texts):
        self.go.wait(timeout=10)
        return super().encode_documents(texts)


def test_a_second_update_waits_and_embeds_nothing_twice(tmp_path):
    settings = Settings(home=tmp_path / "home")
    store = open_store(settings)
    assert not ingest_paths(store, [BUNDLED]).failed
    punkter = len(store.open_keys())
    waiting = threading.Event()
    emb = HeldEmbedder(waiting)
    notes: list[str] = []
    stats = []

    def note(text: str) -> None:
        notes.append(text)
        if "venter" in text:
            waiting.set()

    def run() -> None:
        stats.append(update_index(settings, open_store(settings), emb, note=note)[1])

    first = threading.Thread(target=run)
    first.start()
    while emb.documents == 0 and not Leases(store.db).holder("index"):  # the first one holds the lease
        threading.Event().wait(0.01)
    second = threading.Thread(target=run)
    second.start()
    first.join(30)
    second.join(30)

    assert sorted(s.embedded_punkter for s in stats) == [0, punkter]
    assert sum("venter" in n for n in notes) == 1
    assert Leases(store.db).holder("index") is None  # released


def test_a_lease_whose_holder_died_on_this_host_is_taken_over(tmp_path):
    leases = Leases(open_store(Settings(home=tmp_path / "home")).db)
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = f"{socket.gethostname()}:{done.stdout.strip()}:dead"
    alive = f"{socket.gethostname()}:{subprocess.os.getpid()}:alive"
    elsewhere = f"another-host.example:{done.stdout.strip()}:far"
    hour = dt.timedelta(hours=1)

    assert leases.acquire("index", dead, hour)
    assert leases.acquire("index", "me", hour)  # its process is gone: no need to wait an hour
    leases.release("index", "me")
    for holder in (alive, elsewhere):  # a live process, or one on a host we cannot see: it keeps its lease
        assert leases.acquire("index", holder, hour)
        assert not leases.acquire("index", "me", hour)
        leases.release("index", holder)


def test_a_long_job_renews_its_lease(tmp_path):
    t = [dt.datetime(2026, 12, 1, 6, tzinfo=dt.timezone.utc)]
    leases = Leases(open_store(Settings(home=tmp_path / "home")).db, clock=lambda: t[0])
    with leases.wait("index", dt.timedelta(minutes=10)) as held:
        t[0] += dt.timedelta(minutes=9)
        held.renew()
        t[0] += dt.timedelta(minutes=9)  # 18 minutes in: without the renewal another would take it now
        assert not leases.acquire("index", "other", dt.timedelta(minutes=10))
    assert leases.acquire("index", "other", dt.timedelta(minutes=10))
