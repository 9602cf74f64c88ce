"""The punkt store: meetings, punkter and their sections, one transaction per source file.

Writes go through ``replace_minutes`` (one file's meeting at once) so a reader or a killed process never
sees half a file. Reads return the domain dataclasses. The store owns only its own tables
(``schema.py``) and their migrations (``migrations/``); chat state lives elsewhere.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from embeddings.db import Database, Migrations
from embeddings.errors import BeslutError
from embeddings.journal import JournalNumber
from embeddings.minutes import Attachment, Meeting, Minutes, Punkt, Section, SectionName, punkt_uid, split_label
from embeddings.store.legacy import legacy_version, upgrade_legacy
from embeddings.store.schema import attachments as A, meetings as M, punkter as P, sections as S, sources as SRC

MINUTES = Migrations("minutes", Path(__file__).with_name("migrations"), "beslut_minutes_version")
LEGACY_REVISION = "m0001"  # what a store made by the pre-Alembic migrations equals
_RACE_RETRIES = 3  # a transaction that lost a race for a unique key (replace_minutes) is run this often


@dataclass(frozen=True)
class MeetingSummary:
    committee: str
    date: dt.date
    location: str | None
    punkter: int
    decisions: int
    source_path: str
    start_time: dt.time | None = None


@dataclass(frozen=True)
class Changed:
    """A punkt whose content was stored at ``changed_at`` (store timestamp) with ``content_hash``."""

    punkt: Punkt
    content_hash: str
    changed_at: str


@dataclass(frozen=True)
class PublishedMeeting:
    """What the store holds of a meeting read from a publication site (for deciding what to fetch)."""

    source_id: str
    date: dt.date
    concluded: bool  # the site called it concluded when it was read
    decided: bool  # at least one punkt has a decision


def stamp(moment: dt.datetime) -> str:
    """An aware datetime as the store writes timestamps: UTC, ISO, microseconds."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def _now() -> str:
    return stamp(dt.datetime.now(dt.timezone.utc))


def open_database(where: Database | Path | str) -> Database:
    return where if isinstance(where, Database) else Database.sqlite(Path(where))


class Store:
    """The minutes store on a Database (a SQLite path is opened as one). Safe for a threaded web process."""

    def __init__(self, where: Database | Path | str) -> None:
        self.db = open_database(where)
        self._migrate()

    @property
    def path(self) -> Path | None:
        return self.db.path

    def close(self) -> None:
        self.db.dispose()

    def _migrate(self) -> None:
        from alembic.util.exc import CommandError

        path = self.db.path
        if (self.db.may_migrate and path is not None and path.exists() and legacy_version(path)
                and self.db.version(MINUTES) is None):
            upgrade_legacy(path)  # a store made before Alembic: finish its own history, then adopt it
            self.db.stamp(MINUTES, LEGACY_REVISION)
        try:
            self.db.migrate(MINUTES)
        except CommandError as e:  # a revision this version does not know: the store is newer
            raise BeslutError("store_newer", path=str(path or self.db), found=self.db.version(MINUTES),
                              known=MINUTES.head()) from e

    # --- writes ----------------------------------------------------------------------------
    def source_known(self, sha256: str, parser: int | None = None) -> bool:
        """True when a file with this content was ingested before (from any path); with ``parser``, only when
        that version of the parser read it (a file an older parser read is read again)."""
        where = [SRC.c.sha256 == sha256] + ([SRC.c.parser == parser] if parser is not None else [])
        with self.db.read() as conn:
            return conn.execute(sa.select(1).where(*where).limit(1)).first() is not None

    def replace_minutes(self, minutes: Minutes, source_path: str, sha256: str, parser: int | None = None) -> bool:
        """Store one file's meeting and punkter, atomically (see _replace). Two processes storing the same meeting
        at once on PostgreSQL both find it missing and both insert it: the loser's transaction fails on the
        meeting's unique key and is run again, and then finds the winner's meeting (SQLite writers take turns)."""
        for attempt in range(_RACE_RETRIES):
            try:
                return self._replace(minutes, source_path, sha256, parser)
            except sa.exc.IntegrityError:
                if attempt == _RACE_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _replace(self, minutes: Minutes, source_path: str, sha256: str, parser: int | None) -> bool:
        """Store one file's meeting and punkter, atomically. A file owns the punkter it holds.

        What this file held before (in this meeting, or in the meeting its earlier header named) is replaced.
        Punkter another file stored in the same meeting (a supplementary agenda) are kept, except those whose
        number this file holds too: the newer file wins for that number. The meeting's own columns (location,
        participants, provenance) stay those of the file that stored it while that file holds punkter in it;
        otherwise they are this file's. A meeting this file leaves with no punkter and no source is deleted.

        ``parser`` is the version of the parser that read the file (source_known).

        Returns True when an earlier version of this file or of one of its punkt numbers was replaced.
        ``first_seen`` of a punkt number that existed before in the meeting is kept, so a corrected file does
        not look like new decisions; its ``changed_at`` is kept too unless its content hash changed (then it is
        now: followers hear of the correction).
        """
        m = minutes.meeting
        start = m.start_time.isoformat() if m.start_time else None
        keys = [(p.number, p.suffix) for p in minutes.punkter]  # a punkt's place: 5, or 5 and ".1"
        own = P.c.source_path == source_path
        file_columns = dict(
            location=m.location, participants=json.dumps(list(m.participants), ensure_ascii=False),
            source_path=source_path, source_sha256=sha256, source_url=m.source_url, source_id=m.source_id,
            concluded=None if m.concluded is None else int(m.concluded))
        with self.db.write() as conn:
            before = conn.execute(sa.select(SRC.c.meeting_id).where(
                SRC.c.path == source_path, SRC.c.meeting_id.is_not(None))).scalar()
            target = conn.execute(sa.select(M.c.id, M.c.source_path).where(
                M.c.committee == m.committee, M.c.date == m.date.isoformat(),
                sa.func.coalesce(M.c.start_time, "") == (start or ""))).first()
            involved = {i for i in (before, target and target[0]) if i is not None}
            involved |= set(conn.execute(sa.select(P.c.meeting_id).where(own).distinct()).scalars())
            if involved:  # punkter stored before they had an owner belong to their meeting's file
                conn.execute(sa.update(P).where(P.c.meeting_id.in_(involved), P.c.source_path.is_(None)).values(
                    source_path=sa.select(M.c.source_path).where(M.c.id == P.c.meeting_id).scalar_subquery()))
            first_seen: dict[tuple[int, str], str] = {}
            changed: dict[tuple[int, str], tuple[str, str]] = {}  # (number, suffix) -> (content hash, changed_at)
            if target is None:
                meeting_id = conn.execute(sa.insert(M).values(
                    committee=m.committee, date=m.date.isoformat(), start_time=start, **file_columns
                ).returning(M.c.id)).scalar_one()
                conn.execute(sa.delete(P).where(own))
            else:
                meeting_id, owner = target
                for number, suffix, seen, digest, changed_at in conn.execute(sa.select(
                        P.c.number, P.c.suffix, P.c.first_seen, P.c.content_hash, P.c.changed_at).where(
                        P.c.meeting_id == meeting_id)):
                    first_seen[number, suffix], changed[number, suffix] = seen, (digest, changed_at)
                conn.execute(sa.delete(P).where(sa.or_(own, sa.and_(P.c.meeting_id == meeting_id,
                                                                     sa.tuple_(P.c.number, P.c.suffix).in_(keys)))))
                if owner == source_path or not self._holds(conn, meeting_id, owner):
                    conn.execute(sa.update(M).where(M.c.id == meeting_id).values(**file_columns))
            replaced = before is not None or any(k in changed for k in keys)
            now = _now()
            for p in minutes.punkter:
                j = p.journal
                digest = p.content_hash
                earlier = changed.get((p.number, p.suffix))
                punkt_id = conn.execute(sa.insert(P).values(
                    meeting_id=meeting_id, number=p.number, suffix=p.suffix, raw_title=p.raw_title, title=p.title,
                    time_slot=p.time_slot, journal=j.raw if j else None, kle_emne=j.emne if j else None,
                    kle_facet=j.facet if j else None, kle_serial=j.serial if j else None,
                    kle_year=j.year if j else None, closed=int(p.closed), content_hash=digest,
                    first_seen=first_seen.get((p.number, p.suffix), now), source_id=p.source_id, source_path=source_path,
                    changed_at=earlier[1] if earlier and earlier[0] == digest else now).returning(P.c.id)).scalar_one()
                if p.sections:
                    conn.execute(sa.insert(S), [{"punkt_id": punkt_id, "position": i, "name": s.name.value,
                                                 "heading": s.heading, "text": s.text}
                                                for i, s in enumerate(p.sections)])
                if p.attachments:
                    conn.execute(sa.insert(A), [{"punkt_id": punkt_id, "position": i, "name": a.name,
                                                 "source_id": a.source_id} for i, a in enumerate(p.attachments)])
            self._upsert_source(conn, source_path, sha256, meeting_id, now, parser)
            for left in involved - {meeting_id}:
                self._settle(conn, left, source_path)
        return replaced

    @staticmethod
    def _holds(conn: Connection, meeting_id: int, path: str) -> bool:
        return conn.execute(sa.select(1).where(P.c.meeting_id == meeting_id, P.c.source_path == path)
                            .limit(1)).first() is not None

    def _settle(self, conn: Connection, meeting_id: int, moved: str) -> None:
        """A meeting the file ``moved`` left (its header now names another meeting): deleted when nothing holds
        it any more; otherwise, if it was that file's, it passes to a file that still holds punkter in it
        (without the moved file's publication id, which now names the other meeting)."""
        row = conn.execute(sa.select(M.c.source_path).where(M.c.id == meeting_id)).first()
        if row is None or row[0] != moved and self._holds(conn, meeting_id, row[0]):
            return
        heir = conn.execute(sa.select(sa.func.min(P.c.source_path)).where(P.c.meeting_id == meeting_id)).scalar()
        if heir is None:
            heir = conn.execute(sa.select(sa.func.min(SRC.c.path)).where(SRC.c.meeting_id == meeting_id)).scalar()
        if heir is None:  # no punkter and no source point at it
            conn.execute(sa.delete(M).where(M.c.id == meeting_id))
            return
        sha = conn.execute(sa.select(SRC.c.sha256).where(SRC.c.path == heir)).scalar()
        conn.execute(sa.update(M).where(M.c.id == meeting_id).values(
            source_path=heir, source_sha256=sha if sha is not None else M.c.source_sha256,
            source_url=None, source_id=None, concluded=None))

    def _upsert_source(self, conn: Connection, path: str, sha256: str, meeting_id: int, now: str,
                       parser: int | None) -> None:
        values = {"sha256": sha256, "meeting_id": meeting_id, "ingested_at": now, "parser": parser}
        if conn.execute(sa.update(SRC).where(SRC.c.path == path).values(**values)).rowcount == 0:
            conn.execute(sa.insert(SRC).values(path=path, **values))

    # --- reads -----------------------------------------------------------------------------
    def meetings(self, held: dt.date | None = None) -> list[MeetingSummary]:
        """Every meeting (or those held on ``held``), by date, committee and start time."""
        decided = sa.exists().where(S.c.punkt_id == P.c.id, S.c.name == SectionName.BESLUTNING.value,
                                    sa.func.trim(S.c.text) != "")
        q = (sa.select(M.c.committee, M.c.date, M.c.location, M.c.source_path, sa.func.count(P.c.id),
                       sa.func.coalesce(sa.func.sum(sa.case((decided, 1), else_=0)), 0), M.c.start_time)
             .select_from(M.outerjoin(P, P.c.meeting_id == M.c.id))
             .group_by(M.c.id).order_by(M.c.date, M.c.committee, sa.func.coalesce(M.c.start_time, "")))
        if held is not None:
            q = q.where(M.c.date == held.isoformat())
        with self.db.read() as conn:
            return [MeetingSummary(c, dt.date.fromisoformat(d), loc, n, dec, src,
                                   dt.time.fromisoformat(start) if start else None)
                    for c, d, loc, src, n, dec, start in conn.execute(q)]

    def remove_meeting(self, committee: str, date: dt.date, start_time: dt.time | None = None) -> int:
        """Delete the meeting ``committee`` held on ``date`` (at ``start_time``), with its punkter, their sections
        and attachments, and forget the files it was read from (so they are read again if ingested again), in
        one transaction. Returns how many punkter went; 0 when there was no such meeting."""
        start = start_time.isoformat() if start_time else None
        with self.db.write() as conn:
            meeting_id = conn.execute(sa.select(M.c.id).where(
                M.c.committee == committee, M.c.date == date.isoformat(),
                sa.func.coalesce(M.c.start_time, "") == (start or ""))).scalar()
            if meeting_id is None:
                return 0
            punkter = conn.execute(sa.delete(P).where(P.c.meeting_id == meeting_id)).rowcount
            # the sources it was read from: change_token changes, so the web process reloads without it
            conn.execute(sa.delete(SRC).where(SRC.c.meeting_id == meeting_id))
            conn.execute(sa.delete(M).where(M.c.id == meeting_id))
            return punkter

    def published(self, source_url: str) -> dict[str, PublishedMeeting]:
        """The meetings stored from the publication site ``source_url``, by their id there."""
        decided = sa.exists().where(S.c.punkt_id == P.c.id, P.c.meeting_id == M.c.id,
                                    S.c.name == SectionName.BESLUTNING.value, sa.func.trim(S.c.text) != "")
        q = sa.select(M.c.source_id, M.c.date, M.c.concluded, decided).where(
            M.c.source_url == source_url, M.c.source_id.is_not(None))
        with self.db.read() as conn:
            return {sid: PublishedMeeting(sid, dt.date.fromisoformat(d), bool(c), bool(dec))
                    for sid, d, c, dec in conn.execute(q)}

    def meetings_on(self, committee: str, date: dt.date) -> int:
        """How many meetings ``committee`` held on ``date`` (more than one: cite the start time)."""
        with self.db.read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(M).where(
                M.c.committee == committee, M.c.date == date.isoformat())).scalar_one()

    def committees(self) -> list[str]:
        with self.db.read() as conn:
            return list(conn.execute(sa.select(M.c.committee).distinct().order_by(M.c.committee)).scalars())

    def counts(self) -> tuple[int, int]:
        with self.db.read() as conn:
            return (conn.execute(sa.select(sa.func.count()).select_from(M)).scalar_one(),
                    conn.execute(sa.select(sa.func.count()).select_from(P)).scalar_one())

    def punkter(self) -> list[Punkt]:
        """Every punkt, by meeting date, committee and number."""
        return self._punkter()

    def held_between(self, first: dt.date, last: dt.date) -> list[Punkt]:
        """Open punkter of meetings held from ``first`` to ``last`` (inclusive)."""
        return self._punkter(M.c.date >= first.isoformat(), M.c.date <= last.isoformat(), P.c.closed == 0)

    def first_seen_between(self, after: str, until: str, held_before: dt.date) -> list[Punkt]:
        """Open punkter first stored in (``after``, ``until``] (store timestamps) of meetings held before
        ``held_before``: minutes that arrived late."""
        return self._punkter(P.c.first_seen > after, P.c.first_seen <= until,
                             M.c.date < held_before.isoformat(), P.c.closed == 0)

    def changed_between(self, after: str, until: str) -> list[Changed]:
        """Open punkter with a decision whose content was first stored or last changed in (``after``,
        ``until``] (store timestamps), oldest change first: what followers may not have heard of yet."""
        decided = sa.exists().where(S.c.punkt_id == P.c.id, S.c.name == SectionName.BESLUTNING.value,
                                    sa.func.trim(S.c.text) != "")
        loaded = self._load(P.c.changed_at > after, P.c.changed_at <= until, P.c.closed == 0, decided,
                            order=(P.c.changed_at, M.c.date, M.c.committee, P.c.number, P.c.suffix))
        return [Changed(p, r["content_hash"], r["changed_at"]) for r, p in loaded if p.decision is not None]

    def get_punkt(self, date: dt.date, number: int, committee: str | None = None,
                  start_time: dt.time | None = None, suffix: str = "") -> list[Punkt]:
        """The punkt(er) numbered ``number`` (and ``suffix``: "5.1") on ``date``; several when meetings share a
        date."""
        where = [M.c.date == date.isoformat(), P.c.number == number, P.c.suffix == suffix]
        if start_time:
            where.append(M.c.start_time == start_time.isoformat())
        found = self._punkter(*where)
        # the committee compared in Python: SQLite's lower() leaves "Ø" as it is ("Økonomiudvalget")
        return [p for p in found if not committee or p.meeting.committee.casefold() == committee.casefold()]

    def get(self, uid: str) -> Punkt | None:
        """The punkt whose ``Punkt.uid`` is ``uid``, as stored now, or None."""
        try:
            committee, date, start, number = uid.rsplit("|", 3)
            day = dt.date.fromisoformat(date).isoformat()
            start = dt.time.fromisoformat(start).isoformat() if start else ""
            n, suffix = split_label(number)
        except ValueError:
            return None
        found = self._punkter(M.c.committee == committee, M.c.date == day,
                              sa.func.coalesce(M.c.start_time, "") == start, P.c.number == n, P.c.suffix == suffix)
        return found[0] if found else None

    def open_keys(self) -> list[tuple[str, str]]:
        """(``Punkt.uid``, ``Punkt.content_hash``) of every open punkt, in the order of ``punkter()``: what
        the index needs to decide what to embed, without reading any text."""
        q = (sa.select(M.c.committee, M.c.date, M.c.start_time, P.c.number, P.c.suffix, P.c.content_hash)
             .select_from(P.join(M, M.c.id == P.c.meeting_id)).where(P.c.closed == 0)
             .order_by(M.c.date, M.c.committee, P.c.number, P.c.suffix))
        with self.db.read() as conn:
            return [(punkt_uid(c, dt.date.fromisoformat(d), dt.time.fromisoformat(t) if t else None, f"{n}{x}"), h)
                    for c, d, t, n, x, h in conn.execute(q)]

    def get_many(self, uids: list[str]) -> list[Punkt]:
        """The punkter whose uids are given, as stored now, in that order; unknown uids are left out."""
        keys = {}
        for uid in uids:
            try:
                committee, date, start, number = uid.rsplit("|", 3)
                keys[uid] = (committee, dt.date.fromisoformat(date).isoformat(),
                             dt.time.fromisoformat(start).isoformat() if start else "", *split_label(number))
            except ValueError:
                continue
        found: dict[str, Punkt] = {}
        wanted = list(keys.values())
        for i in range(0, len(wanted), 100):  # one equality per punkt, so each uses the meetings_key index
            for p in self._punkter(sa.or_(*(sa.and_(M.c.committee == c, M.c.date == d,
                                                    sa.func.coalesce(M.c.start_time, "") == t, P.c.number == n,
                                                    P.c.suffix == x)
                                            for c, d, t, n, x in wanted[i:i + 100]))):
                found[p.uid] = p
        return [found[u] for u in uids if u in found]

    def by_journal(self, journal: str) -> list[Punkt]:
        return self._punkter(P.c.journal == journal)

    def by_kle_prefix(self, prefix: str) -> list[Punkt]:
        """Punkter whose KLE number starts with ``prefix`` (``83.02`` or ``00.01.00-A00``)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self._punkter(P.c.kle_emne.is_not(None), P.c.journal.like(escaped + "%", escape="\\"),
                             order=(P.c.journal, M.c.date, P.c.number, P.c.suffix))

    def _punkter(self, *where, order=None) -> list[Punkt]:
        return [p for _, p in self._load(*where, order=order)]

    def _load(self, *where, order=None) -> list[tuple[dict, Punkt]]:
        """(row, punkt) for the punkter matching ``where``: the row holds the punkter table's columns."""
        q = (sa.select(P, M.c.committee, M.c.date, M.c.start_time, M.c.location, M.c.participants,
                       M.c.source_path, M.c.source_sha256, M.c.source_url,
                       M.c.source_id.label("meeting_source_id"), M.c.concluded)
             .select_from(P.join(M, M.c.id == P.c.meeting_id)).where(*where)
             .order_by(*(order or (M.c.date, M.c.committee, P.c.number, P.c.suffix))))
        with self.db.read() as conn:
            rows = conn.execute(q).mappings().all()
            if not rows:
                return []
            sections: dict[int, list[Section]] = {}
            ids = [r["id"] for r in rows]
            for i in range(0, len(ids), 900):
                for pid, name, heading, text in conn.execute(
                        sa.select(S.c.punkt_id, S.c.name, S.c.heading, S.c.text)
                        .where(S.c.punkt_id.in_(ids[i:i + 900])).order_by(S.c.punkt_id, S.c.position)):
                    sections.setdefault(pid, []).append(Section(SectionName(name), text, heading))
            attachments: dict[int, list[Attachment]] = {}
            for i in range(0, len(ids), 900):
                for pid, name, source_id in conn.execute(
                        sa.select(A.c.punkt_id, A.c.name, A.c.source_id)
                        .where(A.c.punkt_id.in_(ids[i:i + 900])).order_by(A.c.punkt_id, A.c.position)):
                    attachments.setdefault(pid, []).append(Attachment(name, source_id))
        meetings: dict[int, Meeting] = {}
        out = []
        for r in rows:
            meeting = meetings.get(r["meeting_id"])
            if meeting is None:
                meeting = meetings[r["meeting_id"]] = Meeting(
                    committee=r["committee"], date=dt.date.fromisoformat(r["date"]),
                    start_time=dt.time.fromisoformat(r["start_time"]) if r["start_time"] else None,
                    location=r["location"], participants=tuple(json.loads(r["participants"])),
                    source_path=r["source_path"], source_sha256=r["source_sha256"], source_url=r["source_url"],
                    source_id=r["meeting_source_id"],
                    concluded=None if r["concluded"] is None else bool(r["concluded"]))
            journal = None
            if r["journal"]:
                journal = JournalNumber(r["journal"], r["kle_emne"], r["kle_facet"], r["kle_serial"], r["kle_year"])
            out.append((r, Punkt(meeting=meeting, number=r["number"], raw_title=r["raw_title"], title=r["title"],
                                 journal=journal, sections=tuple(sections.get(r["id"], ())),
                                 time_slot=r["time_slot"], closed=bool(r["closed"]), source_id=r["source_id"],
                                 attachments=tuple(attachments.get(r["id"], ())), suffix=r["suffix"])))
        return out

    def change_token(self) -> tuple[int, str | None]:
        """Cheap: changes whenever a source file is ingested or replaced (compare, don't interpret)."""
        with self.db.read() as conn:
            n, last = conn.execute(sa.select(sa.func.count(), sa.func.max(SRC.c.ingested_at))).one()
            return (n, last)

    def fingerprint(self) -> str:
        """A hash of every punkt's identity and content: changes whenever the index must change."""
        h = hashlib.sha256()
        q = (sa.select(M.c.committee, M.c.date, P.c.number, P.c.suffix, P.c.content_hash)
             .select_from(P.join(M, M.c.id == P.c.meeting_id))
             .order_by(M.c.committee, M.c.date, P.c.number, P.c.suffix))
        with self.db.read() as conn:
            for committee, date, number, suffix, digest in conn.execute(q):  # the label: as before suffixes
                h.update("\x1f".join((committee, date, f"{number}{suffix}", digest)).encode() + b"\n")
        return h.hexdigest()

    def integrity_problems(self) -> list[str]:
        """Consistency checks used after crashes: orphans and meetings without a source."""
        problems: list[str] = []
        with self.db.read() as conn:
            if self.db.is_sqlite:
                problems += [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check") if r[0] != "ok"]
                problems += [f"foreign key: {tuple(r)}" for r in conn.exec_driver_sql("PRAGMA foreign_key_check")]
            n = conn.execute(sa.select(sa.func.count()).select_from(M).where(
                ~sa.exists().where(SRC.c.meeting_id == M.c.id))).scalar_one()
        if n:
            problems.append(f"{n} meetings without a source row")
        return problems
