"""The chat state's repositories, one contract on both backends (SQLite and PostgreSQL): the digest ledger,
Slack's seen events, Teams' conversation references and leases. Claims race for real: threads with
connections of their own, the database's keys decide."""
from __future__ import annotations

import datetime as dt

from microsoft_agents.activity import ConversationReference

from bot.core.results import DigestStatus
from bot.digest.ledger import DigestLedger
from bot.slack.seen_events import SeenEvents
from bot.state.leases import Leases
from bot.teams.conversations import TeamsConversations
from fakes import race

NOW = dt.datetime(2024, 9, 16, 6, 0, tzinfo=dt.timezone.utc)




def test_ledger_claims_once_reclaims_failed_and_force(database):
    ledger = DigestLedger(database)
    assert sorted(race(8, lambda i: ledger.claim("2024-W37", "slack:C1", NOW))) == [False] * 7 + [True]
    assert ledger.claim("2024-W37", "teams:C1", NOW) is True  # another platform, another row
    ledger.finish("2024-W37", "slack:C1", DigestStatus.FAILED, NOW)
    assert sorted(race(4, lambda i: ledger.claim("2024-W37", "slack:C1", NOW))) == [False] * 3 + [True]
    ledger.finish("2024-W37", "slack:C1", DigestStatus.UNCERTAIN, NOW, 3)
    assert ledger.claim("2024-W37", "slack:C1", NOW) is False
    assert ledger.claim("2024-W37", "slack:C1", NOW, force=True) is True
    ledger.finish("2024-W37", "slack:C1", DigestStatus.POSTED, NOW, 8)
    assert [(r.channel, r.status, r.items) for r in ledger.rows()] == [
        ("slack:C1", DigestStatus.POSTED, 8), ("teams:C1", DigestStatus.CLAIMED, None)]
    assert ledger.last_cutoff("2024-W38") == "2024-09-16T06:00:00.000000+00:00"
    assert ledger.last_cutoff("2024-W37") is None


def test_seen_events_answer_once_and_prune(database):
    seen = SeenEvents(database)
    assert sorted(race(6, lambda i: seen.first_time("Ev1"))) == [False] * 5 + [True]
    assert seen.first_time("EvOld", dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3))
    again = SeenEvents(database)  # a restarted process prunes what is older than two days
    assert not again.first_time("Ev1") and again.first_time("EvOld")


def test_conversation_references_are_saved_refreshed_and_deleted(database):
    repo = TeamsConversations(database)
    ref = ConversationReference.model_validate({
        "activityId": "a1", "channelId": "msteams", "serviceUrl": "https://smba.trafficmanager.net/emea/",
        "conversation": {"id": "19:general@thread.tacv2", "conversationType": "channel", "name": "Generelt"},
        "agent": {"id": "28:beslut"}})
    assert repo.save(ref) == "19:general@thread.tacv2"
    assert repo.save(ref.model_copy(update={"service_url": "https://smba.trafficmanager.net/teams/"}))
    loaded = repo.load("19:general@thread.tacv2")
    assert loaded.service_url == "https://smba.trafficmanager.net/teams/" and loaded.activity_id is None
    assert repo.all() == [("19:general@thread.tacv2", "channel", "Generelt")]
    assert repo.delete("19:general@thread.tacv2") and repo.load("19:general@thread.tacv2") is None


def test_a_lease_has_one_holder_at_a_time(database):
    leases = Leases(database)
    winners = race(6, lambda i: leases.acquire("sync", f"w{i}", dt.timedelta(minutes=5)))
    assert sorted(winners) == [False] * 5 + [True]
