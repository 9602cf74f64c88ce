"""Test doubles for Teams: a fake Bot Connector on 127.0.0.1:0, a token provider that talks to its token
endpoint, the Bot Framework's token signing (FakeBotFrameworkKeys), a uvicorn runner for real HTTP, Teams
activity JSON as Teams sends it, and the text of a card.

The fake connector is reached because activities name it as their ``serviceUrl``; the token provider is
plugged in through the SDK's connection manager (``token_provider_factory``), the same seam production uses
for MSAL. The one place a test reaches into the SDK is FakeBotFrameworkKeys.trust (see there).
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from microsoft_agents.hosting.core import AgentAuthConfiguration

BOT_ID = "28:beslut-bot"
BOT_NAME = "beslut"
TENANT = "11111111-2222-3333-4444-555555555555"
APP_ID = "00000000-0000-0000-0000-0000000000b1"
GENERAL = "19:general@thread.tacv2"  # a team's General channel: where conversation_update adds the bot


class FakeBotConnector:
    """Records every POST (path, Authorization header, JSON body); answers like the Bot Connector.

    Also a client-credentials token endpoint at /oauth2/v2.0/token for FakeTokenProvider.
    Set ``fail_with`` to an HTTP status to make activity posts fail. ``port``: to come back at the address
    of one that was closed (a connector that was down).
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        self.received: list[dict] = []
        self.token_requests: list[dict] = []
        self.fail_with: int | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/oauth2/v2.0/token"):
                    form = dict(urllib.parse.parse_qsl(raw.decode()))
                    fake.token_requests.append(form)
                    n = len(fake.token_requests)
                    return self._json(200, {"token_type": "Bearer", "expires_in": 3600,
                                            "access_token": f"fake-token-{n}"})
                fake.received.append({"path": urllib.parse.unquote(self.path),
                                      "auth": self.headers.get("Authorization"),
                                      "body": json.loads(raw or b"{}")})
                if fake.fail_with:
                    return self._json(fake.fail_with, {"error": {"code": "ServiceError", "message": "nej"}})
                return self._json(200, {"id": f"r{len(fake.received)}"})

            def _json(self, status: int, data: dict) -> None:
                out = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self._server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{self._server.server_port}/"
        self.token_url = self.url + "oauth2/v2.0/token"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def messages(self) -> list[dict]:
        """Recorded posts of message activities (typing indicators and the like left out)."""
        return [r for r in self.received if r["body"].get("type") == "message"]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class FakeTokenProvider:
    """An SDK AccessTokenProviderBase doing OAuth client credentials against the fake's token endpoint."""

    def __init__(self, configuration: AgentAuthConfiguration, token_url: str) -> None:
        self._configuration = configuration
        self.token_url = token_url

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._configuration

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": self._configuration.CLIENT_ID,
                                       "client_secret": self._configuration.CLIENT_SECRET or "",
                                       "scope": " ".join(scopes or [])}).encode()

        def fetch() -> str:
            with urllib.request.urlopen(self.token_url, data=form, timeout=5) as r:
                return json.loads(r.read())["access_token"]

        return await asyncio.to_thread(fetch)

    def get_token_credential(self):
        raise NotImplementedError

    async def acquire_token_on_behalf_of(self, scopes, user_assertion):
        raise NotImplementedError


def token_provider_factory(connector: FakeBotConnector):
    return lambda cfg: FakeTokenProvider(cfg, connector.token_url)


def non_loopback_address() -> str | None:
    """An address of this machine that is not loopback (to bind a fake on), or None when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # UDP: picks the outgoing interface, sends nothing
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


class FakeBotFrameworkKeys:
    """The Bot Framework's side of incoming authentication: an RSA signing key, its JWKS served on
    127.0.0.1:0, and ``token(service_url)``: a channel token as Teams' requests carry (issuer
    https://api.botframework.com, audience APP_ID, a ``serviceurl`` claim).

    ``trust(monkeypatch)`` makes the SDK fetch the Bot Framework signing keys from here instead of
    login.botframework.com: it puts a JWKS client for this server in the SDK validator's key-client cache
    under the public Bot Framework key URL (the SDK has no setting for that URL). Everything else -
    signature, algorithm, audience, expiry - is the SDK's own validation, unchanged.
    """

    KID = "beslut-test-key"

    def __init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        jwks = json.dumps({"keys": [{**jwk, "kid": self.KID, "use": "sig", "alg": "RS256"}]}).encode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(jwks)))
                self.end_headers()
                self.wfile.write(jwks)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.jwks_url = f"http://127.0.0.1:{self._server.server_port}/v1/.well-known/keys"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def trust(self, monkeypatch) -> None:
        from jwt import PyJWKClient
        from microsoft_agents.hosting.core.authorization.authentication_constants import AuthenticationConstants
        from microsoft_agents.hosting.core.authorization.jwt import jwt_token_validator as v

        entry = v._JwkClientCacheEntry(PyJWKClient(self.jwks_url), threading.Lock())
        monkeypatch.setitem(v.JwtTokenValidator._jwk_client_manager._cache,
                            AuthenticationConstants.PUBLIC_ABS_JWKS_URL, entry)

    def token(self, service_url: str, audience: str = APP_ID) -> str:
        now = int(time.time())
        claims = {"iss": "https://api.botframework.com", "aud": audience, "nbf": now - 60, "exp": now + 3600,
                  "serviceurl": service_url}
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.KID})

    def headers(self, service_url: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(service_url)}"}

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """Run ``app`` under uvicorn on 127.0.0.1:<free port> in a thread; yields the base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


# --- activities as Teams sends them -------------------------------------------------------------
def _base(service_url: str, conversation_id: str, conversation_type: str) -> dict:
    conv = {"id": conversation_id, "conversationType": conversation_type, "tenantId": TENANT}
    data = {"channelId": "msteams", "serviceUrl": service_url, "id": "1700000000001",
            "from": {"id": "29:anne", "name": "Anne Andersen", "aadObjectId": "aad-anne"},
            "recipient": {"id": BOT_ID, "name": BOT_NAME}, "conversation": conv, "locale": "da-DK",
            "channelData": {"tenant": {"id": TENANT}}}
    if conversation_type == "channel":
        data["channelData"].update(team={"id": "19:team@thread.tacv2"}, channel={"id": conversation_id})
    return data


def message(text: str, service_url: str, *, conversation_type: str = "personal", mention: bool = False,
            conversation_id: str | None = None) -> dict:
    """A message; with ``mention`` the bot is @mentioned first, as Teams does in channels."""
    cid = conversation_id or ("a:1personal" if conversation_type == "personal" else "19:kanal@thread.tacv2")
    act = _base(service_url, cid, conversation_type)
    act.update(type="message", text=text, textFormat="plain")
    if mention:
        tag = f"<at>{BOT_NAME}</at>"
        act["text"] = f"{tag} {text}"
        act["entities"] = [{"type": "mention", "text": tag, "mentioned": {"id": BOT_ID, "name": BOT_NAME}}]
    return act


def conversation_update(service_url: str, *, added: bool = True, conversation_type: str = "channel",
                        conversation_id: str = GENERAL) -> dict:
    """The bot added to (or removed from) a team: Teams' conversationUpdate."""
    act = _base(service_url, conversation_id, conversation_type)
    act["type"] = "conversationUpdate"
    act["membersAdded" if added else "membersRemoved"] = [{"id": BOT_ID}]
    act["channelData"]["eventType"] = "teamMemberAdded" if added else "teamMemberRemoved"
    return act


# --- what users see on a card -------------------------------------------------------------------
def card_of(post: dict) -> dict:
    """The Adaptive Card of a recorded post (exactly one attachment)."""
    (att,) = post["body"]["attachments"]
    assert att["contentType"] == "application/vnd.microsoft.card.adaptive"
    return att["content"]


def card_runs(card: dict) -> list[str]:
    """All text the user sees on the card: every TextRun, in order."""
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextRun":
                out.append(node["text"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(card["body"])
    return out


def card_text(card: dict) -> str:
    """All text the user sees on the card, one TextRun per line."""
    return "\n".join(card_runs(card))


def elements(node):
    """Every dict in the card, depth first."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from elements(v)
    elif isinstance(node, list):
        for v in node:
            yield from elements(v)
