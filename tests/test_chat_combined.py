"""Slack and Teams on one web app, as `beslut serve` runs it: ``bot.compose.web_app`` with Slack and Teams
settings, under uvicorn on port 0, one core on the bundled minutes, a fake Slack Web API
and a fake Bot Connector. Assertions are on what each fake platform received."""
from __future__ import annotations

import json
import time
from contextlib import contextmanager

import httpx
import jwt
import pytest

from bot import compose as cli
from bot.compose import check_web_settings, web_app
from bot.core import messages
from embeddings.errors import BeslutError
from bot.settings import Settings
from conftest import store_and_core
from slack_fakes import SECRET, TOKEN, event_body, mention, post_signed
from teams_fakes import APP_ID, TENANT, card_of, card_text, message, serve, token_provider_factory

JSON = "application/json"
TELEFON = "hvad besluttede vi om telefontider?"
CASE = "83.02.00-A00-1-23"
LATER = "hvad skete der i sag 81.10.00-A26-1-24?"  # the later question after which absences are checked


class RecordingCore:
    """The real core, recording every question that reaches it (whichever platform asked)."""

    def __init__(self, inner) -> None:
        self.inner, self.calls = inner, []

    def ask(self, question: str, k: int = 3):
        self.calls.append(question)
        return self.inner.ask(question, k)

    def sag(self, query: str):
        self.calls.append(query)
        return self.inner.sag(query)


@contextmanager
def both_platforms(home, fake, connector, **teams):
    """The product's web app with Slack and Teams on one uvicorn server; yields (base URL, core)."""
    settings = Settings(home=home, slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.url,
                        **teams)
    with store_and_core(settings) as (store, inner):
        core = RecordingCore(inner)
        # outgoing Bot Connector tokens from the fake's token endpoint (production: MSAL), through the SDK's seam
        with serve(web_app(settings, core, store, token_provider_factory=token_provider_factory(connector))) as url:
            yield url, core


def slack_mention(url: str, ts: str, event_id: str, secret: str = SECRET, text: str = TELEFON) -> int:
    status, _, _ = post_signed(f"{url}/slack/events", event_body(mention(text, ts=ts), event_id), JSON,
                               secret=secret)
    return status


def slack_answer_in_thread(fake, ts: str) -> dict:
    """The answer posted in the thread of the Slack message ``ts``, waited for."""
    return fake.first_post(lambda b: b.get("thread_ts") == ts)


def test_one_server_one_core_answers_slack_and_anonymous_teams(home, fake, connector):
    with both_platforms(home, fake, connector, teams_allow_anonymous=True) as (url, core):
        assert slack_mention(url, ts="1726000000.000555", event_id="EvBoth") == 200
        r = httpx.post(f"{url}/api/messages", json=message(TELEFON, connector.url), timeout=30)
        assert r.status_code in (200, 202), r.text
        slack_msg = slack_answer_in_thread(fake, "1726000000.000555")
        # Nothing else arrives late on either side: a later question on each platform is answered (Slack
        # listeners start in arrival order; a Teams turn ends before its HTTP answer), then the counts.
        assert slack_mention(url, ts="1726000000.000556", event_id="EvLater", text=LATER) == 200
        slack_answer_in_thread(fake, "1726000000.000556")
        later = message(LATER, connector.url, conversation_id="a:later")
        assert httpx.post(f"{url}/api/messages", json=later, timeout=30).status_code in (200, 202)
    assert slack_msg["channel"] == "C1" and slack_msg["thread_ts"] == "1726000000.000555"
    assert CASE in slack_msg["text"] and CASE in json.dumps(slack_msg["blocks"], ensure_ascii=False)
    teams_post, teams_later = connector.messages()
    assert teams_post["path"] == "/v3/conversations/a:1personal/activities/1700000000001"
    assert teams_later["path"].startswith("/v3/conversations/a:later/")
    assert f"Chefforum · 11. september 2024 · punkt 4 · sag {CASE}" in card_text(card_of(teams_post))
    assert fake.count("/chat.postMessage") == 2 and len(connector.received) == 2  # no cross-talk
    assert core.calls == [TELEFON, TELEFON, LATER, LATER]  # all went through the one core


def test_teams_jwt_guards_only_its_own_route(home, fake, connector):
    forged = jwt.encode({"aud": APP_ID, "iss": "https://api.botframework.com", "serviceurl": connector.url},
                        "k" * 32, algorithm="HS256", headers={"kid": "forged"})
    with both_platforms(home, fake, connector, teams_app_id=APP_ID, teams_app_password="hemmeligt",
                        teams_tenant_id=TENANT) as (url, core):
        activity = message(TELEFON, connector.url)
        for headers in ({}, {"Authorization": "Bearer not.a.jwt"}, {"Authorization": f"Bearer {forged}"}):
            r = httpx.post(f"{url}/api/messages", json=activity, headers=headers, timeout=30)
            assert r.status_code == 401, (headers, r.status_code, r.text)
        assert core.calls == [] and connector.received == [] and connector.token_requests == []

        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200  # no token needed elsewhere
        assert slack_mention(url, ts="1726000000.000666", event_id="EvSigned") == 200
        (msg,) = fake.wait_for("/chat.postMessage")
        assert msg["thread_ts"] == "1726000000.000666" and CASE in msg["text"]

        assert slack_mention(url, ts="1726000000.000777", event_id="EvForged", secret="wrong-secret") == 401
        # a positive signal before the absence: a later signed mention is answered
        assert slack_mention(url, ts="1726000000.000888", event_id="EvLater", text=LATER) == 200
        slack_answer_in_thread(fake, "1726000000.000888")
    assert [b["thread_ts"] for b in fake.bodies("/chat.postMessage")] == ["1726000000.000666", "1726000000.000888"]
    assert core.calls == [TELEFON, LATER] and connector.received == []


@pytest.mark.parametrize("slack", [False, True], ids=["teams-only", "with-slack"])
def test_serve_refuses_anonymous_teams_with_an_app_id_before_the_model_loads(tmp_path, monkeypatch, capsys, slack):
    env = {"BESLUT_HOME": str(tmp_path / "home"), "BESLUT_MODEL": str(tmp_path / "no-such-model"),
           "BESLUT_TEAMS_ALLOW_ANONYMOUS": "true", "MICROSOFT_APP_ID": APP_ID}
    if slack:
        env.update(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET)
    expected = messages.render("teams_anonymous_with_credentials")
    assert "lokal udvikling" in expected

    with pytest.raises(BeslutError) as e:
        check_web_settings(Settings.from_env(env), socket_mode=False)
    assert e.value.code == "teams_anonymous_with_credentials" and messages.user_message(e.value) == expected

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    t0 = time.monotonic()
    assert cli.main(["serve", "--port", "0"]) != 0
    assert capsys.readouterr().err.strip() == f"beslut: {expected}"
    assert time.monotonic() - t0 < 5
    # the store is opened (and the model loaded) only after the check: neither happened
    assert not (tmp_path / "home").exists()
