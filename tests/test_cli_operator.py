"""Operator mistakes at the command line: a wrong --week is a usage error like any other (exit 2, one Danish
line naming the option), and a command that only looks (a dry run, a listing, a look-up, a question) leaves a
BESLUT_HOME without a store as it found it, saying in Danish that nothing is ingested yet where it matters.

Everything goes through the console script's entry (``bot.compose.main``, or ``python -m bot`` in a
subprocess), on real SQLite stores and a fake publication site over real HTTP (tests/site_fakes.py)."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.arguments import week_argument
from bot.core import messages
from bot.core.week import IsoWeek
from embeddings.errors import BeslutError
from embeddings.store import Store
from site_fakes import FakeSite, meeting_doc, punkt_doc

from console import cli
from conftest import BUNDLED, PROJECT

ENGLISH = ("Traceback", "error:", "Error", "invalid", "usage:")



def beslut(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT, env=env, capture_output=True,
                          text=True, timeout=120)


def clean_env(home: Path, **extra: str) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BESLUT_", "SLACK_", "MICROSOFT_"))}
    return {**base, "BESLUT_HOME": str(home), "HF_HUB_OFFLINE": "1", **extra}


def empty_home(tmp_path: Path) -> Path:
    """An existing, empty BESLUT_HOME (what an operator makes before the first command)."""
    home = tmp_path / "home"
    home.mkdir()
    return home


def week_error(value: str) -> str:
    return "beslut digest: fejl: --week: " + messages.render("digest_week_invalid", text=value)


# --- 1. --week ------------------------------------------------------------------------------------
BAD_WEEKS = ["foo", "2024-W60", "2024-37", "2024-W00", "2021-W53", "9999-W52", "0000-W01", "", " ", "W37",
             "2024-W3", "2024-W037", "24-W37", "2024-W37-1", "2024-09-11", "２０２４-W37"]


@pytest.mark.parametrize("week", BAD_WEEKS)
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_week_that_is_not_an_iso_week_is_a_usage_error_naming_the_option(capsys, tmp_path, monkeypatch, week,
                                                                          dry_run):
    home = empty_home(tmp_path)
    monkeypatch.setenv("BESLUT_HOME", str(home))
    # without --dry-run nothing to post to is configured: the week is refused before that is noticed
    code, out, err = cli(capsys, "digest", "--week", week, *(["--dry-run"] if dry_run else []))
    assert code == 2 and out == ""
    usage, line = err.splitlines()
    assert usage.startswith("brug: beslut digest ")
    assert line == week_error(week) and f"--week: ugyldig uge {week!r}" in line and "fx 2024-W37" in line
    assert list(home.iterdir()) == []


def test_a_wrong_week_through_the_console_script_exits_2_in_danish(tmp_path):
    home = empty_home(tmp_path)
    r = beslut("digest", "--week", "2024-W60", "--dry-run", env=clean_env(home))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines()[-1] == week_error("2024-W60")
    assert "beslut digest: fejl: --week: ugyldig uge '2024-W60': brug ÅÅÅÅ-Wuu, fx 2024-W37" in r.stderr
    assert not any(word in r.stderr for word in ENGLISH) and list(home.iterdir()) == []


@pytest.mark.parametrize("year", [1, 2004, 2020, 2021, 2024, 2026, 9998, 9999])
def test_the_option_takes_exactly_the_weeks_the_digest_can_run(year):
    """The CLI reads a week as the digest does (bot/core/week.py), and refuses the ones it cannot run: not
    an ISO week, or one that runs past the last date (9999-W52)."""
    for n in range(0, 60):
        for text in (f"{year:04d}-W{n:02d}", f"{year:04d}w{n:02d}", f" {year:04d}-w{n:02d} "):
            try:
                runnable = IsoWeek.parse(text)
                runnable.sunday
            except (BeslutError, OverflowError):
                runnable = None
            try:
                taken = week_argument(text)
            except Exception:
                taken = None
            if runnable is None:
                assert taken is None, text
            else:
                assert taken == f"{year:04d}-W{n:02d}" and IsoWeek.parse(taken) == runnable, text


def test_a_week_written_loosely_is_the_same_week(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("BESLUT_HOME", str(empty_home(tmp_path)))
    code, out, err = cli(capsys, "digest", "--week", " 2020w53 ", "--dry-run")
    assert (code, err) == (0, "") and out.strip() == messages.render("digest_empty", week="2020-W53")


def test_the_day_of_since_is_a_usage_error_too(capsys, tmp_path, monkeypatch):
    home = empty_home(tmp_path)
    monkeypatch.setenv("BESLUT_HOME", str(home))
    code, out, err = cli(capsys, "sync", "--since", "2024-13-01", "--dry-run", "https://dagsordener.kommune.dk")
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == ("beslut sync: fejl: --since: ugyldig --since '2024-13-01': brug en dato som "
                                    "ÅÅÅÅ-MM-DD, fx 2024-09-11")
    assert list(home.iterdir()) == []


# --- 2. a home with no store ------------------------------------------------------------------------
@pytest.fixture
def site():
    s = FakeSite()
    s.add(meeting_doc("m-oeu-aug", "Økonomiudvalget", "2026-08-10T16:00:00+02:00", [
        punkt_doc(1, "Busbilletter til pensionister", "26-000101", "p1", "Taksten sænkes.", "Billigere bus.")]))
    s.add(meeting_doc("m-br-aug", "Byrådet", "2026-08-26T17:00:00+02:00", [
        punkt_doc(1, "Busbilletter til pensionister", "26-000101", "p2", "Vedtaget.", "Fra Økonomiudvalget.")]))
    yield s
    s.close()


def planned(site: FakeSite, meeting: str, committee: str, date: str) -> str:
    return messages.render("sync_planned", source=site.url, meeting=meeting, committee=committee, date=date)


def test_a_dry_run_sync_on_an_empty_home_lists_everything_and_writes_nothing(tmp_path, site):
    home = empty_home(tmp_path)
    env = clean_env(home, BESLUT_SOURCES=site.url, BESLUT_TODAY="2026-11-30")
    r = beslut("sync", "--dry-run", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [planned(site, "m-br-aug", "Byrådet", "2026-08-26"),
                                     planned(site, "m-oeu-aug", "Økonomiudvalget", "2026-08-10")]
    assert site.meeting_requests() == [] and list(home.iterdir()) == []
    r = beslut("sync", "--dry-run", "--json", env=clean_env(tmp_path / "no-such-home", BESLUT_SOURCES=site.url))
    assert r.returncode == 0 and json.loads(r.stdout)["new"] == 0
    assert sorted(p["meeting"] for p in json.loads(r.stdout)["planned"]) == ["m-br-aug", "m-oeu-aug"]
    assert not (tmp_path / "no-such-home").exists()


def test_a_dry_run_sync_reads_a_store_that_exists_and_leaves_it_as_it_was(tmp_path, site):
    home = empty_home(tmp_path)
    env = clean_env(home, BESLUT_SOURCES=site.url, BESLUT_TODAY="2026-11-30")
    assert beslut("sync", "--no-index", env=env).returncode == 0
    before = Store(home / "beslut.db").fingerprint()
    site.add(meeting_doc("m-oeu-nov", "Økonomiudvalget", "2026-11-23T16:00:00+01:00", [
        punkt_doc(1, "Hundeskov", "26-000202", "p3", None, "Forslag om en hundeskov.")], concluded=False))
    requests = len(site.meeting_requests())
    r = beslut("sync", "--dry-run", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [planned(site, "m-oeu-nov", "Økonomiudvalget", "2026-11-23")]  # not August's
    assert len(site.meeting_requests()) == requests and Store(home / "beslut.db").fingerprint() == before


@pytest.mark.parametrize("argv, expected", [
    (["meetings"], messages.render("no_meetings") + "\n"),
    (["meetings", "--json"], "[]\n"),
    (["subscriptions"], messages.render("subscriptions_none") + "\n"),
    (["subscriptions", "--json"], "[]\n"),
    (["notify", "--dry-run"], messages.render("notify_summary", subscriptions=0, candidates=0, messages=0,
                                              verb="ville blive sendt") + "\n"),
    (["digest", "--week", "2024-W37", "--dry-run"], messages.render("digest_empty", week="2024-W37") + "\n"),
])
def test_a_listing_or_a_dry_run_on_an_empty_home_says_none_and_writes_nothing(capsys, tmp_path, monkeypatch, argv,
                                                                              expected):
    home = empty_home(tmp_path)
    monkeypatch.setenv("BESLUT_HOME", str(home))
    code, out, err = cli(capsys, *argv)
    assert (code, out, err) == (0, expected, "")
    assert list(home.iterdir()) == []


@pytest.mark.parametrize("argv", [["show", "2024-09-11#4"], ["show", "Chefforum", "2024-09-11#4", "--json"],
                                  ["sag", "83.02"], ["sag", "81.10.00-A26-1-24", "--json"],
                                  ["ask", "hvad besluttede vi om telefontider?"], ["sag", "telefontider"]])
def test_a_look_up_or_a_question_on_an_empty_home_says_nothing_is_ingested_yet(capsys, tmp_path, monkeypatch, argv):
    home = empty_home(tmp_path)
    monkeypatch.setenv("BESLUT_HOME", str(home))
    code, out, err = cli(capsys, *argv)
    assert code == 1 and out == ""
    assert err == f"beslut: {messages.render('store_absent', path=home / 'beslut.db')}\n"
    assert "intet er indlæst endnu" in err and "beslut ingest" in err and not any(w in err for w in ENGLISH)
    assert list(home.iterdir()) == []  # no store, no index, no model


def test_eval_on_an_empty_home_says_so_before_the_model_loads(capsys, tmp_path, monkeypatch):
    home = empty_home(tmp_path)
    monkeypatch.setenv("BESLUT_HOME", str(home))
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"q": "telefontider", "expect": ["2024-09-11#4"]}\n', encoding="utf-8")
    code, out, err = cli(capsys, "eval", str(questions))
    assert (code, out) == (1, "") and "intet er indlæst endnu" in err
    assert list(home.iterdir()) == []


def test_a_home_with_nothing_at_all_stays_missing_through_the_console_script(tmp_path):
    """BESLUT_HOME naming a folder that is not there (a typo): read-only commands do not make it."""
    home = tmp_path / "hjem-med-tastefejl"
    env = clean_env(home)
    r = beslut("show", "2024-09-11#4", env=env)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == f"beslut: {messages.render('store_absent', path=home / 'beslut.db')}\n"
    r = beslut("meetings", env=env)
    assert r.returncode == 0 and r.stdout == messages.render("no_meetings") + "\n"
    assert not home.exists()


def test_bad_input_is_still_named_first_on_an_empty_home(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("BESLUT_HOME", str(empty_home(tmp_path)))
    code, _, err = cli(capsys, "show", "2024-09-11#x")
    assert code == 1 and "ugyldig punkt-reference" in err
    code, _, err = cli(capsys, "ask", "")
    assert code == 1 and "skriv et spørgsmål" in err


def test_once_something_is_ingested_the_same_commands_answer(capsys, tmp_path, monkeypatch):
    home = empty_home(tmp_path)
    monkeypatch.setenv("BESLUT_HOME", str(home))
    assert cli(capsys, "ingest", "--no-index", str(BUNDLED / "chefforum-2024-09-11.txt"))[0] == 0
    code, out, _ = cli(capsys, "show", "2024-09-11#4")
    assert code == 0 and "2024" in out
    code, out, _ = cli(capsys, "meetings")
    assert code == 0 and "Chefforum" in out
    code, out, _ = cli(capsys, "digest", "--week", str(IsoWeek.of(dt.date(2024, 9, 11))), "--dry-run")
    assert code == 0 and "2024-W37" in out
