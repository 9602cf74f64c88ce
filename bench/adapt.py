"""Adapting e5-small to a corpus on the pairs it gives for free (issue 15), measured: does it find everyday
paraphrases?

    python -m bench.adapt [--steps 75,150] [--greve-home DIR] [--out docs/benchmarks.md]

Only the query side learns; the passages stay the index's saved vectors, so nothing is re-embedded and an
index stays valid. Training questions are the first sentence (6-40 words) of each open punkt's Resume,
Anledning or Indstilling, asked of its own punkt: the loss is a softmax over every chunk of the corpus
(temperature 0.02), the punkt's chunks being right. The token embeddings (96M of the 118M parameters) stay
frozen; AdamW, learning rate 1e-5, 32 questions a step, at most 3 epochs, on the CPU. Each corpus adapts on
its own punkter: the bundled minutes (dev, extra) and Greve (greve, greve_paraphrase).

R@1 / R@3 / R@10 of the ranking alone (retriever.best_blended, abstention ignored), hybrid and dense, before
and after. Writes the section "adapt" of docs/benchmarks.md. Without ../shared or a Greve home those sets
are skipped.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.quality import (BUNDLED_SETS, GREVE_HOMES, GREVE_SETS, load, open_bundled, open_greve, rank_of,
                           recall, table)
from bench.sections import write_section
from bot.settings import PROJECT_DIR
from embeddings.dense.encoder import SentenceTransformerEmbedder
from embeddings.minutes import SectionName
from embeddings.search.retriever import Mode, best_blended
from embeddings.store import Store

SOURCES = frozenset({SectionName.RESUME, SectionName.ANLEDNING, SectionName.INDSTILLING})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
BATCH, LEARNING_RATE, TEMPERATURE = 32, 1e-5, 0.02
MAX_EPOCHS = 3  # a small corpus (the bundled minutes give 25 questions) stops early instead of memorising them


def training_questions(core, store: Store) -> list[tuple[str, int]]:
    """(the first sentence of a Resume, Anledning or Indstilling, its punkt's row), shuffled (seed 0)."""
    rows = {core.retriever.punkts.uid(i): i for i in range(len(core.retriever.punkts))}
    out = []
    for p in store.punkter():
        if p.uid not in rows:
            continue
        for s in p.sections:
            words = _SENTENCE_END.split(s.text.strip())[0].split() if s.name in SOURCES else []
            if len(words) >= 6:
                out.append((" ".join(words[:40]), rows[p.uid]))
    random.Random(0).shuffle(out)
    return out


class QueryAdapter:
    """A copy of the model whose transformer layers learn; ``embedder`` encodes questions with it (and
    documents with the original, which the saved vectors came from)."""

    def __init__(self, embedder: SentenceTransformerEmbedder) -> None:
        import torch

        self.torch = torch
        torch.manual_seed(0)  # dropout: the same figures on every run
        self.base = embedder
        self.model = copy.deepcopy(embedder.model)
        self.prompt = embedder.prompts.get("query", "")
        auto = self.model[0].auto_model
        for p in auto.embeddings.parameters():
            p.requires_grad = False
        self.optimizer = torch.optim.AdamW([p for p in auto.parameters() if p.requires_grad], lr=LEARNING_RATE)
        self.embedder = SentenceTransformerEmbedder(self.model, embedder.model_id, embedder.batch_size)
        self.embedder.encode_documents = embedder.encode_documents  # the passages stay the saved ones

    def train(self, questions: list[tuple[str, int]], vectors: np.ndarray, chunk_punkt: np.ndarray,
              steps: range) -> None:
        torch = self.torch
        passages = torch.tensor(vectors)
        owner = torch.from_numpy(chunk_punkt.astype(np.int64))
        self.model.train()
        for step in steps:
            batch = [questions[(step * BATCH + k) % len(questions)] for k in range(BATCH)]
            features = self.model.preprocess([self.prompt + q for q, _ in batch])
            q = torch.nn.functional.normalize(self.model(features)["sentence_embedding"], dim=-1)
            logits = q @ passages.T / TEMPERATURE
            right = owner.unsqueeze(0) == torch.tensor([i for _, i in batch]).unsqueeze(1)
            loss = (torch.logsumexp(logits, 1) - torch.logsumexp(logits.masked_fill(~right, -1e9), 1)).mean()
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
        self.model.eval()


def measure(core, path: Path, today: dt.date) -> dict[str, tuple[float, float, float]]:
    """Hybrid and dense R@1, R@3, R@10 on the answerable questions of ``path`` with the core's embedder."""
    retriever = core.retriever
    questions = [d for d in load(path) if d["expect"] or d["cases"]]
    ranks: dict[str, list] = {"hybrid": [], "dense": []}
    for d in questions:
        legs = retriever.legs(d["q"], today=today)
        for mode in (Mode.HYBRID, Mode.DENSE):
            ranks[mode.value].append(rank_of(retriever, best_blended(legs, legs.mask, 10, mode, retriever.cal)[0], d))
    return {m: recall(rs) for m, rs in ranks.items()}


def adapt_and_measure(core, store: Store, sets: dict[str, Path], checkpoints: list[int], today: dt.date,
                      log) -> list[tuple[str, dict]]:
    """[(stage, {set: figures})]: before, then after each checkpoint's number of steps."""
    retriever = core.retriever
    stages = [("e5-small as shipped", {name: measure(core, path, today) for name, path in sets.items()})]
    questions = training_questions(core, store)
    adapter = QueryAdapter(retriever.embedder)
    vectors = np.ascontiguousarray(retriever.index.vectors(), np.float32)
    chunk_punkt = np.asarray(retriever.index.chunk_punkt)
    done, seconds = 0, 0.0
    base = retriever.embedder
    most = -(-MAX_EPOCHS * len(questions) // BATCH)
    for steps in sorted({min(c, most) for c in checkpoints}):
        started = time.perf_counter()
        adapter.train(questions, vectors, chunk_punkt, range(done, steps))
        seconds += time.perf_counter() - started
        done = steps
        retriever.embedder = adapter.embedder
        try:
            figures = {name: measure(core, path, today) for name, path in sets.items()}
        finally:
            retriever.embedder = base
        epochs = steps * BATCH / len(questions)
        stages.append((f"query side adapted: {steps} steps ({epochs:.1f} epochs of {len(questions)} "
                       f"questions, {seconds:.0f} s)", figures))
        log(f"  {steps} steps: {figures}")
    return stages


def report(stages_by_corpus: list[list[tuple[str, dict]]], note: str) -> str:
    lines = ["## Adapting e5-small to the corpus (issue 15)", "",
             f"Written by `python -m bench.adapt` on {dt.date.today().isoformat()}. {note}", "",
             "The query side of e5-small trained on each corpus's own punkter (the first sentence of a Resume, "
             "Anledning or Indstilling asked of its punkt; bench/adapt.py), the passages kept as saved. The ranking "
             "alone, abstention ignored: R@1 / R@3 / R@10 of the answerable questions, hybrid (the product's blend)"
             " and dense alone.", ""]
    for stages in stages_by_corpus:
        sets = list(stages[0][1])
        rows = [[stage] + [" / ".join(f"{x:.3f}" for x in figures[s][m]) for s in sets for m in ("hybrid", "dense")]
                for stage, figures in stages]
        lines += table(["stage"] + [f"{s} {m}" for s in sets for m in ("hybrid", "dense")], rows)
        first, last = stages[0][1], stages[-1][1]
        lines += ["After the last stage, hybrid R@1: " + "; ".join(
            f"{s} {first[s]['hybrid'][0]:.3f} -> {last[s]['hybrid'][0]:.3f}" for s in sets) + ".", ""]
    lines += ["Not adopted: the product keeps e5-small as shipped. Adapting moves the dense leg a little on the "
              "paraphrases but not the hybrid ranking, costs title questions, and would shift every cosine "
              "threshold tuned for the shipped model (the abstention margin, the answerability rule)."]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.adapt", description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", default="75,150", help="checkpoints, in training steps of 32 questions")
    ap.add_argument("--greve-home", type=Path, action="append", default=[],
                    help="a BESLUT_HOME with the Greve store and real-model index (read only; copied first)")
    ap.add_argument("--out", type=Path, default=PROJECT_DIR / "docs/benchmarks.md")
    args = ap.parse_args(argv)
    checkpoints = sorted({int(s) for s in args.steps.split(",")})
    from embeddings.dense.encoder import load_embedder

    def log(s: str) -> None:
        print(s, file=sys.stderr, flush=True)

    embedder = load_embedder(None, PROJECT_DIR / "data/models", threads=2)  # training: both cores
    results, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="beslut-adapt-") as tmp:
        work = Path(tmp)
        core = open_bundled(work, embedder)
        today = core.options.today or dt.date.today()
        sets = {n: BUNDLED_SETS[n] for n in ("dev", "extra") if BUNDLED_SETS[n].is_file()}
        skipped += [n for n in ("dev", "extra") if n not in sets]
        if sets:
            log("bundled minutes")
            results.append(adapt_and_measure(core, Store(work / "bundled" / "beslut.db"), sets, checkpoints, today,
                                             log))
        core = open_greve(work, args.greve_home + list(GREVE_HOMES), embedder)
        if core is None:
            skipped += list(GREVE_SETS)
        else:
            log("Greve")
            results.append(adapt_and_measure(core, Store(work / "greve" / "beslut.db"), GREVE_SETS, checkpoints,
                                             today, log))
    markdown = report(results, f"Skipped (not found): {', '.join(skipped)}." if skipped else "")
    print(markdown)
    write_section("adapt", markdown, args.out)
    log(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
