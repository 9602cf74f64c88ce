"""The digest's content: ISO weeks in Copenhagen time, a week's decisions, late minutes, closed punkter."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.core import messages
from bot.compose import digest_builder
from bot.core.week import IsoWeek, previous_complete_week
from embeddings.errors import BeslutError
from bot.core.results import DigestStatus
from bot.digest.ledger import DigestLedger
from bot.core.reply import digest_reply
from bot.settings import Settings
from bot.slack.publisher import SlackPublisher, web_client
from bot.digest.worker import run_digest
from embeddings.ingest.files import ingest_paths
from embeddings.store import Store
from conftest import BUNDLED
from slack_fakes import all_text, write_minutes

CPH = ZoneInfo("Europe/Copenhagen")
UTC = dt.timezone.utc


def cph(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CPH)


# --- ISO weeks -------------------------------------------------------------------------------------
def test_iso_week_edges():
    assert str(IsoWeek.of(dt.date(2025, 12, 29))) == "2026-W01"
    assert IsoWeek.of(dt.date(2021, 1, 3)) == IsoWeek(2020, 53)
    w = IsoWeek.parse("2020-W53")
    assert (w.monday, w.sunday) == (dt.date(2020, 12, 28), dt.date(2021, 1, 3))
    assert w.shifted(1) == IsoWeek(2021, 1) and IsoWeek(2026, 1).shifted(-1) == IsoWeek(2025, 52)
    assert IsoWeek.parse(" 2024w37 ") == IsoWeek(2024, 37) and str(IsoWeek(2024, 7)) == "2024-W07"


@pytest.mark.parametrize("text", ["2021-W53", "2024-W00", "2024-W54", "24-W37", "2024-37", "uge 37", ""])
def test_invalid_weeks_are_a_danish_error(text):
    with pytest.raises(BeslutError) as e:
        IsoWeek.parse(text)
    assert e.value.code == "digest_week_invalid" and "2024-W37" in messages.user_message(e.value)


def test_previous_complete_week_is_judged_in_copenhagen_time():
    assert previous_complete_week(dt.datetime(2024, 9, 15, 22, 30, tzinfo=UTC), CPH) == IsoWeek(2024, 37)  # Mon 00:30
    assert previous_complete_week(dt.datetime(2024, 9, 15, 21, 30, tzinfo=UTC), CPH) == IsoWeek(2024, 36)  # Sun 23:30
    assert previous_complete_week(cph(2026, 1, 5, 8), CPH) == IsoWeek(2026, 1)
    assert previous_complete_week(cph(2021, 1, 4, 8), CPH) == IsoWeek(2020, 53)
    assert previous_complete_week(cph(2025, 12, 29, 8), CPH) == IsoWeek(2025, 52)


# --- content ---------------------------------------------------------------------------------------
@pytest.fixture
def bundled_store(tmp_path):
    settings = Settings(home=tmp_path / "home")
    store = Store(settings.store_path)
    assert not ingest_paths(store, [BUNDLED]).failed
    return settings, store


def test_week_37_holds_the_2024_09_11_decisions_and_nothing_else(bundled_store):
    settings, store = bundled_store
    d = digest_builder(settings, store, CPH)(IsoWeek(2024, 37), None, dt.datetime.now(UTC))
    assert [(m.committee, m.meeting_date, m.late) for m in d.meetings] == [("Chefforum", dt.date(2024, 9, 11), False)]
    assert [h.item_number for h in d.meetings[0].items] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert all(h.decision and h.quote_verified for h in d.meetings[0].items)
    reply = digest_reply(d)
    assert reply.intro == "Ugens beslutninger, uge 2024-W37 (9. september 2024 – 15. september 2024): 8 punkter"
    assert {it.citation.split(" · ")[1] for it in reply.items} == {"11. september 2024"}
    assert reply.items[3].citation == "Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23"


def test_weeks_without_meetings_are_empty(bundled_store):
    settings, store = bundled_store
    build = digest_builder(settings, store, CPH)
    for week in (IsoWeek(2024, 36), IsoWeek(2024, 38), IsoWeek(2020, 53)):
        assert build(week, None, dt.datetime.now(UTC)).empty


def test_digest_posted_to_slack_shows_the_weeks_decisions(bundled_store, fake):
    settings, store = bundled_store
    publisher = SlackPublisher(web_client(settings.with_(slack_bot_token="xoxb-t", slack_api_url=fake.url), False))
    (outcome,) = run_digest(store, digest_builder(settings, store, CPH), [(publisher, "C9")], IsoWeek(2024, 37),
                            cph(2024, 9, 16, 8))
    assert (outcome.channel, outcome.status, outcome.items) == ("slack:C9", DigestStatus.POSTED, 8)
    (msg,) = fake.bodies("/chat.postMessage")
    shown = all_text(msg)
    assert msg["channel"] == "C9" and "uge 2024-W37" in msg["text"]
    assert "83.02.00-A00-1-23" in shown and "81.10.00-A26-1-24" in shown
    citations = _citations(msg)
    assert len(citations) == 8 and all(" · 11. september 2024 · " in c for c in citations)


def _citations(msg: dict) -> list[str]:
    return [e["text"] for b in msg["blocks"] if b["type"] == "context" for e in b["elements"] if "punkt" in e["text"]]


def test_closed_punkter_never_appear(tmp_path):
    settings = Settings(home=tmp_path / "home")
    store = Store(settings.store_path)
    folder = write_minutes(tmp_path / "m", "cf.txt", "REFERAT Chefforum d. 18-09-2024\n\n"
                           "Punkt 1: CF - Budget\n\n00.01.00-A00-9-24\n\nBeslutning\n\nGodkendt.\n\n"
                           "Punkt 2: CF - Lukket punkt: Personalesag\n\n81.00.00-A00-1-24\n\nLukket punkt\n").parent
    ingest_paths(store, [folder])
    d = digest_builder(settings, store, CPH)(IsoWeek(2024, 38), None, dt.datetime.now(UTC))
    assert [h.title for m in d.meetings for h in m.items] == ["Budget"]


def test_source_links_follow_the_operator_template(bundled_store):
    settings, store = bundled_store
    settings = settings.with_(source_url_template="https://k.dk/{committee}/{date}#punkt{number}")
    d = digest_builder(settings, store, CPH)(IsoWeek(2024, 37), None, dt.datetime.now(UTC))
    assert d.meetings[0].items[3].source_url == "https://k.dk/Chefforum/2024-09-11#punkt4"


# --- late minutes ----------------------------------------------------------------------------------
def test_late_minutes_appear_once_in_the_next_digest(tmp_path, fake):
    early, late = tmp_path / "early", tmp_path / "late"
    early.mkdir(), late.mkdir()
    for f in BUNDLED.iterdir():
        shutil.copy(f, late if "2024-09-11" in f.name else early)
    settings = Settings(home=tmp_path / "home", slack_bot_token="xoxb-t", slack_api_url=fake.url)
    store = Store(settings.store_path)
    targets = [(SlackPublisher(web_client(settings, retries=False)), "C9")]
    build = digest_builder(settings, store, CPH)

    def run(week: str, *at: int):
        with time_machine.travel(cph(*at), tick=False):
            return run_digest(store, build, targets, IsoWeek.parse(week), dt.datetime.now(UTC))

    with time_machine.travel(cph(2024, 9, 10, 12), tick=False):
        ingest_paths(store, [early])  # the archive: never "late" in the first digest
    assert [o.status for o in run("2024-W37", 2024, 9, 16, 8)] == [DigestStatus.EMPTY]
    with time_machine.travel(cph(2024, 9, 17, 10), tick=False):
        ingest_paths(store, [late])  # the 11 September minutes arrive a week late
    assert [o.status for o in run("2024-W38", 2024, 9, 23, 8)] == [DigestStatus.POSTED]
    (msg,) = fake.bodies("/chat.postMessage")
    shown = all_text(msg)
    assert "uge 2024-W38" in msg["text"] and "83.02.00-A00-1-23" in shown
    assert shown.count(messages.LATE_NOTE) == 8
    assert "2021" not in json.dumps(_citations(msg)) and "2022" not in json.dumps(_citations(msg))
    assert [o.status for o in run("2024-W39", 2024, 9, 30, 8)] == [DigestStatus.EMPTY]  # not repeated
    assert fake.count("/chat.postMessage") == 1
    assert [(r.week, r.status) for r in DigestLedger(store.db).rows()] == [
        ("2024-W37", DigestStatus.EMPTY), ("2024-W38", DigestStatus.POSTED), ("2024-W39", DigestStatus.EMPTY)]
