"""Logs never hold message text, request bodies or tokens (README "Operations", bot/core/log_privacy.py),
and come out in one format, text or JSON lines, for beslut and every library.

The filter is tested on records as each third-party library writes them, and end to end on a real
`beslut -v serve` process: a stale-signature Slack request, a signed mention, an unhandled Slack payload and
a Teams message, each carrying a marker phrase, at DEBUG: the phrase is in no output.
"""
from __future__ import annotations

import io
import json
import logging
import signal
import subprocess
import sys
import time
import urllib.parse

import pytest

from bot.cli import logs
from bot.core.log_privacy import PrivacyFilter, exception_text, scrub
from conftest import PROJECT
from slack_fakes import SECRET, TOKEN, event_body, mention, post, post_signed
from teams_fakes import message as teams_message
from test_slack_serve import SERVE_AT_DEBUG, _wait_healthy, clean_env, free_port, indexed_home

MARKER = "zyxwv lillagiraf qqqq"
THIRD_PARTY = ("slack_bolt.App", "app.py:CustomMiddleware", "slack_sdk.web.base_client", "slack_sdk.socket_mode",
               "microsoft_agents.hosting.core.connector.client.user_token", "microsoft_agents.activity.activity",
               "aiohttp.client", "httpx", "httpcore.http11", "urllib3.connectionpool", "uvicorn.access",
               "uvicorn.asgi", "msal.application", "sqlalchemy.engine.Engine", "root")
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIyOTphbm5lIn0.c2lnbmF0dXJlLXBhcnQ"
TOKENS = ("xoxb-1234-5678-abcdefABCDEF", "xoxp-9-8-7-zzz", "xapp-1-A111-222-abc0123", "xoxe.xoxp-1-Mi0yLTE",
          JWT, "v0=" + "a1" * 32)


def record(name: str, level: int, msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord(name, level, __file__, 1, msg, args or None, exc_info)


def raised(e: BaseException) -> BaseException:
    try:
        raise e
    except BaseException as caught:
        return caught


# --- the filter, record by record -----------------------------------------------------------------
@pytest.mark.parametrize("name", THIRD_PARTY)
@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO])
def test_third_party_records_below_warning_are_dropped(name, level):
    assert not PrivacyFilter().filter(record(name, level, "Sending a request - body: %s", {"text": MARKER}))
    assert not PrivacyFilter().filter(record(name, level, f"Invalid request signature (body: text={MARKER})"))


@pytest.mark.parametrize("name", THIRD_PARTY)
def test_third_party_warnings_keep_what_and_where_but_not_the_payload(name):
    f = PrivacyFilter()
    r = record(name, logging.WARNING, "Unhandled request (%s) from %s after %d ms", {"text": MARKER}, MARKER, 12)
    assert f.filter(r) and r.getMessage() == "Unhandled request ({…}) from … after 12 ms"
    r = record(name, logging.ERROR, f"Failed to run listener (error: {{'ok': False, 'text': '{MARKER}'}})")
    assert f.filter(r) and r.getMessage() == "Failed to run listener (error: {…})"
    r = record(name, logging.ERROR, "Validation error for Activity: %s", raised(ValueError(f"text={MARKER}")))
    assert f.filter(r) and r.getMessage() == "Validation error for Activity: ValueError"
    r = record(name, logging.ERROR, "%(what)s failed: %(detail)s", {"what": "post", "detail": MARKER})
    r.args = {"what": "post", "detail": MARKER}  # a mapping, as logging allows
    assert f.filter(r) and r.getMessage() == "… failed: …"


def test_a_third_party_traceback_keeps_its_frames_but_not_the_exception_message():
    def listener():
        raise RuntimeError(f"The server responded with: {{'text': '{MARKER}'}}")

    r = record("slack_bolt.App", logging.ERROR, "Failed to run listener function", exc=raised_from(listener))
    assert PrivacyFilter().filter(r)
    text = logging.Formatter().format(r)
    assert "Traceback (most recent call last)" in text and "in listener" in text and "RuntimeError" in text
    assert MARKER not in text and r.exc_info is None  # no formatter can render the raw exception again


def raised_from(fn) -> BaseException:
    try:
        fn()
    except BaseException as e:
        return e
    raise AssertionError("did not raise")


def test_own_tracebacks_keep_their_message_with_payloads_blanked_and_chains():
    def inner():
        raise KeyError(f"{{'q': '{MARKER}'}}")

    def outer():
        try:
            inner()
        except KeyError as e:
            raise RuntimeError("the core failed for event Ev1") from e

    text = exception_text(raised_from(outer), own=True)
    assert "KeyError: \"{…}\"" in text and "RuntimeError: the core failed for event Ev1" in text
    assert "direct cause" in text and "in inner" in text and MARKER not in text


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize("name", ["bot.core.router", "uvicorn.error", "slack_sdk.web.base_client"])
def test_token_shapes_are_scrubbed_from_every_record(name, token):
    f = PrivacyFilter()
    r = record(name, logging.WARNING, f"refused: {token} (Authorization: Bearer {token})")
    assert f.filter(r) and token not in r.getMessage() and "[redacted]" in r.getMessage()
    r = record(name, logging.ERROR, "failed", exc=raised(RuntimeError(f"auth {token}")))
    assert f.filter(r) and token not in (r.exc_text or "")


def test_scrub_knows_bearer_headers_signatures_and_database_passwords():
    assert scrub("Authorization: Bearer abc.def-ghi") == "Authorization: [redacted]"
    assert scrub("headers={'Authorization': 'Basic dXNlcjpwdw=='}") == "headers={'Authorization': '[redacted]'}"
    assert scrub("x-slack-signature=v0=ab12") == "x-slack-signature=[redacted]"
    assert scrub("postgresql+psycopg://beslut:hemmelig@db:5432/beslut") == \
        "postgresql+psycopg://beslut:[redacted]@db:5432/beslut"
    assert scrub("event Ev001 in C1 took 12 ms") == "event Ev001 in C1 took 12 ms"


def test_own_records_and_server_life_cycle_lines_pass_unchanged():
    f = PrivacyFilter()
    r = record("bot.core.router", logging.DEBUG, "slack mention %s in %s", "Ev1", "C1")
    assert f.filter(r) and r.getMessage() == "slack mention Ev1 in C1"
    r = record("uvicorn.error", logging.INFO, "Uvicorn running on %s://%s:%d", "http", "0.0.0.0", 3000)
    assert f.filter(r) and r.getMessage() == "Uvicorn running on http://0.0.0.0:3000"
    r = record("bot.x", logging.INFO, "%d things", "not a number")  # a bad call must not raise into the caller
    assert f.filter(r) and "things" in r.getMessage()


def test_a_captured_warning_keeps_where_and_what_kind_only():
    r = record("py.warnings", logging.WARNING, "%s", f"/x/lib.py:12: FutureWarning: {MARKER}\n  warn()\n")
    assert PrivacyFilter().filter(r) and r.getMessage() == "/x/lib.py:12: FutureWarning"


# --- the one configuration ------------------------------------------------------------------------
@pytest.fixture
def configured():
    """``logs.configure`` on a StringIO; the root logger and levels are restored afterwards."""
    root = logging.getLogger()
    names = ("bot", "embeddings", "beslut", "beslut.progress", "bm25s")
    saved = (root.level, {n: logging.getLogger(n).level for n in names})
    handlers: list[logging.Handler] = []
    uvicorn = logging.getLogger("uvicorn")  # as `beslut serve` leaves it (log_config=None), not as a test's
    uvicorn_saved = (uvicorn.propagate, uvicorn.handlers[:])  # LiveServer (uvicorn's own config) left it
    uvicorn.propagate, uvicorn.handlers = True, []

    def configure(**kwargs) -> io.StringIO:
        out = io.StringIO()
        handlers.append(logs.configure(stream=out, force=True, **kwargs))  # pytest's handlers are on root
        return out

    yield configure
    for h in handlers:
        root.removeHandler(h)
    root.setLevel(saved[0])
    for n, level in saved[1].items():
        logging.getLogger(n).setLevel(level)
    logging.captureWarnings(False)
    uvicorn.propagate, uvicorn.handlers = uvicorn_saved


def test_json_lines_carry_the_request_fields_and_no_text(configured):
    out = configured(fmt="json", service=True)
    logging.getLogger("bot.core.router").info(
        "slack mention AskIntent: answered in %d ms (channel %s, event %s)", 8, "C1", "Ev1",
        extra={"platform": "slack", "outcome": "answered", "latency_ms": 8.4, "channel": "C1", "event": "Ev1"})
    logging.getLogger("slack_sdk.web.base_client").debug("Sending a request - %s", {"text": MARKER})
    logging.getLogger("slack_bolt.App").warning("Unhandled request (%s)", {"text": MARKER})
    try:
        raise ValueError(MARKER)
    except ValueError:
        logging.getLogger("microsoft_agents.activity").exception("Validation error for Activity")
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["logger"], r["level"]) for r in lines] == [
        ("bot.core.router", "INFO"), ("slack_bolt.App", "WARNING"), ("microsoft_agents.activity", "ERROR")]
    request = lines[0]
    assert request["outcome"] == "answered" and request["latency_ms"] == 8.4 and request["event"] == "Ev1"
    assert request["channel"] == "C1" and request["platform"] == "slack" and request["time"].endswith("+00:00")
    assert lines[1]["message"] == "Unhandled request ({…})"
    assert lines[2]["exception"].endswith("ValueError") and MARKER not in out.getvalue()


def test_levels_services_log_info_commands_warnings_and_v_debug(configured):
    out = configured(fmt="text")
    logging.getLogger("bot.core.router").info("info line")
    logging.getLogger("bot.core.router").warning("warning line")
    assert "info line" not in out.getvalue() and "WARNING bot.core.router: warning line" in out.getvalue()
    out = configured(fmt="text", service=True)
    logging.getLogger("bot.core.router").info("info line")
    logging.getLogger("bot.core.router").debug("debug line")
    logging.getLogger("uvicorn.error").setLevel(logging.INFO)  # as uvicorn.run(log_level="info") does
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 1)
    logging.getLogger("uvicorn.error").setLevel(logging.NOTSET)
    assert "INFO bot.core.router: info line" in out.getvalue() and "debug line" not in out.getvalue()
    assert "INFO uvicorn.error: Started server process [1]" in out.getvalue()
    out = configured(fmt="text", verbose=True)
    logging.getLogger("bot.core.router").debug("debug line")
    logging.getLogger("slack_sdk.web.base_client").debug("Sending a request - %s", {"text": MARKER})
    assert "DEBUG bot.core.router: debug line" in out.getvalue() and MARKER not in out.getvalue()
    assert [h.get_name() for h in logging.getLogger().handlers].count("beslut") == 1  # replaced, not added


def test_a_bad_log_format_is_a_danish_config_error(tmp_path):
    r = subprocess.run([sys.executable, "-m", "bot", "meetings"], cwd=PROJECT, capture_output=True, text=True,
                       env=clean_env(BESLUT_HOME=str(tmp_path), BESLUT_LOG_FORMAT="xml"), timeout=60)
    assert r.returncode == 2 and r.stderr.strip() == "beslut: ugyldig BESLUT_LOG_FORMAT 'xml': brug text eller json"


# --- a real `beslut -v serve` -----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_no_marker_phrase_reaches_any_output_of_the_web_process_at_debug(tmp_path, fake, connector, fmt):
    home = tmp_path / "home"
    indexed_home(home)  # migrated and indexed: the web process does neither
    env = clean_env(BESLUT_HOME=str(home), SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,
                    SLACK_API_URL=fake.url, BESLUT_TEAMS_ALLOW_ANONYMOUS="true", BESLUT_LOG_FORMAT=fmt)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVE_AT_DEBUG, str(port)], cwd=PROJECT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc, 60)
        slack = base + "/slack/events"
        stale = event_body(mention(MARKER), event_id="EvStale")
        assert post_signed(slack, stale, "application/json", timestamp=int(time.time()) - 600)[0] == 401
        assert post_signed(slack, event_body(mention(MARKER), event_id="EvMark"), "application/json")[0] == 200
        dialog = json.dumps({"type": "dialog_submission", "callback_id": "c1", "submission": {"q": MARKER},
                             "team": {"id": "T1"}, "user": {"id": "U1"}, "channel": {"id": "C1"}})
        form = urllib.parse.urlencode({"payload": dialog})
        assert post_signed(slack, form, "application/x-www-form-urlencoded")[0] == 404
        status, _, _ = post(base + "/api/messages", json.dumps(teams_message(MARKER, connector.url)),
                            {"Content-Type": "application/json"})
        assert status in (200, 201, 202)
        (posted,) = fake.wait_for("/chat.postMessage", timeout=30)
        deadline = time.monotonic() + 30
        while not connector.messages() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert MARKER in json.dumps(posted, ensure_ascii=False)  # the text was there to be logged
        assert MARKER in json.dumps(connector.messages(), ensure_ascii=False)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert MARKER not in out and MARKER not in err
    assert TOKEN not in err and SECRET not in err
    assert "Traceback" not in err
    assert "outcome" in err or "abstained" in err  # the request lines are there
    if fmt == "json":
        lines = [json.loads(line) for line in err.splitlines() if line.strip()]  # every line is JSON
        assert {"DEBUG", "INFO"} <= {r["level"] for r in lines}
        requests = [r for r in lines if r["logger"] == "bot.core.router" and "outcome" in r]
        assert {(r["platform"], r["event"]) for r in requests} == {("slack", "EvMark"), ("teams", "1700000000001")}
        assert all(r["outcome"] == "abstained" and r["latency_ms"] >= 0 for r in requests)
    else:
        assert "slack mention AskIntent: abstained in" in err and "event EvMark" in err
