"""Operator mistakes at the command line: a wrong --week is a usage error like any other (exit 2, one Danish
line naming the option), and a command that only looks (a dry run, a listing, a look-up, a question) leaves a
BESLUT_HOME without a store as it found it, saying in Danish that nothing is ingested yet where it matters.

Everything goes through the console script's entry (``bot.compose.main``, or ``python -m bot`` in a
subprocess), on real SQLite stores and a fake publication site over real HTTP (tests/site_fakes.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.arguments import week_argument
from bot.compose import main
from bot.core import messages
from bot.digest.week import IsoWeek
from embeddings.errors import BeslutError

from conftest import PROJECT

ENGLISH = ("Traceback", "error:", "Error", "invalid", "usage:")


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """`beslut ARGS` in-process, as the console script runs it: a usage error is SystemExit, as there."""
    try:
        code = main(list(args))
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


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
    """The CLI reads a week as the digest does (bot/digest/week.py), and refuses the ones it cannot run: not
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
