"""Tune the hybrid blend weight and the abstention thresholds on question sets; print the grid.

    python -m bench.tune [FILE.jsonl ...]      (default: tests/data/dev.jsonl and tests/data/extra.jsonl)

Each question's leg scores are computed once (one query encoding), then every weight and threshold pair
is evaluated on them. The chosen values go into embeddings/search.py (Calibration) by hand, with the
table in docs/benchmarks.md: a change of model, chunking or corpus means running this again.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot.compose import open_core
from bot.core.evaluate import load_questions
from bot.settings import Settings
from embeddings.search.retriever import Mode

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_SETS = [PROJECT / "tests/data/dev.jsonl", PROJECT / "tests/data/extra.jsonl"]
WEIGHTS = [round(x, 2) for x in np.arange(0.0, 1.01, 0.1)]
MARGINS = [round(x, 3) for x in np.arange(0.0, 0.081, 0.01)]  # over the corpus's background cosine
COVERAGES = [0.3, 0.4, 0.5, 0.6, 0.7]


def main(argv: list[str]) -> int:
    sets = [Path(a) for a in argv] or DEFAULT_SETS
    settings = Settings.from_env()
    core = open_core(settings)
    retriever, today = core.retriever, settings.today_date()
    questions = [(path.stem, q) for path in sets for q in load_questions(path)]
    legs = [retriever.legs(q.q, Mode.HYBRID, today) for _, q in questions]

    def evaluate(cal, mode=Mode.HYBRID):
        out = {}
        for (name, q), lg in zip(questions, legs):
            r = retriever.rank(lg, 3, mode, cal)
            refs = [h.punkt.ref for h in r.hits]
            rank = next((i + 1 for i, ref in enumerate(refs) if ref in q.expect), None)
            out.setdefault(name, []).append((q, rank, r.abstain))
        return out

    def scores(rows):
        ans = [(r, a) for q, r, a in rows if q.expect]
        none = [a for q, r, a in rows if not q.expect]
        r1 = sum(r == 1 and not a for r, a in ans) / len(ans)
        r3 = sum(r is not None and not a for r, a in ans) / len(ans)
        mrr = sum(1 / r for r, a in ans if r and not a) / len(ans)
        return r1, r3, mrr, sum(none), len(none), sum(a for r, a in ans)

    base = retriever.cal
    print("ranking (abstention off): weight -> R@1 / R@3 / MRR per set")
    never = replace(base, cosine_margin=None, min_cosine=-1.0, min_coverage=-1.0)
    for mode in (Mode.BM25, Mode.DENSE):
        res = evaluate(never, mode)
        print(f"  {mode.value:>6}   " + "   ".join(f"{n}: {s[0]:.3f}/{s[1]:.3f}/{s[2]:.3f}"
                                            for n, rows in res.items() for s in [scores(rows)]))
    for w in WEIGHTS:
        res = evaluate(replace(never, dense_weight=w))
        print(f"  w={w:.1f}    " + "   ".join(f"{n}: {s[0]:.3f}/{s[1]:.3f}/{s[2]:.3f}"
                                           for n, rows in res.items() for s in [scores(rows)]))
    print(f"\nabstention at w={base.dense_weight}, background cosine {retriever.background:.3f}: "
          "cosine margin, min_coverage -> none abstained, answerable abstained")
    for c in MARGINS:
        cells = []
        for cov in COVERAGES:
            res = evaluate(replace(base, cosine_margin=c, min_coverage=cov))
            tot = [sum(x) for x in zip(*(scores(rows)[3:] for rows in res.values()))]
            cells.append(f"cov {cov:.1f}: {tot[0]}/{tot[1]} none, {tot[2]} ans")
        print(f"  margin {c:.3f}  " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
