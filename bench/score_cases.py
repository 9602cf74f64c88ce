"""Score question sets whose right answers are case numbers (SagsNummer), the way bench/run.py scores
bench/greve.jsonl: a case passes several committees, so any punkt of a listed case is a right answer.

    python -m bench.score_cases bench/greve.jsonl bench/greve_paraphrase.jsonl --home DIR [--details]

Each line: {"q": "...", "cases": ["22-006961"], "kind": "paraphrase"}; an empty ``cases`` means nothing
was ever decided and the right answer is to abstain. Per set: R@1 and R@3 of the answerable questions
(answered, and a listed case at rank 1 / within the first 3), the same ranks ignoring abstention (what
retrieval alone finds), answerable questions abstained on, and never-decided questions abstained on.

``--home`` is opened with the product's Store, which takes a write lock when it opens: point it at a copy
of a shared store (e.g. /work/cache/greve), never at the shared one itself.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.answers import Answer
from bot.settings import PROJECT_DIR


@dataclass(frozen=True)
class CaseQuestion:
    q: str
    cases: tuple[str, ...]
    kind: str = ""


@dataclass(frozen=True)
class Row:
    question: CaseQuestion
    abstained: bool
    rank: int | None  # 1-based rank of the first punkt of a listed case among those shown, abstaining or not
    shown: tuple[str, ...]  # "committee date#n case: title" of the punkter shown (uncertain when abstaining)

    @property
    def right(self) -> bool:
        return self.abstained if not self.question.cases else (not self.abstained and self.rank == 1)


@dataclass(frozen=True)
class Summary:
    name: str
    answerable: int
    none: int
    r1: float
    r3: float
    r1_ignoring_abstention: float
    r3_ignoring_abstention: float
    answerable_abstained: int
    none_abstained: int


def load(path: Path) -> list[CaseQuestion]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        if not isinstance(d.get("q"), str) or not isinstance(d.get("cases"), list):
            raise SystemExit(f"{path}:{n}: needs \"q\" and a \"cases\" list")
        out.append(CaseQuestion(d["q"], tuple(d["cases"]), str(d.get("kind", ""))))
    return out


def score(questions: Iterable[CaseQuestion], ask: Callable[[str], Answer]) -> list[Row]:
    rows = []
    for cq in questions:
        a = ask(cq.q)
        shown = a.uncertain if a.abstained else a.hits
        rank = next((i for i, h in enumerate(shown, 1) if h.case_number in cq.cases), None)
        rows.append(Row(cq, a.abstained, rank, tuple(
            f"{h.committee} {h.ref} {h.case_number}: {h.title[:60]}" for h in shown)))
    return rows


def summarise(name: str, rows: list[Row]) -> Summary:
    ans = [r for r in rows if r.question.cases]
    none = [r for r in rows if not r.question.cases]
    n = max(len(ans), 1)
    return Summary(
        name, len(ans), len(none),
        r1=sum(not r.abstained and r.rank == 1 for r in ans) / n,
        r3=sum(not r.abstained and r.rank is not None and r.rank <= 3 for r in ans) / n,
        r1_ignoring_abstention=sum(r.rank == 1 for r in ans) / n,
        r3_ignoring_abstention=sum(r.rank is not None and r.rank <= 3 for r in ans) / n,
        answerable_abstained=sum(r.abstained for r in ans),
        none_abstained=sum(r.abstained for r in none))


def render(s: Summary) -> str:
    return (f"{s.name}: answerable {s.answerable}, R@1 {s.r1:.3f}, R@3 {s.r3:.3f} "
            f"(ignoring abstention {s.r1_ignoring_abstention:.3f} / {s.r3_ignoring_abstention:.3f}), "
            f"answerable abstained {s.answerable_abstained}/{s.answerable}; "
            f"never decided abstained {s.none_abstained}/{s.none}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.score_cases")
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--home", type=Path, required=True, help="a store + index (a copy: opening it writes)")
    ap.add_argument("--models", type=Path, help="model cache (default: HOME/models, else data/models)")
    ap.add_argument("--details", action="store_true", help="one line per question")
    ap.add_argument("--json", type=Path, help="write every row and summary here")
    args = ap.parse_args(argv)
    from bot.compose import open_core
    from bot.settings import Settings
    from embeddings.encoder import load_embedder

    models = args.models or (args.home / "models" if (args.home / "models").is_dir() else PROJECT_DIR / "data/models")
    settings = Settings(home=args.home, model_cache=models)
    core = open_core(settings, embedder=load_embedder(None, settings.model_cache_dir))
    dump = {}
    for path in args.files:
        rows = score(load(path), lambda q: core.ask(q, k=3))
        summary = summarise(path.name, rows)
        if args.details:
            for r in rows:
                mark = "ok  " if r.right else ("~   " if r.rank else "MISS")
                where = "abstained" if r.abstained else f"rank {r.rank}" if r.rank else "-"
                print(f"{mark} {r.question.q[:70]:70} {','.join(r.question.cases) or '(ingen)':24} {where:10} "
                      f"{r.shown[0] if r.shown else '-'}")
        print(render(summary), flush=True)
        dump[path.name] = {"summary": asdict(summary), "rows": [asdict(r) | {"right": r.right} for r in rows]}
    if args.json:
        args.json.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
