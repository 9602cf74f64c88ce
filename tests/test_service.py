"""beslut as a service on PostgreSQL (DATABASE_URL): web replicas on separate homes share one database, build
their index from the vectors in it, never migrate, and say when they are ready; workers post once.

The web processes are real `beslut serve` processes (with the tests' hashing embedder instead of the model),
answering signed Slack requests; the third process that ingests writes the vectors they read.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request

import numpy as np
import pytest

from bot.compose import Wiring, migrate
from bot.core.results import DigestStatus
from bot.digest.builder import DigestBuilder
from bot.core.week import IsoWeek
from bot.digest.worker import run_digest
from bot.settings import Settings
from embeddings.dense.index_db import DatabaseIndex
from embeddings.ingest.files import ingest_paths
from embeddings.store import MINUTES
from fakes import HashingEmbedder
from slack_fakes import SECRET, TOKEN, event_body, mention, post_signed, write_minutes
from test_slack_serve import _stop, clean_env, free_port

from conftest import BUNDLED, PROJECT

SERVE = textwrap.dedent("""
    import sys
    sys.path.insert(0, "tests")
    from bot.compose import Wiring
    from bot.settings import Settings
    from fakes import HashingEmbedder
    Wiring(Settings.from_env(), embedder=HashingEmbedder()).serve("127.0.0.1", int(sys.argv[1]), socket_mode=False)
""")
INGEST = textwrap.dedent("""
    import sys
    sys.path.insert(0, "tests")
    from pathlib import Path
    from bot.compose import Wiring
    from bot.settings import Settings
    from embeddings.ingest.files import ingest_paths
    from fakes import HashingEmbedder
    wiring = Wiring(Settings.from_env(), embedder=HashingEmbedder())
    assert not ingest_paths(wiring.store, [Path(p) for p in sys.argv[1:]]).failed
    wiring.update_index()
""")
NEW_MINUTES = """REFERAT Chefforum d. 05-11-2024

Punkt 1: CF - Kantineordning på rådhuset

00.01.00-A00-42-24

Beslutning

Chefforum besluttede at indføre en ny kantineordning med økologisk frokost fra januar.
"""


def readyz(base: str) -> dict:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read())
    except OSError:  # not listening yet
        return {"ready": False, "reason": "not listening"}


def wait_until(check, timeout: float, what: str, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(step)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def start_web(env: dict) -> tuple[subprocess.Popen, str, object]:
    port = free_port()
    log = open(env["BESLUT_HOME"] + ".log", "w")
    proc = subprocess.Popen([sys.executable, "-c", SERVE, str(port)], cwd=PROJECT, env=env,
                            stdout=subprocess.DEVNULL, stderr=log, text=True)
    return proc, f"http://127.0.0.1:{port}", log


def run_py(script: str, env: dict, *args: str) -> None:
    r = subprocess.run([sys.executable, "-c", script, *args], cwd=PROJECT, env=env, capture_output=True, text=True,
                       timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]


def asks_about_the_canteen(base: str, fake, n: int) -> bool:
    """Mention the bot; True once the answer quotes the new decision (the earlier answers did not)."""
    body = event_body(mention("hvad besluttede vi om kantineordningen?", ts=f"17260{n:05d}.000100"), f"Ev{base[-5:]}{n}")
    assert post_signed(base + "/slack/events", body, "application/json")[0] == 200
    posted = fake.wait_for("/chat.postMessage", n=len(fake.bodies("/chat.postMessage")) + 1, timeout=30)
    return "økologisk frokost" in posted[-1]["text"]


def test_two_web_replicas_on_one_database_answer_from_minutes_a_third_process_ingested(tmp_path, pg_url, fake):
    base_env = clean_env(DATABASE_URL=pg_url, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,
                         SLACK_API_URL=fake.url)
    worker_env = {**base_env, "BESLUT_HOME": str(tmp_path / "worker")}
    run_py(INGEST, worker_env, str(BUNDLED))  # the worker's job: store, migrate, write the vectors
    webs = [start_web({**base_env, "BESLUT_HOME": str(tmp_path / f"web{i}")}) for i in range(2)]
    try:
        for proc, base, _ in webs:
            wait_until(lambda: readyz(base)["ready"], 60, f"{base} ready")
            assert not (tmp_path / "web0" / "index").exists()  # built in memory from the database's vectors
        new = write_minutes(tmp_path / "new", "chefforum-2024-11-05.txt", NEW_MINUTES)
        run_py(INGEST, worker_env, str(new))
        started = time.monotonic()
        for i, (proc, base, _) in enumerate(webs):
            n = iter(range(i * 100, i * 100 + 100))
            wait_until(lambda: asks_about_the_canteen(base, fake, next(n)), 60, f"{base} answering from the new minutes",
                       step=4)
        assert time.monotonic() - started < 60
    finally:
        for proc, _, log in webs:
            _stop(proc)
            log.close()


def test_a_web_process_never_migrates_it_waits_and_says_why(tmp_path, pg_url, fake):
    env = clean_env(DATABASE_URL=pg_url, BESLUT_HOME=str(tmp_path / "web"), SLACK_BOT_TOKEN=TOKEN,
                    SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.url)
    proc, base, log = start_web(env)
    try:
        answer = wait_until(lambda: readyz(base) if readyz(base).get("reason") == "schema_behind" else None, 60,
                            "readyz saying schema_behind")
        assert answer == {"ready": False, "reason": "schema_behind"}
        settings = Settings(home=tmp_path / "op", database_url=pg_url)
        assert Wiring(settings).store.db.version(MINUTES) == MINUTES.head()  # what `beslut migrate` does
        wait_until(lambda: readyz(base).get("reason") == "index_missing", 30, "readyz saying index_missing")
        wiring = Wiring(settings, embedder=HashingEmbedder())
        ingest_paths(wiring.store, [BUNDLED])
        wiring.update_index()
        wait_until(lambda: readyz(base)["ready"], 30, "ready after migrate and index")
    finally:
        _stop(proc)
        log.close()
    assert "Traceback" not in (tmp_path / "web.log").read_text()


def test_beslut_migrate_brings_every_owner_to_its_head(tmp_path, pg_url):
    versions = migrate(Settings(home=tmp_path, database_url=pg_url))
    assert set(versions) == {"minutes", "chat", "index"} and all(versions.values())


def test_the_index_in_the_database_round_trips_and_saves_only_the_difference(database, tmp_path):
    import sqlalchemy as sa

    from embeddings.dense.build import build_or_update
    from embeddings.dense.index_db import chunks
    from embeddings.store import Store

    store = Store(database)
    saved = DatabaseIndex(database, store)
    assert saved.load("m") is None and saved.saved_fingerprint() is None
    ingest_paths(store, [BUNDLED])
    first, _ = build_or_update(store, HashingEmbedder(), store.fingerprint())
    saved.save(first)
    loaded = saved.load(HashingEmbedder.model_id)
    assert loaded.store_fingerprint == first.store_fingerprint == saved.saved_fingerprint()
    by_key = {(first.chunk_uid(r), int(first.chunk_position[r])): first.vectors()[r] for r in first.live_rows()}
    assert sorted(by_key) == sorted((loaded.chunk_uid(r), int(loaded.chunk_position[r])) for r in loaded.live_rows())
    assert all(np.allclose(by_key[(loaded.chunk_uid(r), int(loaded.chunk_position[r]))], loaded.vectors()[r])
               for r in loaded.live_rows())
    qv = HashingEmbedder().encode_queries(["telefontider"])[0]
    assert loaded.search(qv, 5) == first.search(qv, 5)
    assert np.array_equal(loaded.lexical.scores("telefontider"), first.lexical.scores("telefontider"))
    # One meeting changes: its punkter get new rows, the rest keep theirs.
    source = BUNDLED / "chefforum-2024-09-11.txt"
    changed = source.read_text(encoding="utf-8").replace("telefontider", "telefontiderne")
    ingest_paths(store, [write_minutes(tmp_path / "m", source.name, changed)])
    second, stats = build_or_update(store, HashingEmbedder(), store.fingerprint(), loaded)
    assert stats.embedded_punkter and stats.reused_punkter
    saved.save(second)
    with database.read() as conn:
        rows = set(conn.execute(sa.select(chunks.c.uid, chunks.c.position, chunks.c.content_hash)).all())
    assert rows == {(second.chunk_uid(r), int(second.chunk_position[r]),
                     second.punkts.content_hash(int(second.chunk_punkt[r]))) for r in second.live_rows()}
    with pytest.raises(Exception) as e:
        saved.load("another-model")
    assert getattr(e.value, "code", None) == "index_model_mismatch"


def test_two_workers_on_one_week_post_once(tmp_path, pg_url, fake):
    from bot.slack.publisher import SlackPublisher, web_client

    settings = Settings(home=tmp_path, database_url=pg_url, slack_bot_token=TOKEN, slack_api_url=fake.url)
    ingest_paths(Wiring(settings).store, [BUNDLED])
    outcomes, barrier = [], threading.Barrier(2)

    def worker() -> None:
        w = Wiring(settings)  # a process of its own: its own engine and connections
        build = DigestBuilder(w.store, w.case_core().hit, dt.timezone.utc)
        barrier.wait()
        outcomes.extend(run_digest(w.store, build, [(SlackPublisher(web_client(settings, retries=False)), "C9")],
                                   IsoWeek(2024, 37), dt.datetime(2024, 9, 16, 6, tzinfo=dt.timezone.utc)))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert fake.count("/chat.postMessage") == 1
    assert sorted(o.status for o in outcomes if not o.already) == [DigestStatus.POSTED]
