"""Several files for one meeting (a supplementary agenda, a tillægsdagsorden JSON): a file owns the punkter it
holds. Another file's punkter in the meeting are kept unless it holds the same number (the newer file wins);
re-ingesting a file replaces only what that file held. Real SQLite files and PostgreSQL."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest
import sqlalchemy

from bot.compose import main
from embeddings.ingest.files import FileStatus, ingest_paths
from embeddings.minutes import Meeting, Minutes, Punkt, Section, SectionName
from embeddings.store import MINUTES, Store

HEADER = """REFERAT Udvalget for Klima og Miljø d. 04-03-2025

Mødedato Tirsdag d. 4. marts 2025 kl. 16:30

"""
MAIN = HEADER + """Mødested Rådhuset, mødelokale 2

Punkt 1: Godkendelse af dagsorden

Beslutning

Godkendt.

Punkt 2: Hundeskov i Søndermarken

22-000015

Beslutning

Udvalget besluttede at etablere en hundeskov ved den sydlige indgang.

Punkt 3: Cykelparkering ved stationen

Beslutning

Udvalget godkendte 150 overdækkede cykelpladser.
"""
SUPPLEMENT = HEADER + """Tillægsdagsorden

Punkt 8: Solceller på rådhusets tag

13.03.00-G01-1-25

Beslutning

Udvalget besluttede at etablere solceller på rådhusets tag.
"""
DAY = dt.date(2025, 3, 4)


def titles(store: Store) -> dict[int, str]:
    return {p.number: p.title for p in store.punkter()}


# --- through ingest, as `beslut ingest` runs --------------------------------------------------------------
def test_a_supplementary_agenda_adds_its_punkt_and_keeps_the_main_files(tmp_path, capsys):
    main_file, supplement = tmp_path / "klima.txt", tmp_path / "klima_tillaeg.txt"
    main_file.write_text(MAIN, encoding="utf-8")
    supplement.write_text(SUPPLEMENT, encoding="utf-8")
    assert main(["ingest", "--no-index", str(main_file)]) == 0
    assert main(["ingest", "--no-index", str(supplement)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("1 filer: 1 nye, 0 ændrede") and "4 punkter i alt i 1 møder" in out
    store = Store(Path(os.environ["BESLUT_HOME"]) / "beslut.db")
    assert titles(store) == {1: "Godkendelse af dagsorden", 2: "Hundeskov i Søndermarken",
                             3: "Cykelparkering ved stationen", 8: "Solceller på rådhusets tag"}
    (summary,) = store.meetings()
    assert (summary.punkter, summary.decisions, summary.location) == (4, 4, "Rådhuset, mødelokale 2")
    assert summary.source_path == str(main_file.resolve())  # the meeting is still the main file's
    assert store.integrity_problems() == []

    # the main file again: unchanged, and nothing is lost
    report = ingest_paths(store, [main_file, supplement])
    assert [o.status for o in report.outcomes] == [FileStatus.UNCHANGED, FileStatus.UNCHANGED]
    assert set(titles(store)) == {1, 2, 3, 8}


def test_the_main_file_after_its_supplement_keeps_both(tmp_path):
    main_file, supplement = tmp_path / "klima.txt", tmp_path / "klima_tillaeg.txt"
    main_file.write_text(MAIN, encoding="utf-8")
    supplement.write_text(SUPPLEMENT, encoding="utf-8")
    store = Store(tmp_path / "b.db")
    report = ingest_paths(store, [supplement, main_file])
    assert [o.status for o in report.outcomes] == [FileStatus.NEW, FileStatus.NEW]
    assert (report.meetings, report.punkter) == (1, 4) and set(titles(store)) == {1, 2, 3, 8}

    # the main file corrected: punkt 3 taken out, punkt 2 reworded; the supplement's punkt 8 stays
    main_file.write_text(MAIN.split("Punkt 3:")[0].replace("sydlige", "nordlige"), encoding="utf-8")
    (outcome,) = ingest_paths(store, [main_file]).outcomes
    assert outcome.status is FileStatus.CHANGED
    assert set(titles(store)) == {1, 2, 8}
    assert "nordlige" in store.get_punkt(DAY, 2)[0].decision
    assert store.integrity_problems() == []


# --- the store's rule, on SQLite and PostgreSQL -------------------------------------------------------------
def minutes(numbers, decision="Godkendt.", source_id=None, date=DAY, location=None) -> Minutes:
    m = Meeting("Udvalget for Klima og Miljø", date, dt.time(16, 30), location, (), "x", "",
                source_url="https://dagsordener.example.dk" if source_id else None, source_id=source_id)
    return Minutes(m, tuple(Punkt(m, n, f"Punkt {n}", f"Punkt {n}", None,
                                  (Section(SectionName.BESLUTNING, f"{decision} ({n})"),)) for n in numbers))


@pytest.fixture
def store(database):
    return Store(database)


def stamps(store: Store) -> dict[int, tuple[str, str]]:
    with store.db.read() as conn:
        return {n: (f, c) for n, f, c in conn.execute(sqlalchemy.text(
            "SELECT number, first_seen, changed_at FROM punkter"))}


def test_main_then_supplement_keeps_every_punkt(store):
    assert store.replace_minutes(minutes([1, 2, 3], source_id="m-1", location="Rådhuset"), "/src/main", "a") is False
    assert store.replace_minutes(minutes([8], source_id="m-2"), "/src/tillaeg", "b") is False  # new content
    assert sorted(titles(store)) == [1, 2, 3, 8] and store.counts() == (1, 4)
    assert list(store.published("https://dagsordener.example.dk")) == ["m-1"]  # sync still knows the main id
    assert {p.meeting.location for p in store.punkter()} == {"Rådhuset"}
    assert store.source_known("a") and store.source_known("b") and store.integrity_problems() == []


def test_supplement_then_main_keeps_every_punkt(store):
    store.replace_minutes(minutes([8]), "/src/tillaeg", "b")
    store.replace_minutes(minutes([1, 2, 3]), "/src/main", "a")
    assert sorted(titles(store)) == [1, 2, 3, 8] and store.counts() == (1, 4)
    assert store.source_known("a") and store.source_known("b") and store.integrity_problems() == []


def test_reingesting_the_main_file_replaces_only_its_own_punkter(store):
    store.replace_minutes(minutes([1, 2, 3], source_id="m-1"), "/src/main", "a")
    store.replace_minutes(minutes([8]), "/src/tillaeg", "b")
    before = stamps(store)
    assert store.replace_minutes(minutes([1, 2], decision="Rettet", source_id="m-1"), "/src/main", "a2") is True
    assert sorted(titles(store)) == [1, 2, 8]
    assert [p.decision for p in store.punkter()] == ["Rettet (1)", "Rettet (2)", "Godkendt. (8)"]
    after = stamps(store)
    assert after[8] == before[8]  # the supplement's punkt is untouched
    assert after[1][0] == before[1][0] and after[1][1] > before[1][1]  # first_seen kept; changed now
    assert not store.source_known("a") and store.source_known("a2") and store.source_known("b")
    assert store.integrity_problems() == []


def test_a_supplement_repeating_a_number_replaces_that_punkt(store):
    store.replace_minutes(minutes([1, 2, 3]), "/src/main", "a")
    before = stamps(store)
    assert store.replace_minutes(minutes([3, 8], decision="Tillæg"), "/src/tillaeg", "b") is True
    assert [p.decision for p in store.punkter()] == ["Godkendt. (1)", "Godkendt. (2)", "Tillæg (3)", "Tillæg (8)"]
    assert stamps(store)[3][0] == before[3][0]  # a correction, not a new decision
    # the main file re-ingested after an edit that leaves punkt 3 alone: the supplement's punkt 3 stays
    store.replace_minutes(minutes([1, 2], decision="Rettet"), "/src/main", "a2")
    assert [p.decision for p in store.punkter()] == ["Rettet (1)", "Rettet (2)", "Tillæg (3)", "Tillæg (8)"]
    assert store.integrity_problems() == []


def test_a_file_covering_every_punkt_takes_the_meeting_over(store):
    """A whole second version of the minutes (the PDF of a text file): every number is the newer file's."""
    store.replace_minutes(minutes([1, 2], source_id="m-1"), "/src/a.txt", "a")
    store.replace_minutes(minutes([1, 2], decision="Fra PDF", source_id="m-9"), "/src/a.pdf", "b")
    assert store.counts() == (1, 2) and {p.decision for p in store.punkter()} == {"Fra PDF (1)", "Fra PDF (2)"}
    assert {p.meeting.source_path for p in store.punkter()} == {"/src/a.pdf"}
    assert list(store.published("https://dagsordener.example.dk")) == ["m-9"]


def test_a_main_file_moved_to_another_date_leaves_the_supplement_behind(store):
    store.replace_minutes(minutes([1, 2], source_id="m-1"), "/src/main", "a")
    store.replace_minutes(minutes([8], source_id="m-2"), "/src/tillaeg", "b")
    moved = dt.date(2025, 3, 5)
    assert store.replace_minutes(minutes([1, 2], source_id="m-1", date=moved), "/src/main", "a2") is True
    assert sorted((p.meeting.date, p.number) for p in store.punkter()) == [(DAY, 8), (moved, 1), (moved, 2)]
    left = store.get_punkt(DAY, 8)[0].meeting
    assert (left.source_path, left.source_id) == ("/src/tillaeg", None)  # no longer claims the main file's id
    assert list(store.published("https://dagsordener.example.dk")) == ["m-1"]
    assert store.source_known("b") and store.integrity_problems() == []
    # and alone, a moved file leaves no empty meeting behind (as before)
    store.replace_minutes(minutes([8], date=moved + dt.timedelta(days=1)), "/src/tillaeg", "b2")
    assert store.counts() == (2, 3) and store.integrity_problems() == []


def test_a_failing_supplement_changes_nothing(store):
    store.replace_minutes(minutes([1, 2, 3]), "/src/main", "a")
    before = store.punkter()
    bad = minutes([3, 8], decision="Tillæg")
    object.__setattr__(bad.punkter[-1], "raw_title", None)  # the last insert fails: everything rolls back
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        store.replace_minutes(bad, "/src/tillaeg", "b")
    assert store.punkter() == before and not store.source_known("b")


def test_a_store_from_before_punkt_owners_keeps_its_punkter_and_takes_supplements(tmp_path):
    """Rows stored before the column (NULL) belong to their meeting's file; sources orphaned by the old rule (a
    second file deleted the first's meeting) are forgotten, so that file can be read in again."""
    from alembic import command

    from embeddings.db import Database

    db = Database.sqlite(tmp_path / "m3.db")
    with db.write() as conn:  # a store migrated by an earlier beslut (revision m0003)
        command.upgrade(MINUTES.config(conn), "m0003")
        conn.execute(sqlalchemy.text(
            "INSERT INTO meetings (committee, date, start_time, participants, source_path, source_sha256) VALUES "
            "('Udvalget for Klima og Miljø', '2025-03-04', '16:30:00', '[]', '/src/main', 'a')"))
        for n in (1, 2, 3):
            conn.execute(sqlalchemy.text(
                "INSERT INTO punkter (meeting_id, number, raw_title, title, closed, content_hash, first_seen, "
                f"changed_at) VALUES (1, {n}, 'Punkt {n}', 'Punkt {n}', 0, 'h{n}', 't{n}', 't{n}')"))
            conn.execute(sqlalchemy.text(
                f"INSERT INTO sections VALUES ({n}, 0, 'Beslutning', 'Beslutning', 'Godkendt. ({n})')"))
        conn.execute(sqlalchemy.text("INSERT INTO sources VALUES ('/src/main', 'a', 1, 't')"))
        conn.execute(sqlalchemy.text("INSERT INTO sources VALUES ('/src/lost', 'lost', NULL, 't')"))
    store = Store(db)
    assert store.db.version(MINUTES) == MINUTES.head()
    assert sorted(titles(store)) == [1, 2, 3] and store.get_punkt(DAY, 2)[0].decision == "Godkendt. (2)"
    assert store.source_known("a") and not store.source_known("lost")
    store.replace_minutes(minutes([8]), "/src/tillaeg", "b")
    assert sorted(titles(store)) == [1, 2, 3, 8]
    assert store.replace_minutes(minutes([1, 3]), "/src/main", "a2") is True  # its old rows are the main file's
    assert sorted(titles(store)) == [1, 3, 8] and stamps(store)[1][0] == "t1"
    assert store.integrity_problems() == []
