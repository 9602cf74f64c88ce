"""Where Teams traffic may go: a forged serviceUrl never receives the bot's token (issue 9, defect 2).

Over real HTTP: the web app on port 0, an allowed fake Bot Connector (``connector``) and an "evil" one at an
address that is not on the allow-list. References are stored only from signed requests, the publisher posts
only to allowed serviceUrls, anonymous mode replies only to loopback or allowed ones, and malformed
activities are a 400 without a traceback.
"""
from __future__ import annotations

import datetime as dt
import logging

import httpx
import pytest
from fastapi import FastAPI
from microsoft_agents.activity import Activity

from bot.core import messages
from bot.teams.conversations import TeamsConversations
from bot.core.results import Digest, DigestMeeting, Hit
from bot.core.ports import NotDelivered
from bot.core.reply import digest_reply
from bot.settings import TEAMS_PUBLIC_SERVICE_URLS, Settings
from bot.core.router import Conversation
from bot.teams.adapter import add_teams_routes, auth_configuration
from bot.teams.publisher import TeamsPublisher
from bot.teams.service_urls import ServiceUrls, is_loopback
from embeddings.store import Store
from fakes import NoCore
from teams_fakes import (APP_ID, GENERAL, TENANT, FakeBotConnector, conversation_update, message, non_loopback_address,
                         serve, token_provider_factory)

ANON = Settings(teams_allow_anonymous=True)
PRODUCTION = Settings(teams_app_id=APP_ID, teams_app_password="hemmeligt", teams_tenant_id=TENANT)
DIGEST_PATH = f"/v3/conversations/{GENERAL}/activities"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "beslut.db")
    yield s
    s.close()


@pytest.fixture
def evil():
    """A second fake Bot Connector on loopback: where a forged serviceUrl points."""
    c = FakeBotConnector()
    yield c
    c.close()


def allowing(settings: Settings, connector: FakeBotConnector) -> Settings:
    return settings.with_(teams_service_urls=(connector.url,))


def post(store, settings, activity, connector, headers=None) -> httpx.Response:
    """One activity to /api/messages of a web app with ``settings`` (its token provider: the fake's)."""
    app = FastAPI()
    add_teams_routes(app, Conversation(NoCore()), store, settings, token_provider_factory=token_provider_factory(connector))
    with serve(app) as url:
        return httpx.post(f"{url}/api/messages", json=activity, headers=headers or {}, timeout=10)


def digest():
    h = Hit("Chefforum", dt.date(2024, 9, 11), 4, "Opfølgning på implementering af ens telefontider",
            "83.02.00-A00-1-23", "Telefontiderne skal være implementeret den 1. november 2024.", True)
    return digest_reply(Digest("2024-W37", dt.date(2024, 9, 9), dt.date(2024, 9, 15),
                               (DigestMeeting("Chefforum", dt.date(2024, 9, 11), (h,)),)))


def stored_service_url(store) -> str:
    return TeamsConversations(store.db).load(GENERAL).service_url


def no_tracebacks(caplog) -> bool:
    return "Traceback" not in caplog.text and not [r for r in caplog.records if r.exc_info]


# --- (1) a forged conversationUpdate cannot redirect the digest ------------------------------------
def test_forged_conversation_update_then_the_digest_reaches_only_the_allowed_connector(store, connector, evil,
                                                                                         bot_framework):
    signed = bot_framework.headers(connector.url)
    r = post(store, allowing(PRODUCTION, connector), conversation_update(connector.url), connector, signed)
    assert r.status_code in (200, 202), r.text
    assert stored_service_url(store) == connector.url

    # A development instance in anonymous mode on the same store; the forger names the evil connector.
    r = post(store, ANON, conversation_update(evil.url), connector)
    assert r.status_code in (200, 202), r.text

    publisher = TeamsPublisher.from_settings(allowing(PRODUCTION, connector), store, token_provider_factory(connector))
    publisher.publish(GENERAL, digest())
    assert all(p["auth"] is None for p in evil.received)  # the bot's token never reaches it
    assert not [p for p in evil.received if p["path"] == DIGEST_PATH] and evil.token_requests == []
    (post_,) = [p for p in connector.messages() if p["path"] == DIGEST_PATH]
    assert post_["auth"].startswith("Bearer fake-token-")
    assert stored_service_url(store) == connector.url  # not overwritten


def test_a_forged_conversation_update_alone_stores_nothing(store, connector, evil):
    r = post(store, ANON, conversation_update(evil.url), connector)
    assert r.status_code in (200, 202), r.text
    assert TeamsConversations(store.db).all() == []
    with pytest.raises(NotDelivered):
        TeamsPublisher.from_settings(allowing(PRODUCTION, connector), store,
                                     token_provider_factory(connector)).publish(GENERAL, digest())
    assert all(p["auth"] is None for p in evil.received) and connector.received == []


# --- (2) the publisher refuses a stored reference at a serviceUrl that is not allowed --------------
def save_reference(store, service_url: str) -> None:
    """A reference as a store written before references were checked may hold it."""
    act = Activity.model_validate(conversation_update(service_url))
    TeamsConversations(store.db).save(act.get_conversation_reference())


@pytest.mark.parametrize("where", ["evil", "https://smba.trafficmanager.net.evil.example/",
                                   "http://smba.trafficmanager.net/teams/",
                                   "https://evil.example/smba.trafficmanager.net/"])
def test_the_publisher_refuses_a_stored_reference_that_is_not_allowed(store, connector, evil, where, caplog):
    service_url = evil.url if where == "evil" else where
    save_reference(store, service_url)
    settings = allowing(PRODUCTION, connector).with_(teams_service_urls=(connector.url, *TEAMS_PUBLIC_SERVICE_URLS))
    publisher = TeamsPublisher.from_settings(settings, store, token_provider_factory(connector))
    with pytest.raises(NotDelivered) as e:  # certainly not posted
        publisher.publish(GENERAL, digest())
    assert str(e.value).startswith(f"Teams-samtalen {GENERAL} er gemt med adressen ")
    assert "BESLUT_TEAMS_SERVICE_URLS" in str(e.value)
    assert evil.received == [] and connector.received == [] and connector.token_requests == []  # not even a token
    assert f"teams: not posting to {GENERAL}" in caplog.text


# --- (3) malformed activities: 400, no traceback ---------------------------------------------------
@pytest.mark.parametrize("body", [
    {}, [], "hej",
    message("hej", "ftp://127.0.0.1/"),
    message("hej", "javascript:alert(1)//"),
    message("hej", "http://anne@127.0.0.1/"),
    {**message("hej", "http://127.0.0.1/"), "serviceUrl": None},
    {**message("hej", "http://127.0.0.1/"), "serviceUrl": 5},
    {**message("hej", "http://127.0.0.1/"), "conversation": None},
    {**message("hej", "http://127.0.0.1/"), "type": ""},
], ids=["empty", "list", "string", "ftp", "javascript", "userinfo", "no-serviceUrl", "number",
        "no-conversation", "no-type"])
def test_a_malformed_activity_is_a_400_without_a_traceback(store, connector, body, caplog):
    r = post(store, ANON, body, connector)
    assert r.status_code == 400, r.text
    assert connector.received == []
    assert no_tracebacks(caplog), caplog.text


def test_an_activity_the_sdk_cannot_read_is_a_400_not_a_500(store, connector):
    r = post(store, ANON, {**message("hej", connector.url), "from": "Anne"}, connector)
    assert r.status_code == 400, r.text  # (the SDK's own parser logs its validation error: not ours to silence)
    assert connector.received == []


def test_invalid_json_and_a_signed_malformed_activity_are_400(store, connector, bot_framework, caplog):
    app = FastAPI()
    add_teams_routes(app, Conversation(NoCore()), store, ANON)
    with serve(app) as url:
        r = httpx.post(f"{url}/api/messages", content=b"{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    signed = bot_framework.headers(connector.url)
    r = post(store, allowing(PRODUCTION, connector), message("hej", "ftp://127.0.0.1/"), connector, signed)
    assert r.status_code == 400
    assert connector.received == [] and no_tracebacks(caplog), caplog.text


# --- (4) replies go only to allowed (or, anonymously, loopback) serviceUrls -------------------------
def test_anonymous_mode_does_not_reply_to_an_address_elsewhere(store, connector, caplog):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to bind the evil connector on")
    elsewhere = FakeBotConnector(host=address)  # reachable, but not on this machine's loopback
    try:
        assert not is_loopback(elsewhere.url)
        for activity in (message("hjælp", elsewhere.url), conversation_update(elsewhere.url)):
            r = post(store, ANON, activity, connector)
            assert r.status_code == 403, r.text
        assert elsewhere.received == [] and TeamsConversations(store.db).all() == []
    finally:
        elsewhere.close()
    assert "serviceUrl http://" in caplog.text and "is not allowed" in caplog.text


@pytest.mark.parametrize("service_url", ["https://smba.trafficmanager.net.evil.example/",
                                         "https://evil.example/", "http://smba.trafficmanager.net/"])
def test_anonymous_mode_refuses_lookalike_hosts(store, connector, service_url):
    r = post(store, ANON, message("hjælp", service_url), connector)
    assert r.status_code == 403, r.text


def test_with_credentials_replies_only_go_to_allowed_service_urls(store, connector, evil, bot_framework):
    settings = allowing(PRODUCTION, connector)
    r = post(store, settings, conversation_update(evil.url), connector, bot_framework.headers(evil.url))
    assert r.status_code == 403, r.text  # a valid token, but loopback is not allowed with credentials
    assert evil.received == [] and TeamsConversations(store.db).all() == []
    r = post(store, settings, message("hjælp", connector.url), connector, bot_framework.headers(connector.url))
    assert r.status_code in (200, 202), r.text
    (reply,) = connector.messages()
    assert reply["auth"].startswith("Bearer fake-token-")


# --- the allow-list itself ------------------------------------------------------------------------
def test_the_default_allows_the_public_teams_connector_and_nothing_like_it():
    urls = ServiceUrls.from_settings(Settings())
    for ok in ("https://smba.trafficmanager.net/teams/", "https://smba.trafficmanager.net/emea/",
               "https://SMBA.trafficmanager.net:443/amer/"):
        assert urls.allows(ok), ok
    for bad in ("https://smba.trafficmanager.net.evil.example/", "https://evil-smba.trafficmanager.net/",
                "https://x.smba.trafficmanager.net/", "http://smba.trafficmanager.net/teams/",
                "https://smba.trafficmanager.net:8443/", "https://user@smba.trafficmanager.net/",
                "https://evil.example/https://smba.trafficmanager.net/", "https://smba.trafficmanager.net\\@evil/",
                "https://smba.trafficmanager.net\t.evil/", "ftp://smba.trafficmanager.net/",
                "//smba.trafficmanager.net/",
                "http://127.0.0.1:3978/", None, 5):
        assert not urls.allows(bad), bad
    assert not urls.allows_reply("http://127.0.0.1:3978/", anonymous=False)
    assert urls.allows_reply("http://127.0.0.1:3978/", anonymous=True)
    assert urls.allows_reply("http://localhost:3978/", anonymous=True)
    assert not urls.allows_reply("http://localhost.evil.example:3978/", anonymous=True)


def test_government_clouds_and_tests_are_configured_by_environment():
    entries = "smba.infra.gcc.teams.microsoft.com, https://smba.infra.gov.teams.microsoft.us/, http://127.0.0.1:3978"
    s = Settings.from_env({"BESLUT_TEAMS_SERVICE_URLS": entries})
    urls = ServiceUrls.from_settings(s)
    assert urls.allows("https://smba.infra.gcc.teams.microsoft.com/teams")
    assert urls.allows("https://smba.infra.gov.teams.microsoft.us/teams") and urls.allows("http://127.0.0.1:3978/")
    assert not urls.allows("https://smba.trafficmanager.net/teams/")  # the list replaces the default
    assert Settings.from_env({}).teams_service_urls == ("https://smba.trafficmanager.net",)


@pytest.mark.parametrize("entry", ["http://smba.trafficmanager.net", "https://smba.trafficmanager.net/emea/",
                                   "ftp://smba.trafficmanager.net", "https://user@smba.trafficmanager.net",
                                   "*.trafficmanager.net"])
def test_a_bad_entry_stops_start_up_with_a_danish_message(entry):
    settings = ANON.with_(teams_service_urls=(entry,))
    with pytest.raises(ValueError) as e:  # the CLI turns it into exit code 2
        auth_configuration(settings)
    assert str(e.value) == messages.render("teams_service_url_invalid", entry=entry)
    assert "BESLUT_TEAMS_SERVICE_URLS" in str(e.value)


def test_logs_name_the_refused_host_not_the_token(store, connector, evil, bot_framework, caplog):
    caplog.set_level(logging.INFO)
    token = bot_framework.token(evil.url)
    post(store, allowing(PRODUCTION, connector), conversation_update(evil.url), connector,
         {"Authorization": f"Bearer {token}"})
    assert f"serviceUrl {evil.url.rstrip('/')} is not allowed" in caplog.text
    assert token not in caplog.text
