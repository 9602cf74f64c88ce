"""The conversation router (bot/core/router.py): the rules that read text, and the scenario table on the real
core. Slack and Teams run the same table end to end (test_slack_app.py, test_teams_adapter.py)."""
from __future__ import annotations

import logging
import shutil

import pytest

from bot.core import messages
from bot.core.results import Answer, CaseTimeline
from bot.core.follow import FollowKind, Owner, OwnerKind, Subscription, SubscriptionStatus
from bot.core.router import (AskIntent, CaseIntent, Context, Conversation, FollowingIntent, FollowIntent, HelpIntent,
                             MalformedCaseIntent, StopIntent, Surface, UsageIntent, parse, parse_command)
from bot.settings import Settings
from bot.state.subscriptions import SubscriptionStore
from embeddings.journal import JournalNumber
from conftest import store_and_core
from router_scenarios import PENDING, SCENARIOS, BrokenCore, check

SLACK = Context("slack", Surface.MENTION, "U1", "C1")
COMMAND = Context("slack", Surface.COMMAND, "U1", "C1")


# --- reading text ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, intent", [
    ("", HelpIntent()), ("  ", HelpIntent()), ("hjælp", HelpIntent()), ("Hjælp!", HelpIntent()),
    ("/hjælp", HelpIntent()), ("help", HelpIntent()), ("?", HelpIntent()),
    ("sag", HelpIntent()), ("/sag", HelpIntent()), ("sag hjælp", HelpIntent()), ("SAG ?", HelpIntent()),
    ("sag 83.02.00-A00-1-23", CaseIntent("83.02.00-A00-1-23")), ("SAG 83.02", CaseIntent("83.02")),
    ("/sag 83.02", CaseIntent("83.02")), ("sag: 83.02", CaseIntent("83.02")), ("sag?", HelpIntent()),
    ("sag 83", CaseIntent("83")), ("sag 00.01.00-A00", CaseIntent("00.01.00-A00")),
    ("sag 22-000015?", CaseIntent("22-000015")), ("sag EMN-2025-000517", CaseIntent("EMN-2025-000517")),
    ("sag  83.02.00\u2013A00\u20111-23.", CaseIntent("83.02.00-A00-1-23")),
    ("sag 01.02.03-p20-1-23", CaseIntent("01.02.03-p20-1-23")),
    ("sag 01.02.03 - P20 - 1 - 23", CaseIntent("01.02.03-P20-1-23")),
    ("sag 06.01.00 g01 \u2013 12 \u2013 25?", CaseIntent("06.01.00-G01-12-25")),
    ("sag 83.02.00 A00 1 23", AskIntent("83.02.00 A00 1 23")),
    ("sag 01.02.03P20-1-23", MalformedCaseIntent("01.02.03P20-1-23")),
    ("sag 83.02.00-A0-1-23", MalformedCaseIntent("83.02.00-A0-1-23")), ("sag 2024", MalformedCaseIntent("2024")),
    ("sag 83.02.00-A00-1", MalformedCaseIntent("83.02.00-A00-1")),
    ("sag hundeskov", AskIntent("hundeskov")), ("sag covid-19", AskIntent("covid-19")),
    ("sag om telefontider", AskIntent("om telefontider")),
    ("sag 83.02.00-A00-1-23 telefontider", AskIntent("83.02.00-A00-1-23 telefontider")),
    ("hvad besluttede vi om telefontider?", AskIntent("hvad besluttede vi om telefontider?")),
    ("83.02.00-A00-1-23", AskIntent("83.02.00-A00-1-23")),
    ("hjælp med telefontider", AskIntent("hjælp med telefontider")),
    ("sagen om telefontider", AskIntent("sagen om telefontider")),
    ("  hvad  besluttede\n vi?", AskIntent("hvad besluttede vi?")), ("hvad?", AskIntent("hvad?")),
    # what chat adds to a question is not part of it; greetings and thanks alone ask for nothing
    ("Hej! Hvad besluttede vi om telefontider? :pray:", AskIntent("Hej! Hvad besluttede vi om telefontider?")),
    ("hvad besluttede vi om telefontider? /Anne", AskIntent("hvad besluttede vi om telefontider?")),
    ("Hvad besluttede vi om telefontider? Hilsen Anne Hansen", AskIntent("Hvad besluttede vi om telefontider?")),
    ("telefontider, se https://intra.kommune.dk/side?id=3 🙏", AskIntent("telefontider, se")),
    ("Hvad besluttede vi om fortov-rensning?", AskIntent("Hvad besluttede vi om fortov-rensning?")),
    ("tak!", HelpIntent()), ("ok, tak for hjælpen", HelpIntent()), (":+1:", HelpIntent()),
    ("👍", HelpIntent()), ("Hej", HelpIntent()), ("god morgen", HelpIntent()),
    ("hvad kan du?", HelpIntent()), ("Hvem er du", HelpIntent()),
    ("hvad kan du fortælle om telefontider?", AskIntent("hvad kan du fortælle om telefontider?")),
])
def test_parse(text, intent):
    assert parse(text) == intent


@pytest.mark.parametrize("argument, intent", [
    ("", HelpIntent()), ("hjælp", HelpIntent()), ("83.02", CaseIntent("83.02")),
    ("83.02.00-A0-1-23", MalformedCaseIntent("83.02.00-A0-1-23")), ("hundeskov", AskIntent("hundeskov")),
    ("hvad besluttede vi om telefontider?", AskIntent("hvad besluttede vi om telefontider?")),
])
def test_a_slash_command_is_the_sag_command(argument, intent):
    assert parse_command(argument) == intent == parse(f"sag {argument}")


@pytest.mark.parametrize("text, intent", [
    ("følg 83.02.00-A00-1-23", FollowIntent(FollowKind.CASE, "83.02.00-A00-1-23")),
    ("Følg sag 83.02.00–A00–1-23.", FollowIntent(FollowKind.CASE, "83.02.00-A00-1-23")),
    ("følg 22-000015", FollowIntent(FollowKind.CASE, "22-000015")),
    ("følg 01.02.03-p20-1-23", FollowIntent(FollowKind.CASE, "01.02.03-P20-1-23")),
    ("følg sag 01.02.03 - P20 - 1 - 23", FollowIntent(FollowKind.CASE, "01.02.03-P20-1-23")),
    ("følg 83.02", FollowIntent(FollowKind.PREFIX, "83.02")), ("folg 83", FollowIntent(FollowKind.PREFIX, "83")),
    ("følg emne telefontider", FollowIntent(FollowKind.TOPIC, "telefontider")),
    ("følg emne: ens telefontider på rådhuset", FollowIntent(FollowKind.TOPIC, "ens telefontider på rådhuset")),
    ("følg hundeskov", FollowIntent(FollowKind.TOPIC, "hundeskov")),
    ("følg 83.02.00-A0-1-23", MalformedCaseIntent("83.02.00-A0-1-23")), ("følg 2024", MalformedCaseIntent("2024")),
    ("følg", UsageIntent("følg")), ("følg emne", UsageIntent("følg")), ("følg ,,", UsageIntent("følg")),
    ("følger", FollowingIntent()), ("Følger?", FollowingIntent()), ("foelger", FollowingIntent()),
    ("følger kommunen loven?", AskIntent("følger kommunen loven?")),
    ("stop 2", StopIntent("2")), ("stop #2", StopIntent("2")), ("Stop K7Q2M.", StopIntent("k7q2m")),
    ("stop", UsageIntent("stop")), ("stop rygning i skoletiden?", AskIntent("stop rygning i skoletiden?")),
    ("stop alle", AskIntent("stop alle")),
])
def test_parse_following(text, intent):
    assert parse(text) == intent


@pytest.mark.parametrize("argument, intent", [
    ("følg 83.02.00-A00-1-23", FollowIntent(FollowKind.CASE, "83.02.00-A00-1-23")),
    ("følg emne telefontider", FollowIntent(FollowKind.TOPIC, "telefontider")),
    ("følger", FollowingIntent()), ("stop 1", StopIntent("1")), ("stop", UsageIntent("stop")),
])
def test_the_slash_command_passes_following_on(argument, intent):
    assert parse_command(argument) == intent == parse(f"sag {argument}")


@pytest.mark.parametrize("query, journal, matches", [
    ("01.02.03-P20-1-23", "01.02.03-P20-1-23", True), ("01.02.03-P20-1-23", "01.02.03-P20-1-24", False),
    ("emn-2025-000517", "EMN-2025-000517", True), ("EMN-2025-000517", "emn-2025-000517", True),
    ("emn-2025-000518", "EMN-2025-000517", False),
])
def test_a_followed_case_matches_its_number_in_any_case(query, journal, matches):
    sub = Subscription("k7q2m", Owner("slack", OwnerKind.USER, "U1", "U1"), FollowKind.CASE, query,
                       SubscriptionStatus.ACTIVE, "2026-01-01")
    assert sub.matches_journal(JournalNumber.parse(journal)) is matches


def test_whose_subscription_a_message_is_about():
    slack_user = Owner("slack", OwnerKind.USER, "U1", "U1")  # notified in a DM: chat.postMessage to the user id
    assert Context("slack", Surface.COMMAND, "U1", "C1").owner == slack_user
    assert Context("slack", Surface.DIRECT, "U1", "D9").owner == slack_user
    assert Context("slack", Surface.MENTION, "U1", "C1").owner == Owner("slack", OwnerKind.CHANNEL, "C1", "C1")
    assert Context("teams", Surface.DIRECT, "29:anne", "a:1chat").owner == Owner("teams", OwnerKind.USER, "29:anne",
                                                                                  "a:1chat")
    assert Context("teams", Surface.MENTION, "29:anne", "19:k@thread.tacv2").owner == Owner(
        "teams", OwnerKind.CHANNEL, "19:k@thread.tacv2", "19:k@thread.tacv2")
    assert Context("slack", Surface.COMMAND, None, "C1").owner is None


def test_a_long_malformed_token_is_shortened_in_the_message():
    intent = parse("sag 1" + "2" * 200)
    assert isinstance(intent, MalformedCaseIntent) and len(intent.text) == 65 and intent.text.endswith("…")


# --- the conversation on the real core -------------------------------------------------------------
@pytest.fixture(scope="module")
def core(seeded_home, tmp_path_factory):
    home = shutil.copytree(seeded_home, tmp_path_factory.mktemp("router") / "home")
    with store_and_core(Settings(home=home)) as (_, core):
        yield core


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenarios(core, scenario):
    conversation = Conversation(BrokenCore() if scenario.broken_core else core, slash_command="/sag",
                                subscriptions=SubscriptionStore(core.store.db))
    reply = conversation.reply(scenario.text, SLACK)
    check(scenario, reply.fallback, bool(reply.items))
    if scenario.command is not None:  # the slash command: the same reply, acknowledged first
        now = conversation.acknowledge(scenario.command, COMMAND)
        assert now.follows == scenario.needs_core
        if now.follows:
            assert now.reply.intro.startswith(PENDING) and not now.reply.items
            assert conversation.follow_up(scenario.command, COMMAND) == reply
        elif scenario.owned:  # the user's subscriptions via /sag, the channel's in a mention: same words
            check(scenario, now.reply.fallback, bool(now.reply.items))
            assert conversation.follow_up(scenario.command, COMMAND) is None
        else:
            assert now.reply == reply and conversation.follow_up(scenario.command, COMMAND) is None


class RecordingCore:
    def __init__(self):
        self.calls = []

    def ask(self, question, k=3):
        self.calls.append(("ask", question))
        return Answer(question, True)

    def sag(self, query):
        self.calls.append(("sag", query))
        return CaseTimeline(query)


def test_intents_reach_the_core_as_parsed_and_acknowledging_never_calls_it():
    core = RecordingCore()
    conversation = Conversation(core)
    for text in ("sag 83.02.00-A00-1-23", "sag hundeskov", "hjælp", "sag 83.02.00-A0-1-23", "telefontider?"):
        conversation.reply(text, SLACK)
    assert core.calls == [("sag", "83.02.00-A00-1-23"), ("ask", "hundeskov"), ("ask", "telefontider?")]
    for text in ("83.02", "hvad besluttede vi om telefontider?", "", "83.02.00-A0-1-23"):
        conversation.acknowledge(text, COMMAND)
    assert len(core.calls) == 3


def test_help_names_the_slash_command_only_where_there_is_one():
    assert Conversation(RecordingCore()).help().intro == messages.help_text() == "\n".join(messages.HELP)
    slack = Conversation(RecordingCore(), slash_command="/beslutning").help().intro
    assert slack.startswith(messages.help_text()) and "/beslutning 83.02.00-A00-1-23" in slack


def test_an_unexpected_failure_is_the_apology_logged_with_ids_and_never_the_text(caplog):
    caplog.set_level(logging.INFO)
    reply = Conversation(BrokenCore()).reply("hvad besluttede vi om telefontider?", Context("teams", "direct", "u-7",
                                                                                            "a:conv9"))
    assert reply.intro == messages.render("apology") and not reply.items
    assert "Traceback" in caplog.text and "RuntimeError: hemmelig" in caplog.text
    assert "u-7" in caplog.text and "a:conv9" in caplog.text and "telefontider" not in caplog.text


def test_context_says_where_a_message_came_from():
    assert Context("slack", "command").surface is Surface.COMMAND
    with pytest.raises(ValueError):
        Context("slack", "webhook")
    with pytest.raises(ValueError):
        Context("", Surface.DIRECT)
