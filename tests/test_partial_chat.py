"""The three tiers as Slack and Teams users see them, over real HTTP: the real model on the bundled minutes,
the product's web app under uvicorn on port 0, a signed Slack event and a Teams activity, and what the fake
Slack Web API and the fake Bot Connector received. A near miss is shown as nearest, never as the answer."""
from __future__ import annotations

import json
import shutil

import httpx
import pytest

from bot.compose import open_core, web_app
from bot.core import messages
from bot.settings import Settings
from embeddings.store import Store
from slack_fakes import SECRET, TOKEN, event_body, mention, post_signed
from teams_fakes import card_of, card_text, message, serve, token_provider_factory

pytestmark = pytest.mark.slow

NEAR_MISS = "Hvad besluttede vi om sygefravær blandt byrådets medlemmer?"  # ../shared/eval/dev_hard_none.jsonl
REAL = "hvad besluttede vi om telefontider?"
INTRO = messages.render("partial")


@pytest.fixture
def platforms(e5, e5_home, tmp_path, fake, connector):
    home = shutil.copytree(e5_home, tmp_path / "home", symlinks=True)
    settings = Settings(home=home, slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.url,
                        teams_allow_anonymous=True)
    store = Store(settings.store_path)
    core = open_core(settings, embedder=e5, store=store, build_missing=False)
    with serve(web_app(settings, core, store, token_provider_factory=token_provider_factory(connector))) as url:
        yield url
    store.close()


def ask_slack(url: str, fake, text: str, ts: str) -> dict:
    status, _, _ = post_signed(f"{url}/slack/events", event_body(mention(text, ts=ts), f"Ev{ts}"),
                               "application/json")
    assert status == 200
    return fake.first_post(lambda b: b.get("thread_ts") == ts, timeout=60)


def ask_teams(url: str, connector, text: str, conversation: str) -> str:
    r = httpx.post(f"{url}/api/messages", json=message(text, connector.url, conversation_id=conversation),
                   timeout=60)
    assert r.status_code in (200, 202), r.text
    (post,) = [m for m in connector.messages() if f"/conversations/{conversation}/" in m["path"]]
    return card_text(card_of(post))


def test_a_near_miss_is_the_nearest_punkt_named_as_such_in_slack_and_teams(platforms, fake, connector):
    slack = ask_slack(platforms, fake, NEAR_MISS, "1726000000.000701")
    shown = slack["text"] + json.dumps(slack["blocks"], ensure_ascii=False)
    assert INTRO in shown and "intet om: " in shown and messages.PARTIAL_NOTE in shown
    assert "byrådets" in shown.split("intet om: ", 1)[1] or "medlemmer" in shown.split("intet om: ", 1)[1]
    card = ask_teams(platforms, connector, NEAR_MISS, "a:near")
    assert INTRO in card and "intet om: " in card and messages.PARTIAL_LABEL in card


def test_a_real_question_is_still_answered_with_its_decision(platforms, fake, connector):
    slack = ask_slack(platforms, fake, REAL, "1726000000.000702")
    shown = slack["text"] + json.dumps(slack["blocks"], ensure_ascii=False)
    assert INTRO not in shown and "83.02.00-A00-1-23" in shown
    card = ask_teams(platforms, connector, REAL, "a:real")
    assert INTRO not in card and "83.02.00-A00-1-23" in card
