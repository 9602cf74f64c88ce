"""Notifications to followers (bot/notify/), exactly once, on the real store, index and core (HashingEmbedder):
subscriptions made through the router, new minutes ingested as files, each pass run like `beslut notify` in a
fresh "process" (its own Wiring and store connection). Messages go to a recording Publisher (the port), so the
assertions are on the Reply every platform renders; Slack and Teams end to end are in test_follow_slack.py
and test_follow_teams.py."""
from __future__ import annotations

import threading

import pytest

from bot.compose import Wiring
from bot.core import messages
from bot.core.ports import NotDelivered, TargetGone
from bot.core.results import NotifyStatus
from bot.core.router import Context, Conversation, Surface
from bot.settings import Settings
from bot.state.notifications import NotificationLedger
from bot.state.subscriptions import SubscriptionStore
from embeddings.ingest.files import ingest_paths
from fakes import HashingEmbedder, NoCore
from follow_minutes import (CASE, CASE_NEXT, CASE_NEXT_CITATION, CASE_NEXT_DECISION, TOPIC_CITATION, TOPIC_DECISION,
                            TOPIC_NEW, UNRELATED, write)

ANNE = Context("slack", Surface.COMMAND, "U1", "C1")  # /sag: Anne's own, told in her DM
KANAL = Context("slack", Surface.MENTION, "U2", "C7")  # @beslut in C7: the channel's


class Recorder:
    """A Publisher (bot.core.ports) that keeps what it was given; ``fail`` raises these first, in order."""

    def __init__(self, platform: str = "slack", fail: list[Exception] | None = None) -> None:
        self.platform = platform
        self.fail = list(fail or [])
        self.posts: list[tuple[str, object]] = []
        self.lock = threading.Lock()

    def publish(self, target, reply) -> None:
        with self.lock:
            if self.fail:
                raise self.fail.pop(0)
            self.posts.append((target, reply))


@pytest.fixture
def settings(home):
    return Settings(home=home)


def wiring(settings: Settings) -> Wiring:
    return Wiring(settings, embedder=HashingEmbedder())


def follow(settings: Settings, text: str, context: Context) -> str:
    store = wiring(settings).store
    return Conversation(NoCore(), "/sag", SubscriptionStore(store.db)).reply(text, context).intro


def ingest(settings: Settings, name: str, text: str) -> None:
    w = wiring(settings)
    report = ingest_paths(w.store, [write(settings.home.parent / "new", name, text)])
    assert not report.failed


def notify(settings: Settings, *publishers: Recorder, dry_run: bool = False):
    return wiring(settings).notify(dry_run=dry_run, publishers={p.platform: p for p in publishers})


def shown(reply) -> str:
    return reply.fallback


def test_followers_are_told_once_each_with_the_decision_quoted_and_nobody_else(settings):
    follow(settings, f"følg {CASE}", ANNE)
    follow(settings, "følg emne telefontider", KANAL)
    follow(settings, "følg 83.02", Context("slack", Surface.MENTION, "U2", "C5"))  # the KLE prefix
    follow(settings, "følg 81.10.00-A26-1-24", Context("slack", Surface.COMMAND, "U3", "C1"))  # nothing new there
    slack = Recorder()
    assert notify(settings, slack).outcomes == ()  # the archive (stored before anyone followed) never notifies

    ingest(settings, "cf-2024-10-30.txt", CASE_NEXT)
    ingest(settings, "oeu-2024-11-05.txt", TOPIC_NEW)
    report = notify(settings, slack)
    assert sorted(o.status for o in report.outcomes) == [NotifyStatus.SENT] * 3 and report.candidates == 4
    posts = dict(slack.posts)
    assert sorted(posts) == ["C5", "C7", "U1"]  # Anne's DM, the two channels; never U3
    anne = shown(posts["U1"])
    assert anne.startswith(f"Nyt om sag {CASE}, som du følger: 1 punkt")
    assert f"Beslutning: {CASE_NEXT_DECISION}" in anne and CASE_NEXT_CITATION in anne
    assert "Stop beskederne med: /sag stop " in anne
    assert [it.title for it in posts["U1"].items] == ["Status på implementering"]
    kanal = shown(posts["C7"])
    assert kanal.startswith("Nyt om emnet »telefontider«, som kanalen følger: 1 punkt")
    assert f"Beslutning: {TOPIC_DECISION}" in kanal and TOPIC_CITATION in kanal and "@beslut stop " in kanal
    assert [it.title for it in posts["C5"].items] == ["Status på implementering"]
    assert not any(word in shown(r) for _, r in slack.posts for word in UNRELATED)

    assert notify(settings, slack).outcomes == () and len(slack.posts) == 3  # the second run: nothing again
    ingest(settings, "cf-2024-10-30-kopi.txt", CASE_NEXT)  # the same minutes again, from another file
    ingest(settings, "cf-2024-10-30.txt", CASE_NEXT)
    assert notify(settings, slack).outcomes == () and len(slack.posts) == 3


def test_a_corrected_decision_is_told_again_marked_amended_and_another_section_is_not(settings):
    follow(settings, f"følg {CASE}", ANNE)
    ingest(settings, "cf.txt", CASE_NEXT)
    slack = Recorder()
    notify(settings, slack)
    ingest(settings, "cf.txt", CASE_NEXT.replace("orienteringen tages", "orienteringen straks tages"))  # Indstilling
    assert notify(settings, slack).outcomes == () and len(slack.posts) == 1
    ingest(settings, "cf.txt", CASE_NEXT.replace("marts 2025", "april 2025"))
    (outcome,) = notify(settings, slack).outcomes
    assert outcome.status is NotifyStatus.SENT and len(slack.posts) == 2
    (item,) = slack.posts[1][1].items
    assert item.quote_label == messages.AMENDED_LABEL == "Beslutning (ændret)" and messages.AMENDED_NOTE in item.notes
    assert item.quote == CASE_NEXT_DECISION.replace("marts 2025", "april 2025")
    assert notify(settings, slack).outcomes == ()


def test_closed_punkter_never_notify(settings):
    follow(settings, f"følg {CASE}", ANNE)
    closed = CASE_NEXT.replace("CF - Status på implementering", "CF - Lukket: Status på implementering")
    ingest(settings, "cf.txt", closed)
    slack = Recorder()
    assert notify(settings, slack).outcomes == () and slack.posts == []


def test_at_most_ten_punkter_in_one_message_then_how_many_more(settings):
    follow(settings, "følg 83.02", KANAL)
    many = "REFERAT Chefforum d. 30-10-2024\n\n" + "".join(
        f"Punkt {n}: CF - Delsag {n}\n\n83.02.00-A00-{n}-24\n\nBeslutning\n\nGodkendt som delsag {n}.\n\n"
        for n in range(1, 13))
    ingest(settings, "many.txt", many)
    slack = Recorder()
    (outcome,) = notify(settings, slack).outcomes
    (_, reply), = slack.posts
    assert reply.intro.startswith("Nyt om alle sager under KLE-præfikset 83.02, som kanalen følger: 12 punkter")
    assert [it.title for it in reply.items] == [f"Delsag {n}" for n in range(1, 11)]
    assert reply.outro.startswith("… og 2 flere.") and outcome.notification.more == 2
    assert notify(settings, slack).outcomes == ()  # the two counted ones were told as well


def test_a_failed_delivery_is_retried_next_run_and_an_uncertain_one_never(settings):
    follow(settings, f"følg {CASE}", ANNE)
    follow(settings, "følg emne telefontider", KANAL)
    ingest(settings, "cf.txt", CASE_NEXT)
    ingest(settings, "oeu.txt", TOPIC_NEW)
    slack = Recorder(fail=[NotDelivered("slack refused: ratelimited"), TimeoutError("read timed out")])
    first = notify(settings, slack)
    assert sorted(o.status for o in first.outcomes) == [NotifyStatus.FAILED, NotifyStatus.UNCERTAIN]
    failed = next(o for o in first.outcomes if o.status is NotifyStatus.FAILED).notification.subscription.owner.target
    (again,) = notify(settings, slack).outcomes
    assert again.status is NotifyStatus.SENT and [t for t, _ in slack.posts] == [failed]
    assert notify(settings, slack).outcomes == () and len(slack.posts) == 1  # the uncertain one is never re-sent


def test_a_target_gone_for_good_pauses_the_subscription_until_it_is_followed_again(settings, caplog):
    follow(settings, "følg emne telefontider", KANAL)
    ingest(settings, "oeu.txt", TOPIC_NEW)
    slack = Recorder(fail=[TargetGone("slack refused: channel_not_found", "channel_not_found")])
    (paused,) = notify(settings, slack).outcomes
    assert (paused.status, paused.reason) == (NotifyStatus.PAUSED, "channel_not_found")
    assert "paused" in caplog.text and "channel_not_found" in caplog.text
    store = wiring(settings).store
    (sub,) = SubscriptionStore(store.db).all()
    assert (sub.status.value, sub.paused_reason) == ("paused", "channel_not_found")
    assert notify(settings, slack).outcomes == () and slack.posts == []  # not retried for ever
    assert "på pause" in follow(settings, "følger", KANAL)
    assert follow(settings, "følg emne telefontider", KANAL).startswith("Kanalen følger igen emnet »telefontider«")
    (resumed,) = notify(settings, slack).outcomes
    assert resumed.status is NotifyStatus.SENT and TOPIC_DECISION in shown(slack.posts[0][1])


def test_two_runs_racing_tell_once(settings):
    follow(settings, f"følg {CASE}", ANNE)
    follow(settings, "følg emne telefontider", KANAL)
    ingest(settings, "cf.txt", CASE_NEXT)
    ingest(settings, "oeu.txt", TOPIC_NEW)
    slack = Recorder()
    barrier, reports = threading.Barrier(3), []

    def run() -> None:
        w = wiring(settings)
        w.store  # noqa: B018 - open the store (migrations) before the race
        barrier.wait()
        reports.append(w.notify(publishers={"slack": slack}))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(reports) == 3 and sorted(t for t, _ in slack.posts) == ["C7", "U1"]
    assert sum(len(r.outcomes) for r in reports) == 2


def test_a_dry_run_says_what_would_be_sent_and_changes_nothing(settings):
    follow(settings, f"følg {CASE}", ANNE)
    ingest(settings, "cf.txt", CASE_NEXT)
    slack = Recorder()
    (would,) = notify(settings, slack, dry_run=True).outcomes
    assert would.status is NotifyStatus.WOULD_SEND and [h.title for h in would.notification.hits] == [
        "Status på implementering"]
    store = wiring(settings).store
    assert slack.posts == [] and NotificationLedger(store.db).counts() == {}
    assert [s.checked_until for s in SubscriptionStore(store.db).all()] == [None]
    (sent,) = notify(settings, slack).outcomes
    assert sent.status is NotifyStatus.SENT and len(slack.posts) == 1


def test_a_platform_not_configured_here_is_reported_and_its_followers_told_later(settings):
    follow(settings, f"følg {CASE}", ANNE)
    ingest(settings, "cf.txt", CASE_NEXT)
    (skipped,) = notify(settings, Recorder("teams")).outcomes  # a process with Teams only
    assert skipped.status is NotifyStatus.NO_PLATFORM
    slack = Recorder()
    (sent,) = notify(settings, slack).outcomes
    assert sent.status is NotifyStatus.SENT and len(slack.posts) == 1


def test_a_retried_punkt_that_changed_meanwhile_is_told_once_as_it_is_now(settings):
    follow(settings, f"følg {CASE}", ANNE)
    ingest(settings, "cf.txt", CASE_NEXT)
    slack = Recorder(fail=[NotDelivered("slack refused: ratelimited")])
    assert [o.status for o in notify(settings, slack).outcomes] == [NotifyStatus.FAILED]
    ingest(settings, "cf.txt", CASE_NEXT.replace("marts 2025", "april 2025"))  # corrected before the retry
    (sent,) = notify(settings, slack).outcomes
    ((_, reply),) = slack.posts
    (item,) = reply.items  # the failed old version is dropped, the new one told (never told before: not 'ændret')
    assert item.quote == CASE_NEXT_DECISION.replace("marts 2025", "april 2025") and item.quote_label == "Beslutning"
    assert notify(settings, slack).outcomes == ()
