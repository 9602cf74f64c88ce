"""Posting the digest once: the ledger across restarts, racing workers and processes, catch-up at boot,
refusals vs. timeouts, the cron in Copenhagen time across DST, and the `beslut digest` / `worker` commands.
Clocks are frozen with time-machine; the Slack side is the real publisher against a fake Web API."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.schedulers.background import BackgroundScheduler

from bot import compose as cli
from bot.core import messages
from bot.compose import digest_builder
from bot.core.week import IsoWeek
from bot.core.ports import NotDelivered
from bot.core.results import DigestStatus
from bot.digest.ledger import DigestLedger
from bot.settings import Settings
from bot.slack.publisher import SlackPublisher, web_client
from bot.digest.worker import DigestWorker, due_week, parse_cron, run_digest
from embeddings.ingest.files import ingest_paths
from embeddings.store import Store
from conftest import BUNDLED, PROJECT

CPH = ZoneInfo("Europe/Copenhagen")
UTC = dt.timezone.utc
W37 = IsoWeek(2024, 37)
MONDAY_0800 = dt.datetime(2024, 9, 16, 8, 0, tzinfo=CPH)


def cph(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CPH)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    home = tmp_path_factory.mktemp("seeded")
    store = Store(Settings(home=home).store_path)
    assert not ingest_paths(store, [BUNDLED]).failed
    store.close()
    return home


@pytest.fixture
def settings(seeded, tmp_path, fake):
    home = shutil.copytree(seeded, tmp_path / "home")
    return Settings(home=home, slack_bot_token="xoxb-digest", slack_api_url=fake.url, digest_channel="C9")


def slack(settings, timeout: int = 30):
    return SlackPublisher(web_client(settings, retries=False, timeout=timeout))


def worker(settings, publisher=None, targets=None, **kw) -> DigestWorker:
    """A freshly started worker process: its own Store connection, builder and publisher."""
    store = Store(settings.store_path)
    return DigestWorker(store, digest_builder(settings, store, CPH), targets or [(publisher or slack(settings), "C9")],
                        parse_cron(settings.digest_cron, CPH), CPH, **kw)


class RecordingPublisher:
    """Another platform's Publisher (as a Teams one would be): records, or fails as told."""

    def __init__(self, platform: str = "teams", error: Exception | None = None) -> None:
        self.platform, self.error, self.posts = platform, error, []

    def publish(self, target, reply):
        if self.error:
            raise self.error
        self.posts.append((target, reply))


# --- the cron in local time ------------------------------------------------------------------------
@pytest.mark.parametrize("start, fire_utc", [
    (cph(2025, 3, 24, 9), dt.datetime(2025, 3, 31, 6, tzinfo=UTC)),  # over the last Sunday of March: CEST
    (cph(2025, 3, 29, 12), dt.datetime(2025, 3, 31, 6, tzinfo=UTC)),
    (cph(2025, 3, 20, 12), dt.datetime(2025, 3, 24, 7, tzinfo=UTC)),  # the Monday before: CET
    (cph(2025, 10, 25, 12), dt.datetime(2025, 10, 27, 7, tzinfo=UTC)),  # over the last Sunday of October: CET
    (cph(2025, 10, 19, 12), dt.datetime(2025, 10, 20, 6, tzinfo=UTC)),  # the Monday before: CEST
])
def test_cron_fires_at_0800_local_on_both_sides_of_dst(start, fire_utc):
    fire = parse_cron("mon 08:00", CPH).get_next_fire_time(None, start)
    assert fire == fire_utc and fire.astimezone(CPH).hour == 8


@pytest.mark.parametrize("monday", [cph(2025, 3, 24, 8), cph(2025, 3, 31, 8), cph(2025, 10, 20, 8),
                                    cph(2025, 10, 27, 8)])
def test_worker_posts_at_0800_not_at_0759_around_dst(settings, fake, monday):
    w = worker(settings)
    with time_machine.travel(monday - dt.timedelta(minutes=1), tick=False):
        assert w.tick() == []
    with time_machine.travel(monday, tick=False):
        (o,) = w.tick()
    (row,) = DigestLedger(w.store.db).rows()
    assert o.status is DigestStatus.EMPTY and row.week == str(IsoWeek.of(monday.date()).shifted(-1))


def test_scheduler_next_run_is_monday_0800_copenhagen(settings):
    w = worker(settings)
    with time_machine.travel(cph(2025, 3, 29, 12), tick=False):
        sched = w.schedule(BackgroundScheduler(timezone=CPH))
        sched.start(paused=True)
        try:
            jobs = {j.id: j for j in sched.get_jobs()}
            assert jobs["digest"].next_run_time == cph(2025, 3, 31, 8)
            assert jobs["digest"].next_run_time.utcoffset() == dt.timedelta(hours=2)
            assert "digest-catch-up" in jobs
        finally:
            sched.shutdown(wait=False)


def test_due_week_catches_up_while_the_fire_week_lasts():
    trig = parse_cron("mon 08:00", CPH)
    assert due_week(trig, cph(2024, 9, 16, 8), CPH) == W37
    assert due_week(trig, cph(2024, 9, 19, 15), CPH) == W37  # Thursday: still due
    assert due_week(trig, cph(2024, 9, 16, 7, 59), CPH) is None  # last fire was in the week before
    assert due_week(trig, cph(2026, 1, 5, 8), CPH) == IsoWeek(2026, 1)  # 2025-12-29 belongs to 2026-W01
    assert due_week(trig, cph(2021, 1, 4, 9), CPH) == IsoWeek(2020, 53)


# --- exactly once ----------------------------------------------------------------------------------
def test_missed_monday_run_is_caught_up_at_boot(settings, fake):
    with time_machine.travel(cph(2024, 9, 16, 11, 30), tick=False):  # worker was down at 08:00
        (o,) = worker(settings).tick()
    assert (o.status, o.items) == (DigestStatus.POSTED, 8)
    assert "uge 2024-W37" in fake.wait_for("/chat.postMessage")[0]["text"]


def test_restarts_and_later_ticks_post_once(settings, fake):
    for moment in (MONDAY_0800, MONDAY_0800, cph(2024, 9, 16, 8, 15), cph(2024, 9, 18, 14)):
        with time_machine.travel(moment, tick=False):
            worker(settings).tick()  # a new process each time
    assert fake.count("/chat.postMessage") == 1
    (row,) = DigestLedger(Store(settings.store_path).db).rows()
    assert (row.week, row.channel, row.status, row.items) == ("2024-W37", "slack:C9", DigestStatus.POSTED, 8)
    assert row.claimed_at == "2024-09-16T06:00:00.000000+00:00"


def test_two_workers_racing_post_once(settings, fake):
    workers = [worker(settings) for _ in range(6)]
    barrier = threading.Barrier(len(workers))
    results = []

    def go(w):
        barrier.wait()
        results.append(w.tick())

    with time_machine.travel(MONDAY_0800, tick=False):
        threads = [threading.Thread(target=go, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert fake.count("/chat.postMessage") == 1
    outcomes = [o for r in results for o in r]
    assert len(outcomes) == 6 and [o.status for o in outcomes if not o.already] == [DigestStatus.POSTED]


def test_two_processes_racing_post_once(settings, fake):
    env = {**os.environ, "BESLUT_HOME": str(settings.home), "SLACK_BOT_TOKEN": "xoxb-digest",
           "SLACK_API_URL": fake.url}
    cmd = [sys.executable, "-m", "bot", "digest", "--week", "2024-W37", "--channel", "C9"]
    procs = [subprocess.Popen(cmd, env=env, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert fake.count("/chat.postMessage") == 1
    assert sum("slack:C9: uge 2024-W37 sendt (8 punkter)" in out for out, _ in outs) == 1, outs


def test_runs_racing_a_post_in_flight_say_so_and_never_advise_force(settings, fake):
    """While one run's post is in flight, the others lost the claim to a live run: they say so and exit 0.
    Advising --force there (as 'uncertain' did) would post the digest twice."""
    fake.held["/chat.postMessage"] = in_flight = threading.Event()  # answered once the late runs are done
    env = {**os.environ, "BESLUT_HOME": str(settings.home), "SLACK_BOT_TOKEN": "xoxb-digest",
           "SLACK_API_URL": fake.url}
    cmd = [sys.executable, "-m", "bot", "digest", "--week", "2024-W37", "--channel", "C9"]
    first = subprocess.Popen(cmd, env=env, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        fake.wait_for("/chat.postMessage", timeout=30)  # the first run's post is in flight now
        late = [subprocess.run(cmd, env=env, cwd=PROJECT, capture_output=True, text=True, timeout=60)
                for _ in range(2)]
    finally:
        in_flight.set()
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0 and "slack:C9: uge 2024-W37 sendt (8 punkter)" in out
    for r in late:
        assert r.returncode == 0, (r.stdout, r.stderr)
        assert "sendes af en anden kørsel lige nu" in r.stdout and "--force" not in r.stdout + r.stderr
    assert fake.count("/chat.postMessage") == 1


def test_a_claim_left_by_a_dead_run_is_uncertain_with_the_force_advice(settings, fake, capsys):
    from bot.cli.chat import outcome_line

    store = Store(settings.store_path)
    DigestLedger(store.db).claim("2024-W37", "slack:C9", MONDAY_0800)  # claimed, then the process died
    (o,) = run_digest(store, digest_builder(settings, store, CPH), [(slack(settings), "C9")], IsoWeek(2024, 37),
                      MONDAY_0800 + dt.timedelta(hours=1))
    assert (o.status, o.already, o.in_flight) == (DigestStatus.CLAIMED, True, False)
    line = outcome_line(o)
    assert "afbrudt" in line and "--force" in line and fake.count("/chat.postMessage") == 0


def test_empty_week_posts_nothing_unless_configured(settings, fake):
    store = Store(settings.store_path)
    build = digest_builder(settings, store, CPH)
    (o,) = run_digest(store, build, [(slack(settings), "C9")], IsoWeek(2024, 38), cph(2024, 9, 23, 8))
    assert o.status is DigestStatus.EMPTY and fake.count("/chat.postMessage") == 0
    (o,) = run_digest(store, build, [(slack(settings), "C8")], IsoWeek(2024, 38), cph(2024, 9, 23, 8), post_empty=True)
    assert o.status is DigestStatus.POSTED
    assert fake.wait_for("/chat.postMessage")[0]["text"] == "Ingen nye beslutninger i uge 2024-W38."


# --- failures --------------------------------------------------------------------------------------
def test_refused_post_is_failed_and_retried_by_the_next_tick(settings, fake):
    fake.refuse["/chat.postMessage"] = {"ok": False, "error": "not_in_channel"}
    with time_machine.travel(MONDAY_0800, tick=False):
        (o,) = worker(settings).tick()
    assert o.status is DigestStatus.FAILED
    del fake.refuse["/chat.postMessage"]
    with time_machine.travel(cph(2024, 9, 16, 8, 15), tick=False):
        (o,) = worker(settings).tick()
    assert o.status is DigestStatus.POSTED and fake.count("/chat.postMessage") == 2  # one refused, one posted


def test_unreachable_slack_is_failed_not_uncertain(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/"
    with time_machine.travel(MONDAY_0800, tick=False):
        (o,) = worker(settings.with_(slack_api_url=closed)).tick()
    assert o.status is DigestStatus.FAILED


def test_timed_out_post_is_recorded_uncertain_and_not_reposted(settings, fake, capsys, monkeypatch):
    fake.delay["/chat.postMessage"] = 1.5  # Slack has the message, the answer comes too late
    with time_machine.travel(MONDAY_0800, tick=False):
        (o,) = worker(settings, publisher=slack(settings, timeout=0.3)).tick()
    assert o.status is DigestStatus.UNCERTAIN and fake.count("/chat.postMessage") == 1
    fake.delay.clear()
    with time_machine.travel(cph(2024, 9, 16, 8, 15), tick=False):
        (o,) = worker(settings).tick()  # the catch-up tick and a restarted worker leave it alone
    assert (o.status, o.already) == (DigestStatus.UNCERTAIN, True) and fake.count("/chat.postMessage") == 1
    monkeypatch.setenv("BESLUT_HOME", str(settings.home))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-digest")
    monkeypatch.setenv("SLACK_API_URL", fake.url)
    assert cli.main(["digest", "--week", "2024-W37", "--channel", "C9"]) == 1
    out = capsys.readouterr().out
    assert "uvist, om beskeden nåede frem" in out
    assert "beslut digest --week 2024-W37 --channel slack:C9 --force" in out
    assert fake.count("/chat.postMessage") == 1
    assert cli.main(["digest", "--week", "2024-W37", "--channel", "slack:C9", "--force"]) == 0  # operator checked
    assert "slack:C9: uge 2024-W37 sendt (8 punkter)" in capsys.readouterr().out
    assert fake.count("/chat.postMessage") == 2


def test_other_platforms_share_the_ledger_with_qualified_keys(settings, fake):
    teams, broken, refused = (RecordingPublisher(), RecordingPublisher(error=TimeoutError("x")),
                              RecordingPublisher(error=NotDelivered("403")))
    targets = [(slack(settings), "C9"), (teams, "C9"), (broken, "19:a@thread"), (refused, "19:b@thread")]
    with time_machine.travel(MONDAY_0800, tick=False):
        outcomes = worker(settings, targets=targets).tick()
        again = worker(settings, targets=targets).tick()
    assert [(o.channel, o.status) for o in outcomes] == [
        ("slack:C9", DigestStatus.POSTED), ("teams:C9", DigestStatus.POSTED), ("teams:19:a@thread", DigestStatus.UNCERTAIN),
        ("teams:19:b@thread", DigestStatus.FAILED)]
    assert [o.already for o in again] == [True, True, True, False]  # only the refused one is retried
    assert fake.count("/chat.postMessage") == 1 and len(teams.posts) == 1
    assert teams.posts[0][1].intro.startswith("Ugens beslutninger, uge 2024-W37")


# --- the commands ----------------------------------------------------------------------------------
def test_digest_dry_run_prints_and_records_nothing(settings, fake, capsys, monkeypatch):
    monkeypatch.setenv("BESLUT_HOME", str(settings.home))
    with time_machine.travel(cph(2024, 9, 18, 12), tick=False):  # default: the previous complete week
        assert cli.main(["digest", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Ugens beslutninger, uge 2024-W37") and "83.02.00-A00-1-23" in out
    assert DigestLedger(Store(settings.store_path).db).rows() == [] and fake.count("/chat.postMessage") == 0


@pytest.mark.parametrize("argv, env, expected", [
    (["worker"], {}, "worker_nothing_to_do"),
    (["digest", "--week", "2024-W37"], {}, "digest_no_targets"),
    (["worker"], {"BESLUT_DIGEST_CHANNEL": "C9"}, "slack_missing_config"),
    (["worker"], {"BESLUT_DIGEST_CHANNEL": "C9", "SLACK_BOT_TOKEN": "x", "BESLUT_DIGEST_CRON": "mandag 8"},
     "digest_cron_invalid"),
])
def test_commands_refuse_bad_configuration_in_danish(tmp_path, argv, env, expected):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BESLUT_"))}
    r = subprocess.run([sys.executable, "-m", "bot", *argv], cwd=PROJECT, capture_output=True, text=True,
                       timeout=60, env={**base, "BESLUT_HOME": str(tmp_path), **env})
    assert r.returncode != 0 and r.stdout == ""
    first = messages.TEXT[expected].split("{")[0][:25]
    assert r.stderr.startswith("beslut: ") and first in r.stderr and "Traceback" not in r.stderr


# --- the ledger itself -----------------------------------------------------------------------------
def test_ledger_claims_once_reclaims_failed_and_force(tmp_path):
    ledger = DigestLedger(Store(tmp_path / "s.db").db)
    assert ledger.claim("2024-W37", "slack:C1", MONDAY_0800) is True
    assert ledger.claim("2024-W37", "slack:C1", MONDAY_0800) is False  # claimed = in flight or died mid-post
    assert ledger.claim("2024-W37", "teams:C1", MONDAY_0800) is True  # another platform, another row
    ledger.finish("2024-W37", "slack:C1", DigestStatus.FAILED, MONDAY_0800)
    assert ledger.claim("2024-W37", "slack:C1", MONDAY_0800) is True
    ledger.finish("2024-W37", "slack:C1", DigestStatus.UNCERTAIN, MONDAY_0800)
    assert ledger.claim("2024-W37", "slack:C1", MONDAY_0800) is False
    assert ledger.claim("2024-W37", "slack:C1", MONDAY_0800, force=True) is True
    assert ledger.last_cutoff("2024-W38") == "2024-09-16T06:00:00.000000+00:00"
    assert ledger.last_cutoff("2024-W37") is None


def test_seen_events_survive_a_restart_and_old_ones_are_pruned(tmp_path):
    from bot.slack.seen_events import SeenEvents

    seen = SeenEvents(Store(tmp_path / "s.db").db)
    assert seen.first_time("Ev1") and not seen.first_time("Ev1")
    assert seen.first_time("EvOld", dt.datetime.now(UTC) - dt.timedelta(days=3))
    again = SeenEvents(Store(tmp_path / "s.db").db)  # a restarted process; pruning keeps two days
    assert not again.first_time("Ev1") and again.first_time("EvOld")


def test_boot_warns_about_a_post_left_claimed_by_a_dead_worker(settings, fake, caplog):
    store = Store(settings.store_path)
    DigestLedger(store.db).claim("2024-W37", "slack:C9", MONDAY_0800)  # claimed, then the process died
    with time_machine.travel(cph(2024, 9, 16, 9), tick=False):
        (o,) = worker(settings).boot()
    assert (o.status, o.already) == (DigestStatus.CLAIMED, True) and fake.count("/chat.postMessage") == 0
    assert "beslut digest --week 2024-W37 --channel slack:C9 --force" in caplog.text


def test_digest_targets_from_settings_and_channel_option(settings):
    from bot.compose import digest_targets

    store = Store(settings.store_path)
    assert [(p.platform, t) for p, t in digest_targets(settings, store)] == [("slack", "C9")]
    for option in ("C7", "slack:C7"):
        assert [(p.platform, t) for p, t in digest_targets(settings, store, option)] == [("slack", "C7")]
    both = settings.with_(teams_allow_anonymous=True, digest_teams_conversations=("19:abc@thread.tacv2",))
    assert [(p.platform, t) for p, t in digest_targets(both, store)] == [
        ("slack", "C9"), ("teams", "19:abc@thread.tacv2")]
    assert [(p.platform, t) for p, t in digest_targets(both, store, "teams:19:x@thread.tacv2")] == [
        ("teams", "19:x@thread.tacv2")]


# --- a channel's followed cases in its digest (issue 12) ----------------------------------------------
def test_a_channels_digest_lists_the_cases_it_follows_that_moved_that_week(settings, fake):
    from bot.core.follow import FollowKind, Owner, OwnerKind
    from bot.state.subscriptions import SubscriptionStore

    subs = SubscriptionStore(Store(settings.store_path).db)
    for owner in (Owner("slack", OwnerKind.CHANNEL, "C9", "C9"), Owner("slack", OwnerKind.USER, "U1", "U1")):
        subs.follow(owner, FollowKind.CASE, "83.02.00-A00-1-23", "U1", 50)  # moved: 11 September, punkt 4
    subs.follow(Owner("slack", OwnerKind.CHANNEL, "C9", "C9"), FollowKind.PREFIX, "81.10", "U1", 50)  # punkt 5
    subs.follow(Owner("slack", OwnerKind.CHANNEL, "C9", "C9"), FollowKind.CASE, "00.00.00-A00-2-21", "U1", 50)  # not
    subs.follow(Owner("slack", OwnerKind.CHANNEL, "C9", "C9"), FollowKind.TOPIC, "telefontider", "U1", 50)  # no case
    other = RecordingPublisher("slack")
    store = Store(settings.store_path)
    run_digest(store, digest_builder(settings, store, CPH), [(slack(settings), "C9"), (other, "C8")], W37, MONDAY_0800)
    (post,) = fake.bodies("/chat.postMessage")
    intro = post["blocks"][0]["text"]["text"]
    assert intro.endswith("Sager I følger, der er sket noget i denne uge:\n• sag 83.02.00-A00-1-23: 1 punkt\n"
                          "• alle sager under KLE-præfikset 81.10: 1 punkt")
    assert "00.00.00-A00-2-21" not in intro and "emnet" not in intro
    ((target, reply),) = other.posts  # a channel that follows nothing: the digest as it was
    assert target == "C8" and "Sager I følger" not in reply.fallback


@pytest.mark.parametrize("chat", [
    {"SLACK_BOT_TOKEN": "xoxb-digest", "BESLUT_DIGEST_CHANNEL": "C9"},
    {"MICROSOFT_APP_ID": "app", "MICROSOFT_APP_PASSWORD": "pw", "MICROSOFT_APP_TENANT_ID": "tenant"},
])
def test_the_worker_process_starts_with_a_chat_platform_and_says_what_it_will_do(settings, fake, tmp_path, chat):
    """`beslut worker` as the Procfile and the systemd unit run it, with Slack or Teams configured: it logs its
    schedules and keeps running until stopped (it crashed at start-up reading a setting it never had)."""
    import signal
    import time

    env = {k: v for k, v in os.environ.items() if not k.startswith(("BESLUT_", "SLACK_", "MICROSOFT_"))}
    env.update(BESLUT_HOME=str(settings.home), SLACK_API_URL=fake.url, **chat)
    log = tmp_path / "worker.log"
    with log.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env, cwd=PROJECT,
                                stdout=subprocess.DEVNULL, stderr=err, text=True)
        try:
            deadline = time.monotonic() + 60
            while "sendes efter hver hentning" not in log.read_text() and proc.poll() is None:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            assert proc.poll() is None, log.read_text()  # still running: the scheduler has started
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
    text = log.read_text()
    assert "Traceback" not in text and "hvert 15. minut" in text, text
