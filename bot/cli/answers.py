"""`beslut index`, `beslut ask`, `beslut sag`, `beslut eval`: search from the command line."""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from contextlib import closing
from pathlib import Path

from bot.cli import render as render_text
from bot.cli.home import require_store
from bot.cli.ports import Wiring
from bot.cli.progress import progress_bar
from bot.core import evaluate, router
from bot.core.service import validate_question
from embeddings.errors import BeslutError
from embeddings.search.retriever import Mode


def register(sub: argparse._SubParsersAction) -> None:
    modes = [m.value for m in Mode]
    mode_help = "søgning: bm25 (ordene), dense (betydningen) eller hybrid (begge; standard)"
    p = sub.add_parser("index", help="opdatér søgeindekset (kun nye og ændrede punkter)")
    p.add_argument("--rebuild", action="store_true", help="byg hele indekset forfra (fx efter modelskift)")
    p.set_defaults(run=run_index)
    p = sub.add_parser("ask", help="stil et spørgsmål: beslut ask \"hvad besluttede vi om telefontider?\"")
    p.add_argument("question", metavar="SPØRGSMÅL", help="spørgsmålet, i anførselstegn")
    p.add_argument("--k", type=int, default=3, metavar="ANTAL", help="antal punkter (standard 3, højst 20)")
    p.add_argument("--mode", choices=modes, default=Mode.HYBRID.value, help=mode_help)
    p.add_argument("--json", action="store_true", help="svaret som JSON (se README)")
    p.set_defaults(run=run_ask)
    p = sub.add_parser("sag", help="en sags punkter på tværs af møder: beslut sag 83.02.00-A00-1-23 (eller 83.02); "
                                   "andre ord besvares som et spørgsmål")
    p.add_argument("query", metavar="JOURNALNUMMER",
                   help="et journalnummer (83.02.00-A00-1-23) eller et KLE-præfiks (83.02); andre ord besvares som "
                        "et spørgsmål")
    p.add_argument("--json", action="store_true", help="punkterne som JSON (se README); et spørgsmål som svar-JSON")
    p.set_defaults(run=run_sag)
    p = sub.add_parser("eval", help="mål genfinding på en jsonl-fil med spørgsmål")
    p.add_argument("file", type=Path, metavar="FIL",
                   help='jsonl med én linje pr. spørgsmål: {"q": ..., "expect": ["ÅÅÅÅ-MM-DD#N"], "kind": ...}')
    p.add_argument("--mode", choices=modes, default=Mode.HYBRID.value, help=mode_help)
    p.add_argument("--json", action="store_true", help="målene som JSON")
    p.set_defaults(run=run_eval)


def run_index(args: argparse.Namespace, wiring: Wiring) -> int:
    with progress_bar() as progress:
        stats = wiring.update_index(rebuild=args.rebuild, progress=progress)
    print(render_text.index_summary(stats))
    return 0


def run_ask(args: argparse.Namespace, wiring: Wiring) -> int:
    return print_answer(wiring, args.question, max(1, min(args.k, 20)), Mode(args.mode), args.json)


def print_answer(wiring: Wiring, question: str, k: int, mode: Mode, as_json: bool) -> int:
    validate_question(question)  # a bad question fails before the model loads
    require_store(wiring.settings)
    with closing(wiring.core()) as core:
        answer = core.ask(question, k=k, mode=mode)
    if as_json:
        print(json.dumps(render_text.answer_json(answer), ensure_ascii=False, indent=2))
    else:
        print(render_text.answer_text(answer))
    return 0


def run_sag(args: argparse.Namespace, wiring: Wiring) -> int:
    """The chat platforms' ``sag`` command, by the router's rules: a journal number or KLE prefix shows the
    case (no model needed: the store answers it), other words are a question (`beslut ask`)."""
    intent = router.parse_command(args.query)
    if isinstance(intent, router.AskIntent):
        return print_answer(wiring, intent.question, 3, Mode.HYBRID, args.json)
    if isinstance(intent, router.MalformedCaseIntent):
        raise BeslutError("journal_malformed", text=intent.text)
    if isinstance(intent, (router.FollowIntent, router.FollowingIntent, router.StopIntent)):
        raise BeslutError("follow_in_chat_only")
    if not isinstance(intent, router.CaseIntent):  # nothing, or "hjælp": the command line has --help
        raise BeslutError("sag_usage")
    require_store(wiring.settings)
    timeline = wiring.case_core().sag(intent.query)
    if args.json:
        print(json.dumps(render_text.timeline_json(timeline), ensure_ascii=False, indent=2))
    else:
        print(render_text.timeline_text(timeline))
    return 0 if timeline.items else 1


def run_eval(args: argparse.Namespace, wiring: Wiring) -> int:
    questions = evaluate.load_questions(args.file)
    require_store(wiring.settings)
    mode = Mode(args.mode)
    with closing(wiring.core()) as core:
        core.ask("opvarmning", mode=mode)  # warm up: latency figures are for a warm process
        outcomes = evaluate.run(questions, lambda q: core.ask(q, mode=mode))
    m = evaluate.metrics(outcomes)
    if args.json:
        print(json.dumps(dataclasses.asdict(m), ensure_ascii=False, indent=2))
        return 0
    for o in outcomes:
        ok = (o.abstained if not o.question.expect else (not o.abstained and o.rank() == 1))
        mark = "ok " if ok else ("~  " if o.rank() and not o.abstained else "MISS")
        print(f"{mark} {o.question.q[:60]:60} expect={','.join(o.question.expect) or '-':28} "
              f"got={','.join(o.ranked[:3]) or '-'}{' (abstained)' if o.abstained else ''}", file=sys.stderr)
    print(f"mode={mode.value} n={m.n} R@1={m.recall_at_1:.3f} R@3={m.recall_at_3:.3f} MRR={m.mrr:.3f} "
          f"abstention={m.abstention_accuracy:.3f} (none abstained {m.none_abstained}, "
          f"answerable abstained {m.answerable_abstained}) p50={m.p50_ms:.0f}ms p95={m.p95_ms:.0f}ms")
    for kind, d in m.by_kind.items():
        answerable = sum(1 for o in outcomes if o.question.kind == kind and o.question.expect)
        scores = (f"R@1={d['recall_at_1']:.3f} R@3={d['recall_at_3']:.3f} MRR={d['mrr']:.3f}" if answerable
                  else f"abstained {d['abstained']}/{d['n']}")
        print(f"  {kind:10} n={d['n']:.0f} {scores}")
    return 0
