"""Following in Teams end to end: `følg` typed to the bot in a personal chat and with an @mention in a channel,
as activities with a signed Bot Framework token to the real web app (which stores the conversation reference),
new minutes read in with `beslut ingest`, then `beslut notify` twice as a worker without credentials would run
it: proactive posts to the fake Bot Connector, the one allowed serviceUrl."""
from __future__ import annotations

import httpx
import pytest

from bot.cli import main as cli
from bot.compose import Wiring, web_app
from bot.core import messages
from bot.settings import Settings
from bot.state.subscriptions import SubscriptionStore
from bot.teams.conversations import TeamsConversations
from embeddings.store import Store
from conftest import store_and_core
from fakes import HashingEmbedder
from follow_minutes import (CASE, CASE_NEXT, CASE_NEXT_CITATION, CASE_NEXT_DECISION, TOPIC_CITATION, TOPIC_DECISION,
                            TOPIC_NEW, UNRELATED, write)
from teams_fakes import APP_ID, TENANT, card_of, card_text, message, serve, token_provider_factory

PERSONAL = "a:1personal"
CHANNEL = "19:kanal@thread.tacv2"


@pytest.fixture
def worker_env(home, connector, monkeypatch):
    """`beslut notify` as the worker runs it: Teams without credentials, the fake connector allowed."""
    for k, v in {"BESLUT_HOME": str(home), "BESLUT_TEAMS_ALLOW_ANONYMOUS": "true",
                 "BESLUT_TEAMS_SERVICE_URLS": connector.url}.items():
        monkeypatch.setenv(k, v)
    return Settings.from_env()


def web(settings: Settings) -> Settings:
    """The web process: real credentials (its token provider pointed at the fake connector)."""
    return settings.with_(teams_allow_anonymous=False, teams_app_id=APP_ID, teams_app_password="hemmeligt",
                          teams_tenant_id=TENANT)


def say(settings: Settings, connector, keys, text: str, *, channel: bool = False, signed: bool = True,
        conversation_id: str | None = None) -> str:
    """``text`` to the bot (a personal chat, or @beslut in a channel); returns the text of the reply card."""
    activity = message(text, connector.url, conversation_type="channel" if channel else "personal", mention=channel,
                       conversation_id=conversation_id)
    before = len(connector.messages())
    with store_and_core(settings) as (store, core), \
            serve(web_app(settings, core, store, token_provider_factory=token_provider_factory(connector))) as url:
        r = httpx.post(f"{url}/api/messages", json=activity, timeout=30,
                       headers=keys.headers(connector.url) if signed else {})
    assert r.status_code in (200, 202), r.text
    (reply,) = connector.messages()[before:]
    assert "/activities/1700000000001" in reply["path"]  # a reply to the message
    return card_text(card_of(reply))


def beslut(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv), lambda s: Wiring(s, embedder=HashingEmbedder()))
    out, err = capsys.readouterr()
    return code, out, err


def proactive(connector, conversation_id: str) -> list[dict]:
    """New posts (not replies) to a conversation: notifications."""
    return [p for p in connector.messages() if p["path"] == f"/v3/conversations/{conversation_id}/activities"]


def test_following_in_teams_tells_each_once_by_proactive_messages(worker_env, connector, bot_framework, capsys,
                                                                  tmp_path):
    settings = web(worker_env)
    personal = say(settings, connector, bot_framework, f"følg {CASE}")
    assert f"Du følger nu sag {CASE} (id " in personal and "her i chatten" in personal and "Stop med: stop " in personal
    in_channel = say(settings, connector, bot_framework, "følg emne telefontider", channel=True,
                     conversation_id=f"{CHANNEL};messageid=1699999999999")  # in a thread of the channel
    assert "Kanalen følger nu emnet »telefontider« (id " in in_channel and "@beslut stop " in in_channel
    store = Store(settings.store_path)
    assert sorted(cid for cid, _, _ in TeamsConversations(store.db).all()) == [CHANNEL, PERSONAL]
    assert sorted(s.owner.key for s in SubscriptionStore(store.db).all()) == [
        f"teams:channel:{CHANNEL}", "teams:user:29:anne"]

    new = tmp_path / "nye"
    beslut(capsys, "ingest", str(write(new, "cf.txt", CASE_NEXT)), str(write(new, "oeu.txt", TOPIC_NEW)))
    for _ in range(2):  # the second run tells nobody again
        code, _, err = beslut(capsys, "notify")
        assert code == 0, err
    (to_anne,) = proactive(connector, PERSONAL)
    (to_channel,) = proactive(connector, CHANNEL)  # a new post in the channel, not in the thread
    anne, kanal = card_text(card_of(to_anne)), card_text(card_of(to_channel))
    assert anne.startswith(f"Nyt om sag {CASE}, som du følger: 1 punkt")
    assert CASE_NEXT_DECISION in anne and CASE_NEXT_CITATION in anne and "Stop beskederne med: stop " in anne
    assert kanal.startswith("Nyt om emnet »telefontider«, som kanalen følger: 1 punkt")
    assert TOPIC_DECISION in kanal and TOPIC_CITATION in kanal
    assert not any(word in anne + kanal for word in UNRELATED)
    assert to_anne["body"]["from"]["id"] == "28:beslut-bot" and "replyToId" not in to_anne["body"]

    assert say(settings, connector, bot_framework, "stop 1").startswith(f"Du følger ikke længere sag {CASE}")
    beslut(capsys, "ingest", str(write(new, "cf.txt", CASE_NEXT.replace("marts 2025", "april 2025"))))
    beslut(capsys, "notify")
    assert len(proactive(connector, PERSONAL)) == 1  # stopped: the correction is not sent


def test_nothing_is_followed_from_an_anonymous_request(worker_env, connector, bot_framework):
    reply = say(worker_env, connector, bot_framework, f"følg {CASE}", signed=False)  # development mode
    assert reply == messages.render("follow_unreachable")
    store = Store(worker_env.store_path)
    assert SubscriptionStore(store.db).all() == [] and TeamsConversations(store.db).all() == []


def test_a_conversation_the_bot_was_removed_from_pauses_its_subscription(worker_env, connector, bot_framework,
                                                                       capsys, tmp_path):
    settings = web(worker_env)
    say(settings, connector, bot_framework, "følg emne telefontider", channel=True, conversation_id=CHANNEL)
    connector.fail_with = 403  # the bot is not in the conversation any more
    beslut(capsys, "ingest", str(write(tmp_path / "nye", "oeu.txt", TOPIC_NEW)))
    code, _, err = beslut(capsys, "notify")
    assert code == 1 and "sat på pause" in err and "HTTP 403" in err
    connector.fail_with = None
    beslut(capsys, "notify")
    assert len(proactive(connector, CHANNEL)) == 1  # the refused one; never tried again while paused
    (sub,) = SubscriptionStore(Store(settings.store_path).db).all()
    assert (sub.status.value, sub.paused_reason) == ("paused", "HTTP 403")
