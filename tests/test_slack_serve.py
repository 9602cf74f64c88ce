"""`beslut serve` as a real process: clear Danish refusals at start-up, and the HTTP server answering Slack
with SLACK_API_URL pointing at a local fake Web API."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest
import yaml

from bot.core import messages
from bot.settings import Settings
from embeddings.ingest.files import ingest_paths
from embeddings.store import Store
from conftest import BUNDLED, PROJECT
from slack_fakes import SECRET, TOKEN, FakeSlack, event_body, mention, post, post_signed, post_stream

# `beslut serve` with the test embedder: the CLI (its logging included) and the same uvicorn process
# `beslut serve` runs, without the model load. The port is the last argument.
SERVE_WITH_TEST_EMBEDDER = """
import sys
sys.path.insert(0, "tests")
from bot.cli.main import run
from bot.compose import Wiring
from fakes import HashingEmbedder
sys.exit(run([*sys.argv[1:-1], "serve", "--host", "127.0.0.1", "--port", sys.argv[-1]],
             lambda settings: Wiring(settings, embedder=HashingEmbedder())))
"""


# The same at DEBUG (`beslut -v serve`), as an operator chasing a problem would run it.
SERVE_AT_DEBUG = SERVE_WITH_TEST_EMBEDDER.replace("[*sys.argv[1:-1], ", '["-v", *sys.argv[1:-1], ')


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BESLUT_", "MICROSOFT_", "PORT"))}
    return {**env, "HF_HUB_OFFLINE": "1", **extra}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def beslut(*args: str, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("env, missing", [
    ({}, "SLACK_BOT_TOKEN og SLACK_SIGNING_SECRET"),
    ({"SLACK_BOT_TOKEN": TOKEN}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_SIGNING_SECRET": SECRET}, "SLACK_BOT_TOKEN"),
])
def test_serve_refuses_to_start_without_slack_secrets(tmp_path, env, missing):
    t0 = time.monotonic()
    r = beslut("serve", "--port", str(free_port()), env=clean_env(BESLUT_HOME=str(tmp_path), **env))
    assert r.returncode != 0 and time.monotonic() - t0 < 30  # before the model would load
    assert r.stderr.strip() == "beslut: " + messages.render("slack_missing_config", names=missing)
    assert TOKEN not in r.stderr and SECRET not in r.stderr


def test_socket_mode_refuses_clearly_without_an_app_token(tmp_path):
    r = beslut("serve", "--socket-mode", env=clean_env(BESLUT_HOME=str(tmp_path), SLACK_BOT_TOKEN=TOKEN))
    assert r.returncode != 0
    assert r.stderr.strip() == "beslut: " + messages.render("slack_socket_needs_app_token")


def test_bad_port_setting_is_a_danish_error(tmp_path):
    r = beslut("serve", env=clean_env(BESLUT_HOME=str(tmp_path), PORT="http"))
    assert r.returncode != 0 and "ugyldig PORT 'http'" in r.stderr and "Traceback" not in r.stderr


def readyz(base: str, proc: subprocess.Popen, timeout: float = 60,
           until: Callable[[int, dict], bool] = lambda status, body: True) -> tuple[int, dict]:
    """GET /readyz until an answer satisfies ``until`` (by default the first answer at all): (status, body)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.communicate()[1][-2000:]}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as r:
                answer = r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            answer = e.code, json.loads(e.read())
        except OSError:
            time.sleep(0.1)
            continue
        if until(*answer):
            return answer
        time.sleep(0.1)
    raise AssertionError("server did not answer as awaited")


def _wait_healthy(base: str, proc: subprocess.Popen, timeout: float) -> None:
    """Until GET /readyz says ready (the model and the index are loaded; /healthz answers before that)."""
    readyz(base, proc, timeout, until=lambda status, body: body["ready"])


def indexed_home(home) -> None:
    """The bundled minutes and their index (with the test embedder the server runs): the web process never
    builds an index, the worker does."""
    from bot.compose import Wiring
    from fakes import HashingEmbedder

    wiring = Wiring(Settings(home=home), embedder=HashingEmbedder())
    assert not ingest_paths(wiring.store, [BUNDLED]).failed
    wiring.update_index()


def _mention_round_trip(base: str, fake: FakeSlack) -> dict:
    status, _, elapsed = post_signed(base + "/slack/events", event_body(mention("hvad besluttede vi om telefontider?")),
                                     "application/json")
    assert status == 200 and elapsed < 1.0
    assert post_signed(base + "/slack/events", event_body(mention("x")), "application/json", secret="bad")[0] == 401
    return fake.wait_for("/chat.postMessage", timeout=30)[0]


def _stop(proc: subprocess.Popen) -> str:
    """SIGTERM, as a platform stops a dyno; returns stderr. uvicorn shuts down gracefully, then re-raises
    the signal, so the exit status is -SIGTERM."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.communicate(timeout=15)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[1]


def _serve_and_mention(args: list[str], env: dict, fake: FakeSlack, start_timeout: float) -> tuple[dict, str]:
    """Start the web process on a free port, mention the bot once, stop it: (the posted message, stderr)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, *args, str(port)], cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, proc, start_timeout)
        msg = _mention_round_trip(base, fake)
    finally:
        log = _stop(proc)
    assert proc.returncode == -signal.SIGTERM, log
    return msg, log


def test_the_web_process_answers_slack_over_http(tmp_path, fake):
    home = tmp_path / "home"
    indexed_home(home)
    env = clean_env(BESLUT_HOME=str(home), SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.url)
    msg, log = _serve_and_mention(["-c", SERVE_WITH_TEST_EMBEDDER], env, fake, 60)
    assert msg["channel"] == "C1" and "83.02.00-A00-1-23" in json.dumps(msg["blocks"], ensure_ascii=False)
    assert "Finished server process" in log
    assert TOKEN not in log and SECRET not in log and "telefontider" not in log
    assert [p for p, _ in fake.calls][:2] == ["/auth.test", "/chat.postMessage"]  # auth.test at the fake only


def _peak_rss_since_reset(pid: int, reset: bool = False) -> int:
    """The process's peak resident memory in kB (VmHWM) since the last reset; ``reset`` starts anew."""
    if reset:
        try:
            with open(f"/proc/{pid}/clear_refs", "w") as f:
                f.write("5")  # resets the peak to the current RSS (Linux)
        except OSError as e:
            pytest.skip(f"cannot reset the peak memory of the server: {e}")
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


def test_the_web_process_refuses_50_mb_and_junk_without_growing_or_logging_them(tmp_path, fake):
    home = tmp_path / "home"
    indexed_home(home)
    env = clean_env(BESLUT_HOME=str(home), SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.url)
    port, marker = free_port(), "zyxwv lillagiraf qqqq"
    log_path = tmp_path / "web.log"  # a file, not a pipe: a server writing a 50 MB log line would block on a pipe
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen([sys.executable, "-c", SERVE_AT_DEBUG, str(port)], cwd=PROJECT, env=env,
                                stdout=subprocess.DEVNULL, stderr=log_file, text=True)
    url = f"http://127.0.0.1:{port}/slack/events"
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", proc, 60)
        warm = json.dumps({"type": "url_verification", "challenge": "c"})
        assert post_signed(url, warm, "application/json")[0] == 200 and post(url, warm, {})[0] == 401
        # the refusal's own path warmed up too (its first use may start a thread): only buffering counts below
        assert post_stream(url, {"Content-Type": "application/json"}, 2_000_000)[0] == 413
        before = _peak_rss_since_reset(proc.pid, reset=True)
        assert post_stream(url, {"Content-Type": "application/json"}, 50_000_000)[0] == 413
        assert post_stream(url, {"Content-Type": "application/json"}, 50_000_000, chunked=True)[0] == 413
        grown_mb = (_peak_rss_since_reset(proc.pid) - before) / 1024
        junk = b"\xff{" + marker.encode()
        assert post(url, junk, {"Content-Type": "application/json"})[0] == 401
        assert post_signed(url, junk, "application/json")[0] == 400
        stale = event_body(mention(marker))
        assert post_signed(url, stale, "application/json", timestamp=int(time.time()) - 600)[0] == 401
    finally:
        _stop(proc)
    log = log_path.read_text(errors="replace")
    assert grown_mb < 8, f"the server grew by {grown_mb:.0f} MB"
    assert "slack request refused with 413" in log and "slack request refused with 400" in log
    assert "Traceback" not in log and marker not in log and len(log) < 1_000_000


@pytest.mark.slow
def test_beslut_serve_with_the_real_model(tmp_path, fake, e5_model_dir, e5_home):
    """The Procfile command itself: `beslut serve --port N`, loading the bundled model once (the session's
    converted copy, BESLUT_MODEL_CACHE) on a home with the bundled minutes indexed by it."""
    home = shutil.copytree(e5_home, tmp_path / "home")
    env = clean_env(BESLUT_HOME=str(home), BESLUT_MODEL_CACHE=str(e5_model_dir.parent), SLACK_BOT_TOKEN=TOKEN,
                    SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.url)
    msg, _ = _serve_and_mention(["-m", "bot", "serve", "--port"], env, fake, 300)
    assert not (home / "models").exists()  # nothing converted for this run
    blocks = json.dumps(msg["blocks"], ensure_ascii=False)
    assert "83.02.00-A00-1-23" in blocks and "1. november 2024" in blocks


def test_manifest_creates_the_app_the_code_expects():
    m = yaml.safe_load((PROJECT / "slack-app-manifest.yml").read_text(encoding="utf-8"))
    assert m["settings"]["event_subscriptions"]["bot_events"] == ["app_mention", "message.im"]
    assert m["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")
    (command,) = m["features"]["slash_commands"]
    assert command["command"] == Settings().slack_command and command["url"].endswith("/slack/events")
    assert set(m["oauth_config"]["scopes"]["bot"]) == {"app_mentions:read", "chat:write", "commands", "im:history",
                                                        "im:write"}  # im:write: notifications in a user's DM
    assert m["features"]["bot_user"]["display_name"] == "beslut"
    assert m["features"]["app_home"]["messages_tab_enabled"] is True  # users can DM the app
    assert m["settings"]["socket_mode_enabled"] is False


def test_one_app_serves_slack_and_teams_without_app_wide_auth(tmp_path):
    """Teams mounts its own route (JWT on that route only); Slack's signed requests still get through."""
    from bot.compose import web_app
    from slack_fakes import LiveServer

    settings = Settings(home=tmp_path, slack_bot_token=TOKEN, slack_signing_secret=SECRET, teams_allow_anonymous=True)
    store = Store(settings.store_path)
    app = web_app(settings, None, store)
    assert {"/slack/events", "/api/messages", "/healthz"} <= {r.path for r in app.routes}
    with LiveServer(app) as server:
        body = json.dumps({"type": "url_verification", "challenge": "c-9"})
        status, answer, _ = post_signed(server.url + "/slack/events", body, "application/json")
        assert status == 200 and json.loads(answer) == {"challenge": "c-9"}
        assert post_signed(server.url + "/slack/events", body, "application/json", secret="bad")[0] == 401
