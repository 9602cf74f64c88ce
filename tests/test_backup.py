"""`beslut backup FILE` (README "Operations"): a SQLite copy taken while the database is in use, that opens as
a store with the same meetings and chat state; refused for PostgreSQL (pg_dump); never a half-written FILE."""
from __future__ import annotations

import datetime as dt
import sqlite3

from bot.compose import main
from bot.core import messages
from bot.core.results import DigestStatus
from bot.digest.ledger import DigestLedger
from bot.settings import Settings
from embeddings.store import Store


def test_the_backup_opens_as_a_store_with_the_same_meetings_and_chat_state(home, monkeypatch, capsys):
    monkeypatch.setenv("BESLUT_HOME", str(home))
    live = Store(Settings(home=home).store_path)
    now = dt.datetime(2024, 9, 16, 8, tzinfo=dt.timezone.utc)
    ledger = DigestLedger(live.db)
    assert ledger.claim("2024-W37", "slack:C9", now)
    ledger.finish("2024-W37", "slack:C9", DigestStatus.POSTED, now, items=8)
    meetings, counts = live.meetings(), live.counts()
    writer = sqlite3.connect(live.path, timeout=1)  # a writer in the middle of a transaction
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM punkter")
    target = home.parent / "beslut-backup.db"
    try:
        assert main(["backup", str(target)]) == 0  # does not wait for the writer
    finally:
        writer.rollback()
        writer.close()
    out = capsys.readouterr().out
    assert out.startswith(f"backup skrevet til {target} (")
    assert sorted(p.name for p in target.parent.iterdir() if p.name.startswith("beslut-backup")) == \
        ["beslut-backup.db"]  # one file: no .tmp, no -wal beside it
    copy = Store(target)
    assert copy.meetings() == meetings and copy.counts() == counts  # the uncommitted delete is not in it
    assert DigestLedger(copy.db).get("2024-W37", "slack:C9").status is DigestStatus.POSTED
    assert copy.integrity_problems() == []
    copy.close()
    live.close()


def test_with_database_url_the_backup_is_refused_and_points_to_pg_dump(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://beslut:hemmelig@db.example:5432/beslut")
    assert main(["backup", str(tmp_path / "b.db")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "beslut: " + messages.render("backup_needs_sqlite") and "pg_dump" in err
    assert "hemmelig" not in err and not (tmp_path / "b.db").exists()


def test_a_failed_backup_leaves_the_previous_file_as_it_was(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    (home / "beslut.db").write_bytes(b"this is not a database, it is broken " * 200)
    monkeypatch.setenv("BESLUT_HOME", str(home))
    target = tmp_path / "backup.db"
    target.write_bytes(b"last night's backup")
    assert main(["backup", str(target)]) == 1
    assert "backup til" in capsys.readouterr().err and target.read_bytes() == b"last night's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db", "home"]


def test_backup_names_what_is_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BESLUT_HOME", str(tmp_path / "empty"))
    assert main(["backup", str(tmp_path / "b.db")]) == 1
    assert "der er ingen database at tage backup af" in capsys.readouterr().err
    assert not (tmp_path / "empty").exists()  # nothing was created by looking
