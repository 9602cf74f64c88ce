"""Test doubles for the Slack side: a fake Slack Web API on 127.0.0.1:0, signed requests, a live server.

``FakeSlack`` stands in for https://slack.com/api/ and for slash-command response_urls; it records every
request body so tests assert on what users would see. Behaviour per path can be changed: refuse with an
error, or answer too late (a timeout after Slack has the message). ``LiveServer`` runs any ASGI app under
uvicorn on port 0 in a thread.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import selectors
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import uvicorn
from slack_sdk.signature import SignatureVerifier

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token-4711"


class FakeSlack:
    """The Slack Web API and response_url hooks. ``calls`` holds (path, body) in arrival order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.refuse: dict[str, dict] = {}  # path -> JSON answered instead of ok (e.g. channel_not_found)
        self.delay: dict[str, float] = {}  # path -> seconds to wait before answering (after recording)
        self.held: dict[str, threading.Event] = {}  # path -> answered only once the test sets it (after recording)
        self.status: dict[str, int] = {}  # path -> HTTP status to answer with
        self._ts = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or "") and raw:
                    body = json.loads(raw)
                else:
                    body = dict(urllib.parse.parse_qsl(raw))
                body["_auth"] = self.headers.get("Authorization")
                path = self.path.split("?")[0]
                with fake.lock:
                    fake.calls.append((path, body))
                    fake._ts += 1
                    ts = f"1726000000.{fake._ts:06d}"
                time.sleep(fake.delay.get(path, 0))
                if (gate := fake.held.get(path)) is not None:
                    gate.wait(60)
                if path == "/auth.test":
                    out = {"ok": True, "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT", "user": "beslut"}
                elif path in fake.refuse:
                    out = fake.refuse[path]
                elif path.startswith("/hooks/"):
                    out = {"ok": True}
                else:
                    out = {"ok": True, "channel": body.get("channel"), "ts": ts}
                data = json.dumps(out).encode()
                try:
                    self.send_response(fake.status.get(path, 200))
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout tests)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def bodies(self, path: str) -> list[dict]:
        with self.lock:
            return [b for p, b in self.calls if p == path]

    def count(self, path: str) -> int:
        return len(self.bodies(path))

    def wait_for(self, path: str, n: int = 1, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hits = self.bodies(path)
            if len(hits) >= n:
                return hits
            time.sleep(0.02)
        raise AssertionError(f"expected {n} call(s) to {path}; got {[p for p, _ in self.calls]}")

    def first_post(self, match, timeout: float = 10.0) -> dict:
        """The first chat.postMessage body ``match`` accepts, waited for."""
        deadline = time.monotonic() + timeout
        while True:
            found = [b for b in self.bodies("/chat.postMessage") if match(b)]
            if found:
                return found[0]
            assert time.monotonic() < deadline, f"no such message posted: {[p for p, _ in self.calls]}"
            time.sleep(0.02)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class LiveServer:
    """An ASGI app served by uvicorn on 127.0.0.1:0 in a thread (the real HTTP stack, no test client)."""

    def __init__(self, app) -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                                   lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


# --- signed requests -------------------------------------------------------------------------------
def post_signed(url: str, body: str | bytes, content_type: str, secret: str = SECRET, timestamp: int | None = None,
                headers: dict | None = None) -> tuple[int, str, float]:
    """POST like Slack does: v0 signature over timestamp and body. Returns (status, body, seconds)."""
    return post(url, body, {**signed_headers(body, content_type, secret, timestamp), **(headers or {})})


def signed_headers(body: str | bytes, content_type: str, secret: str = SECRET, timestamp: int | None = None) -> dict:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    if isinstance(body, str):
        sig = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    else:  # Slack's recipe on bytes (slack_sdk's signer would decode them as UTF-8 first)
        sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}


def post(url: str, body: str | bytes, headers: dict) -> tuple[int, str, float]:
    """POST a body as it is with exactly these headers. Returns (status, body, seconds)."""
    data = body if isinstance(body, bytes) else body.encode()
    req = urllib.request.Request(url, data=data, headers=headers, method="POST")
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, r.read().decode(), time.monotonic() - t0
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), time.monotonic() - t0


def post_stream(url: str, headers: dict, size: int, chunked: bool = False, piece: int = 64 * 1024) -> tuple[int, int]:
    """POST ``size`` bytes of b"x" over a raw socket, piece by piece, with a Content-Length or chunked, and
    stop sending as soon as the server answers. Returns (status, bytes of body sent before the answer).

    A server that refuses early answers before most of the body is sent; one that reads everything first
    answers after all of it. The body is never held in memory here either.
    """
    u = urllib.parse.urlsplit(url)
    framing = {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(size)}
    head = f"POST {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in {**headers, **framing}.items()) + "\r\n"
    block = b"x" * piece
    with socket.create_connection((u.hostname, u.port), timeout=60) as s:
        s.sendall(head.encode())
        s.setblocking(False)
        sent, left, pending = 0, size, b""
        while left or pending:
            if not pending:
                n = min(piece, left)
                pending, left = (f"{n:x}\r\n".encode() + block[:n] + b"\r\n") if chunked else block[:n], left - n
            with selectors.DefaultSelector() as sel:  # poll/epoll: select() fails on a descriptor above 1023
                sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
                readable = any(events & selectors.EVENT_READ for _, events in sel.select(60))
            if readable:
                break  # the answer (or the server closing): stop sending
            try:
                n = s.send(pending)
            except OSError:
                break  # the server closed the connection after answering
            sent, pending = sent + n, pending[n:]
        else:
            if chunked:
                s.setblocking(True)
                s.sendall(b"0\r\n\r\n")
        s.setblocking(True)
        response = http.client.HTTPResponse(s)
        response.begin()
        response.read()
        return response.status, sent


def event_body(event: dict, event_id: str = "Ev001") -> str:
    return json.dumps({"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                       "event_id": event_id, "event_time": 1726000000,
                       "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}], "event": event})


def mention(text: str, channel: str = "C1", ts: str = "1726000000.000100", **extra: object) -> dict:
    return {"type": "app_mention", "user": "U1", "channel": channel, "ts": ts, "text": f"<@UBOT> {text}", **extra}


def dm(text: str, channel: str = "D1", ts: str = "1726000001.000100", **extra: object) -> dict:
    return {"type": "message", "channel_type": "im", "user": "U1", "channel": channel, "ts": ts, "text": text,
            **extra}


def slash_body(fake_url: str, text: str, command: str = "/sag", channel: str = "C1", hook: str = "abc") -> str:
    return urllib.parse.urlencode({
        "token": "legacy", "team_id": "T1", "team_domain": "kommune", "channel_id": channel,
        "channel_name": "chefforum", "user_id": "U1", "user_name": "anne", "command": command, "text": text,
        "api_app_id": "A1", "trigger_id": "1.2.3", "response_url": f"{fake_url}hooks/commands/T1/1/{hook}"})


def all_text(message: dict) -> str:
    """Every piece of text a user can see in a posted message: fallback and all block texts."""
    return message.get("text", "") + "\n" + json.dumps(message.get("blocks", []), ensure_ascii=False)


def text_objects(blocks: list[dict]) -> list[dict]:
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"])
        out += [e for e in b.get("elements", []) if "text" in e]
    return out


# --- crafted minutes -------------------------------------------------------------------------------
EVIL_MINUTES = """REFERAT Chefforum d. 02-10-2024

Punkt 1: CF - Advarsel om kanalnotifikationer

00.01.00-A00-99-24

Beslutning

Chefforum besluttede at skrive <!channel> og <https://evil|kommune.dk> & *fed* i referatet om kanalnotifikationer.
"""


def write_minutes(folder, name: str, text: str):
    """A minutes file in the bundled text format (header, Punkt N: CF - title, journal number, sections)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
