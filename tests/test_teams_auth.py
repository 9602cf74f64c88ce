"""Teams authentication: JWT on /api/messages only, anonymous mode only for development, start-up checks."""
from __future__ import annotations

from pathlib import Path

import httpx
import jwt
import pytest
from fastapi import FastAPI

from bot.core.results import Answer, CaseTimeline
from bot.core.router import Conversation
from embeddings.errors import BeslutError
from bot.settings import Settings
from bot.teams.adapter import add_teams_routes, auth_configuration, mount_teams
from bot.teams.publisher import TeamsPublisher
from embeddings.store import Store
from bot.core import messages
from teams_fakes import APP_ID, TENANT, message, serve

PRODUCTION = Settings(teams_app_id=APP_ID, teams_app_password="hemmeligt", teams_tenant_id=TENANT)


class RecordingCore:
    def __init__(self):
        self.calls = []

    def ask(self, question, k=3):
        self.calls.append(question)
        return Answer(question, True)

    def sag(self, query):
        self.calls.append(query)
        return CaseTimeline(query)


def test_requests_without_a_valid_token_are_401_and_never_reach_the_core(tmp_path, connector):
    core = RecordingCore()
    app = FastAPI()

    @app.post("/slack/events")  # another platform on the same app: must not need a Bot Framework token
    async def slack_events():
        return {"ok": True}

    add_teams_routes(app, Conversation(core), Store(tmp_path / "b.db"), PRODUCTION)
    act = message("hvad besluttede vi om telefontider?", connector.url)
    unsigned = jwt.encode({"aud": APP_ID, "iss": "https://api.botframework.com"}, "k" * 32, algorithm="HS256")
    with serve(app) as url:
        for headers in ({}, {"Authorization": "Bearer not.a.jwt"}, {"Authorization": "Basic dXNlcjpwdw=="},
                        {"Authorization": f"Bearer {unsigned}"}, {"Authorization": "Bearer"}):
            r = httpx.post(f"{url}/api/messages", json=act, headers=headers, timeout=10)
            assert r.status_code == 401, (headers, r.status_code, r.text)
        assert httpx.post(f"{url}/slack/events", json={}, timeout=10).status_code == 200
    assert core.calls == []
    assert connector.received == []


def test_anonymous_mode_refuses_to_start_with_production_credentials(tmp_path):
    store = Store(tmp_path / "b.db")
    for creds in (dict(teams_app_id=APP_ID), dict(teams_app_password="x"),
                  dict(teams_app_id=APP_ID, teams_app_password="x", teams_tenant_id=TENANT),
                  dict(teams_cert_pfx_file=tmp_path / "bot.pfx")):
        settings = Settings(teams_allow_anonymous=True, **creds)
        with pytest.raises(BeslutError) as e:
            add_teams_routes(FastAPI(), Conversation(RecordingCore()), store, settings)
        assert e.value.code == "teams_anonymous_with_credentials"
        assert "BESLUT_TEAMS_ALLOW_ANONYMOUS" in messages.user_message(e.value) and "lokal udvikling" in messages.user_message(e.value)
        with pytest.raises(BeslutError):
            TeamsPublisher.from_settings(settings, store)
        with pytest.raises(BeslutError):
            mount_teams(settings, Conversation(RecordingCore()), store)  # at start-up, before any route exists


@pytest.mark.parametrize("settings, code", [
    (Settings(), "teams_not_configured"),
    (Settings(teams_app_password="x"), "teams_not_configured"),
    (Settings(teams_app_id=APP_ID, teams_tenant_id=TENANT), "teams_secret_missing"),
    (Settings(teams_app_id=APP_ID, teams_app_password="x"), "teams_tenant_missing"),
    (Settings(teams_app_id=APP_ID, teams_tenant_id=TENANT, teams_cert_pfx_file=Path("/nonexistent/bot.pfx")),
     "teams_cert_missing"),
])
def test_incomplete_credentials_are_a_clear_danish_error(settings, code):
    with pytest.raises(BeslutError) as e:
        auth_configuration(settings)
    assert e.value.code == code and messages.user_message(e.value)


def test_production_and_development_configurations(tmp_path):
    cfg = auth_configuration(PRODUCTION)
    assert (cfg.CLIENT_ID, cfg.TENANT_ID, cfg.ANONYMOUS_ALLOWED) == (APP_ID, TENANT, False)
    pfx = tmp_path / "bot.pfx"
    pfx.write_bytes(b"x")
    cert = auth_configuration(Settings(teams_app_id=APP_ID, teams_tenant_id=TENANT, teams_cert_pfx_file=pfx,
                                       teams_cert_send_x5c=True))
    assert (cert.AUTH_TYPE.value, cert.CERT_PFX_FILE, cert.SEND_X5C) == ("certificate", str(pfx), True)
    assert auth_configuration(Settings(teams_allow_anonymous=True)).ANONYMOUS_ALLOWED
    assert not Settings().teams_enabled and PRODUCTION.teams_enabled
    assert Settings(teams_allow_anonymous=True).teams_enabled


def test_settings_read_the_teams_environment(tmp_path):
    s = Settings.from_env({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "p", "MICROSOFT_APP_TENANT_ID": TENANT,
                           "MICROSOFT_APP_CERT_PFX_FILE": str(tmp_path / "c.pfx"),
                           "MICROSOFT_APP_CERT_SEND_X5C": "ja", "BESLUT_TEAMS_ALLOW_ANONYMOUS": "nej"})
    assert (s.teams_app_id, s.teams_app_password, s.teams_tenant_id) == (APP_ID, "p", TENANT)
    assert s.teams_cert_pfx_file == tmp_path / "c.pfx" and s.teams_cert_send_x5c and not s.teams_allow_anonymous
