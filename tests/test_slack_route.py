"""What POST /slack/events does before bolt sees a request: a capped body (413), the signature on the raw
bytes (401), then parsing (400), and logs without bodies or message text at any level.

Real HTTP to the app under uvicorn on port 0, as in test_slack_app.py; the 50 MB bodies are streamed from a
raw socket (slack_fakes.post_stream), so refusing early is visible as bytes the client never had to send.
"""
from __future__ import annotations

import json
import logging
import time
import urllib.parse

from slack_bolt import BoltRequest

from bot.core import log_privacy
from bot.slack.seen_events import SeenEvents
from bot.settings import Settings
from bot.core.router import Conversation
from bot.slack.app import build_slack_app
from bot.slack.publisher import web_client
from bot.slack.route import MAX_SLACK_BODY, signed_by_slack
from embeddings.store import Store
from fakes import NoCore
from slack_fakes import (SECRET, TOKEN, all_text, event_body, mention, post, post_signed, post_stream, signed_headers,
                         slash_body)
from test_slack_app import FORM, JSON, quiet, serving

MB = 1024 * 1024
MARKER = "zyxwv lillagiraf qqqq"  # a question nothing answers: the reply echoes it
UNSIGNED = {"Content-Type": JSON}


def url_verification(size: int = 0) -> str:
    """A valid signed-request body padded with spaces to ``size`` bytes."""
    body = json.dumps({"type": "url_verification", "challenge": "c-1"})
    return body + " " * max(0, size - len(body))


# --- size ------------------------------------------------------------------------------------------
def test_a_50_mb_body_gets_413_before_it_is_read_with_or_without_a_content_length(home, fake):
    with serving(home, fake) as url:
        # ``sent`` includes what socket buffers took in before the answer came: a few MB, never the 50
        status, sent = post_stream(url, UNSIGNED, 50_000_000)
        assert status == 413 and sent < 20 * MB, sent  # refused on the Content-Length
        status, sent = post_stream(url, UNSIGNED, 50_000_000, chunked=True)
        assert status == 413 and sent < 20 * MB, sent  # refused once the count passed the cap
        status, sent = post_stream(url, {**UNSIGNED, "X-Slack-Signature": "v0=00"}, 50_000_000, chunked=True)
        assert status == 413 and sent < 20 * MB, sent


def test_the_cap_is_on_the_body_signed_or_not(home, fake):
    with serving(home, fake) as url:
        status, body, _ = post_signed(url, url_verification(MAX_SLACK_BODY), JSON)
        assert status == 200 and json.loads(body) == {"challenge": "c-1"}
        over = MAX_SLACK_BODY + 1  # streamed: urllib sends all before it reads, and meets a closed socket
        assert post_stream(url, signed_headers(b"x" * over, JSON), over)[0] == 413
        assert post_stream(url, signed_headers(b"x" * over, JSON), over, chunked=True)[0] == 413


# --- the signature first -----------------------------------------------------------------------------
def test_unsigned_junk_gets_401_before_anything_is_parsed(home, fake, caplog):
    caplog.set_level(logging.INFO)
    junk = b"\xff{\"event\": " + MARKER.encode()
    now = str(int(time.time()))
    with serving(home, fake) as url:
        assert post(url, junk, UNSIGNED)[0] == 401
        assert post(url, b"", UNSIGNED)[0] == 401
        for timestamp, signature in [("abc", "v0=00"), ("9" * 400, "v0=00"), ("", "v0=00"), (now, ""),
                                     (now, "v0=\u00e9"), ("\u00b2", "v0=00")]:  # latin-1 header values
            headers = {**UNSIGNED, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}
            assert post(url, junk, headers)[0] == 401, (timestamp, signature)
        quiet(url, fake)
    assert "Traceback" not in caplog.text and MARKER not in caplog.text
    assert "slack request refused with 401" in caplog.text


def test_signed_bodies_that_are_no_slack_payload_get_400(home, fake, caplog):
    caplog.set_level(logging.INFO)
    marker = MARKER.encode()
    with serving(home, fake) as url:
        for body, content_type in [(b"\xff\xfe" + marker, JSON), (b'{"event": "' + marker, JSON),
                                   (b"payload=%7B" + marker, FORM), (b"[1, 2]", JSON), (b'"' + marker + b'"', JSON)]:
            status, answer, _ = post_signed(url, body, content_type)
            assert (status, json.loads(answer)) == (400, {"error": "malformed_body"}), body
        quiet(url, fake)
    assert "Traceback" not in caplog.text and MARKER not in caplog.text
    assert "slack request refused with 400: signed body is no Slack payload" in caplog.text


def test_slacks_unsigned_ssl_check_is_answered_and_nothing_else_unsigned_is(home, fake):
    with serving(home, fake) as url:
        status, body, _ = post(url, "ssl_check=1&token=abc123", {"Content-Type": FORM})
        assert (status, body) == (200, "")
        smuggled = "ssl_check=1&token=abc123&" + slash_body(fake.url, "83.02")
        assert post(url, smuggled, {"Content-Type": FORM})[0] == 401
        quiet(url, fake, "/hooks/commands/T1/1/abc")


def test_the_signature_is_slacks_v0_recipe_with_five_minutes_of_slack():
    body = b'{"type": "url_verification"}'
    from slack_sdk.signature import SignatureVerifier

    signature = SignatureVerifier(SECRET).generate_signature(timestamp="1726000000", body=body.decode())
    assert signed_by_slack(SECRET, body, "1726000000", signature, now=1726000000 + 300)
    assert signed_by_slack(SECRET, body, "1726000000", signature, now=1726000000 - 300)
    assert not signed_by_slack(SECRET, body, "1726000000", signature, now=1726000000 + 301)
    assert not signed_by_slack(SECRET, body + b" ", "1726000000", signature, now=1726000000)
    assert not signed_by_slack("other", body, "1726000000", signature, now=1726000000)
    assert not signed_by_slack(SECRET, body, "1726000001", signature, now=1726000000)
    assert not signed_by_slack(SECRET, body, None, signature) and not signed_by_slack(SECRET, body, "1", None)


def test_socket_mode_frames_reach_bolt_without_a_signature(home, fake):
    """Socket Mode has no HTTP and no signatures: the route's checks are not bolt's, so it still answers."""
    settings = Settings(home=home, slack_bot_token=TOKEN, slack_app_token="xapp-1", slack_api_url=fake.url)
    bolt = build_slack_app(Conversation(NoCore(), "/sag"), settings, web_client(settings), SeenEvents(Store(settings.store_path).db))
    frame = dict(urllib.parse.parse_qsl(slash_body(fake.url, "hjælp")))
    r = bolt.dispatch(BoltRequest(body=frame, mode="socket_mode"))
    assert r.status == 200 and "Sådan bruger du /sag" in json.loads(r.body)["text"]


# --- logs --------------------------------------------------------------------------------------------
def test_no_body_or_message_text_reaches_the_log_even_at_debug(home, fake, caplog):
    """The marker travels through every path that logs: a rejected signature (bolt logged the body at
    INFO), a mention answered through the Web API and a command answered at its response_url (slack_sdk
    logs both bodies at DEBUG), a request nothing handles (bolt quotes the payload in a WARNING)."""
    caplog.set_level(logging.DEBUG)
    dialog = {"type": "dialog_submission", "callback_id": "c1", "submission": {"q": MARKER},
              "team": {"id": "T1"}, "user": {"id": "U1"}, "channel": {"id": "C1"}}
    with serving(home, fake) as url:
        body = event_body(mention(MARKER), event_id="EvMark1")
        assert post_signed(url, body, JSON, timestamp=int(time.time()) - 600)[0] == 401
        assert post_signed(url, body, JSON)[0] == 200
        assert post_signed(url, slash_body(fake.url, MARKER), FORM)[0] == 200
        assert post_signed(url, urllib.parse.urlencode({"payload": json.dumps(dialog)}), FORM)[0] == 404
        (msg,) = fake.wait_for("/chat.postMessage")
        (hook,) = fake.wait_for("/hooks/commands/T1/1/abc")
    assert MARKER in all_text(msg) and MARKER in all_text(hook)  # the text was there to be logged
    assert MARKER not in caplog.text
    assert "Unhandled request ({…})" in caplog.text  # bolt's warning is kept, without its payload


def test_the_filter_drops_the_slack_libraries_chatter_and_blanks_payloads_in_warnings():
    f = log_privacy.PrivacyFilter()

    def record(level: int, msg: str, *args: object) -> logging.LogRecord:
        return logging.LogRecord("slack_sdk.web.base_client", level, __file__, 1, msg, args, None)

    assert not f.filter(record(logging.DEBUG, "Sending a request - json_body: %s", {"text": MARKER}))
    assert not f.filter(record(logging.INFO, "Invalid request signature detected (body: text=%s)", MARKER))
    warning = record(logging.WARNING, "Unhandled request (%s)", {"submission": {"q": MARKER}, "n": 1})
    assert f.filter(warning) and warning.getMessage() == "Unhandled request ({…})"
    # slack_sdk writes its errors pre-formatted: the reason stays; an argument could be anything, so it is blanked
    error = record(logging.ERROR, "Failed to send a request to Slack API server: timed out")
    assert f.filter(error) and error.getMessage() == "Failed to send a request to Slack API server: timed out"
    error = record(logging.ERROR, "Failed to send a request to Slack API server: %s", MARKER)
    assert f.filter(error) and error.getMessage() == "Failed to send a request to Slack API server: …"
