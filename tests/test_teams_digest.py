"""The weekly digest to Teams, exactly once, through the real pieces: the bot is added to a channel over HTTP
(a conversationUpdate with a signed Bot Framework token to the product's web app, which stores the
conversation reference), then ``run_digest`` for 2024-W37 on the bundled minutes with targets from the
settings posts to the fake Bot Connector (the one allowed serviceUrl; the worker runs without credentials).
Each run is a fresh "process" (its own Store connection, builder and publisher); clocks are frozen through
run_digest's ``now``."""
from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.teams.conversations import TeamsConversations
from bot.compose import digest_builder, digest_targets, web_app
from bot.core.week import IsoWeek
from bot.core.results import DigestStatus
from bot.digest.ledger import DigestLedger
from bot.settings import Settings
from bot.teams.publisher import teams_digest_targets
from bot.digest.worker import run_digest
from embeddings.store import Store
from fakes import NoCore
from slack_fakes import SECRET, TOKEN, all_text
from teams_fakes import (APP_ID, GENERAL, TENANT, FakeBotConnector, card_of, card_runs, conversation_update, serve,
                         token_provider_factory)

CPH = ZoneInfo("Europe/Copenhagen")
W37 = IsoWeek(2024, 37)
MONDAY_0800 = dt.datetime(2024, 9, 16, 8, 0, tzinfo=CPH)
WEDNESDAY = dt.datetime(2024, 9, 18, 14, 30, tzinfo=CPH)  # later in the same week: a catch-up tick
TEAMS_KEY = f"teams:{GENERAL}"
INTRO = "Ugens beslutninger, uge 2024-W37 (9. september 2024 – 15. september 2024): 8 punkter"
CITATION = "Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23"


@pytest.fixture
def settings(home, connector):
    """The worker's environment: Teams without credentials (no token for the fake), one digest target, the
    fake connector as the allowed serviceUrl."""
    return Settings.from_env({"BESLUT_HOME": str(home), "BESLUT_TEAMS_ALLOW_ANONYMOUS": "true",
                              "BESLUT_DIGEST_TEAMS": GENERAL, "BESLUT_TEAMS_SERVICE_URLS": connector.url})


def add_bot(settings: Settings, connector: FakeBotConnector, keys) -> None:
    """Teams adds the bot to a team: a signed conversationUpdate to POST /api/messages of the web app
    `beslut serve` builds (with credentials, its token provider pointed at the fake). The core is never asked."""
    web = settings.with_(teams_allow_anonymous=False, teams_app_id=APP_ID, teams_app_password="hemmeligt",
                         teams_tenant_id=TENANT)
    store = Store(web.store_path)
    app = web_app(web, NoCore(), store, token_provider_factory=token_provider_factory(connector))
    with serve(app) as url:
        r = httpx.post(f"{url}/api/messages", json=conversation_update(connector.url),
                       headers=keys.headers(connector.url), timeout=30)
    assert r.status_code in (200, 202), r.text
    assert [cid for cid, _, _ in TeamsConversations(store.db).all()] == [GENERAL]


def run(settings: Settings, now: dt.datetime, targets=teams_digest_targets):
    """One digest run as a freshly started process would do it."""
    store = Store(settings.store_path)
    return run_digest(store, digest_builder(settings, store, CPH), targets(settings, store), W37, now)


def digest_posts(connector: FakeBotConnector) -> list[dict]:
    """New posts to the channel (the welcome card is a reply to the install event, not one of these)."""
    return [p for p in connector.messages() if p["path"] == f"/v3/conversations/{GENERAL}/activities"]


def ledger(settings: Settings) -> list[tuple]:
    return [(r.week, r.channel, r.status, r.items) for r in DigestLedger(Store(settings.store_path).db).rows()]


def test_added_to_a_channel_then_the_digest_is_posted_once_across_restarts(settings, connector, bot_framework):
    add_bot(settings, connector, bot_framework)
    (welcome,) = connector.messages()
    assert welcome["path"] == f"/v3/conversations/{GENERAL}/activities/1700000000001"

    (o,) = run(settings, MONDAY_0800)
    assert (o.channel, o.target, o.status, o.items, o.already) == (TEAMS_KEY, GENERAL, DigestStatus.POSTED, 8, False)
    (post,) = digest_posts(connector)
    runs = card_runs(card_of(post))
    assert runs[0] == INTRO and CITATION in runs
    assert post["body"]["conversation"]["id"] == GENERAL and post["body"]["from"]["id"] == "28:beslut-bot"

    for now in (MONDAY_0800, WEDNESDAY):  # restarted worker, then a catch-up tick later that week
        (again,) = run(settings, now)
        assert (again.status, again.already) == (DigestStatus.POSTED, True)
    assert len(digest_posts(connector)) == 1 and len(connector.received) == 2  # welcome + one digest
    assert ledger(settings) == [("2024-W37", TEAMS_KEY, DigestStatus.POSTED, 8)]


def test_two_runs_racing_post_once(settings, connector, bot_framework):
    add_bot(settings, connector, bot_framework)
    barrier = threading.Barrier(2)
    results: list = []

    def go() -> None:
        barrier.wait()
        results.append(run(settings, MONDAY_0800))

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    outcomes = [o for r in results for o in r]
    assert len(outcomes) == 2 and [o.status for o in outcomes if not o.already] == [DigestStatus.POSTED]
    assert len(digest_posts(connector)) == 1
    assert ledger(settings) == [("2024-W37", TEAMS_KEY, DigestStatus.POSTED, 8)]


def test_slack_and_teams_targets_in_one_run_each_get_one_post(settings, connector, fake, bot_framework):
    both = settings.with_(slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.url,
                          digest_channel="C9")
    add_bot(both, connector, bot_framework)
    outcomes = run(both, MONDAY_0800, targets=digest_targets)  # the worker's own target list
    assert [(o.channel, o.status, o.items) for o in outcomes] == [("slack:C9", DigestStatus.POSTED, 8),
                                                                  (TEAMS_KEY, DigestStatus.POSTED, 8)]
    assert [o.already for o in run(both, WEDNESDAY, targets=digest_targets)] == [True, True]
    (slack_msg,) = fake.bodies("/chat.postMessage")
    assert slack_msg["channel"] == "C9" and "uge 2024-W37" in slack_msg["text"]
    assert "83.02.00-A00-1-23" in all_text(slack_msg)
    (teams_post,) = digest_posts(connector)
    assert CITATION in card_runs(card_of(teams_post))
    assert ledger(both) == [("2024-W37", "slack:C9", DigestStatus.POSTED, 8), ("2024-W37", TEAMS_KEY, DigestStatus.POSTED, 8)]


def test_a_503_is_uncertain_and_not_posted_again(settings, connector, bot_framework):
    add_bot(settings, connector, bot_framework)
    connector.fail_with = 503  # the connector may have posted it: never repost automatically
    (o,) = run(settings, MONDAY_0800)
    assert o.status is DigestStatus.UNCERTAIN and len(digest_posts(connector)) == 1
    connector.fail_with = None
    (again,) = run(settings, WEDNESDAY)
    assert (again.status, again.already) == (DigestStatus.UNCERTAIN, True)
    assert len(digest_posts(connector)) == 1 and len(connector.received) == 2  # welcome + the one attempt
    assert ledger(settings) == [("2024-W37", TEAMS_KEY, DigestStatus.UNCERTAIN, None)]


@pytest.mark.parametrize("failure", ["refused", "connection-refused"])
def test_a_post_that_certainly_failed_is_retried_and_posted_once(settings, connector, failure, bot_framework):
    add_bot(settings, connector, bot_framework)
    if failure == "refused":
        connector.fail_with = 403  # e.g. the bot has no access to the channel (yet)
    else:
        connector.close()  # the connector is down: the request never leaves
    (o,) = run(settings, MONDAY_0800)
    assert o.status is DigestStatus.FAILED
    assert ledger(settings) == [("2024-W37", TEAMS_KEY, DigestStatus.FAILED, None)]

    if failure == "refused":
        connector.fail_with = None
        up = connector
    else:  # back at the same address: the stored reference's serviceUrl
        up = FakeBotConnector(port=int(connector.url.rsplit(":", 1)[1].strip("/")))
    try:
        for now in (WEDNESDAY, WEDNESDAY + dt.timedelta(minutes=15)):  # the later tick posts; the next has it
            run(settings, now)
        posted = digest_posts(up)
        assert len(posted) == (2 if failure == "refused" else 1)  # (the refused attempt was recorded too)
        assert CITATION in card_runs(card_of(posted[-1]))
    finally:
        if up is not connector:
            up.close()
    assert ledger(settings) == [("2024-W37", TEAMS_KEY, DigestStatus.POSTED, 8)]
