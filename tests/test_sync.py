"""`beslut sync` against a fake FirstAgenda publication site over real HTTP (tests/site_fakes.py).

The fixture: three meetings, one of them an agenda not yet concluded (no decisions). Then the site publishes
that meeting's referat and a new meeting: the second sync fetches exactly those two, re-embeds only their
punkter, and the week's digest lists the new decisions. Misbehaving answers are named and skipped, retried
where that helps, and never leave half a meeting in the store.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import pytest

from bot import compose
from bot.compose import digest_builder, update_index
from bot.core import messages
from bot.core.reply import digest_reply
from bot.core.week import IsoWeek
from bot.settings import Settings
from embeddings.store import Store
from embeddings.sync.client import ClientOptions, SiteClient
from embeddings.sync.run import SyncOptions, SyncReport, sync
from fakes import HashingEmbedder
from site_fakes import FakeSite, Trouble, meeting_doc, punkt_doc

from conftest import PROJECT

TODAY = dt.date(2026, 11, 30)
CPH = ZoneInfo("Europe/Copenhagen")
FAST = ClientOptions(timeout=2.0, backoff=0.01, backoff_max=0.05)


def august(site: FakeSite) -> None:
    site.add(meeting_doc("m-oeu-aug", "Økonomiudvalget", "2026-08-10T16:00:00+02:00", [
        punkt_doc(1, "Busbilletter til pensionister", "26-000101", "p1",
                  "Økonomiudvalget anbefaler Byrådet at sænke taksten for pensionister med 20 procent.",
                  "Forslag om billigere bus for folkepensionister.", bilag=[("b1", "Takstoversigt 2027")]),
        punkt_doc(2, "Vintervedligeholdelse af cykelstier", "26-000102", "p2",
                  "Godkendt, at cykelstierne ryddes før kl. 7.", "Snerydning af cykelstier.")]))
    site.add(meeting_doc("m-br-aug", "Byrådet", "2026-08-26T17:00:00+02:00", [
        punkt_doc(1, "Busbilletter til pensionister", "26-000101", "p3",
                  "Byrådet vedtog at sænke taksten for pensionister med 20 procent fra 1. januar.",
                  "Sagen kommer fra Økonomiudvalget."),
        punkt_doc(2, "Lukket: Køb af ejendom", "26-000103", "p4", "Fortrolig beslutning.", "Fortroligt.")]))


def november_agenda(site: FakeSite) -> None:
    site.add(meeting_doc("m-oeu-nov", "Økonomiudvalget", "2026-11-23T16:00:00+01:00", [
        punkt_doc(1, "Åbningstider på genbrugspladsen", "26-000201", "p5", None, "Forslag om længere åbent."),
        punkt_doc(2, "Hundeskov ved stranden", "26-000202", "p6", None, "Forslag om en hundeskov.")],
        concluded=False))


def november_referat(site: FakeSite) -> None:
    site.add(meeting_doc("m-oeu-nov", "Økonomiudvalget", "2026-11-23T16:00:00+01:00", [
        punkt_doc(1, "Åbningstider på genbrugspladsen", "26-000201", "p5",
                  "Økonomiudvalget godkendte åbent til kl. 19 på torsdage.", "Forslag om længere åbent."),
        punkt_doc(2, "Hundeskov ved stranden", "26-000202", "p6",
                  "Økonomiudvalget godkendte en hundeskov ved stranden.", "Forslag om en hundeskov.")]))
    site.add(meeting_doc("m-br-nov", "Byrådet", "2026-11-25T17:00:00+01:00", [
        punkt_doc(1, "Ny skatepark i bymidten", "26-000301", "p7",
                  "Byrådet vedtog at bygge en skatepark i bymidten.", "Unge ønsker en skatepark.")]))


@pytest.fixture
def site():
    s = FakeSite()
    yield s
    s.close()


def run(store: Store, site: FakeSite, options: ClientOptions = FAST, **changes) -> SyncReport:
    client = SiteClient(options, sleep=lambda s: None)
    try:
        return sync(store, [site.url], client, SyncOptions(TODAY, **changes))
    finally:
        client.close()


def test_a_second_sync_fetches_only_what_arrived_or_may_change_and_reembeds_only_that(tmp_path, site):
    august(site)
    november_agenda(site)
    settings = Settings(home=tmp_path / "home", today=TODAY)
    store = Store(settings.store_path)
    first = run(store, site)
    assert (sorted(first.new), first.changed, first.failed) == (["m-br-aug", "m-oeu-aug", "m-oeu-nov"], (), ())
    assert first.requests == 4 and store.counts() == (3, 6)
    embedder = HashingEmbedder()
    assert update_index(settings, store, embedder, note=lambda s: None)[1].embedded_punkter == 5  # 1 closed

    november_referat(site)
    site.requests.clear()
    second = run(store, site)
    assert sorted(site.meeting_requests()) == ["m-br-nov", "m-oeu-nov"]  # not the concluded August meetings
    assert (second.new, second.changed, second.unchanged) == (("m-br-nov",), ("m-oeu-nov",), ())
    stats = update_index(settings, store, embedder, note=lambda s: None)[1]
    assert (stats.embedded_punkter, stats.reused_punkter) == (3, 3)  # 2 agenda punkter decided + 1 new; August kept

    digest = digest_builder(settings, store, CPH)(IsoWeek(2026, 48), None, dt.datetime(2026, 11, 30, tzinfo=CPH))
    text = digest_reply(digest).fallback
    assert "åbent til kl. 19 på torsdage" in text and "hundeskov ved stranden" in text
    assert "skatepark i bymidten" in text

    third = run(store, site)  # nothing new: the November meetings are rechecked (recent), not stored again
    assert (third.new, third.changed, sorted(third.unchanged)) == ((), (), ["m-br-nov", "m-oeu-nov"])


def test_provenance_and_closed_punkter_from_the_site(tmp_path, site):
    august(site)
    store = Store(tmp_path / "s.db")
    run(store, site)
    p1, p2 = sorted(store.by_journal("26-000101"), key=lambda p: p.meeting.date)
    assert (p1.meeting.source_url, p1.meeting.source_id, p1.source_id) == (site.url, "m-oeu-aug", "p1")
    assert [(a.name, a.source_id) for a in p1.attachments] == [("Takstoversigt 2027", "b1")]
    assert p1.meeting.concluded is True and p2.meeting.source_id == "m-br-aug"
    (closed,) = store.by_journal("26-000103")
    assert closed.closed and closed.sections == () and closed.attachments == ()


def test_a_meeting_that_fails_twice_is_stored_in_the_same_run(tmp_path, site):
    august(site)
    site.trouble["/api/agenda/dagsorden/m-br-aug"] = [Trouble(500), Trouble(503)]
    store = Store(tmp_path / "s.db")
    report = run(store, site)
    assert sorted(report.new) == ["m-br-aug", "m-oeu-aug"] and report.failed == ()
    assert site.meeting_requests().count("m-br-aug") == 3


def test_a_meeting_that_always_fails_is_named_and_fetched_by_the_next_run(tmp_path, site):
    august(site)
    site.trouble["/api/agenda/dagsorden/m-br-aug"] = [Trouble(500)] * 10
    store = Store(tmp_path / "s.db")
    report = run(store, site)
    (failure,) = report.failed
    assert (failure.meeting, failure.error.code, failure.error.params["status"]) == ("m-br-aug", "sync_http_status", 500)
    assert report.new == ("m-oeu-aug",) and store.counts() == (1, 2)
    site.trouble.clear()
    again = run(store, site)
    assert again.new == ("m-br-aug",) and again.failed == () and store.counts() == (2, 4)


def test_429_with_retry_after_is_honoured(tmp_path, site):
    august(site)
    site.trouble["/api/agenda/dagsorden/m-oeu-aug"] = [Trouble(429, retry_after="7")]
    waits: list[float] = []
    client = SiteClient(FAST, sleep=waits.append)
    report = sync(Store(tmp_path / "s.db"), [site.url], client, SyncOptions(TODAY))
    assert waits == [7.0] and sorted(report.new) == ["m-br-aug", "m-oeu-aug"]


def test_a_retry_after_longer_than_the_cap_fails_the_meeting_now_and_the_next_run_fetches_it(tmp_path, site):
    """"Retry-After: 86400" would have kept a worker's sync asleep for minutes per request; the meeting is named
    as failed at once instead, the others are stored, and the next sync fetches it."""
    august(site)
    site.trouble["/api/agenda/dagsorden/m-oeu-aug"] = [Trouble(429, retry_after="86400")]
    waits: list[float] = []
    store = Store(tmp_path / "s.db")
    report = sync(store, [site.url], SiteClient(FAST, sleep=waits.append), SyncOptions(TODAY))
    (failure,) = report.failed
    assert (failure.meeting, failure.error.params["status"]) == ("m-oeu-aug", 429)
    assert waits == [] and report.new == ("m-br-aug",)
    assert site.meeting_requests().count("m-oeu-aug") == 1
    again = sync(store, [site.url], SiteClient(FAST, sleep=waits.append), SyncOptions(TODAY))
    assert again.new == ("m-oeu-aug",) and waits == []


@pytest.mark.parametrize("trouble, code", [
    (Trouble(hang=1.5), "sync_timeout"),
    (Trouble(body=b"<!DOCTYPE html><html><body>Siden er nede</body></html>"), "sync_not_json"),
    (Trouble(body=b'{"Id": "m-oeu-aug", "Udvalg": {"Navn": "\xc3\x98konomi'), "sync_json_broken"),  # cut short
    (Trouble(body=b'{"Id": "m-oeu-aug", "Udvalg": "ikke et objekt", "Moede": {}}'), "json_shape"),
    (Trouble(huge=50 * 1024 * 1024), "sync_too_large"),
    (Trouble(huge=50 * 1024 * 1024, chunked=True), "sync_too_large"),
    (Trouble(status=302, location="https://evil.example/api/agenda/dagsorden/m-oeu-aug"), "sync_redirect_refused"),
])
def test_bad_answers_are_named_and_skipped_and_the_store_keeps_the_rest(tmp_path, site, trouble, code):
    august(site)
    site.trouble["/api/agenda/dagsorden/m-oeu-aug"] = [trouble] * 10
    store = Store(tmp_path / "s.db")
    report = run(store, site, ClientOptions(timeout=0.3, backoff=0.01, backoff_max=0.02))
    (failure,) = report.failed
    assert (failure.meeting, failure.error.code) == ("m-oeu-aug", code)
    assert "m-oeu-aug" in messages.user_message(failure.error)
    assert report.new == ("m-br-aug",) and store.counts() == (1, 2) and store.integrity_problems() == []


def test_a_redirect_on_the_same_host_is_followed(tmp_path, site):
    august(site)
    site.add(meeting_doc("m-moved", "Byrådet", "2026-09-01T17:00:00+02:00", []))
    site.trouble["/api/agenda/dagsorden/m-moved"] = [Trouble(status=301, location="/api/agenda/dagsorden/m-moved?v=2")]
    report = run(Store(tmp_path / "s.db"), site)
    assert "m-moved" in report.new and report.failed == ()


def test_a_site_that_is_down_changes_nothing(tmp_path, site):
    august(site)
    store = Store(tmp_path / "s.db")
    run(store, site)
    before = store.fingerprint()
    site.trouble["/api/agenda/udvalgsliste"] = [Trouble(503)] * 10
    report = run(store, site)
    (failure,) = report.failed
    assert failure.meeting is None and failure.error.code == "sync_http_status"
    assert report.planned == () and store.fingerprint() == before


def test_since_limits_a_first_backfill_and_dry_run_fetches_nothing(tmp_path, site):
    august(site)
    november_agenda(site)
    store = Store(tmp_path / "s.db")
    dry = run(store, site, dry_run=True, since=dt.date(2026, 8, 20))
    assert sorted(m.id for _, m in dry.planned) == ["m-br-aug", "m-oeu-nov"]
    assert site.meeting_requests() == [] and store.counts() == (0, 0)


def test_a_meeting_no_longer_listed_stays(tmp_path, site):
    august(site)
    store = Store(tmp_path / "s.db")
    run(store, site)
    del site.committees["Byrådet"]
    report = run(store, site)
    assert report.vanished == ((site.url, "m-br-aug"),) and store.counts() == (2, 4)


# --- the command ------------------------------------------------------------------------------------
def beslut(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT, env=env, capture_output=True,
                          text=True, timeout=120)


def cli_env(tmp_path, site: FakeSite, **extra: str) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BESLUT_", "SLACK_", "MICROSOFT_"))}
    return {**base, "BESLUT_HOME": str(tmp_path / "home"), "BESLUT_SOURCES": site.url, "BESLUT_TODAY": "2026-11-30",
            **extra}


def test_the_command_reports_json_and_exits_1_when_a_meeting_failed(tmp_path, site):
    august(site)
    site.trouble["/api/agenda/dagsorden/m-br-aug"] = [Trouble(404)] * 10
    r = beslut("sync", "--json", "--no-index", env=cli_env(tmp_path, site))
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert (out["sources"], out["new"], out["changed"], out["unchanged"]) == ([site.url], 1, 0, 0)
    assert out["requests"] == 3 and [f["meeting"] for f in out["failed"]] == ["m-br-aug"]
    assert "HTTP-status 404" in out["failed"][0]["reason"]
    assert any("beslut/" in ua for ua in site.user_agents)  # a User-Agent naming beslut


def test_the_command_says_in_one_danish_line_that_the_site_is_down(tmp_path, site):
    site.trouble["/api/agenda/udvalgsliste"] = [Trouble(body=b"<html>Vedligeholdelse</html>")] * 10
    r = beslut("sync", "--no-index", env=cli_env(tmp_path, site))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    (line,) = [x for x in r.stderr.splitlines() if site.url in x]
    assert "listen over møder kunne ikke hentes, så intet fra siden er ændret" in line and "JSON" in line
    assert "1 af 1 sider kunne ikke læses" in r.stdout  # not just "0 fejlede" meetings
    dry = beslut("sync", "--dry-run", env=cli_env(tmp_path, site))
    assert dry.returncode == 1 and "intet at hente fra de sider, der kunne læses" in dry.stdout
    assert "alle møder er hentet" not in dry.stdout


def test_a_sync_killed_midway_leaves_whole_meetings_and_the_next_run_completes_it(tmp_path, site):
    for i in range(8):
        site.add(meeting_doc(f"m{i}", "Byrådet", f"2026-0{1 + i % 8}-1{i}T17:00:00+01:00",
                             [punkt_doc(n, f"Punkt {n} af møde {i}", f"26-00{i}{n}00", f"p{i}-{n}",
                                        f"Vedtaget {i}.{n}.", "Tekst.") for n in range(1, 6)]))
        site.trouble[f"/api/agenda/dagsorden/m{i}"] = [Trouble(hang=0.4)]
    env = cli_env(tmp_path, site)
    proc = subprocess.Popen([sys.executable, "-m", "bot", "sync", "--no-index"], cwd=PROJECT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    db = tmp_path / "home" / "beslut.db"
    while time.monotonic() < deadline:  # kill it once some, but not all, meetings are stored
        if db.exists() and 0 < Store(db).counts()[0] < 8:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    store = Store(db)
    meetings, punkter = store.counts()
    assert 0 < meetings < 8 and punkter == 5 * meetings and store.integrity_problems() == []
    r = beslut("sync", "--no-index", env=env)
    assert r.returncode == 0, r.stderr
    assert Store(db).counts() == (8, 40) and Store(db).integrity_problems() == []


def test_bad_sources_are_configuration_errors(tmp_path, site, capsys, monkeypatch):
    monkeypatch.setenv("BESLUT_SOURCES", "ftp://dagsordener.kommune.dk")
    assert compose.main(["sync"]) == 2
    assert "BESLUT_SOURCES" in capsys.readouterr().err
    monkeypatch.delenv("BESLUT_SOURCES")
    assert compose.main(["sync"]) == 2
    assert "BESLUT_SOURCES" in capsys.readouterr().err
