"""Read rows written by bench.answerability and print how well each signal, and a few abstention rules,
separate right answers from near misses.

    python -m bench.answerability_report rows.jsonl [more.jsonl ...] [--rule="margin>=0.05 and ..."]

Groups: "right" (answerable, top punkt right), "wrong-top" (answerable, top punkt wrong: a paraphrase
miss), "none" (nothing decided: near misses and never-decided questions). For each signal the quantiles
per group; for each rule how many of each group it would answer. The product's rule today is
``margin >= 0.041 or coverage >= 0.5`` (embeddings/search.py).
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

SIGNALS = ("margin", "gap", "coverage", "coverage_q", "coverage_qc", "coverage_qcc", "coverage_decision",
           "soft_min", "soft_cov", "ctx_min", "loo_max", "loo_uncovered_max")
QUANTILES = (0, .1, .25, .5, .75, .9, 1)


def quantiles(xs: list[float | None]) -> str:
    v = sorted(x for x in xs if x is not None)
    if not v:
        return "-"
    return " ".join(f"{v[int(round(p * (len(v) - 1)))]:+.3f}" for p in QUANTILES)


def groups(rows: list[dict]) -> dict[str, list[dict]]:
    return {"right": [r for r in rows if r["label"] == "right"],
            "wrong-top": [r for r in rows if r["label"] == "wrong-top"],
            "none": [r for r in rows if r["label"] == "none"]}


def rules() -> dict[str, Callable[[dict], bool]]:
    out: dict[str, Callable[[dict], bool]] = {
        "today: margin>=.041 or cov>=.5": lambda r: r["margin"] >= .041 or r["coverage"] >= .5}
    for cov in ("coverage", "coverage_q"):
        for m in (.041, .05, .06, .07, .08):
            for g in (0, .01, .015, .02, .03):
                for c in (.5, .6, .7, .8, 1.0):
                    out[f"margin>={m} and gap>={g} or {cov}>={c}"] = (
                        lambda r, m=m, g=g, c=c, cov=cov: (r["margin"] >= m and r["gap"] >= g) or r[cov] >= c)
    for t in (.82, .84, .85, .86, .88):
        for m in (.041, .05, .06):
            for c in (.8, 1.01):
                out[f"ctx_min>={t} and margin>={m} or coverage_q>={c}"] = (
                    lambda r, t=t, m=m, c=c: ((r.get("ctx_min") or 0) >= t and r["margin"] >= m)
                    or r["coverage_q"] >= c)
    return out


CTX_T = 0.85  # a question word is "covered" when some token of the punkt is this close in context


ANSWER_CTX, ANSWER_MARGIN, ANSWER_COVERAGE = 0.80, 0.045, 0.8
# Small words that name no topic: never listed after "intet om".
FUNCTION = set("ved kun ude tog stedet høre bruge flere mange nu igen hvor".split())


def answer(r: dict) -> bool:
    """Proposed: the punkt has the question's words (question words aside), or it is close and has every
    question word in context. Thresholds from both corpora (bundled and Greve) together."""
    return r["coverage_q"] >= ANSWER_COVERAGE or (
        r["margin"] >= ANSWER_MARGIN and (r.get("ctx_min") or 0) >= ANSWER_CTX)


def near(r: dict) -> bool:
    """Close enough to name as the nearest punkt: what answers today."""
    return r["margin"] >= 0.041 or r["coverage"] >= 0.5


def missing_words(r: dict) -> list[str]:
    """The question words the punkt has nothing close to: 'intet om: ...' of a partial answer."""
    return [w for w, v in sorted(r.get("ctx", {}).items(), key=lambda x: x[1]) if v < CTX_T and w not in FUNCTION][:2]


def tiers(g: dict[str, list[dict]]) -> None:
    print(f"\ntiers (answer: coverage_q>={ANSWER_COVERAGE} or margin>={ANSWER_MARGIN} and ctx_min>={ANSWER_CTX}; "
          "partial: otherwise, when margin>=0.041 or coverage>=0.5 (today's answer); else abstain)")
    for name, rs in g.items():
        a = sum(answer(r) for r in rs)
        p = sum(not answer(r) and near(r) for r in rs)
        print(f"   {name:10} answer {a:3}  partial {p:3}  abstain {len(rs) - a - p:3}")
    print("   partial answers to never-decided questions, as they would read:")
    for r in [r for r in g["none"] if not answer(r) and near(r)][:40]:
        print(f"     {r['q'][:66]:66} -> intet om: {', '.join(missing_words(r)) or '?'}")
    print("   never-decided questions still answered:")
    for r in [r for r in g["none"] if answer(r)]:
        print(f"     {r['q'][:66]:66} -> {r.get('top', '')[:60]}")
    print("   right answers demoted to partial:")
    for r in [r for r in g["right"] if not answer(r)]:
        print(f"     {r['q'][:66]:66} -> intet om: {', '.join(missing_words(r)) or '?'}")


def main(argv: list[str]) -> int:
    argv_rules = [a[len("--rule="):] for a in argv if a.startswith("--rule=")]
    argv = [a for a in argv if not a.startswith("--rule=")]
    rows = [json.loads(line) for p in argv for line in Path(p).read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rows = [r for r in rows if "margin" in r]  # a question whose filter left nothing has no top punkt
    g = groups(rows)
    print(" ".join(f"{k}={len(v)}" for k, v in g.items()), "| quantiles", QUANTILES)
    for sig in SIGNALS:
        print(sig)
        for name, rs in g.items():
            print(f"   {name:10} {quantiles([r.get(sig) for r in rs])}")
    print("\nrule: answered right / wrong-top / none (lower none is better; right should stay)")
    scored = [(name, *(sum(rule(r) for r in g[k]) for k in ("right", "wrong-top", "none")))
              for name, rule in rules().items()]
    print(f"   {scored[0][0]:40} {scored[0][1]:4} {scored[0][2]:4} {scored[0][3]:4}")
    best: dict[int, tuple] = {}
    for s in scored[1:]:
        if s[1] not in best or s[3] < best[s[1]][3]:
            best[s[1]] = s
    for right in sorted(best, reverse=True)[:6]:
        s = best[right]
        print(f"   {s[0]:40} {s[1]:4} {s[2]:4} {s[3]:4}")
    for name in argv_rules:
        s = next(x for x in scored if x[0] == name)
        print(f"   {s[0]:40} {s[1]:4} {s[2]:4} {s[3]:4}  (asked for)")
    tiers(g)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
