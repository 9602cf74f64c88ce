"""Ingesting files and folders: formats by content, bad input named clearly, nothing half-written."""
from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.compose import main
from embeddings.ingest.files import FileStatus, ingest_paths
from embeddings.store import Store

from conftest import BUNDLED, PROJECT


def run_cli(*args: str) -> int:
    return main(list(args))


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "home" / "beslut.db")


def test_bundled_minutes(store):
    report = ingest_paths(store, [BUNDLED])
    assert report.count(FileStatus.NEW) == 5 and not report.failed
    assert (report.meetings, report.punkter) == (5, 36)
    again = ingest_paths(store, [BUNDLED])
    assert again.count(FileStatus.UNCHANGED) == 5 and not again.changed_anything


def test_changed_file_replaces_its_meeting(store, tmp_path):
    src = tmp_path / "cf.txt"
    text = (BUNDLED / "chefforum-2024-09-11.txt").read_text(encoding="utf-8")
    src.write_text(text, encoding="utf-8")
    ingest_paths(store, [src])
    src.write_text(text.replace("Chefforum besluttede, at beslutningen fra ØU om telefontider",
                                "Chefforum besluttede, at beslutningen fra Økonomiudvalget om telefontider"), encoding="utf-8")
    report = ingest_paths(store, [src])
    assert report.outcomes[0].status is FileStatus.CHANGED and report.punkter == 8
    (p,) = store.by_journal("83.02.00-A00-1-23")
    assert "fra Økonomiudvalget om telefontider" in p.decision


def test_a_file_an_older_parser_read_is_read_again(database, tmp_path):
    """Upgrading brings parsing fixes to files already stored: a source an older parser read (parser NULL, as
    every source stored before m0008) is read again by the next ingest, not skipped as unchanged; one the
    current parser read is skipped."""
    import sqlalchemy

    src = tmp_path / "buu.txt"
    src.write_text("REFERAT Børne- og Ungeudvalget (BUU) d. 18-03-2026\n\nPunkt 1: Normering\n\nBeslutning\n\n"
                   "Godkendt.\n\nFraværende:\nLars Eg (V)\n", encoding="utf-8")
    store = Store(database)
    assert ingest_paths(store, [src]).outcomes[0].status is FileStatus.NEW
    with database.write() as conn:  # as an older parser stored it
        conn.execute(sqlalchemy.text("UPDATE sources SET parser = NULL"))
        conn.execute(sqlalchemy.text("UPDATE meetings SET committee = 'Børne- og Ungeudvalget (BUU)'"))
        conn.execute(sqlalchemy.text("UPDATE sections SET text = 'Godkendt.' || char(10) || 'Fraværende:' "
                                     "WHERE name = 'Beslutning'") if database.url.get_backend_name() == "sqlite"
                     else sqlalchemy.text("UPDATE sections SET text = 'Godkendt.' || chr(10) || 'Fraværende:' "
                                          "WHERE name = 'Beslutning'"))
    assert ingest_paths(store, [src]).outcomes[0].status is FileStatus.CHANGED
    (p,) = store.punkter()
    assert (p.meeting.committee, p.decision) == ("Børne- og Ungeudvalget", "Godkendt.")
    assert [m.committee for m in store.meetings()] == ["Børne- og Ungeudvalget"]
    assert ingest_paths(store, [src]).outcomes[0].status is FileStatus.UNCHANGED


BAD = {
    "empty.txt": b"",
    "blank.txt": b"\n \n",
    "binary.bin": bytes(range(256)) * 4,
    "truncated.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog",
    "noheaders.txt": "REFERAT Chefforum d. 01-02-2023\n\nBare noget tekst uden punkter.\n".encode(),
    "noreferat.txt": "Et brev til borgerne.\n\nPunkt 1: Noget\n".encode(),
    "dup.txt": ("REFERAT Chefforum d. 01-02-2023\n\nPunkt 1: CF - A\n\nBeslutning\n\nOK.\n\n"
                "Punkt 1: CF - B\n\nBeslutning\n\nOK.\n").encode(),
    "other.json": b'{"hello": "world"}',
    "broken.json": b'{"Udvalg": ',
}


def test_bad_files_named_and_others_still_ingested(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in BAD.items():
        (folder / name).write_bytes(data)
    (folder / "good.txt").write_bytes((BUNDLED / "chefforum-2021-03-17.txt").read_bytes())
    code = run_cli("ingest", "--no-index", str(folder))
    out, err = capsys.readouterr()
    assert code == 1
    lines = [x for x in err.splitlines() if x.strip()]
    for name in BAD:
        named = [x for x in lines if name in x]
        assert len(named) == 1, (name, lines)
    assert "dup.txt, linje 9" in err and "punkt nummer 1" in err
    assert "1 nye" in out and f"{len(BAD)} fejlede" in out and "7 punkter i alt i 1 møder" in out


def test_cp1252_is_read_with_a_warning(tmp_path, capsys):
    text = (BUNDLED / "chefforum-2021-03-17.txt").read_text(encoding="utf-8")
    f = tmp_path / "windows.txt"
    f.write_bytes(text.encode("cp1252", errors="replace"))
    assert run_cli("ingest", "--no-index", str(f)) == 0
    err = capsys.readouterr().err
    assert "windows.txt" in err and "Windows-1252" in err
    assert Store(Path(os.environ["BESLUT_HOME"]) / "beslut.db").get_punkt(
        dt.date(2021, 3, 17), 1)[0].title == "Godkendelse af dagsorden og referat"


def test_meetings_and_show(capsys):
    assert run_cli("ingest", "--no-index") == 0
    capsys.readouterr()
    assert run_cli("meetings") == 0
    out = capsys.readouterr().out
    assert out.count("Chefforum") == 5 and "11. september 2024" in out
    # "Evt." with a Beslutning of only "." has no decision (2021-01-21 punkt 5, 2021-03-17 punkt 7)
    assert "21. januar 2021, Teams · 5 punkter, 4 med beslutning" in out
    assert "17. marts 2021, Mødelokale 1 · 7 punkter, 6 med beslutning" in out
    assert run_cli("show", "2024-09-11#4") == 0
    out = capsys.readouterr().out
    assert "83.02.00-A00-1-23" in out and "telefontider" in out
    assert run_cli("show", "Chefforum", "2024-09-11#4", "--json") == 0
    import json
    d = json.loads(capsys.readouterr().out)
    assert d["case_number"] == "83.02.00-A00-1-23" and d["item_number"] == 4 and d["decision"]
    assert run_cli("show", "2024-09-11#99") == 1
    assert run_cli("show", "11-09-2024#4") == 1
    assert "ÅÅÅÅ-MM-DD#N" in capsys.readouterr().err


def test_two_meetings_on_one_day_are_listed_and_shown_apart(tmp_path, capsys):
    """`meetings` names the start time of a committee that met twice that day, "1 punkt" in the singular; `show`
    finds a committee whose name starts with Ø (SQLite's lower() does not fold it) and cites the start time."""
    src = tmp_path / "referater"
    src.mkdir()
    for name, start, title in (("morgen.txt", "08:00", "Anlægsoversigt"), ("aften.txt", "17:00", "Vinterbad")):
        (src / name).write_text(f"REFERAT Økonomiudvalget d. 15-04-2026\n\nMødedato 15-04-2026 kl. {start}\n\n"
                                     f"Punkt 1: {title}\n\nBeslutning\n\nGodkendt.\n", encoding="utf-8")
    assert run_cli("ingest", "--no-index", str(src)) == 0
    capsys.readouterr()
    assert run_cli("meetings") == 0
    out = capsys.readouterr().out
    assert "Økonomiudvalget · 15. april 2026 kl. 8.00 · 1 punkt, 1 med beslutning" in out
    assert "Økonomiudvalget · 15. april 2026 kl. 17.00 · 1 punkt, 1 med beslutning" in out
    assert run_cli("show", "økonomiudvalget", "2026-04-15T17:00#1") == 0
    assert "Vinterbad\nØkonomiudvalget · 15. april 2026 kl. 17.00 · punkt 1" in capsys.readouterr().out
    assert run_cli("show", "Økonomiudvalget", "2026-04-15#1") == 1
    assert "angiv mødets starttid" in capsys.readouterr().err


def test_sigkill_mid_ingest_leaves_a_consistent_store(tmp_path):
    """Kill an ingest process while it writes; the store holds whole meetings only and a re-run completes."""
    folder = tmp_path / "many"
    folder.mkdir()
    seeds = sorted(BUNDLED.iterdir())
    n_files = 400  # distinct meetings: same texts, other dates, so each file is a new meeting
    for i in range(n_files):
        src = seeds[i % len(seeds)].read_text(encoding="utf-8")
        day = (dt.date(2030, 1, 1) + dt.timedelta(days=i)).strftime("%d-%m-%Y")
        src = re.sub(r"REFERAT (\w+) d\. \d{2}-\d{2}-\d{4}", rf"REFERAT \1 d. {day}", src, count=1)
        (folder / f"m{i:03d}.txt").write_text(src, encoding="utf-8")
    env = {**os.environ, "BESLUT_HOME": str(tmp_path / "home")}
    db = tmp_path / "home" / "beslut.db"
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ingest", "--no-index", str(folder)], env=env,
                            cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    killed = False
    while time.time() < deadline and proc.poll() is None:
        if db.exists():
            n = Store(db).counts()[0]
            if n >= 5:
                proc.send_signal(signal.SIGKILL)
                killed = True
                break
        time.sleep(0.01)
    proc.wait()
    assert killed, "ingest finished before it could be killed; make the corpus larger"
    store = Store(db)
    assert store.integrity_problems() == []
    meetings, punkter = store.counts()
    assert 5 <= meetings < n_files
    # Every stored meeting is whole: as many punkter as its source. Seeds sorted by name:
    # 2021-01-21 (5), 2021-03-17 (7), 2021-09-02 (9), 2022-11-09 (7), 2024-09-11 (8).
    expected = {str((folder / f"m{i:03d}.txt").resolve()): [5, 7, 9, 7, 8][i % 5] for i in range(n_files)}
    for m in store.meetings():
        assert m.punkter == expected[m.source_path], m.source_path
    rerun = subprocess.run([sys.executable, "-m", "bot", "ingest", "--no-index", str(folder)], env=env,
                           cwd=PROJECT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert Store(db).counts()[0] == n_files and Store(db).integrity_problems() == []
