"""Following, through the router and the chat-state repositories: whose subscription a message makes, lists and
stops, the limits, and the notification ledger's exactly-once claims. The repositories' contract runs on both
backends (conftest ``database``: SQLite and PostgreSQL); claims race for real, on connections of their own."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.core import messages
from bot.core.follow import MAX_SUBSCRIPTIONS, MAX_TOPIC_CHARS, FollowKind, FollowOutcome, Owner, OwnerKind
from bot.core.results import Answer, CaseTimeline
from bot.core.router import Context, Conversation, Surface
from bot.state.notifications import Match, NotificationLedger, NotificationStatus
from bot.state.subscriptions import SubscriptionStore
from fakes import race

NOW = dt.datetime(2024, 10, 1, 8, 0, tzinfo=dt.timezone.utc)
ANNE = Owner("slack", OwnerKind.USER, "U1", "U1")
BO = Owner("slack", OwnerKind.USER, "U2", "U2")
KANAL = Owner("slack", OwnerKind.CHANNEL, "C7", "C7")
COMMAND = Context("slack", Surface.COMMAND, "U1", "C1")  # /sag in channel C1: Anne's own
IN_C7 = Context("slack", Surface.MENTION, "U2", "C7")  # @beslut in C7 by Bo: the channel's




class NoCore:
    def ask(self, question, k=3):
        return Answer(question, True)

    def sag(self, query):
        return CaseTimeline(query)


@pytest.fixture
def subs(tmp_path):
    from embeddings.db import Database

    return SubscriptionStore(Database.sqlite(tmp_path / "b.db"))


@pytest.fixture
def chat(subs):
    return Conversation(NoCore(), slash_command="/sag", subscriptions=subs)


# --- the conversation ------------------------------------------------------------------------------
def test_follow_list_and_stop_say_what_is_followed_and_how_to_stop_it(chat, subs):
    reply = chat.reply("følg 83.02.00-A00-1-23", COMMAND)
    (sub,) = subs.of(ANNE)
    assert reply.intro == messages.render(
        "follow_created", subject="Du", what="sag 83.02.00-A00-1-23", id=sub.id,
        when=messages.render("follow_when_slack_user"), stop=f"/sag stop {sub.id}")
    assert "direkte besked" in reply.intro and not reply.items
    assert (sub.kind, sub.query, sub.owner.target, sub.created_by) == (FollowKind.CASE, "83.02.00-A00-1-23", "U1", "U1")

    again = chat.reply("følg sag 83.02.00-A00-1-23", Context("slack", Surface.DIRECT, "U1", "D1"))  # her DM: hers
    assert again.intro.startswith(f"Du følger allerede sag 83.02.00-A00-1-23 (id {sub.id})") and len(subs.of(ANNE)) == 1

    topic = chat.reply("følg emne telefontider", IN_C7)
    (channel_sub,) = subs.of(KANAL)
    assert topic.intro.startswith(f"Kanalen følger nu emnet »telefontider« (id {channel_sub.id})")
    assert topic.intro.endswith(f"Stop med: @beslut stop {channel_sub.id}") and "her i kanalen" in topic.intro

    mine = chat.reply("følger", COMMAND).intro
    assert "Du følger 1 (højst 50):" in mine and f"1. sag 83.02.00-A00-1-23 (id {sub.id})" in mine
    assert "telefontider" not in mine and "/sag stop 1" in mine
    theirs = chat.reply("følger", Context("slack", Surface.MENTION, "U9", "C7")).intro  # anyone in the channel
    assert f"1. emnet »telefontider« (id {channel_sub.id})" in theirs and "83.02" not in theirs

    # Nobody stops another's: Bo's /sag and channel C1 know no such subscription
    assert chat.reply(f"stop {sub.id}", Context("slack", Surface.COMMAND, "U2", "C7")).intro == \
        f"Du følger intet med nummer eller id {sub.id}. Skriv /sag følger for at se listen."
    assert chat.reply(f"stop {sub.id}", Context("slack", Surface.MENTION, "U1", "C1")).intro == \
        f"Kanalen følger intet med nummer eller id {sub.id}. Skriv @beslut følger for at se listen."
    assert subs.of(ANNE) == [sub]
    assert chat.reply("stop 1", Context("slack", Surface.MENTION, "U9", "C7")).intro == \
        f"Kanalen følger ikke længere emnet »telefontider« (id {channel_sub.id})."
    assert chat.acknowledge(f"stop {sub.id}", COMMAND).reply.intro == \
        f"Du følger ikke længere sag 83.02.00-A00-1-23 (id {sub.id})."  # /sag stop: answered in the ack
    assert subs.of(ANNE) == [] and subs.of(KANAL) == []
    assert chat.reply("følger", COMMAND).intro.startswith("Du følger ingen sager eller emner.")
    assert [s.status.value for s in subs.all()] == ["stopped", "stopped"]


def test_limits_topic_length_and_the_number_of_subscriptions(chat, subs):
    long_topic = "telefontider " * 20
    reply = chat.reply(f"følg emne {long_topic}", COMMAND)
    assert reply.intro.startswith("Emnet er for langt (259 tegn; højst 200)") and subs.of(ANNE) == []
    assert len(long_topic.strip()) > MAX_TOPIC_CHARS
    for n in range(MAX_SUBSCRIPTIONS):
        assert "følger nu" in chat.reply(f"følg emne emne nummer {n}", COMMAND).intro
    full = chat.reply("følg 83.02", COMMAND).intro
    assert full == messages.render("follow_limit", subject="Du", limit=50, prefix="/sag ")
    assert len(subs.of(ANNE)) == 50 and chat.reply("følg 83.02", IN_C7).intro.startswith("Kanalen følger nu")
    chat.reply("stop 50", COMMAND)
    assert "følger nu alle sager under KLE-præfikset 83.02" in chat.reply("følg 83.02", COMMAND).intro


def test_nothing_is_followed_where_the_bot_cannot_post_later(subs):
    chat = Conversation(NoCore(), subscriptions=subs)
    anonymous = Context("teams", Surface.DIRECT, "29:anne", "a:1chat", reachable=False)
    assert chat.reply("følg 83.02.00-A00-1-23", anonymous).intro == messages.render("follow_unreachable")
    assert subs.all() == []
    assert Conversation(NoCore()).reply("følg 83.02", COMMAND).intro == messages.render("follow_unreachable")


def test_a_paused_subscription_is_resumed_by_following_it_again(chat, subs):
    chat.reply("følg 83.02", IN_C7)
    (sub,) = subs.of(KANAL)
    assert subs.pause(sub.id, "channel_not_found") and not subs.pause(sub.id, "again")
    listed = chat.reply("følger", IN_C7).intro
    assert "på pause: beskeder kunne ikke leveres (channel_not_found)" in listed
    again = chat.reply("følg 83.02", IN_C7).intro
    assert again.startswith(f"Kanalen følger igen alle sager under KLE-præfikset 83.02 (id {sub.id})")
    assert [s.status.value for s in subs.of(KANAL)] == ["active"]


# --- the repositories, on both backends ----------------------------------------------------------------
def test_two_racing_follows_make_one_subscription_and_the_limit_holds(database):
    subs = SubscriptionStore(database)
    done = race(6, lambda i: subs.follow(ANNE, FollowKind.CASE, "83.02.00-A00-1-23", "U1", 50).outcome)
    assert sorted(done) == [FollowOutcome.ALREADY] * 5 + [FollowOutcome.CREATED]
    for n in range(48):
        subs.follow(ANNE, FollowKind.TOPIC, f"emne {n}", "U1", 50)
    done = race(4, lambda i: subs.follow(ANNE, FollowKind.TOPIC, f"sidste {i}", "U1", 50).outcome)
    assert sorted(done) == [FollowOutcome.CREATED] + [FollowOutcome.LIMIT] * 3 and len(subs.of(ANNE)) == 50
    assert subs.follow(BO, FollowKind.CASE, "83.02.00-A00-1-23", "U2", 50).outcome is FollowOutcome.CREATED
    assert subs.live_count() == 51 and len(subs.active()) == 51


def test_stop_by_number_or_id_only_among_the_owners_own(database):
    subs = SubscriptionStore(database)
    a = subs.follow(ANNE, FollowKind.CASE, "83.02.00-A00-1-23", "U1", 50).subscription
    b = subs.follow(ANNE, FollowKind.PREFIX, "83.02", "U1", 50).subscription
    c = subs.follow(KANAL, FollowKind.TOPIC, "telefontider", "U2", 50).subscription
    assert [s.id for s in subs.of(ANNE)] == [a.id, b.id]
    assert subs.stop(ANNE, c.id) is None and subs.stop(BO, "1") is None and subs.stop(ANNE, "3") is None
    assert subs.stop(ANNE, "2").id == b.id and subs.stop(ANNE, a.id.upper()).id == a.id
    assert subs.of(ANNE) == [] and [s.id for s in subs.of(KANAL)] == [c.id]
    assert subs.follow(ANNE, FollowKind.CASE, "83.02.00-A00-1-23", "U1", 50).outcome is FollowOutcome.CREATED
    assert [s.id for s in subs.channel_cases("slack", "C7")] == []  # a topic is no case
    d = subs.follow(KANAL, FollowKind.CASE, "81.10.00-A26-1-24", "U2", 50).subscription
    assert [s.id for s in subs.channel_cases("slack", "C7")] == [d.id] and subs.channel_cases("teams", "C7") == []


def test_the_ledger_claims_each_punkt_version_once(database):
    subs = SubscriptionStore(database)
    sub = subs.follow(ANNE, FollowKind.CASE, "83.02.00-A00-1-23", "U1", 50).subscription
    ledger = NotificationLedger(database)
    v1 = Match("Chefforum|2024-10-30|09:00|1", "hash-1", "decision-1")
    claims = race(6, lambda i: ledger.claim(sub.id, [v1], f"run{i}", NOW))
    assert sorted(len(c) for c in claims) == [0] * 5 + [1]  # one run holds it; the others send nothing
    (winner,) = [c for c in claims if c]
    assert winner[0].amended is False
    ledger.finish(sub.id, "another run", winner, NotificationStatus.SENT, NOW)  # not its row: nothing changes
    assert ledger.counts() == {sub.id: {"claimed": 1}}
    for i in range(6):  # (the winner's run id: whichever thread came first)
        ledger.finish(sub.id, f"run{i}", winner, NotificationStatus.SENT, NOW)
    assert ledger.counts() == {sub.id: {"sent": 1}}
    assert ledger.claim(sub.id, [v1], "again", NOW) == []  # restart, re-ingest: told already

    same_decision = Match(v1.punkt_uid, "hash-2", "decision-1")  # only another section changed
    assert ledger.claim(sub.id, [same_decision], "r2", NOW) == []
    corrected = Match(v1.punkt_uid, "hash-3", "decision-3")
    (row,) = ledger.claim(sub.id, [corrected], "r3", NOW)
    assert row.amended is True  # told before in another version: 'ændret'
    ledger.finish(sub.id, "r3", [row], NotificationStatus.FAILED, NOW, "slack refused: ratelimited")
    retried = race(3, lambda i: ledger.claim(sub.id, [], f"retry{i}", NOW))
    assert sorted(len(c) for c in retried) == [0, 0, 1]  # a failed row goes out again, once
    assert ledger.counts() == {sub.id: {"sent": 1, "skipped": 1, "claimed": 1}}
