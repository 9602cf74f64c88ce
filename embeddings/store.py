"""The punkt store: SQLite (WAL), schema versioned and migrated, one transaction per source file.

Writes go through ``replace_minutes`` (a whole meeting at once) so a reader or a killed process never
sees half a meeting. Reads return the domain dataclasses.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from embeddings.errors import BeslutError
from embeddings.closed import is_closed
from embeddings.journal import JournalNumber
from embeddings.minutes import Meeting, Minutes, Punkt, Section, SectionName, content_hash
from embeddings.ingest.sections import clean_title

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
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class MeetingSummary:
    committee: str
    date: dt.date
    location: str | None
    punkter: int
    decisions: int
    source_path: str


def stamp(moment: dt.datetime) -> str:
    """An aware datetime as the store writes timestamps: UTC, ISO, microseconds."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def _now() -> str:
    return stamp(dt.datetime.now(dt.timezone.utc))


class Store:
    """SQLite-backed punkt store. One connection per thread; safe for a threaded web process."""

    def __init__(self, path: Path, migrations: list[Migration] | None = None) -> None:
        self.path = Path(path)
        self._migrations = MIGRATIONS if migrations is None else migrations
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._migrate()

    # --- connection and transactions -------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _migrate(self) -> None:
        # Foreign keys are off while tables are rebuilt (SQLite's documented procedure; the pragma has no
        # effect inside a transaction), and checked before the migration commits.
        conn = self.connect()
        conn.execute("PRAGMA foreign_keys=OFF")
        try:
            with self.transaction() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > len(self._migrations):
                    raise BeslutError("store_newer", path=str(self.path), found=version,
                                      known=len(self._migrations))
                for i in range(version, len(self._migrations)):  # executescript would COMMIT: split
                    step = self._migrations[i]
                    if callable(step):
                        step(conn)
                    else:
                        for stmt in _statements(step):
                            conn.execute(stmt)
                    conn.execute(f"PRAGMA user_version = {i + 1}")
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise RuntimeError(f"migrating {self.path} broke a foreign key")
        finally:
            conn.execute("PRAGMA foreign_keys=ON")

    @property
    def schema_version(self) -> int:
        return self.connect().execute("PRAGMA user_version").fetchone()[0]

    # --- writes ----------------------------------------------------------------------------
    def source_known(self, sha256: str) -> bool:
        """True when a file with this content was ingested before (from any path)."""
        row = self.connect().execute("SELECT 1 FROM sources WHERE sha256 = ? LIMIT 1", (sha256,)).fetchone()
        return row is not None

    def replace_minutes(self, minutes: Minutes, source_path: str, sha256: str) -> bool:
        """Store one file's meeting, replacing what that file or that meeting held before, atomically.

        Returns True when an earlier version was replaced. ``first_seen`` of a punkt number that
        existed before is kept, so a corrected file does not look like new decisions.
        """
        m = minutes.meeting
        with self.transaction() as conn:
            old_ids = {r[0] for r in conn.execute(
                "SELECT meeting_id FROM sources WHERE path = ? AND meeting_id IS NOT NULL", (source_path,))}
            start = m.start_time.isoformat() if m.start_time else None
            same = conn.execute("SELECT id FROM meetings WHERE committee = ? AND date = ?"
                                " AND COALESCE(start_time, '') = COALESCE(?, '')",
                                (m.committee, m.date.isoformat(), start)).fetchone()
            first_seen: dict[int, str] = {}
            if same:
                old_ids.add(same[0])
                first_seen = dict(conn.execute("SELECT number, first_seen FROM punkter WHERE meeting_id = ?", same))
            for mid in old_ids:
                conn.execute("DELETE FROM meetings WHERE id = ?", (mid,))
            cur = conn.execute(
                "INSERT INTO meetings (committee, date, start_time, location, participants, source_path,"
                " source_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (m.committee, m.date.isoformat(), start, m.location,
                 json.dumps(list(m.participants), ensure_ascii=False), source_path, sha256))
            meeting_id = cur.lastrowid
            now = _now()
            for p in minutes.punkter:
                j = p.journal
                cur = conn.execute(
                    "INSERT INTO punkter (meeting_id, number, raw_title, title, time_slot, journal, kle_emne,"
                    " kle_facet, kle_serial, kle_year, closed, content_hash, first_seen)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (meeting_id, p.number, p.raw_title, p.title, p.time_slot, j.raw if j else None,
                     j.emne if j else None, j.facet if j else None, j.serial if j else None,
                     j.year if j else None, int(p.closed), p.content_hash, first_seen.get(p.number, now)))
                conn.executemany(
                    "INSERT INTO sections (punkt_id, position, name, heading, text) VALUES (?, ?, ?, ?, ?)",
                    [(cur.lastrowid, i, s.name.value, s.heading, s.text) for i, s in enumerate(p.sections)])
            conn.execute(
                "INSERT INTO sources (path, sha256, meeting_id, ingested_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(path) DO UPDATE SET sha256 = excluded.sha256, meeting_id = excluded.meeting_id,"
                " ingested_at = excluded.ingested_at",
                (source_path, sha256, meeting_id, now))
        return bool(old_ids)

    # --- reads -----------------------------------------------------------------------------
    def meetings(self) -> list[MeetingSummary]:
        rows = self.connect().execute(
            "SELECT m.committee, m.date, m.location, m.source_path, COUNT(p.id) AS n,"
            " COALESCE(SUM(EXISTS (SELECT 1 FROM sections s WHERE s.punkt_id = p.id AND s.name = 'Beslutning'"
            " AND trim(s.text) != '')), 0)"
            " AS d FROM meetings m LEFT JOIN punkter p ON p.meeting_id = m.id"
            " GROUP BY m.id ORDER BY m.date, m.committee").fetchall()
        return [MeetingSummary(r["committee"], dt.date.fromisoformat(r["date"]), r["location"], r["n"], r["d"],
                               r["source_path"]) for r in rows]

    def committees(self) -> list[str]:
        return [r[0] for r in self.connect().execute("SELECT DISTINCT committee FROM meetings ORDER BY committee")]

    def counts(self) -> tuple[int, int]:
        conn = self.connect()
        return (conn.execute("SELECT COUNT(*) FROM meetings").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM punkter").fetchone()[0])

    def punkter(self, where: str = "1", params: tuple = (), order: str = "m.date, m.committee, p.number") -> list[Punkt]:
        """Punkter matching an SQL condition over ``p`` (punkter) and ``m`` (meetings)."""
        conn = self.connect()
        rows = conn.execute(
            "SELECT p.*, m.committee, m.date, m.start_time, m.location, m.participants, m.source_path,"
            f" m.source_sha256 FROM punkter p JOIN meetings m ON m.id = p.meeting_id WHERE {where} ORDER BY {order}",
            params).fetchall()
        if not rows:
            return []
        sections: dict[int, list[Section]] = {}
        ids = [r["id"] for r in rows]
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            for s in conn.execute(
                    f"SELECT punkt_id, name, heading, text FROM sections WHERE punkt_id IN ({','.join('?' * len(chunk))})"
                    " ORDER BY punkt_id, position", chunk):
                sections.setdefault(s[0], []).append(Section(SectionName(s[1]), s[3], s[2]))
        meetings: dict[int, Meeting] = {}
        out = []
        for r in rows:
            meeting = meetings.get(r["meeting_id"])
            if meeting is None:
                meeting = meetings[r["meeting_id"]] = Meeting(
                    committee=r["committee"], date=dt.date.fromisoformat(r["date"]),
                    start_time=dt.time.fromisoformat(r["start_time"]) if r["start_time"] else None,
                    location=r["location"], participants=tuple(json.loads(r["participants"])),
                    source_path=r["source_path"], source_sha256=r["source_sha256"])
            journal = None
            if r["journal"]:
                journal = JournalNumber(r["journal"], r["kle_emne"], r["kle_facet"], r["kle_serial"], r["kle_year"])
            out.append(Punkt(meeting=meeting, number=r["number"], raw_title=r["raw_title"], title=r["title"],
                             journal=journal, sections=tuple(sections.get(r["id"], ())),
                             time_slot=r["time_slot"], closed=bool(r["closed"])))
        return out

    def get_punkt(self, date: dt.date, number: int, committee: str | None = None,
                  start_time: dt.time | None = None) -> list[Punkt]:
        """The punkt(er) numbered ``number`` on ``date``; several when meetings share a date."""
        where, params = "m.date = ? AND p.number = ?", [date.isoformat(), number]
        if committee:
            where += " AND lower(m.committee) = lower(?)"
            params.append(committee)
        if start_time:
            where += " AND m.start_time = ?"
            params.append(start_time.isoformat())
        return self.punkter(where, tuple(params))

    def get(self, uid: str) -> Punkt | None:
        """The punkt whose ``Punkt.uid`` is ``uid``, as stored now, or None."""
        try:
            committee, date, start, number = uid.rsplit("|", 3)
            key = (committee, dt.date.fromisoformat(date).isoformat(),
                   dt.time.fromisoformat(start).isoformat() if start else "", int(number))
        except ValueError:
            return None
        found = self.punkter("m.committee = ? AND m.date = ? AND COALESCE(m.start_time, '') = ? AND p.number = ?", key)
        return found[0] if found else None

    def by_journal(self, journal: str) -> list[Punkt]:
        return self.punkter("p.journal = ?", (journal,))

    def by_kle_prefix(self, prefix: str) -> list[Punkt]:
        """Punkter whose KLE number starts with ``prefix`` (``83.02`` or ``00.01.00-A00``)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self.punkter("p.kle_emne IS NOT NULL AND p.journal LIKE ? ESCAPE '\\'", (escaped + "%",),
                            order="p.journal, m.date, p.number")

    def change_token(self) -> tuple[int, str | None]:
        """Cheap: changes whenever a source file is ingested or replaced (compare, don't interpret)."""
        row = self.connect().execute("SELECT COUNT(*), MAX(ingested_at) FROM sources").fetchone()
        return (row[0], row[1])

    def fingerprint(self) -> str:
        """A hash of every punkt's identity and content: changes whenever the index must change."""
        h = hashlib.sha256()
        for row in self.connect().execute(
                "SELECT m.committee, m.date, p.number, p.content_hash FROM punkter p JOIN meetings m"
                " ON m.id = p.meeting_id ORDER BY m.committee, m.date, p.number"):
            h.update("\x1f".join(map(str, row)).encode() + b"\n")
        return h.hexdigest()

    def integrity_problems(self) -> list[str]:
        """Consistency checks used after crashes: orphans and meetings without a source."""
        conn = self.connect()
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"foreign key: {tuple(r)}" for r in conn.execute("PRAGMA foreign_key_check")]
        n = conn.execute("SELECT COUNT(*) FROM meetings m WHERE NOT EXISTS"
                         " (SELECT 1 FROM sources s WHERE s.meeting_id = m.id)").fetchone()[0]
        if n:
            problems.append(f"{n} meetings without a source row")
        return problems


def _statements(script: str) -> list[str]:
    """Split a migration script on ';' (our migrations contain no ';' inside literals)."""
    return [s.strip() for s in script.split(";") if s.strip()]
