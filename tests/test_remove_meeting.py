"""`beslut remove`: one meeting out of the store and the index, for minutes withdrawn from publication or read
by mistake. Without --yes nothing changes; with it the meeting, its punkter, their sections and attachments and
the record of the files it was read from go in one transaction (SQLite and PostgreSQL), so search, /sag and show
no longer find it and the same file is read again if ingested again.

Through the console script's entry on real stores, with a small real sentence-transformers model."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from embeddings.ingest.files import FileStatus, ingest_paths
from embeddings.store import Store
from embeddings.store.schema import attachments, punkter, sections, sources
from site_fakes import meeting_doc, punkt_doc

from console import cli
from conftest import BUNDLED
from fakes import tiny_sentence_transformer



@pytest.fixture
def tiny_model(tmp_path, monkeypatch):
    vocabulary = [f.read_text(encoding="utf-8") for f in BUNDLED.iterdir()]
    path = tmp_path / "tiny"
    tiny_sentence_transformer(None, vocabulary, seed=1).save(str(path))
    monkeypatch.setenv("BESLUT_MODEL", str(path))


def meetings(capsys) -> list[tuple[str, str, str | None]]:
    code, out, _ = cli(capsys, "meetings", "--json")
    assert code == 0
    return [(m["committee"], m["meeting_date"], m["start_time"]) for m in json.loads(out)]


def test_remove_shows_first_then_takes_the_meeting_out_of_store_and_index(capsys, tiny_model):
    assert cli(capsys, "ingest")[0] == 0
    before = meetings(capsys)
    assert ("Chefforum", "2024-09-11", "09:00") in before

    code, out, _ = cli(capsys, "remove", "Chefforum", "2024-09-11")  # no --yes: only what would go
    assert code == 0 and "--yes" in out and "11. september 2024" in out and "8 punkter" in out
    assert meetings(capsys) == before
    assert cli(capsys, "sag", "83.02.00-A00-1-23")[0] == 0

    code, out, err = cli(capsys, "remove", "chefforum", "2024-09-11", "--yes")  # committee in any case
    assert code == 0 and "fjernet: Chefforum · 11. september 2024" in out
    assert "8 fjernet" in out  # the index followed at once
    assert "ingest" in err  # the file would be read again by the next ingest
    assert meetings(capsys) == [m for m in before if m[1] != "2024-09-11"]
    code, out, _ = cli(capsys, "sag", "83.02.00-A00-1-23")
    assert code == 1 and "ingen sager" in out
    code, _, err = cli(capsys, "show", "2024-09-11#4")
    assert code == 1 and "intet punkt" in err
    code, out, _ = cli(capsys, "ask", "hvad besluttede vi om telefontider?", "--json")
    hits = json.loads(out)
    assert code == 0 and all(h["meeting_date"] != "2024-09-11" for h in hits["hits"])
    code, out, _ = cli(capsys, "index")
    assert code == 0 and "0 punkter indekseret" in out and "0 fjernet" in out  # nothing left behind

    store = Store(Path(os.environ["BESLUT_HOME"]) / "beslut.db")  # nothing of it left in any table
    try:
        with store.db.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(sources)).scalar() == len(before) - 1
            orphans = sa.text("SELECT count(*) FROM sections WHERE punkt_id NOT IN (SELECT id FROM punkter)")
            assert conn.execute(orphans).scalar() == 0
    finally:
        store.close()

    code, out, _ = cli(capsys, "ingest")  # the same files: that meeting is read again, the others are unchanged
    assert code == 0 and "1 nye" in out and "8 punkter indekseret" in out
    assert meetings(capsys) == before


@pytest.mark.parametrize("ref, words", [
    (["2024-13-01"], "ugyldig mødereference"), (["Chefforum"], "ugyldig mødereference"),
    (["2024-09-11#4"], "ugyldig mødereference"), (["Chefforum", "2030-01-01"], "intet møde Chefforum 2030-01-01"),
    (["Byrådet", "2024-09-11"], "intet møde Byrådet 2024-09-11"),
])
def test_a_reference_that_names_no_meeting_removes_nothing(capsys, tiny_model, ref, words):
    assert cli(capsys, "ingest", "--no-index")[0] == 0
    before = meetings(capsys)
    code, out, err = cli(capsys, "remove", *ref, "--yes")
    assert code == 1 and out == "" and words in err and err.startswith("beslut: ")
    assert meetings(capsys) == before


def test_a_store_that_does_not_exist_is_not_created(capsys):
    code, _, err = cli(capsys, "remove", "2024-09-11", "--yes")
    assert code == 1 and "beslut ingest" in err
    assert not (Path(os.environ["BESLUT_HOME"]) / "beslut.db").exists()


def write_meeting(folder: Path, name: str, committee: str, when: str, numbers: range) -> Path:
    doc = meeting_doc(name, committee, when, [
        punkt_doc(n, f"Punkt {n} om {name}", f"22-0000{n:02d}", f"{name}-{n}", f"Godkendt ({name}).",
                  f"Sagen om {name} punkt {n}.", bilag=[(f"{name}-b{n}", f"Bilag {n}")]) for n in numbers])
    path = folder / f"{name}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_two_meetings_on_one_day_are_told_apart_by_start_time(capsys, tiny_model, tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    write_meeting(folder, "formiddag", "Byrådet", "2025-09-08T15:00:00", range(1, 3))
    write_meeting(folder, "aften", "Byrådet", "2025-09-08T17:15:00", range(1, 4))
    write_meeting(folder, "udvalg", "Økonomiudvalget", "2025-09-08T08:00:00", range(1, 2))
    assert cli(capsys, "ingest", str(folder), "--no-index")[0] == 0

    code, _, err = cli(capsys, "remove", "2025-09-08", "--yes")  # two committees met that day
    assert code == 1 and "Byrådet, Økonomiudvalget" in err and "beslut remove Byrådet 2025-09-08" in err
    code, _, err = cli(capsys, "remove", "Byrådet", "2025-09-08", "--yes")  # the Byråd met twice
    assert code == 1 and "2025-09-08T15:00, 2025-09-08T17:15" in err
    assert len(meetings(capsys)) == 3

    code, out, _ = cli(capsys, "remove", "Byrådet", "2025-09-08T17:15", "--yes", "--no-index")
    assert code == 0 and "kl. 17.15" in out and "3 punkter" in out
    assert meetings(capsys) == [("Byrådet", "2025-09-08", "15:00"), ("Økonomiudvalget", "2025-09-08", "08:00")]
    code, out, _ = cli(capsys, "show", "Byrådet", "2025-09-08#2", "--json")
    assert code == 0 and "formiddag" in json.loads(out)["title"]
    code, _, _ = cli(capsys, "show", "Byrådet", "2025-09-08#3")
    assert code == 1


def test_the_store_removes_in_one_transaction_on_both_backends(database, tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    write_meeting(folder, "a", "Byrådet", "2025-09-08T15:00:00", range(1, 3))
    write_meeting(folder, "b", "Byrådet", "2025-09-09T15:00:00", range(1, 4))
    store = Store(database)
    try:
        ingest_paths(store, [folder])
        token = store.change_token()
        (a, b) = store.meetings()
        assert store.remove_meeting("Byrådet", a.date) == 0  # no meeting without a start time that day
        assert store.remove_meeting("Byrådet", a.date, a.start_time) == 2
        assert store.remove_meeting("Byrådet", a.date, a.start_time) == 0
        assert [m.date for m in store.meetings()] == [b.date] and store.counts() == (1, 3)
        assert store.change_token() != token  # a web process following the store reloads without it
        with store.db.read() as conn:
            for table in (sections, attachments):  # those of b's three punkter, none of a's
                left = conn.execute(sa.select(table.c.punkt_id).distinct()).scalars().all()
                assert len(left) == 3 and set(left) == set(conn.execute(sa.select(punkter.c.id)).scalars())
            assert conn.execute(sa.select(sa.func.count()).select_from(sources)).scalar() == 1
        assert ingest_paths(store, [folder]).count(FileStatus.NEW) == 1  # its file is read again
        assert store.counts() == (2, 5)
    finally:
        store.close()
