"""Teams end to end: activity JSON over real HTTP to /api/messages (uvicorn, port 0), the real core on the
bundled minutes, replies recorded by a fake Bot Connector at the activity's serviceUrl."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.core import messages
from bot.compose import open_core
from bot.settings import Settings
from bot.core.router import Conversation
from bot.state.subscriptions import SubscriptionStore
from bot.teams.adapter import add_teams_routes
from embeddings.ingest.files import ingest_paths
from embeddings.store import Store
from conftest import BUNDLED
from fakes import HashingEmbedder
from router_scenarios import SCENARIOS, BrokenCore, check
from teams_fakes import (APP_ID, TENANT, FakeBotConnector, card_of, card_text, elements, message, serve,
                         token_provider_factory)

SOURCE_URL = "https://dagsorden.example.dk/{committee}/{date}#punkt{number}"
ANON = Settings(teams_allow_anonymous=True)


def build_core(home: Path, *paths: Path):
    store = Store(home / "beslut.db")
    ingest_paths(store, list(paths))
    settings = Settings(home=home, source_url_template=SOURCE_URL)
    return open_core(settings, embedder=HashingEmbedder(), store=store), store


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build_core(tmp_path_factory.mktemp("teams"), BUNDLED)


def teams_app(core, store, settings=ANON, token_provider_factory=None) -> FastAPI:
    app = FastAPI()
    add_teams_routes(app, Conversation(core, subscriptions=SubscriptionStore(store.db)), store, settings,
                     token_provider_factory=token_provider_factory)
    return app


def ask(core, store, activity: dict, settings=ANON, headers: dict | None = None,
        token_provider_factory=None) -> httpx.Response:
    with serve(teams_app(core, store, settings, token_provider_factory)) as url:
        return httpx.post(f"{url}/api/messages", json=activity, headers=headers, timeout=30)


def verified(connector: FakeBotConnector, keys) -> dict:
    """``ask``'s keywords for a request with a verified Bot Framework token (production settings, the fake
    connector as the allowed serviceUrl and as the source of the bot's own token)."""
    settings = Settings(teams_app_id=APP_ID, teams_app_password="hemmeligt", teams_tenant_id=TENANT,
                        teams_service_urls=(connector.url,))
    return dict(settings=settings, headers=keys.headers(connector.url),
                token_provider_factory=token_provider_factory(connector))


def the_reply(connector: FakeBotConnector) -> dict:
    (post,) = connector.messages()
    return post


def test_question_in_personal_chat_is_answered_with_a_cited_card(seeded, connector):
    r = ask(*seeded, message("hvad besluttede vi om telefontider?", connector.url))
    assert r.status_code in (200, 202), r.text
    post = the_reply(connector)
    assert post["path"] == "/v3/conversations/a:1personal/activities/1700000000001"  # a reply to the question
    card = card_of(post)
    text = card_text(card)
    assert "Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23" in text
    assert "implementeret den 1. november 2024" in text
    button = {"type": "Action.OpenUrl", "title": "Åbn referat",
              "url": "https://dagsorden.example.dk/Chefforum/2024-09-11#punkt4"}
    assert button in card["body"][1]["items"][-1]["actions"]  # under the first cited punkt
    assert "83.02.00-A00-1-23" in card["fallbackText"] and post["body"]["summary"]
    assert "entities" not in json.dumps(post["body"])


def test_channel_mention_sag_gives_the_case_timeline(seeded, connector):
    r = ask(*seeded, message("sag 81.10.00-A26-1-24", connector.url, conversation_type="channel", mention=True))
    assert r.status_code in (200, 202), r.text
    post = the_reply(connector)
    assert post["path"] == "/v3/conversations/19:kanal@thread.tacv2/activities/1700000000001"  # in the thread
    text = card_text(card_of(post))
    assert text.startswith("Sag 81.10.00-A26-1-24: 1 punkt")
    assert "Implementering af lov om tidsregistrering" in text
    assert "Chefforum · 11. september 2024 · punkt 5 · sag 81.10.00-A26-1-24" in text


def test_unaddressed_and_other_activities_are_ignored(seeded, connector):
    r = ask(*seeded, message("hvad besluttede vi om telefontider?", connector.url, conversation_type="channel"))
    assert r.status_code in (200, 202)
    edited = {**message("rettet tekst", connector.url), "type": "messageUpdate"}
    assert ask(*seeded, edited).status_code in (200, 202)
    assert connector.messages() == []


@pytest.mark.parametrize("text", ["hjælp", ""])
def test_help_explains_usage_in_danish(seeded, connector, text):
    ask(*seeded, message(text, connector.url, conversation_type="channel", mention=True))
    text = card_text(card_of(the_reply(connector)))
    assert text.splitlines() == list(messages.HELP)  # Teams has no slash command to explain
    assert "sag 83.02.00-A00-1-23" in text


def test_bad_input_shows_the_core_user_message(seeded, connector):
    ask(*seeded, message("telefontider " * 100, connector.url))
    assert card_text(card_of(the_reply(connector))) == messages.render("question_too_long", length=1299, limit=1000)


class ExplodingCore:
    def ask(self, question, k=3):
        raise RuntimeError("hemmelig intern detalje /srv/beslut.db")

    def sag(self, query):
        raise RuntimeError("hemmelig intern detalje")


def test_exception_in_the_core_gives_a_short_danish_apology(seeded, connector, caplog):
    _, store = seeded
    r = ask(ExplodingCore(), store, message("hvad med telefontider?", connector.url))
    assert r.status_code in (200, 202)
    post = the_reply(connector)
    assert card_text(card_of(post)) == messages.render("apology")
    assert "hemmelig" not in json.dumps(post["body"])
    assert "RuntimeError" in caplog.text  # the traceback is logged for operators


def test_connector_failure_on_reply_is_logged_not_shown(seeded, connector, caplog):
    connector.fail_with = 500
    r = ask(*seeded, message("hvad besluttede vi om telefontider?", connector.url))
    assert r.status_code in (200, 202)
    posts = connector.messages()
    assert 1 <= len(posts) <= 2  # the answer, then at most one apology attempt
    assert all("500" not in json.dumps(p["body"]) and "Error" not in json.dumps(p["body"]) for p in posts)
    assert "turn failed" in caplog.text


MARKDOWN_MINUTES = """\
REFERAT Testudvalg d. 02-10-2024

Mødedato Onsdag d. 2. oktober 2024 kl. 09:00

Punkt 1: TU - Kantineordning **fed** <at>Alle</at>

85.02.00-A00-3-24

Beslutning

Testudvalget besluttede kantineordningen. <at>Alle</at> skal læse [klik](https://evil.example) og **fed** tekst.
"""


def test_markdown_and_mentions_in_minutes_arrive_inert(tmp_path, connector):
    src = tmp_path / "src"
    src.mkdir()
    (src / "testudvalg-2024-10-02.txt").write_text(MARKDOWN_MINUTES, encoding="utf-8")
    core, store = build_core(tmp_path, src)
    ask(core, store, message("hvad besluttede testudvalget om kantineordningen?", connector.url))
    body = the_reply(connector)["body"]
    card = card_of({"body": body})
    text = card_text(card)
    assert ("Testudvalget besluttede kantineordningen. <at>Alle</at> skal læse [klik](https://evil.example) "
            "og **fed** tekst.") in text.splitlines()  # verbatim, in a TextRun: no Markdown, no mention
    dumped = json.dumps(body)
    assert '"TextBlock"' not in dumped and "entities" not in dumped
    assert "evil" not in json.dumps([e for e in elements(card) if e.get("type", "").startswith("Action.")])


def test_mounts_into_the_shared_web_app(seeded, connector):
    from bot.compose import web_app

    core, store = seeded
    app = web_app(ANON, core, store)
    with serve(app) as url:
        assert httpx.get(f"{url}/healthz").status_code == 200
        r = httpx.post(f"{url}/api/messages", json=message("sag 83.02.00-A00-1-23", connector.url), timeout=30)
    assert r.status_code in (200, 202)
    assert card_text(card_of(the_reply(connector))).startswith("Sag 83.02.00-A00-1-23:")


# --- the router's scenario table (tests/router_scenarios.py), end to end ------------------------------
WHERE = [("personal", False), ("channel", True)]  # a personal chat; a channel, where the bot is @mentioned


@pytest.mark.parametrize("where, mentioned", WHERE, ids=[w for w, _ in WHERE])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_router_scenarios(seeded, connector, scenario, where, mentioned, request):
    core, store = seeded
    auth = verified(connector, request.getfixturevalue("bot_framework")) if scenario.verified else {}
    r = ask(BrokenCore() if scenario.broken_core else core, store,
            message(scenario.text, connector.url, conversation_type=where, mention=mentioned), **auth)
    assert r.status_code in (200, 202), r.text
    post = the_reply(connector)
    card = card_of(post)
    check(scenario, card_text(card), any(e.get("type") == "Container" for e in elements(card)))
    for word in scenario.absent:
        assert word not in json.dumps(post["body"], ensure_ascii=False)
