"""The proactive digest in Teams: an authenticated conversationUpdate stores the reference, TeamsPublisher posts
to it (only at an allowed serviceUrl: these tests allow their fake connector)."""
from __future__ import annotations

import asyncio
import datetime as dt
import socket

import aiohttp
import httpx
import pytest
from fastapi import FastAPI
from microsoft_agents.activity import Activity

from bot.core import messages
from bot.teams.conversations import TeamsConversations
from bot.core.results import Digest, DigestMeeting, Hit
from bot.core.ports import NotDelivered
from bot.core.ports import Publisher
from bot.core.reply import digest_reply
from bot.settings import Settings
from bot.core.router import Conversation
from bot.teams.adapter import add_teams_routes
from bot.teams.publisher import TeamsPublisher, teams_digest_targets
from embeddings.store import Store
from fakes import NoCore
from teams_fakes import (APP_ID, GENERAL, TENANT, FakeTokenProvider, card_of, card_runs, conversation_update,
                         serve, token_provider_factory)

ANON = Settings(teams_allow_anonymous=True)
PRODUCTION = Settings(teams_app_id=APP_ID, teams_app_password="hemmeligt", teams_tenant_id=TENANT)


def allowing(settings: Settings, connector_or_url) -> Settings:
    """``settings`` with the fake connector's address as the one allowed serviceUrl."""
    return settings.with_(teams_service_urls=(getattr(connector_or_url, "url", connector_or_url),))


def digest():
    h = Hit("Chefforum", dt.date(2024, 9, 11), 4, "Opfølgning på implementering af ens telefontider",
            "83.02.00-A00-1-23", "Telefontiderne skal være implementeret den 1. november 2024.", True,
            source_url="https://dagsorden.example.dk/cf/2024-09-11#punkt4")
    return digest_reply(Digest("2024-W37", dt.date(2024, 9, 9), dt.date(2024, 9, 15),
                               (DigestMeeting("Chefforum", dt.date(2024, 9, 11), (h,)),)))


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "beslut.db")
    yield s
    s.close()


def post_activity(store, activity, settings, connector, headers=None):
    """One activity to the web app's /api/messages; ``headers``: a signed token (with PRODUCTION settings)."""
    app = FastAPI()
    add_teams_routes(app, Conversation(NoCore()), store, settings, token_provider_factory=token_provider_factory(connector))
    with serve(app) as url:
        r = httpx.post(f"{url}/api/messages", json=activity, headers=headers or {}, timeout=10)
    assert r.status_code in (200, 202), r.text


def test_added_to_a_team_then_the_digest_is_posted_proactively(store, connector, bot_framework):
    settings = allowing(PRODUCTION, connector)
    post_activity(store, conversation_update(connector.url), settings, connector, bot_framework.headers(connector.url))
    assert [cid for cid, _, _ in TeamsConversations(store.db).all()] == [GENERAL]
    welcome = connector.messages()[-1]
    assert card_runs(card_of(welcome))[0] == messages.HELP[0]

    publisher: Publisher = TeamsPublisher.from_settings(settings, store, token_provider_factory(connector))
    assert publisher.platform == "teams"  # the digest's port
    publisher.publish(GENERAL, digest())

    post = connector.messages()[-1]
    assert post["path"] == f"/v3/conversations/{GENERAL}/activities"  # a new post, not a reply
    runs = card_runs(card_of(post))
    assert runs[0] == "Ugens beslutninger, uge 2024-W37 (9. september 2024 – 15. september 2024): 1 punkt"
    assert "Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23" in runs
    assert post["body"]["from"]["id"] == "28:beslut-bot" and post["auth"].startswith("Bearer fake-token-")


def test_without_a_token_nothing_is_stored_or_forgotten(store, connector):
    post_activity(store, conversation_update(connector.url), ANON, connector)  # anonymous development mode
    assert TeamsConversations(store.db).all() == []
    assert card_runs(card_of(connector.messages()[-1]))[0] == messages.HELP[0]  # still welcomed
    stored_reference(store, connector)
    post_activity(store, conversation_update(connector.url, added=False), ANON, connector)
    assert [cid for cid, _, _ in TeamsConversations(store.db).all()] == [GENERAL]


def test_removed_from_a_team_forgets_the_conversation(store, connector, bot_framework):
    settings, signed = allowing(PRODUCTION, connector), bot_framework.headers(connector.url)
    post_activity(store, conversation_update(connector.url), settings, connector, signed)
    post_activity(store, conversation_update(connector.url, added=False), settings, connector, signed)
    assert TeamsConversations(store.db).all() == []
    with pytest.raises(NotDelivered) as e:  # certainly not posted: the ledger may retry
        TeamsPublisher.from_settings(allowing(ANON, connector), store).publish(GENERAL, digest())
    assert str(e.value) == messages.render("teams_conversation_unknown", conversation_id=GENERAL)


def stored_reference(store, connector_or_url):
    url = getattr(connector_or_url, "url", connector_or_url)
    act = Activity.model_validate(conversation_update(url))
    TeamsConversations(store.db).save(act.get_conversation_reference())


def test_with_credentials_the_post_carries_a_token_from_the_configured_provider(store, connector):
    stored_reference(store, connector)
    publisher = TeamsPublisher.from_settings(allowing(PRODUCTION, connector), store, token_provider_factory(connector))
    publisher.publish(GENERAL, digest())
    (post,) = connector.messages()
    assert post["auth"].startswith("Bearer fake-token-")
    assert connector.token_requests and all(
        t["client_id"] == APP_ID and t["client_secret"] == "hemmeligt" for t in connector.token_requests)
    assert {t["scope"] for t in connector.token_requests} >= {"https://api.botframework.com/.default"}


def test_a_5xx_is_uncertain_and_nothing_else_is_posted(store, connector):
    stored_reference(store, connector)
    connector.fail_with = 503
    # The port (bot.core.ports.Publisher): NotDelivered means "certainly not posted, repost"; anything else is
    # uncertain. So catch any exception, then check it is not NotDelivered (the 503 may have been posted).
    with pytest.raises(Exception) as e:
        TeamsPublisher.from_settings(allowing(ANON, connector), store).publish(GENERAL, digest())
    assert not isinstance(e.value, NotDelivered), f"a 503 may have posted, but publish said {e.value!r}"
    assert isinstance(e.value, aiohttp.ClientResponseError) and e.value.status == 503
    assert len(connector.received) == 1  # no error text posted into the channel afterwards


def test_refused_unreachable_or_no_token_is_not_delivered(store, connector):
    stored_reference(store, connector)
    connector.fail_with = 403  # e.g. the bot was removed from the team
    with pytest.raises(NotDelivered):
        TeamsPublisher.from_settings(allowing(ANON, connector), store).publish(GENERAL, digest())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/"
    stored_reference(store, closed)  # the same conversation, now at a port nobody listens on
    with pytest.raises(NotDelivered):
        TeamsPublisher.from_settings(allowing(ANON, closed), store).publish(GENERAL, digest())
    stored_reference(store, connector)
    connector.fail_with = None
    no_token = lambda cfg: FakeTokenProvider(cfg, closed + "oauth2/v2.0/token")  # noqa: E731
    with pytest.raises(NotDelivered):
        TeamsPublisher.from_settings(allowing(PRODUCTION, connector), store, no_token).publish(GENERAL, digest())
    assert len(connector.received) == 1  # only the refused post reached the connector


def test_publish_works_from_inside_an_event_loop(store, connector):
    stored_reference(store, connector)
    publisher = TeamsPublisher.from_settings(allowing(ANON, connector), store)

    async def scheduler_job():
        publisher.publish(GENERAL, digest())

    asyncio.run(scheduler_job())
    assert len(connector.messages()) == 1


def test_digest_targets_come_from_settings(store, connector):
    assert teams_digest_targets(ANON, store) == []
    stored_reference(store, connector)
    settings = allowing(ANON, connector).with_(digest_teams_conversations=(GENERAL,))
    ((publisher, target),) = teams_digest_targets(settings, store)
    assert (publisher.platform, target) == ("teams", GENERAL)
    publisher.publish(target, digest())
    post = connector.messages()[-1]
    assert post["path"] == f"/v3/conversations/{GENERAL}/activities"
    assert post["auth"] is None  # anonymous development mode sends no token
