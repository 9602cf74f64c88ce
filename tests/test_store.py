"""The SQLite punkt store: round trip, replacement, migrations, look-ups (real SQLite files)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3

import pytest
import sqlalchemy

from embeddings.errors import BeslutError
from embeddings.journal import JournalNumber
from embeddings.minutes import EXAMPLE_MEETING, EXAMPLE_PUNKT, Meeting, Minutes, Punkt, Section, SectionName
from embeddings.store import MINUTES, Store
from embeddings.store.legacy import MIGRATIONS as LEGACY, upgrade_legacy
from bot.core import messages


def minutes(date=dt.date(2024, 9, 11), committee="Chefforum", titles=("Telefontider", "Tidsregistrering"),
            decision="Godkendt.") -> Minutes:
    m = Meeting(committee, date, dt.time(9), "915", ("A (chef)",), "x.txt", "")
    return Minutes(m, tuple(
        Punkt(m, i + 1, f"CF - {t}", t, JournalNumber.parse(f"83.02.00-A00-{i + 1}-23"),
              (Section(SectionName.INDSTILLING, "at det godkendes"), Section(SectionName.BESLUTNING, decision)))
        for i, t in enumerate(titles)))


@pytest.fixture
def store(database):
    """The store contract runs on both backends (conftest ``database``: SQLite and PostgreSQL)."""
    return Store(database)


def first_seen(store: Store) -> dict[int, str]:
    with store.db.read() as conn:
        return dict(conn.execute(sqlalchemy.text("SELECT number, first_seen FROM punkter")).all())


def test_round_trip_returns_equal_dataclasses(store):
    mins = minutes()
    assert store.replace_minutes(mins, "/src/a.txt", "sha-a") is False
    got = store.punkter()
    expected = [dataclasses.replace(p, meeting=dataclasses.replace(p.meeting, source_path="/src/a.txt",
                                                                   source_sha256="sha-a")) for p in mins.punkter]
    assert got == expected
    assert got[0].journal.is_kle and got[0].journal.year == 2023


def test_example_punkt_round_trips(store):
    store.replace_minutes(Minutes(EXAMPLE_MEETING, (EXAMPLE_PUNKT,)), "e.txt", "e")
    (p,) = store.get_punkt(dt.date(2024, 9, 11), 4)
    assert p.decision == EXAMPLE_PUNKT.decision and p.journal == EXAMPLE_PUNKT.journal


def test_changed_file_replaces_meeting_and_keeps_first_seen(store):
    store.replace_minutes(minutes(), "/src/a.txt", "v1")
    seen1 = first_seen(store)
    assert store.replace_minutes(minutes(titles=("Telefontider", "Tidsregistrering", "Nyt punkt"),
                                         decision="Ændret."), "/src/a.txt", "v2") is True
    rows = first_seen(store)
    assert rows[1] == seen1[1] and rows[2] == seen1[2] and rows[3] > seen1[2]
    assert [p.decision for p in store.punkter()] == ["Ændret."] * 3
    assert store.counts() == (1, 3)
    assert store.source_known("v2") and not store.source_known("v1")


def changed_at(store: Store) -> dict[int, str]:
    with store.db.read() as conn:
        return dict(conn.execute(sqlalchemy.text("SELECT number, changed_at FROM punkter")).all())


def test_changed_at_moves_only_when_a_punkts_content_changes(store):
    """What followers are told of (bot/notify/): punkter stored or changed since they last looked."""
    store.replace_minutes(minutes(), "/src/a.txt", "v1")
    first = changed_at(store)
    assert first == first_seen(store)
    start, until = "0", max(first.values())
    assert [(c.punkt.number, c.content_hash) for c in store.changed_between(start, until)] == [
        (p.number, p.content_hash) for p in minutes().punkter]
    store.replace_minutes(minutes(), "/src/a.txt", "v1-again")  # the same content again: nothing changed
    assert changed_at(store) == first and store.changed_between(until, "9") == []
    corrected = minutes(titles=("Telefontider", "Tidsregistrering", "Nyt punkt"))
    corrected = Minutes(corrected.meeting, (corrected.punkter[0], dataclasses.replace(
        corrected.punkter[1], sections=(Section(SectionName.BESLUTNING, "Rettet beslutning."),)),
        corrected.punkter[2]))
    store.replace_minutes(corrected, "/src/a.txt", "v2")
    now = changed_at(store)
    assert now[1] == first[1] and now[2] > first[2] and now[3] > first[2]  # kept; corrected; new
    assert first_seen(store)[2] == first[2]  # first_seen stays as it is
    assert [(c.punkt.number, c.punkt.decision) for c in store.changed_between(until, "9")] == [
        (2, "Rettet beslutning."), (3, "Godkendt.")]


def test_a_store_from_before_changed_at_starts_it_at_first_seen(tmp_path):
    from alembic import command

    from embeddings.db import Database

    db = Database.sqlite(tmp_path / "m2.db")
    with db.write() as conn:  # a store migrated by the previous beslut (revision m0002), holding one punkt
        command.upgrade(MINUTES.config(conn), "m0002")
        conn.execute(sqlalchemy.text("INSERT INTO meetings (committee, date, participants, source_path, source_sha256)"
                                     " VALUES ('Chefforum', '2024-09-11', '[]', 'a.txt', 'a')"))
        conn.execute(sqlalchemy.text("INSERT INTO punkter (meeting_id, number, raw_title, title, closed, "
                                     "content_hash, first_seen) VALUES (1, 1, 'CF - T', 'T', 0, 'h', "
                                     "'2024-09-12T06:00:00.000000+00:00')"))
    store = Store(db)
    assert changed_at(store) == first_seen(store) == {1: "2024-09-12T06:00:00.000000+00:00"}


def test_changed_between_leaves_out_closed_punkter_and_those_without_a_decision(store):
    m = minutes(titles=("Åbent", "Uden beslutning", "Lukket"))
    undecided = dataclasses.replace(m.punkter[1], sections=(Section(SectionName.INDSTILLING, "at det godkendes"),))
    closed = dataclasses.replace(m.punkter[2], sections=(), closed=True)
    store.replace_minutes(Minutes(m.meeting, (m.punkter[0], undecided, closed)), "/src/a.txt", "a")
    assert [c.punkt.title for c in store.changed_between("0", "9")] == ["Åbent"]


def test_same_meeting_from_another_file_replaces_it(store):
    store.replace_minutes(minutes(), "/src/a.txt", "a")
    store.replace_minutes(minutes(decision="Fra PDF."), "/src/a.pdf", "b")
    assert store.counts() == (1, 2)
    assert {p.decision for p in store.punkter()} == {"Fra PDF."}
    assert store.integrity_problems() == []


def test_failed_write_leaves_store_unchanged(store):
    store.replace_minutes(minutes(), "/src/a.txt", "a")
    before = store.punkter()
    bad = minutes(decision="Ny")
    # An insert failing half-way (here: a NOT NULL violation on the last punkt) rolls everything back.
    broken = dataclasses.replace(bad, punkter=bad.punkter)
    object.__setattr__(broken.punkter[-1], "raw_title", None)
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        store.replace_minutes(broken, "/src/a.txt", "a2")
    assert store.punkter() == before
    assert store.source_known("a") and not store.source_known("a2")


def test_lookups(store):
    store.replace_minutes(minutes(), "a", "a")
    store.replace_minutes(minutes(dt.date(2021, 3, 17), titles=("Gammel",)), "b", "b")
    assert [p.ref for p in store.by_journal("83.02.00-A00-1-23")] == ["2021-03-17#1", "2024-09-11#1"]
    assert len(store.by_kle_prefix("83.02")) == 3
    assert store.by_kle_prefix("83.0_") == []  # LIKE wildcards are literal
    assert store.get_punkt(dt.date(2024, 9, 11), 2, "chefforum")[0].title == "Tidsregistrering"
    assert store.get_punkt(dt.date(2024, 9, 11), 2, "Byråd") == []
    assert [m.punkter for m in store.meetings()] == [1, 2]
    assert store.committees() == ["Chefforum"]


def test_fingerprint_follows_content(store):
    empty = store.fingerprint()
    store.replace_minutes(minutes(), "a", "a")
    one = store.fingerprint()
    store.replace_minutes(minutes(), "a", "a-again")  # same content, new file hash
    assert store.fingerprint() == one != empty
    store.replace_minutes(minutes(decision="Andet"), "a", "a3")
    assert store.fingerprint() != one


def test_a_new_store_stands_at_the_newest_revision_and_a_newer_store_is_refused(tmp_path):
    path = tmp_path / "m.db"
    store = Store(path)
    assert store.db.version(MINUTES) == MINUTES.head()
    store.close()
    with sqlite3.connect(path) as conn:  # a later beslut migrated it further
        conn.execute("UPDATE beslut_minutes_version SET version_num = 'm9999'")
    with pytest.raises(BeslutError) as e:
        Store(path)
    assert e.value.code == "store_newer" and str(path) in messages.user_message(e.value)


def test_a_pre_alembic_store_newer_than_this_version_is_refused(tmp_path):
    path = tmp_path / "old.db"
    upgrade_legacy(path, LEGACY + ["CREATE TABLE extra (x INTEGER)"])
    with pytest.raises(BeslutError) as e:
        Store(path)
    assert e.value.code == "store_newer"


def test_a_sqlite_store_is_in_wal_mode(tmp_path):
    store = Store(tmp_path / "s.db")
    assert sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_meetings_of_one_committee_on_one_day_are_kept_apart(store):
    early, late = minutes(titles=("Ekstraordinært",)), minutes(titles=("Ordinært", "Andet"))
    early = Minutes(dataclasses.replace(early.meeting, start_time=dt.time(17, 15)),
                    tuple(dataclasses.replace(p, meeting=dataclasses.replace(p.meeting, start_time=dt.time(17, 15)))
                          for p in early.punkter))
    store.replace_minutes(early, "/src/ekstra.json", "e")
    store.replace_minutes(late, "/src/ordinaer.json", "o")
    assert store.counts() == (2, 3)
    assert sorted(p.title for p in store.get_punkt(dt.date(2024, 9, 11), 1)) == ["Ekstraordinært", "Ordinært"]
    (p,) = store.get_punkt(dt.date(2024, 9, 11), 1, start_time=dt.time(17, 15))
    assert store.get(p.uid) == p and p.title == "Ekstraordinært"
    store.replace_minutes(late, "/src/ordinaer.txt", "o2")  # the same meeting from another file replaces it
    assert store.counts() == (2, 3)


def test_a_version_2_store_from_before_alembic_keeps_its_meetings_and_chat_state(tmp_path):
    """Stores made by the sqlite3 migrations (PRAGMA user_version) finish that history, are stamped at the
    first Alembic revision and migrate on; the chat tables they held are adopted by the chat state."""
    path = tmp_path / "v2.db"
    upgrade_legacy(path, LEGACY[:2])
    with sqlite3.connect(path) as conn:  # what a version-2 beslut stored: one meeting, one ledger row
        conn.execute("INSERT INTO meetings (committee, date, start_time, participants, source_path, source_sha256)"
                     " VALUES ('Chefforum', '2024-09-11', NULL, '[\"Anne\"]', '/src/a.txt', 'a')")
        conn.execute("INSERT INTO punkter (meeting_id, number, raw_title, title, journal, closed, content_hash,"
                     " first_seen) VALUES (1, 1, 'CF - Telefontider', 'Telefontider', NULL, 0, 'h', 't')")
        conn.execute("INSERT INTO sections VALUES (1, 0, 'Beslutning', 'Beslutning', 'Godkendt.')")
        conn.execute("INSERT INTO sources VALUES ('/src/a.txt', 'a', 1, 't')")
        conn.execute("INSERT INTO digest_ledger VALUES ('2024-W37', 'slack:C1', 'posted', 't', 't', 1)")
    new = Store(path)
    assert new.db.version(MINUTES) == MINUTES.head()
    (p,) = new.punkter()
    assert (p.title, p.decision, p.meeting.participants) == ("Telefontider", "Godkendt.", ("Anne",))
    assert new.integrity_problems() == [] and new.source_known("a")
    from bot.digest.ledger import DigestLedger

    assert [(r.week, r.channel) for r in DigestLedger(new.db).rows()] == [("2024-W37", "slack:C1")]
    with new.db.write() as conn:  # the tables rebuilt on the way (m0009) keep their ON DELETE CASCADE
        conn.execute(sqlalchemy.text("DELETE FROM meetings"))
        assert [conn.execute(sqlalchemy.text(f"SELECT count(*) FROM {t}")).scalar() for t in ("punkter", "sections")] \
            == [0, 0]


def test_the_index_reads_open_punkter_by_key_and_by_uid(store):
    early = minutes(titles=("Ekstraordinært",))
    early = Minutes(dataclasses.replace(early.meeting, start_time=dt.time(17, 15, 30)),
                    tuple(dataclasses.replace(p, meeting=dataclasses.replace(p.meeting, start_time=dt.time(17, 15, 30)))
                          for p in early.punkter))
    closed = minutes(date=dt.date(2024, 10, 2), titles=("Personalesag",))
    closed = Minutes(closed.meeting, (dataclasses.replace(closed.punkter[0], sections=(), closed=True),))
    for i, m in enumerate((minutes(), early, closed, minutes(committee="Økonomiudvalget"))):
        store.replace_minutes(m, f"/src/{i}.txt", str(i))
    everything = store.punkter()
    assert store.open_keys() == [(p.uid, p.content_hash) for p in everything if not p.closed]
    wanted = [everything[3].uid, "Chefforum|2024-09-11|09:00|9", everything[0].uid, "no uid", everything[2].uid]
    assert store.get_many(wanted) == [everything[3], everything[0], everything[2]]  # asked order, unknown left out
    assert [p.closed for p in store.get_many([p.uid for p in everything])] == [p.closed for p in everything]
    assert store.get_many([]) == []


def sub_numbered(decisions=("Åbent fra kl. 7.", "Nyt stop ved skolen.")) -> Minutes:
    """Punkt 5, 5.1 and 5.2 of one meeting, and 3a."""
    m = Meeting("Kultur- og Fritidsudvalget", dt.date(2026, 4, 14), dt.time(17), None, (), "kfu.txt", "")
    return Minutes(m, (
        Punkt(m, 3, "Høringssvar", "Høringssvar", sections=(Section(SectionName.BESLUTNING, "Indarbejdes."),),
              suffix="a"),
        Punkt(m, 5, "Biblioteket", "Biblioteket", sections=(Section(SectionName.BESLUTNING, "Orientering."),)),
        Punkt(m, 5, "Åbningstider", "Åbningstider", sections=(Section(SectionName.BESLUTNING, decisions[0]),),
              suffix=".1"),
        Punkt(m, 5, "Bogbus", "Bogbus", sections=(Section(SectionName.BESLUTNING, decisions[1]),), suffix=".2")))


def test_sub_numbered_punkter_are_stored_apart_and_found_by_label(store):
    store.replace_minutes(sub_numbered(), "/src/kfu.txt", "v1")
    got = store.punkter()
    assert [(p.label, p.decision) for p in got] == [("3a", "Indarbejdes."), ("5", "Orientering."),
                                                    ("5.1", "Åbent fra kl. 7."), ("5.2", "Nyt stop ved skolen.")]
    assert [p.uid for p in got][2] == "Kultur- og Fritidsudvalget|2026-04-14|17:00|5.1"
    assert store.get(got[2].uid) == got[2] and store.get_many([got[3].uid, got[0].uid]) == [got[3], got[0]]
    assert [p.title for p in store.get_punkt(dt.date(2026, 4, 14), 5, suffix=".2")] == ["Bogbus"]
    assert [p.title for p in store.get_punkt(dt.date(2026, 4, 14), 5)] == ["Biblioteket"]
    assert store.open_keys() == [(p.uid, p.content_hash) for p in got]
    before = {p.label: seen for p, seen in zip(got, first_seen_by_label(store))}
    fingerprint = store.fingerprint()
    # the corrected file: 5.2's decision changes, the others keep when they were first seen
    assert store.replace_minutes(sub_numbered(("Åbent fra kl. 7.", "Stop ved Lunde Skole.")), "/src/kfu.txt", "v2")
    assert [p.decision for p in store.punkter()][3] == "Stop ved Lunde Skole."
    assert dict(zip([p.label for p in store.punkter()], first_seen_by_label(store))) == before
    assert store.fingerprint() != fingerprint


def first_seen_by_label(store: Store) -> list[str]:
    with store.db.read() as conn:
        return list(conn.execute(sqlalchemy.text(
            "SELECT first_seen FROM punkter ORDER BY number, suffix")).scalars())


def test_migrating_to_suffixes_keeps_every_punkt_its_sections_and_the_cascade(database):
    """m0009 rebuilds the SQLite punkter table (its unnamed UNIQUE cannot be dropped otherwise): the punkter,
    their sections and the ON DELETE CASCADE from meetings survive, and a meeting's punkter are unique by number
    and suffix."""
    from alembic import command

    with database.write() as conn:  # a store as the previous beslut left it (revision m0008)
        command.upgrade(MINUTES.config(conn), "m0008")
    with database.write() as conn:
        conn.execute(sqlalchemy.text("INSERT INTO meetings (committee, date, participants, source_path, source_sha256)"
                                     " VALUES ('Chefforum', '2024-09-11', '[]', 'a.txt', 'a')"))
        for n in (1, 2):
            conn.execute(sqlalchemy.text(
                "INSERT INTO punkter (meeting_id, number, raw_title, title, closed, content_hash, first_seen, "
                "changed_at) VALUES (1, :n, 'T', 'T', 0, 'h', 't', 't')"), {"n": n})
            conn.execute(sqlalchemy.text("INSERT INTO sections (punkt_id, position, name, heading, text) "
                                         "SELECT id, 0, 'Beslutning', 'Beslutning', 'Godkendt.' FROM punkter "
                                         "WHERE number = :n"), {"n": n})
        conn.execute(sqlalchemy.text("INSERT INTO sources (path, sha256, meeting_id, ingested_at, parser) "
                                     "VALUES ('a.txt', 'a', 1, 't', 2)"))
    store = Store(database)
    assert database.version(MINUTES) == MINUTES.head()
    assert [(p.label, p.decision) for p in store.punkter()] == [("1", "Godkendt."), ("2", "Godkendt.")]
    assert store.integrity_problems() == []
    with database.write() as conn:
        with pytest.raises(sqlalchemy.exc.IntegrityError):
            with conn.begin_nested():
                conn.execute(sqlalchemy.text(
                    "INSERT INTO punkter (meeting_id, number, suffix, raw_title, title, closed, content_hash, "
                    "first_seen) VALUES (1, 2, '', 'T', 'T', 0, 'h', 't')"))
        conn.execute(sqlalchemy.text(
            "INSERT INTO punkter (meeting_id, number, suffix, raw_title, title, closed, content_hash, first_seen) "
            "VALUES (1, 2, '.1', 'T', 'T', 0, 'h', 't')"))
        conn.execute(sqlalchemy.text("DELETE FROM meetings"))
        left = [conn.execute(sqlalchemy.text(f"SELECT count(*) FROM {t}")).scalar() for t in ("punkter", "sections")]
    assert left == [0, 0]


def test_two_processes_storing_the_same_meetings_at_once_both_succeed(database):
    """Two ingests at once (an operator's and the worker's) on PostgreSQL both find a meeting missing and both
    insert it; the one that loses the race on the meeting's key stores its file again instead of failing."""
    import threading

    from embeddings.db import Database

    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(40)]
    stores = [Store(database), Store(Database(database.engine.url) if not database.is_sqlite else database.path)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def ingest(store: Store, name: str) -> None:
        start.wait()
        for day in days:
            try:
                store.replace_minutes(minutes(day), f"/src/{name}-{day}.txt", f"{name}{day}")
            except BaseException as e:  # noqa: BLE001 - the test reports every failure
                errors.append(e)

    threads = [threading.Thread(target=ingest, args=(s, n)) for s, n in zip(stores, "ab")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert stores[0].counts() == (40, 80)
