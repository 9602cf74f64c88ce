"""Evaluation as code: Recall@1/@3, MRR, abstention accuracy and latency over a jsonl of questions.

Format (as ../shared/eval/dev.jsonl): {"q": "...", "expect": ["YYYY-MM-DD#N", ...], "kind": "topic"}.
An empty ``expect`` means the right answer is "no decision found". A question with several expected
punkter is found at k when any of them is in the top k.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.results import Answer
from embeddings.errors import BeslutError


@dataclass(frozen=True)
class Question:
    q: str
    expect: tuple[str, ...]
    kind: str = ""


@dataclass(frozen=True)
class QuestionOutcome:
    question: Question
    ranked: tuple[str, ...]  # YYYY-MM-DD#N, best first (hits, or the uncertain list when abstaining)
    abstained: bool
    seconds: float

    def rank(self) -> int | None:
        """1-based rank of the first expected punkt, ignoring abstention."""
        for i, ref in enumerate(self.ranked, 1):
            if ref in self.question.expect:
                return i
        return None


@dataclass(frozen=True)
class Metrics:
    n: int
    recall_at_1: float
    recall_at_3: float
    mrr: float
    abstention_accuracy: float  # over all questions: abstained exactly when nothing is expected
    none_abstained: str  # "2/2"
    answerable_abstained: int  # answerable questions wrongly abstained on
    p50_ms: float
    p95_ms: float
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)


def load_questions(path: Path) -> list[Question]:
    """The questions in a jsonl file; a BeslutError naming the file (and line) when it cannot be read."""
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    out.append(_question(line, path, n))
    except FileNotFoundError:
        raise BeslutError("eval_file_missing", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise BeslutError("eval_file_unreadable", path=str(path),
                          reason=getattr(e, "strerror", None) or type(e).__name__) from None
    return out


def _question(line: str, path: Path, n: int) -> Question:
    try:
        d = json.loads(line)
        q, expect = d["q"], tuple(d.get("expect", ()))
        if isinstance(q, str) and all(isinstance(x, str) for x in expect):
            return Question(q, expect, str(d.get("kind", "")))
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    raise BeslutError("eval_line_invalid", path=str(path), line=n)


def run(questions: Iterable[Question], ask: Callable[[str], Answer]) -> list[QuestionOutcome]:
    outcomes = []
    for q in questions:
        t0 = time.perf_counter()
        a = ask(q.q)
        dt = time.perf_counter() - t0
        ranked = tuple(h.ref for h in (a.uncertain if a.abstained else a.hits))
        outcomes.append(QuestionOutcome(q, ranked, a.abstained, dt))
    return outcomes


def _percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))] if xs else 0.0


def _scores(outs: list[QuestionOutcome]) -> tuple[float, float, float]:
    answerable = [o for o in outs if o.question.expect]
    if not answerable:
        return 0.0, 0.0, 0.0
    ranks = [None if o.abstained else o.rank() for o in answerable]
    r1 = sum(r == 1 for r in ranks) / len(ranks)
    r3 = sum(r is not None and r <= 3 for r in ranks) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    return r1, r3, mrr


def metrics(outcomes: list[QuestionOutcome]) -> Metrics:
    r1, r3, mrr = _scores(outcomes)
    none = [o for o in outcomes if not o.question.expect]
    by_kind: dict[str, dict[str, float]] = {}
    for kind in sorted({o.question.kind for o in outcomes}):
        sub = [o for o in outcomes if o.question.kind == kind]
        k1, k3, kmrr = _scores(sub)
        by_kind[kind] = {"n": len(sub), "recall_at_1": k1, "recall_at_3": k3, "mrr": kmrr,
                         "abstained": sum(o.abstained for o in sub)}
    ms = [o.seconds * 1000 for o in outcomes]
    return Metrics(
        n=len(outcomes), recall_at_1=r1, recall_at_3=r3, mrr=mrr,
        abstention_accuracy=sum(o.abstained == (not o.question.expect) for o in outcomes) / max(len(outcomes), 1),
        none_abstained=f"{sum(o.abstained for o in none)}/{len(none)}",
        answerable_abstained=sum(o.abstained for o in outcomes if o.question.expect),
        p50_ms=_percentile(ms, 0.5), p95_ms=_percentile(ms, 0.95), by_kind=by_kind)
