"""`beslut serve` under an operator's mistakes: a port already in use, a database that cannot be reached, and
signed Slack requests whose bodies are JSON or forms but no Slack payload. Real processes and real HTTP on
127.0.0.1, as in test_slack_serve.py."""
from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from bot.core import messages
from conftest import PROJECT
from slack_fakes import SECRET, TOKEN, event_body, mention, post_signed
from test_slack_app import FORM, JSON, quiet, serving
from test_slack_serve import SERVE_WITH_TEST_EMBEDDER, _stop, beslut, clean_env, free_port, readyz


# --- the port ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("via", ["--port", "PORT"])
def test_a_port_in_use_is_a_danish_message_and_exit_1_before_the_model_loads(tmp_path, via):
    """Before: the model loaded (~10 s), uvicorn logged "[Errno 98] address already in use" and the process
    aborted with SIGABRT (134) or exited 3. Now the port is taken first, and a taken one says so."""
    models = tmp_path / "models"  # where the model would be converted to, had it started loading
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["serve", "--host", "127.0.0.1", *(["--port", str(port)] if via == "--port" else [])]
        env = clean_env(BESLUT_HOME=str(tmp_path / "home"), BESLUT_MODEL_CACHE=str(models), SLACK_BOT_TOKEN=TOKEN,
                        SLACK_SIGNING_SECRET=SECRET, **({"PORT": str(port)} if via == "PORT" else {}))
        t0 = time.monotonic()
        r = beslut(*args, env=env)
    assert r.returncode == 1, r.stderr[-2000:]
    assert r.stderr.strip() == "beslut: " + messages.render("serve_port_in_use", host="127.0.0.1", port=port)
    assert not models.exists() and time.monotonic() - t0 < 30  # refused before the model would load


def test_a_host_that_is_not_this_machines_is_a_configuration_error(tmp_path):
    env = clean_env(BESLUT_HOME=str(tmp_path / "home"), BESLUT_MODEL_CACHE=str(tmp_path / "models"),
                    SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET)
    r = beslut("serve", "--host", "192.0.2.1", "--port", str(free_port()), env=env)  # TEST-NET-1: nobody's
    assert r.returncode == 2, r.stderr[-2000:]
    assert r.stderr.startswith("beslut: kan ikke lytte på adressen '192.0.2.1': ") and "Traceback" not in r.stderr
    assert not (tmp_path / "models").exists()


# --- the database --------------------------------------------------------------------------------------
def test_readyz_says_the_database_cannot_be_reached_not_that_the_schema_is_behind(tmp_path):
    """A stopped PostgreSQL (here: a port nothing listens on) is not a schema to migrate: `beslut migrate`
    would fail the same way. Before: 503 "schema_behind"."""
    closed = free_port()
    env = clean_env(BESLUT_HOME=str(tmp_path / "home"), SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,
                    DATABASE_URL=f"postgresql://beslut:hemmeligt@127.0.0.1:{closed}/beslut")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVE_WITH_TEST_EMBEDDER, str(port)], cwd=PROJECT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status, body = readyz(f"http://127.0.0.1:{port}", proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            assert r.status == 200  # alive: the process waits for the database, it need not be restarted
    finally:
        log = _stop(proc)
    assert (status, body) == (503, {"ready": False, "reason": "database_unreachable"}), log[-2000:]
    assert "not ready (database_unreachable: OperationalError)" in log
    assert "schema_behind" not in log and "hemmeligt" not in log and "Traceback" not in log


# --- signed bodies that are no Slack payload -------------------------------------------------------------
NOT_SLACK = [
    ('{"type": "event_callback", "event": "x"}', JSON),  # bolt's middleware: AttributeError, 500
    ('{"type": "event_callback", "event": [1]}', JSON),
    ('{"type": "event_callback"}', JSON),  # bolt: 404 "unhandled request"
    ('{"type": "event_callback", "event": {}}', JSON),
    ('{}', JSON),
    ('{"type": 5}', JSON),
    ('{"type": "url_verification"}', JSON),  # bolt: 200 {"challenge": null}
    ('{"type": "event_callback", "event_id": [1], "event": {"type": "app_mention"}}', JSON),  # 500 (seen events)
    ('{"type": "event_callback", "event": {"type": "app_mention", "user": "U1", "channel": "C1", "text": 5}}',
     JSON),  # 200, then a TypeError traceback in the listener
    ('{"type": "block_actions", "actions": [1]}', JSON),  # 500
    ('{"type": "interactive_message", "callback_id": "x"}', JSON),  # 500: bolt reads actions[0]
    ('{"type": "view_submission", "view": {"callback_id": "x"}}', JSON),  # 500: bolt reads view["type"]
    ("payload=" + urllib.parse.quote('{"type": "shortcut", "view": 5}'), FORM),  # 500
    ("payload=%7B%7D", FORM),
    ("a=b", FORM),
]
SLACK_BUT_UNHANDLED = [
    '{"type": "event_callback", "event_id": "Ev9", "event": {"type": "reaction_added", "user": "U1"}}',
    '{"type": "app_rate_limited", "team_id": "T1", "minute_rate_limited": 1518467820, "api_app_id": "A1"}',
    urllib.parse.urlencode({"payload": json.dumps({"type": "dialog_submission", "callback_id": "c1",
                                                   "submission": {}, "team": {"id": "T1"}, "user": {"id": "U1"},
                                                   "channel": {"id": "C1"}})}),
]


def test_signed_bodies_in_no_slack_shape_get_400_and_no_traceback(home, fake, caplog):
    """README: "a signed body that is no Slack payload gets 400". A body bolt can parse but that is not in a
    shape Slack sends is no Slack payload either; a Slack payload of a kind this app does not handle is still
    bolt's 404 "unhandled request"."""
    caplog.set_level(logging.INFO)
    with serving(home, fake) as url:
        for body, content_type in NOT_SLACK:
            status, answer, _ = post_signed(url, body, content_type)
            assert (status, answer) == (400, '{"error":"malformed_body"}'), body
        for body in SLACK_BUT_UNHANDLED:
            status, answer, _ = post_signed(url, body, FORM if body.startswith("payload=") else JSON)
            assert (status, json.loads(answer)) == (404, {"error": "unhandled request"}), body
        status, _, _ = post_signed(url, event_body(mention("hvad besluttede vi om telefontider?")), JSON)
        assert status == 200  # a real mention still gets through
        fake.wait_for("/chat.postMessage")
        quiet(url, fake, n=1)  # and the listeners are done: nothing after the ack failed either
    assert "Traceback" not in caplog.text and "Failed to run" not in caplog.text
    refusals = [r.getMessage() for r in caplog.records if "refused with 400" in r.getMessage()]
    assert len(refusals) == len(NOT_SLACK) and all("signed body is no Slack payload (" in m for m in refusals)
