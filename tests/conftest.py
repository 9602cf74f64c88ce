"""Shared fixtures: a clean environment, paths to bundled and shared data, a seeded home, the real e5 model
(converted and loaded once per session), the fake Slack and Bot Connector servers, and the Bot Framework's
token signing for authenticated Teams requests."""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "data" / "referater"
SHARED = PROJECT.parent / "shared"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No test sees the developer's environment; BESLUT_HOME points at a fresh temp dir."""
    for k in list(os.environ):
        if k.startswith(("BESLUT_", "SLACK_", "MICROSOFT_")):
            monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("BESLUT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@contextmanager
def store_and_core(settings, embedder=None):
    """A Store on ``settings``' SQLite file and a core over it (default: the HashingEmbedder), as a web app is
    built on them; both closed at the end. FastAPI keeps every app it has served alive (a module-level cache of
    endpoints), so what an app was built on is only given back by closing it."""
    from bot.compose import open_core
    from embeddings.store import Store
    from fakes import HashingEmbedder

    store = Store(settings.store_path)
    try:
        core = open_core(settings, embedder=embedder or HashingEmbedder(), store=store)
        try:
            yield store, core
        finally:
            core.close()
    finally:
        store.close()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED


@pytest.fixture(scope="session")
def seeded_home(tmp_path_factory) -> Path:
    """A home with the bundled minutes, one crafted file (slack_fakes.EVIL_MINUTES) and a HashingEmbedder
    index, built once per session. Tests use a copy: ``home``."""
    from bot.compose import open_core, open_store
    from bot.settings import Settings
    from embeddings.ingest.files import ingest_paths
    from fakes import HashingEmbedder
    from slack_fakes import EVIL_MINUTES, write_minutes

    home = tmp_path_factory.mktemp("seeded")
    extra = write_minutes(home.parent / "extra", "chefforum-2024-10-02.txt", EVIL_MINUTES)
    settings = Settings(home=home)
    store = open_store(settings)  # every owner's tables, as `beslut ingest` leaves them
    report = ingest_paths(store, [BUNDLED, extra])
    assert not report.failed and report.meetings == 6
    open_core(settings, embedder=HashingEmbedder(), store=store)
    store.close()
    return home


@pytest.fixture
def home(seeded_home, tmp_path) -> Path:
    """A fresh copy of ``seeded_home`` for one test (its own store, ledger and seen events)."""
    return shutil.copytree(seeded_home, tmp_path / "home")


@pytest.fixture(scope="session")
def e5_model_dir(tmp_path_factory) -> Path:
    """The bundled e5 model converted once per session (~490 MB), shared by every slow test. Subprocesses get
    it with BESLUT_MODEL_CACHE=str(e5_model_dir.parent); in-process tests take the loaded ``e5``."""
    from embeddings.dense.e5_convert import ensure_model

    path = ensure_model(tmp_path_factory.mktemp("models"))
    yield path
    shutil.rmtree(path.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def e5(e5_model_dir):
    """The real Embedder over ``e5_model_dir``, loaded once per session (as `beslut` loads it: one thread)."""
    from embeddings.dense.encoder import load_embedder

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        return load_embedder(None, e5_model_dir.parent)


@pytest.fixture(scope="session")
def e5_home(tmp_path_factory, e5) -> Path:
    """A home with the bundled minutes indexed by the real model, built once per session (embedding them is
    most of a slow test's time). Tests copy it to the home they run on."""
    from bot.compose import open_core, open_store
    from bot.settings import Settings
    from embeddings.ingest.files import ingest_paths

    home = tmp_path_factory.mktemp("e5-home")
    settings = Settings(home=home)
    store = open_store(settings)  # as `beslut ingest` opens it: every owner's tables (a web process waits for them)
    assert not ingest_paths(store, [BUNDLED]).failed
    open_core(settings, embedder=e5, store=store)
    store.close()
    return home


@pytest.fixture
def fake():
    """A fake Slack Web API on 127.0.0.1:0 (slack_fakes.FakeSlack)."""
    from slack_fakes import FakeSlack

    f = FakeSlack()
    yield f
    f.close()


@pytest.fixture
def connector():
    """A fake Bot Connector on 127.0.0.1:0 (teams_fakes.FakeBotConnector)."""
    from teams_fakes import FakeBotConnector

    c = FakeBotConnector()
    yield c
    c.close()


@pytest.fixture
def bot_framework(monkeypatch):
    """Signed Bot Framework tokens the SDK accepts for teams_fakes.APP_ID (teams_fakes.FakeBotFrameworkKeys)."""
    from teams_fakes import FakeBotFrameworkKeys

    keys = FakeBotFrameworkKeys()
    keys.trust(monkeypatch)
    yield keys
    keys.close()


@pytest.fixture(scope="session")
def pg_admin_url():
    """A PostgreSQL server for this session (tests/pg_server.py), or BESLUT_TEST_DATABASE_URL's."""
    existing = os.environ.get("BESLUT_TEST_DATABASE_URL")
    if existing:
        yield existing
        return
    from pg_server import PgServer

    server = PgServer()
    yield server.admin
    server.stop()


@pytest.fixture
def pg_url(pg_admin_url) -> str:
    """An empty PostgreSQL database of its own for one test."""
    from pg_server import new_database

    return new_database(pg_admin_url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The same test on both storage backends: a SQLite file and a PostgreSQL database."""
    from embeddings.db import Database

    if request.param == "sqlite":
        db = Database.sqlite(tmp_path / "beslut.db")
    else:
        db = Database(request.getfixturevalue("pg_url"))
    yield db
    db.dispose()



# --- BESLUT_TEST_FD_REPORT=1: which tests leave file descriptors open ------------------------------------------
# Prints, after the run, the descriptors still open and the tests after which more were open than before (with
# what they were: *.db, *-wal, *.npy of an index, sockets). tests/test_fd_leaks.py is the check that fails.
if os.environ.get("BESLUT_TEST_FD_REPORT") and Path("/proc/self/fd").is_dir():
    import collections

    _FD_GROWTH: list[tuple[int, str, dict[str, int]]] = []

    def _fd_kinds() -> collections.Counter:
        kinds: collections.Counter = collections.Counter()
        for n in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{n}")
            except OSError:
                continue
            if not target.startswith("/"):
                kinds[target.split(":")[0]] += 1  # socket, pipe, anon_inode
                continue
            name = Path(target.removesuffix(" (deleted)")).name
            kind = next((s for s in ("-wal", "-shm", "-journal") if name.endswith(s)), Path(name).suffix or name)
            kinds["*" + kind + (" (deleted)" if target.endswith(" (deleted)") else "")] += 1
        return kinds

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        before = _fd_kinds()
        yield
        after = _fd_kinds()
        grown = sum(after.values()) - sum(before.values())
        if grown:
            after.subtract(before)
            _FD_GROWTH.append((grown, item.nodeid, {k: v for k, v in after.items() if v}))

    def pytest_terminal_summary(terminalreporter):
        import gc

        kinds = _fd_kinds()
        terminalreporter.write_line(f"open file descriptors at the end: {sum(kinds.values())} {dict(kinds)}")
        gc.collect()
        terminalreporter.write_line(f"after a garbage collection: {len(os.listdir('/proc/self/fd'))}")
        per_file: collections.Counter = collections.Counter()
        for grown, nodeid, _ in _FD_GROWTH:
            per_file[nodeid.split("::")[0]] += grown
        terminalreporter.write_line(f"growth per test file: {per_file.most_common(25)}")
        for grown, nodeid, what in sorted(_FD_GROWTH, key=lambda t: -t[0])[:25]:
            terminalreporter.write_line(f"{grown:+d} {nodeid} {what}")
