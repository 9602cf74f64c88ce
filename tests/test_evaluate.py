"""Evaluation as code: metrics over known outcomes, and `beslut eval` end to end on the dev set."""
from __future__ import annotations

import datetime as dt

from bot.core.results import Answer, Hit
from bot.core.evaluate import Question, load_questions, metrics, run

from embeddings.ingest.files import ingest_paths
from embeddings.minutes import SectionName
from embeddings.store import Store

from conftest import BUNDLED, PROJECT


def hit(ref: str) -> Hit:
    date, n = ref.split("#")
    return Hit("Chefforum", dt.date.fromisoformat(date), int(n), "t", None, "d", True)


def test_metrics_count_any_expected_punkt_and_abstentions():
    answers = {
        "a": Answer("a", False, (hit("2024-09-11#4"), hit("2021-01-21#1"))),  # rank 1
        "b": Answer("b", False, (hit("2021-01-21#1"), hit("2021-03-17#6"))),  # second expected at rank 2
        "c": Answer("c", False, (hit("2021-01-21#1"),) * 3),  # not found
        "d": Answer("d", True, (), (hit("2024-09-11#4"),)),  # answerable but abstained: a miss
        "n": Answer("n", True),  # nothing expected, abstained: right
        "m": Answer("m", False, (hit("2021-01-21#1"),)),  # nothing expected, answered: wrong
    }
    qs = [Question("a", ("2024-09-11#4",), "topic"), Question("b", ("2021-01-21#4", "2021-03-17#6"), "filter"),
          Question("c", ("2022-11-09#3",), "topic"), Question("d", ("2024-09-11#4",), "topic"),
          Question("n", (), "none"), Question("m", (), "none")]
    m = metrics(run(qs, lambda q: answers[q]))
    assert m.n == 6
    assert (m.recall_at_1, m.recall_at_3) == (1 / 4, 2 / 4)
    assert abs(m.mrr - (1 + 0.5) / 4) < 1e-9
    assert m.none_abstained == "1/2" and m.answerable_abstained == 1
    assert abs(m.abstention_accuracy - 4 / 6) < 1e-9
    assert m.by_kind["topic"]["n"] == 3 and m.by_kind["filter"]["recall_at_3"] == 1.0


DEV_SET = PROJECT / "tests" / "data" / "dev.jsonl"


def test_dev_set_is_in_the_project(tmp_path):
    """The project's dev set can be run on the bundled minutes: every expected punkt is one of theirs, open and
    quotable, and the two "none" questions expect nothing."""
    qs = load_questions(DEV_SET)
    assert len(qs) >= 20 and len({q.q for q in qs}) == len(qs)
    assert [q.q for q in qs if not q.expect] and all(q.kind == "none" for q in qs if not q.expect)
    assert sum(not q.expect for q in qs) == 2
    store = Store(tmp_path / "beslut.db")
    assert not ingest_paths(store, [BUNDLED]).failed
    for q in qs:
        for ref in q.expect:
            date, number = ref.split("#")
            found = store.get_punkt(dt.date.fromisoformat(date), int(number))
            assert len(found) == 1, f"{q.q!r} expects {ref}, which the bundled minutes do not have"
            punkt = found[0]
            assert not punkt.closed and (punkt.decision or punkt.section(SectionName.INDSTILLING)), (q.q, ref)


def test_dev_set_is_the_shared_one(shared_dir):
    """tests/data/dev.jsonl is a copy of ../shared/eval/dev.jsonl (the floors in test_cli.py are set on it)."""
    assert DEV_SET.read_bytes() == (shared_dir / "eval" / "dev.jsonl").read_bytes()
