"""Answer, partial or none (issue 15): per-set figures and the trade-off curve of the answerability rule.

    python -m bench.quality [--greve-home DIR] [--rows FILE] [--from-rows FILE] [--out docs/benchmarks.md]

For every question of every set the retriever ranks as the product does (hybrid), once without the
answerability decision (today's rule: answer unless the nearest punkt is weak on both legs), and the
decision's signals are computed for its top punkt (every word compared, ``compare_all``). Any rule is then
scored offline on those signals, so the whole grid costs one pass:

- answerable questions: R@1 / R@3 (answered, and right at rank 1 / within 3) and "answerable abstained"
  (partial or none: the user is not given the decision);
- never-decided questions (near misses and the like): declined (partial or none) and how many of those are
  partial (the nearest punkt shown as nearest, with "intet om: ...").

Sets: the bundled minutes' dev.jsonl, extra.jsonl, ../shared/eval/dev_hard_none.jsonl and
bench/near_miss.jsonl (132 near misses), bench/framed.jsonl (dev topics asked the way people frame a
question: "Hvad blev konklusionen på ...", "Er der taget stilling til ..."), bench/everyday.jsonl (34
questions in the words of the staff who ask, "hvor mange er syge?", and 10 never decided; the idioms of
answerability._FRAMING were added after its first run); Greve's bench/greve.jsonl,
bench/greve_paraphrase.jsonl and bench/greve_blind.jsonl (40 questions on punkter neither of the others
uses, written without seeing any result; two rules were changed after its first run, see the git log) and
bench/greve_blind2.jsonl (written the same way, with 20 near misses; nothing was changed after its first run),
on the store + index in ``--greve-home`` (copied to a temp dir first: opening a store writes). Without ../shared or
a Greve home those parts are skipped.

The grid varies the rule's three thresholds; the report shows the Pareto front (answerable kept vs near
misses declined), the rule in the product (embeddings/search/answerability.py RULES), and a
leave-one-set-out check: the rule chosen by the same objective without a set, scored on that set, and a
logistic regression over the same signals fitted and scored the same way (bench/learned.py).
Writes the "quality" section of docs/benchmarks.md (bench/sections.py).
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bench.measure import percentile
from bench.sections import write_section
from bot.settings import PROJECT_DIR, Settings
from embeddings.search.answerability import AnswerRule, Answerability, Signals, Tier, rule_for

SHARED = PROJECT_DIR.parent / "shared"
BUNDLED_SETS = {"dev": PROJECT_DIR / "tests/data/dev.jsonl", "extra": PROJECT_DIR / "tests/data/extra.jsonl",
                "dev_hard_none": SHARED / "eval/dev_hard_none.jsonl",
                "near_miss": PROJECT_DIR / "bench/near_miss.jsonl", "framed": PROJECT_DIR / "bench/framed.jsonl",
                "everyday": PROJECT_DIR / "bench/everyday.jsonl"}
GREVE_SETS = {"greve": PROJECT_DIR / "bench/greve.jsonl",
              "greve_paraphrase": PROJECT_DIR / "bench/greve_paraphrase.jsonl",
              "greve_blind": PROJECT_DIR / "bench/greve_blind.jsonl",
              "greve_blind2": PROJECT_DIR / "bench/greve_blind2.jsonl"}
# Where a Greve store and real-model index may be (read only; the first that has them): bench.run's,
# bench.scale's, a prebuilt copy beside the project.
GREVE_HOMES = (PROJECT_DIR / "data/bench/greve", PROJECT_DIR / "data/bench/scale/greve-e5",
               PROJECT_DIR.parent / "cache" / "greve")
COVERAGES = (0.6, 0.7, 0.8, 0.9, 1.01)
MARGINS = (0.03, 0.04, 0.045, 0.05, 0.06, 0.07)
WORDS = (0.0, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08)  # contrast over the corpus background
NAMES = (0.0, 0.06, 0.07, 0.08, 0.1, 0.12)
DECIDED = (0.0, 0.05, 0.08, 0.1, 0.12, 0.15)
UNKNOWN = (0.0, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.12)


@dataclass(frozen=True)
class Row:
    set: str
    q: str
    answerable: bool
    abstained: bool  # today's rule (no answerability decision)
    rank: int | None  # 1-based rank of a right punkt among today's hits (uncertain when abstaining), k=3
    signals: Signals | None  # for the top punkt, when today's rule answers
    seconds: float  # the decision's cost for this question (signals, every word compared)

    def tier(self, decide, rule: AnswerRule) -> Tier:
        if self.abstained or self.signals is None:
            return Tier.NONE
        return decide(self.signals, rule).tier


def load(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for d in rows:
        d.setdefault("expect", [])
        d.setdefault("cases", [])
    return rows


def is_right(p, d: dict) -> bool:
    """Whether punkt ``p`` answers question ``d`` of a set: one of its refs ("expect"), else its case numbers."""
    return p.ref in d["expect"] if d["expect"] else bool(p.journal and p.journal.raw in d["cases"])


def rank_of(retriever, rows: list[int], d: dict) -> int | None:
    """The 1-based rank of the first right punkt among the retriever's punkt ``rows`` (best first), or None."""
    found = {p.uid: p for p in retriever.fetch([retriever.punkts.uid(i) for i in rows])}
    punkter = [found.get(retriever.punkts.uid(i)) for i in rows]
    return next((n for n, p in enumerate(punkter, 1) if p is not None and is_right(p, d)), None)


def recall(ranks: list[int | None]) -> tuple[float, float, float]:
    """R@1, R@3 and R@10 of ``ranks`` (rank_of per question)."""
    n = len(ranks) or 1
    return (sum(r == 1 for r in ranks) / n, sum(r is not None and r <= 3 for r in ranks) / n,
            sum(r is not None and r <= 10 for r in ranks) / n)


def collect(core, name: str, path: Path, today: dt.date) -> list[Row]:
    """Rank every question of ``path`` as today, and the decision's signals for the top punkt."""
    retriever = core.retriever
    answerability = retriever.answerability
    out = []
    for d in load(path):
        legs = retriever.legs(d["q"], today=today)
        retriever.answerability = None
        try:
            res = retriever.rank(legs, k=3)
        finally:
            retriever.answerability = answerability

        rank = next((n for n, h in enumerate(res.hits, 1) if is_right(h.punkt, d)), None)
        signals, seconds = None, 0.0
        if not res.abstain and res.hits:
            t = time.perf_counter()
            signals = retriever.judge(legs, int(retriever.punkts.rows_of([res.hits[0].punkt.uid])[0]),
                                      compare_all=True).signals
            seconds = time.perf_counter() - t
        out.append(Row(name, d["q"], bool(d["expect"] or d["cases"]), res.abstain, rank, signals, seconds))
    print(f"{name}: {len(out)} questions", file=sys.stderr, flush=True)
    return out


# --- scoring ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SetScore:
    name: str
    answerable: int
    none: int
    r1: float
    r3: float
    answerable_abstained: int
    declined: int  # never-decided questions given partial or none
    partial: int  # of those, partial

    @property
    def declined_share(self) -> float:
        return self.declined / self.none if self.none else 1.0


def score(rows: list[Row], decide, rule: AnswerRule | None) -> SetScore:
    """``rule`` None: today's rule (no answerability decision)."""
    def tier(r: Row) -> Tier:
        if rule is None:
            return Tier.NONE if r.abstained else Tier.ANSWER
        return r.tier(decide, rule)

    ans = [r for r in rows if r.answerable]
    none = [r for r in rows if not r.answerable]
    n = max(len(ans), 1)
    tiers = {id(r): tier(r) for r in rows}
    return SetScore(
        rows[0].set if rows else "", len(ans), len(none),
        r1=sum(tiers[id(r)] is Tier.ANSWER and r.rank == 1 for r in ans) / n,
        r3=sum(tiers[id(r)] is Tier.ANSWER and r.rank is not None and r.rank <= 3 for r in ans) / n,
        answerable_abstained=sum(tiers[id(r)] is not Tier.ANSWER for r in ans),
        declined=sum(tiers[id(r)] is not Tier.ANSWER for r in none),
        partial=sum(tiers[id(r)] is Tier.PARTIAL for r in none))


def grid(base: AnswerRule) -> list[AnswerRule]:
    return [replace(base, min_coverage=c, min_margin=m, min_word=w)
            for c, m, w in itertools.product(COVERAGES, MARGINS, WORDS)]


def objective(scores: list[SetScore]) -> float:
    """Mean R@1 over the sets with answerable questions plus mean share declined over the sets with
    never-decided ones: a kept answer and a declined near miss weigh the same, each set counts once."""
    ans = [s.r1 for s in scores if s.answerable]
    none = [s.declined_share for s in scores if s.none]
    return (statistics.mean(ans) if ans else 0.0) + (statistics.mean(none) if none else 0.0)


def label(rule: AnswerRule | None) -> str:
    if rule is None:
        return "today (no decision)"
    return f"cov>={rule.min_coverage:g} or (margin>={rule.min_margin:g} and words>={rule.min_word:g})"


# --- report -------------------------------------------------------------------------------------
def table(header: list[str], rows: list[list[object]]) -> list[str]:
    return ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(str(c) for c in r) + " |" for r in rows), ""]


def set_rows(by_set: dict[str, list[Row]], decide, rule: AnswerRule | None) -> list[list[object]]:
    out = []
    for name, rows in by_set.items():
        s = score(rows, decide, rule)
        out.append([name, s.answerable, f"{s.r1:.3f}" if s.answerable else "–", f"{s.r3:.3f}" if s.answerable else "–",
                    f"{s.answerable_abstained}/{s.answerable}" if s.answerable else "–",
                    f"{s.declined}/{s.none} ({s.partial} partial)" if s.none else "–"])
    return out


def report(by_set: dict[str, list[Row]], decide, chosen: AnswerRule, note: str) -> str:
    lines = [f"Written by `python -m bench.quality` on {dt.date.today()}. {note}", "",
             "Hybrid mode. R@1 / R@3: answered (tier answer) with a right punkt at rank 1 / within 3; "
             "answerable abstained: given partial or none; declined: never-decided questions given partial or "
             "none (partial: the nearest punkt shown as nearest, with \"intet om: …\"). With the decision (the "
             "rule in the product and every rule of the curve), a day, the weekend, a part of the day, a year, a "
             "month or a number naming one thing (\"lokalplan 1043\") the question names and the punkt lacks makes "
             "it partial (answerability.EXCLUSIVE, question_dates, question_numbers): "
             f"{sum(1 for rows in by_set.values() for r in rows if r.signals is not None and r.signals.exclusive)}"
             " questions here; a name the punkt lacks must be closer than another word (min_name "
             f"{chosen.min_name}), also when the coverage would answer: "
             f"{sum(1 for rows in by_set.values() for r in rows if r.signals is not None and r.signals.names)}"
             " questions; a punkt answering on the margin must have a content word in what it states and decides "
             f"(min_decided {chosen.min_decided}); words more than {chosen.max_share:.0%} of the punkter have "
             "(the municipality's name, \"kommunens\") do not count there; a word no punkt has must be at least "
             f"min_unknown {chosen.min_unknown} close: "
             f"{sum(1 for rows in by_set.values() for r in rows if r.signals is not None and r.signals.unknown)}"
             " questions have one.", "",
             "### Before: today's rule alone"]
    header = ["set", "answerable", "R@1", "R@3", "answerable abstained", "never decided: declined"]
    lines += table(header, set_rows(by_set, decide, None))
    lines += [f"### After: the rule in the product, `{label(chosen)}`"]
    lines += table(header, set_rows(by_set, decide, chosen))
    # The curve: every rule of the grid, answerable questions kept (R@1 summed over sets) against never-decided
    # questions declined; the Pareto front.
    points = []
    for rule in grid(chosen):
        scores = [score(rows, decide, rule) for rows in by_set.values()]
        kept = sum(round(s.r1 * s.answerable) for s in scores)
        declined = sum(s.declined for s in scores)
        worst = min((s.declined_share for s in scores if s.none), default=1.0)
        points.append((kept, declined, worst, objective(scores), rule))
    front = [p for p in points if not any(q[0] >= p[0] and q[1] >= p[1] and (q[0], q[1]) != (p[0], p[1])
                                          for q in points)]
    front = sorted({(p[0], p[1]): p for p in front}.values(), key=lambda p: (-p[0], -p[1]))
    total_ans = sum(1 for rows in by_set.values() for r in rows if r.answerable)
    total_none = sum(1 for rows in by_set.values() for r in rows if not r.answerable)
    base = [score(rows, decide, None) for rows in by_set.values()]
    lines += ["### The trade-off curve",
              "", f"Every rule of the grid (coverage {', '.join(map(str, COVERAGES))}; margin "
              f"{', '.join(map(str, MARGINS))}; word {', '.join(map(str, WORDS))}: {len(points)} rules) on all "
              f"sets together: answerable questions answered right at rank 1 (of {total_ans}) against "
              f"never-decided questions declined (of {total_none}); the Pareto front, best kept first. Today's "
              f"rule: {sum(round(s.r1 * s.answerable) for s in base)} kept, {sum(s.declined for s in base)} declined."]
    lines += table(["rule", "kept (R@1)", "declined", "worst near-miss set declined", "objective"],
                   [[("**" + label(p[4]) + "** (chosen)") if p[4] == chosen else label(p[4]), p[0], p[1],
                     f"{p[2]:.2f}", f"{p[3]:.3f}"] for p in front])
    lines += threshold_curve(by_set, decide, chosen, "min_name", NAMES,
                             "a name the punkt lacks (0: as any other word)")
    lines += threshold_curve(by_set, decide, chosen, "min_decided", DECIDED,
                             "a content word in what the punkt states and decides (0: no check)")
    lines += threshold_curve(by_set, decide, chosen, "min_unknown", UNKNOWN,
                             "a word no punkt has (0: as any other word)")
    loo_lines, loo_rules = loo(by_set, decide, chosen)
    lines += loo_lines
    from bench.learned import learned_lines  # it reads this module's Row and table

    lines += learned_lines(by_set, decide, chosen, loo_rules)
    lines += examples(by_set, decide, chosen)
    cost = [r.seconds for rows in by_set.values() for r in rows if r.signals is not None]
    if cost:
        lines += ["", f"Cost of the decision with every word compared (benchmark setting; the product compares "
                      f"only when the coverage alone does not answer): median {statistics.median(cost) * 1000:.0f} "
                      f"ms, max {max(cost) * 1000:.0f} ms per question, one thread."]
    return "\n".join(lines)


def threshold_curve(by_set: dict[str, list[Row]], decide, chosen: AnswerRule, field: str,
                    values: tuple[float, ...], what: str) -> list[str]:
    """The chosen rule with other values of one threshold."""
    rows = []
    for x in values:
        scores = [score(r, decide, replace(chosen, **{field: x})) for r in by_set.values()]
        rows.append([f"**{x:g}** (chosen)" if x == getattr(chosen, field) else f"{x:g}",
                     sum(round(s.r1 * s.answerable) for s in scores), sum(s.declined for s in scores)])
    return ["", f"The chosen rule with other thresholds for {what}, {field}:"] + table(
        [field, "kept (R@1)", "declined"], rows)


def loo(by_set: dict[str, list[Row]], decide, chosen: AnswerRule) -> tuple[list[str], dict[str, AnswerRule]]:
    """Leave one set out: choose by ``objective`` on the other sets, score the one left out. Also returns
    the rule chosen without each set."""
    rules = grid(chosen)
    out, picked = [], {}
    for held in by_set:
        rest = [rows for name, rows in by_set.items() if name != held]
        best = max(rules, key=lambda r: (objective([score(rows, decide, r) for rows in rest]),
                                         r == chosen, r.min_coverage, -r.min_word))
        picked[held] = best
        s, c = score(by_set[held], decide, best), score(by_set[held], decide, chosen)

        def fig(x: SetScore) -> str:
            parts = [f"R@1 {x.r1:.3f}"] if x.answerable else []
            parts += [f"declined {x.declined}/{x.none}"] if x.none else []
            return ", ".join(parts)

        out.append([held, label(best), fig(s), fig(c)])
    return ["### Leave one set out", "",
            "The thresholds were chosen on these sets; to see whether they overfit, each set in turn is left "
            "out, the rule maximising the objective (mean R@1 + mean share declined) is chosen on the others "
            "and scored on it."] + table(["set left out", "rule chosen without it", "its figures there",
                                          "the product's rule there"], out), picked


def examples(by_set: dict[str, list[Row]], decide, chosen: AnswerRule) -> list[str]:
    rows = []
    for name, rs in by_set.items():
        for r in rs:
            if r.signals is None:
                continue
            v = decide(r.signals, chosen)
            if r.answerable and v.tier is not Tier.ANSWER and r.rank == 1:
                rows.append([name, r.q, "right answer made partial", ", ".join(v.uncovered) or "–"])
            elif not r.answerable and v.tier is Tier.ANSWER:
                rows.append([name, r.q, "never decided, still answered", "–"])
    shown = [r for r in rows][:40]
    partial = [[name, r.q, ", ".join(decide(r.signals, chosen).uncovered) or "–"]
               for name, rs in by_set.items() for r in rs if not r.answerable and r.signals is not None
               and decide(r.signals, chosen).tier is Tier.PARTIAL][:12]
    return (["### What the product's rule gets wrong", ""] + (table(["set", "question", "what", "intet om"], shown)
                                                            if shown else ["Nothing.", ""])
            + ["### Partial answers as they read (first 12)"] + table(["set", "question", "intet om"], partial))


# --- running ------------------------------------------------------------------------------------
def open_bundled(work: Path, embedder):
    from bot.compose import open_core
    from embeddings.ingest.files import ingest_paths
    from embeddings.store import Store

    settings = Settings(home=work / "bundled", model_cache=PROJECT_DIR / "data/models")
    ingest_paths(Store(settings.store_path), [PROJECT_DIR / "data/referater"])
    return open_core(settings, embedder=embedder)


def open_greve(work: Path, greve_homes: list[Path], embedder):
    """A copy of the Greve store and index in ``work`` (an index of the previous format is converted from
    its saved vectors: nothing is embedded)."""
    from bench.scale.quality import greve_copy
    from bot.compose import open_core

    home = greve_copy(work / "greve", greve_homes, embedder, log=lambda s: print(s, file=sys.stderr))
    if home is None:
        return None
    return open_core(Settings(home=home, model_cache=PROJECT_DIR / "data/models"), embedder=embedder,
                     build_missing=False)


def latency(core, today: dt.date) -> list[Row]:
    """Warm `ask` on the bundled dev and extra questions (x3), with and without the decision, as rows of a
    pseudo set: seconds per ask in ``seconds``, ``abstained`` True for the runs with the decision."""
    questions = [d["q"] for name in ("dev", "extra") for d in load(BUNDLED_SETS[name])]
    retriever, answerability = core.retriever, core.retriever.answerability
    out = []
    for q in questions[:5]:
        core.ask(q)
    try:
        for with_decision in (False, True):
            retriever.answerability = answerability if with_decision else None
            for q in questions:
                for _ in range(3):
                    t = time.perf_counter()
                    core.ask(q)
                    out.append(Row("_latency", q, False, with_decision, None, None, time.perf_counter() - t))
    finally:
        retriever.answerability = answerability
    return out


def latency_lines(rows: list[Row]) -> list[str]:
    def pct(xs: list[float], p: float) -> float:
        return percentile(xs, p) * 1000

    without = [r.seconds for r in rows if not r.abstained]
    with_ = [r.seconds for r in rows if r.abstained]
    return ["### Cost", "", f"Warm `ask` on the bundled dev and extra questions ({len(without) // 3} x 3, one thread, "
            "the same process): the word comparison runs only when the coverage alone does not answer and the "
            "nearest punkt is close (forward passes of the question and the punkt's best chunk; when those "
            "would answer, of the question and what the punkt states and decides again)."] + table(
        ["", "p50", "p95", "max"],
        [["without the decision", f"{pct(without, .5):.0f} ms", f"{pct(without, .95):.0f} ms", f"{pct(without, 1):.0f} ms"],
         ["with the decision", f"{pct(with_, .5):.0f} ms", f"{pct(with_, .95):.0f} ms", f"{pct(with_, 1):.0f} ms"]])


def to_json(r: Row) -> dict:
    d = asdict(r)
    if r.signals is not None:
        d["signals"] = asdict(r.signals) | {"literal": sorted(r.signals.literal)}
    return d


def from_json(d: dict) -> Row:
    s = d.pop("signals")
    sig = None if s is None else Signals(tuple(s["words"]), s["coverage"], frozenset(s["literal"]), s["margin"],
                                         s["similarity"], tuple(s.get("exclusive", ())), tuple(s.get("names", ())),
                                         s.get("decided"), tuple(s.get("unknown", ())))
    return Row(**d, signals=sig)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.quality")
    ap.add_argument("--greve-home", type=Path, action="append", default=[],
                    help="a Greve store + index (beslut.db, index/), copied before use; skipped when missing")
    ap.add_argument("--rows", type=Path, help="also write every question's row here (jsonl)")
    ap.add_argument("--from-rows", type=Path, help="score rows written by --rows instead of running the model")
    ap.add_argument("--out", type=Path, default=PROJECT_DIR / "docs/benchmarks.md")
    args = ap.parse_args(argv)
    from embeddings.dense.e5_convert import MODEL_ID

    chosen = rule_for(MODEL_ID)
    decide = Answerability(chosen, matcher=_Present()).decide
    if args.from_rows:
        by_set: dict[str, list[Row]] = {}
        for line in args.from_rows.read_text(encoding="utf-8").splitlines():
            r = from_json(json.loads(line))
            by_set.setdefault(r.set, []).append(r)
        note = f"Scored from {args.from_rows.name}."
    else:
        by_set, note = run(args)
    timing = by_set.pop("_latency", [])
    text = report(by_set, decide, chosen, note)
    if timing:
        text += "\n\n" + "\n".join(latency_lines(timing))
    print(text)
    write_section("quality", "## Answer, partial or none (issue 15)\n\n" + text, args.out)
    print(f"\nwritten to {args.out}", file=sys.stderr)
    return 0


class _Present:
    """Scoring offline: the word scores are in the rows; ``decide`` only needs to know a matcher exists."""

    def similarities(self, question, words, passage):  # pragma: no cover - never called when scoring
        raise AssertionError("offline scoring compares no words")


def run(args) -> tuple[dict[str, list[Row]], str]:
    from embeddings.dense.encoder import load_embedder

    embedder = load_embedder(None, PROJECT_DIR / "data/models", threads=1)
    by_set: dict[str, list[Row]] = {}
    skipped = []
    with tempfile.TemporaryDirectory(prefix="beslut-quality-") as tmp:
        work = Path(tmp)
        core = core_bundled = open_bundled(work, embedder)
        today = core.options.today or dt.date.today()
        for name, path in BUNDLED_SETS.items():
            if path.is_file():
                by_set[name] = collect(core, name, path, today)
            else:
                skipped.append(name)
        core = open_greve(work, args.greve_home + list(GREVE_HOMES), embedder)
        if core is not None:
            for name, path in GREVE_SETS.items():
                by_set[name] = collect(core, name, path, today)
        else:
            skipped += list(GREVE_SETS)
        by_set["_latency"] = latency(core_bundled, today)  # popped by main
    if args.rows:
        with open(args.rows, "w", encoding="utf-8") as f:
            for rows in by_set.values():
                for r in rows:
                    f.write(json.dumps(to_json(r), ensure_ascii=False) + "\n")
    note = f"Skipped (not found): {', '.join(skipped)}." if skipped else ""
    return by_set, note


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
