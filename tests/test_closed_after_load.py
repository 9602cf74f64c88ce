"""Punkter closed after the index was loaded: the core drops them, and when nothing is left the answer is an
abstention, never "Det fandt jeg (0 punkter ...)" or an empty answer (core, CLI rendering and Slack)."""
from __future__ import annotations

import json

import pytest

from bot.core import messages
from bot.compose import open_core
from bot.core.reply import answer_reply
from bot.cli.render import answer_json, answer_text
from bot.settings import Settings
from bot.compose import web_app
from embeddings.ingest.files import ingest_paths
from embeddings.store import Store
from fakes import HashingEmbedder
from slack_fakes import SECRET, TOKEN, LiveServer, all_text, event_body, mention, post_signed

QUESTION = "hvad besluttede vi om telefontider?"
OPEN = """REFERAT Chefforum d. 06-11-2024

Punkt 1: CF - Telefontider på rådhuset

83.02.00-A00-1-23

Beslutning

Chefforum besluttede at indføre ens telefontider på rådhuset fra 1. december.

Punkt 2: CF - Telefontider i borgerservice

83.02.00-A00-2-23

Beslutning

Chefforum besluttede at telefontiderne i borgerservice følger rådhusets telefontider.
"""
# The same meeting re-published with both punkter closed (title marker and body line, as FirstAgenda does).
CLOSED = """REFERAT Chefforum d. 06-11-2024

Punkt 1: CF - Lukket punkt: Telefontider på rådhuset

83.02.00-A00-1-23

Lukket punkt

Punkt 2: CF - Lukket punkt: Telefontider i borgerservice

83.02.00-A00-2-23

Lukket punkt
"""


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path / "home", slack_bot_token=TOKEN, slack_signing_secret=SECRET)


def publish(settings: Settings, text: str) -> None:
    """Write the minutes and ingest them as `beslut ingest --no-index` in another process would."""
    f = settings.home.parent / "referat.txt"
    f.write_text(text, encoding="utf-8")
    report = ingest_paths(Store(settings.store_path), [f])
    assert not report.failed


def test_the_core_abstains_when_every_hit_was_closed_since_the_index_was_loaded(settings):
    publish(settings, OPEN)
    core = open_core(settings, embedder=HashingEmbedder(), store=Store(settings.store_path))
    before = core.ask(QUESTION)
    assert not before.abstained and before.hits  # the precondition: both punkter answer the question
    publish(settings, CLOSED)
    assert all(p.closed for p in Store(settings.store_path).punkter())
    after = core.ask(QUESTION)
    assert after.abstained and after.hits == () and after.uncertain == ()
    reply = answer_reply(after)
    assert reply.intro == messages.render("abstained", question=QUESTION) and reply.items == ()
    assert "Det fandt jeg" not in reply.fallback and "0 punkter" not in reply.fallback
    assert answer_text(after) == f"Ingen beslutning fundet om: {QUESTION}"
    assert json.loads(json.dumps(answer_json(after)))["abstained"] is True


def test_slack_says_nothing_was_found_rather_than_zero_punkter(settings, fake):
    publish(settings, OPEN)
    store = Store(settings.store_path)
    core = open_core(settings.with_(slack_api_url=fake.url), embedder=HashingEmbedder(), store=store)
    with LiveServer(web_app(settings.with_(slack_api_url=fake.url), core, store)) as server:
        publish(settings, CLOSED)  # after the web process loaded its index
        status, _, _ = post_signed(server.url + "/slack/events", event_body(mention(QUESTION)), "application/json")
        assert status == 200
        (msg,) = fake.wait_for("/chat.postMessage")
    text = all_text(msg)
    assert f"Ingen beslutning fundet om: {QUESTION}" in text
    assert "Det fandt jeg" not in text and "0 punkter" not in text and "rådhuset fra 1. december" not in text
