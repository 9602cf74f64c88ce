"""A learned answerability decision against the hand-written rule (issue 15), for bench.quality's report.

The issue suggests a small classifier over features the product already computes. This one is a logistic
regression (scikit-learn, installed with sentence-transformers) over the signals the rule reads (coverage,
dense margin, how close the question's weakest words come, names, words no punkt has, what the punkt
decides), fitted leave one set out: for each set, on the other sets' questions only, and scored on it. The
label is the outcome wanted: answer when the top punkt is right, else decline. The hand rule is scored the
same way (its thresholds chosen without the set, bench.quality.loo), so both are judged on questions they
were not fitted on. Not in the product: the rule names what a punkt lacks ("intet om: ..."), a weight
vector does not.
"""
from __future__ import annotations

from bench.quality import Row, table
from embeddings.search.answerability import AnswerRule, Signals, Tier

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
FEATURES = ("coverage", "margin", "weakest word", "second weakest", "far words", "share far",
            "decided", "weakest unknown word", "weakest name", "exclusive", "words", "share literal")


def features(s: Signals, rule: AnswerRule) -> list[float]:
    scores = sorted(s.score(w) for w in s.words) or [1.0]
    far = sum(x < rule.min_word for x in scores)
    return [s.coverage, s.margin or 0.0, scores[0], scores[1] if len(scores) > 1 else 1.0, far,
            far / len(scores), 1.0 if s.decided is None else s.decided,
            min((s.score(w) for w in s.unknown), default=1.0), min((s.score(w) for w in s.names), default=1.0),
            float(bool(s.exclusive)), len(s.words), len(s.literal) / max(1, len(s.words))]


def _live(r: Row) -> bool:
    return r.signals is not None and not r.abstained


def _totals(by_set: dict[str, list[Row]], answers) -> tuple[int, int, int]:
    """(answerable answered right at rank 1, answerable answered with a wrong top punkt, never-decided
    declined) for ``answers(row) -> bool``."""
    rows = [r for rs in by_set.values() for r in rs]
    return (sum(r.answerable and r.rank == 1 and answers(r) for r in rows),
            sum(r.answerable and r.rank != 1 and answers(r) for r in rows),
            sum(not r.answerable and not answers(r) for r in rows))


def learned_lines(by_set: dict[str, list[Row]], decide, chosen: AnswerRule,
                  loo_rules: dict[str, AnswerRule]) -> list[str]:
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
    except ImportError:
        return ["### A learned decision", "", "Skipped: scikit-learn is not installed.", ""]
    import numpy as np

    probability: dict[int, float] = {}
    for held, rows in by_set.items():
        train = [r for name, rs in by_set.items() if name != held for r in rs if _live(r)]
        test = [r for r in rows if _live(r)]
        labels = [r.answerable and r.rank == 1 for r in train]
        if not test or len(set(labels)) < 2:
            continue
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        model.fit(np.array([features(r.signals, chosen) for r in train]), np.array(labels))
        for r, p in zip(test, model.predict_proba(np.array([features(r.signals, chosen) for r in test]))[:, 1]):
            probability[id(r)] = float(p)
    rule_of = {id(r): loo_rules[name] for name, rs in by_set.items() for r in rs}
    out = [["the product's rule (chosen on all sets)",
            *_totals(by_set, lambda r: r.tier(decide, chosen) is Tier.ANSWER)],
           ["the rule, thresholds chosen leave one set out",
            *_totals(by_set, lambda r: r.tier(decide, rule_of[id(r)]) is Tier.ANSWER)]]
    for t in THRESHOLDS:
        out.append([f"logistic regression, leave one set out, answer at p >= {t:g}",
                    *_totals(by_set, lambda r: probability.get(id(r), 0.0) >= t)])
    return ["### A learned decision", "",
            "A logistic regression over the signals the rule reads (" + ", ".join(FEATURES) + "), fitted on "
            "every set but one and scored on that one (bench/learned.py), against the rule scored the same "
            "way. Summed over all sets: answerable questions answered right at rank 1, answered with a wrong "
            "top punkt, and never-decided questions declined."] + table(
        ["decision", "kept (R@1)", "wrong answers", "declined"], out)
