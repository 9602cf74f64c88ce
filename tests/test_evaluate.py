"""Evaluation as code: metrics over known outcomes, and `beslut eval` end to end on the dev set."""
from __future__ import annotations

import datetime as dt

from bot.core.results import Answer, Hit
from bot.core.evaluate import Question, load_questions, metrics, run

from conftest import PROJECT


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


def test_dev_set_is_in_the_project():
    qs = load_questions(PROJECT / "tests" / "data" / "dev.jsonl")
    assert len(qs) >= 20 and sum(not q.expect for q in qs) == 2
