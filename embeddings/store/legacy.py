"""The store's migrations from before Alembic: SQLite only, run on stores that carry ``PRAGMA user_version``.

Kept so a store made by an earlier beslut opens: its versions 1-4 are applied as they always were (3 rebuilds
the meetings table; 4 re-applies the closed rule), then ``embeddings.store`` stamps it at the first Alembic
revision, whose tables equal these. The chat tables of version 2 belong to the chat state now (its first
revision adopts them). Released entries are never edited.
"""
from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

from embeddings.closed import is_closed
from embeddings.errors import BeslutError
from embeddings.ingest.sections import clean_title
from embeddings.minutes import content_hash

Migration = str | Callable[[sqlite3.Connection], None]


def recheck_closed(conn: sqlite3.Connection) -> None:
    """Apply the closed rule (embeddings/closed.py) to every stored open punkt: one that it closes loses its
    text, its title loses the marker and its content hash changes (so the index drops it). Repairs a store
    filled by an importer whose rule missed a marker, without re-ingesting. Re-run by a new migration
    whenever the rule learns a marker."""
    for pid, raw_title, journal in conn.execute("SELECT id, raw_title, journal FROM punkter WHERE closed = 0")\
            .fetchall():
        texts = [r[0] for r in conn.execute("SELECT text FROM sections WHERE punkt_id = ? ORDER BY position", (pid,))]
        if is_closed([raw_title], texts):
            title = clean_title(raw_title)[0]
            conn.execute("DELETE FROM sections WHERE punkt_id = ?", (pid,))
            conn.execute("UPDATE punkter SET closed = 1, title = ?, content_hash = ? WHERE id = ?",
                         (title, content_hash(title, journal, True, []), pid))


# Each entry migrates from version i to i+1: SQL, or a function run inside the migration's transaction.
# Never edit a released entry: append a new one.
MIGRATIONS: list[Migration] = [
    """
    CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        committee TEXT NOT NULL,
        date TEXT NOT NULL,
        start_time TEXT,
        location TEXT,
        participants TEXT NOT NULL DEFAULT '[]',
        source_path TEXT NOT NULL,
        source_sha256 TEXT NOT NULL,
        UNIQUE (committee, date)
    );
    CREATE TABLE punkter (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        raw_title TEXT NOT NULL,
        title TEXT NOT NULL,
        time_slot TEXT,
        journal TEXT,
        kle_emne TEXT,
        kle_facet TEXT,
        kle_serial INTEGER,
        kle_year INTEGER,
        closed INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        UNIQUE (meeting_id, number)
    );
    CREATE INDEX punkter_journal ON punkter(journal);
    CREATE INDEX punkter_first_seen ON punkter(first_seen);
    CREATE TABLE sections (
        punkt_id INTEGER NOT NULL REFERENCES punkter(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        heading TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (punkt_id, position)
    );
    CREATE TABLE sources (
        path TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX sources_sha ON sources(sha256);
    """,
    # 2: chat state. The digest ledger claims (week, channel) before posting so restarts and two
    # workers post once; seen_events de-duplicates Slack retries; Teams conversation references are
    # stored when the bot is added, for the proactive digest.
    """
    CREATE TABLE digest_ledger (
        week TEXT NOT NULL,
        channel TEXT NOT NULL,
        status TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        finished_at TEXT,
        items INTEGER,
        PRIMARY KEY (week, channel)
    );
    CREATE TABLE seen_events (
        event_id TEXT PRIMARY KEY,
        seen_at TEXT NOT NULL
    );
    CREATE TABLE teams_conversations (
        conversation_id TEXT PRIMARY KEY,
        reference TEXT NOT NULL,
        added_at TEXT NOT NULL
    );
    """,
    # 3: a committee can meet twice on one day (an extraordinary meeting before the ordinary one): a
    # meeting is committee + date + start time. SQLite cannot drop a UNIQUE constraint, so the table is
    # rebuilt (foreign keys are off while migrations run; see _migrate).
    """
    CREATE TABLE meetings_v3 (
        id INTEGER PRIMARY KEY,
        committee TEXT NOT NULL,
        date TEXT NOT NULL,
        start_time TEXT,
        location TEXT,
        participants TEXT NOT NULL DEFAULT '[]',
        source_path TEXT NOT NULL,
        source_sha256 TEXT NOT NULL
    );
    INSERT INTO meetings_v3 SELECT id, committee, date, start_time, location, participants, source_path,
        source_sha256 FROM meetings;
    DROP TABLE meetings;
    ALTER TABLE meetings_v3 RENAME TO meetings;
    CREATE UNIQUE INDEX meetings_key ON meetings(committee, date, COALESCE(start_time, ''));
    """,
    # 4: the closed rule learnt committee prefixes, every dash, "(Lukket)" and section first lines: punkter
    # stored open by the old rule are closed now.
    recheck_closed,
]


def legacy_version(path: Path) -> int:
    """``PRAGMA user_version`` of a SQLite store (0: new, or made after Alembic)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:  # sqlite3's own `with` commits, it does not close
        return conn.execute("PRAGMA user_version").fetchone()[0]


def upgrade_legacy(path: Path, migrations: list[Migration] = MIGRATIONS) -> None:
    """Apply the pre-Alembic migrations a store still lacks, in one transaction (foreign keys off meanwhile,
    checked before the commit: SQLite's documented procedure for rebuilding tables)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(migrations):
                raise BeslutError("store_newer", path=str(path), found=version, known=len(migrations))
            for i in range(version, len(migrations)):  # executescript would COMMIT: split
                step = migrations[i]
                if callable(step):
                    step(conn)
                else:
                    for stmt in (x.strip() for x in step.split(";")):
                        if stmt:
                            conn.execute(stmt)
                conn.execute(f"PRAGMA user_version = {i + 1}")
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise RuntimeError(f"migrating {path} broke a foreign key")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()
