"""Ranking for everyday paraphrases (issue 15): the variants tried, side by side in one run, so the product's
choice of retrieval is reproducible by one command.

    python -m bench.paraphrase_ranking [--greve-home DIR] [--out docs/benchmarks.md]

R@1 / R@3 / R@10 of the ranking alone (abstention and the answerability decision ignored: what the retriever
puts first) on the answerable questions of the bundled dev.jsonl and extra.jsonl and of Greve's
bench/greve.jsonl, bench/greve_paraphrase.jsonl, bench/greve_blind.jsonl and bench/greve_blind2.jsonl, for:

- the product: hybrid blend of the FAISS candidates' best chunk and BM25 (retriever.best_blended);
- the same blend on exact dense scores, with other weights, dense alone, BM25 alone;
- reciprocal-rank fusion of the two legs instead of the blend;
- a bonus for chunks holding decisive sections (Resume, Indstilling, Beslutning), by the share of their words;
- a punkt scored by its best two chunks (best + 0.2 x second) instead of its best;
- dense pseudo-relevance feedback (the question's vector moved towards its top 5 chunks);
- BM25 on the question's content words only (answerability.content_words: question verbs such as "kommer",
  "gælder" left out);
- a bonus for punkter whose title names a year the question names ("klagesager i 2024": the 2024 report,
  treated in 2025);
- late interaction: the product's top 10 re-scored by how close each question word comes to the punkt's best
  chunk in the model's own hidden states (the answerability decision's word matcher, word_match.py);
- query-side handling of everyday words: a lexicon (bench/everyday_lexicon.txt: "buskort" -> "kollektiv trafik",
  "billigere" -> "takstnedsættelse", ...) adding the minutes' words to the BM25 query at half weight.

Nothing is embedded but the questions (and, for late interaction, the top 10 chunks' token states): the
variants work on the index's saved vectors. Writes the section
"paraphrase-ranking" of docs/benchmarks.md. Without ../shared or a Greve home those sets are skipped.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.quality import (BUNDLED_SETS, GREVE_HOMES, GREVE_SETS, load, open_bundled, open_greve, rank_of,
                           recall, table)
from bench.sections import write_section
from bot.settings import PROJECT_DIR
from embeddings.dense.chunking import WINDOW_WORDS, window_starts
from embeddings.minutes import Punkt, SectionName
from embeddings.search.answerability import content_words, question_dates
from embeddings.search.lexical import tokens
from embeddings.search.retriever import Legs, Mode, best_blended
from embeddings.store import Store

DECISIVE = frozenset({SectionName.RESUME, SectionName.INDSTILLING, SectionName.BESLUTNING})
CANDIDATES = 200  # punkter given a dense score per question (the product: those of its 400 best chunks)


def decisive_share(p: Punkt) -> list[float]:
    """Per chunk of ``p`` (chunking.chunk_punkt's windows): the share of its words from decisive sections."""
    names: list[SectionName] = []
    for s in p.sections:
        names += [s.name] * (1 + len(s.text.split()))  # the heading word, then the text
    windows = [names[s:s + WINDOW_WORDS] for s in window_starts(len(names))]
    return [sum(n in DECISIVE for n in w) / len(w) if w else 0.0 for w in windows]


@dataclass
class Corpus:
    core: object
    vectors: np.ndarray  # chunk vectors (rows of the index)
    chunk_punkt: np.ndarray
    decisive: np.ndarray  # per chunk row: decisive share
    title_years: list[frozenset[str]]  # per punkt row: the years its title names

    @classmethod
    def of(cls, core, store: Store) -> "Corpus":
        index = core.retriever.index
        cp = np.asarray(index.chunk_punkt)
        pos = np.asarray(index.chunk_position)
        punkter = {p.uid: p for p in store.punkter()}
        shares = {uid: decisive_share(p) for uid, p in punkter.items()}
        punkts = core.retriever.punkts
        years = [frozenset(years_in(punkter[punkts.uid(i)].title)) if punkts.uid(i) in punkter else frozenset()
                 for i in range(len(punkts))]
        decisive = np.zeros(len(cp), np.float32)
        for row in np.flatnonzero(cp >= 0):
            s = shares.get(punkts.uid(int(cp[row])), [])
            decisive[row] = s[pos[row]] if pos[row] < len(s) else 0.0
        return cls(core, np.asarray(index.vectors(), np.float32), cp, decisive, years)

    def punkt_scores(self, chunk_scores: np.ndarray, second: float = 0.0) -> tuple[np.ndarray, dict[int, int]]:
        """Dense leg as the retriever builds it, from exact chunk scores: the best ``CANDIDATES`` punkter get
        their best chunk's score (plus ``second`` x their second best), every other punkt 0."""
        live = np.flatnonzero(self.chunk_punkt >= 0)
        order = live[np.argsort(-chunk_scores[live], kind="stable")]
        punkt_of = self.chunk_punkt[order]
        _, first = np.unique(punkt_of, return_index=True)
        best_rows = order[np.sort(first)][:CANDIDATES]
        dense = np.zeros(len(self.core.retriever.punkts), np.float32)
        chunks = {}
        for row in best_rows.tolist():
            i = int(self.chunk_punkt[row])
            dense[i], chunks[i] = chunk_scores[row], row
        if second:
            seen: dict[int, int] = {}
            for row in order[:4 * CANDIDATES].tolist():
                i = int(self.chunk_punkt[row])
                seen[i] = seen.get(i, 0) + 1
                if seen[i] == 2 and i in chunks:
                    dense[i] += second * chunk_scores[row]
        return dense, chunks


Variant = Callable[[Corpus, Legs, np.ndarray], list[int]]


def blend(w: float, dense: Callable[[Corpus, np.ndarray], tuple[np.ndarray, dict]] | None = None,
          mode: Mode = Mode.HYBRID) -> Variant:
    def rank(c: Corpus, legs: Legs, qv: np.ndarray) -> list[int]:
        cal = replace(c.core.retriever.cal, dense_weight=w)
        if dense is not None:
            d, chunks = dense(c, qv)
            legs = replace(legs, dense=d, chunks=chunks)
        return best_blended(legs, legs.mask, 10, mode, cal)[0]
    return rank


def exact(c: Corpus, qv: np.ndarray) -> tuple[np.ndarray, dict]:
    return c.punkt_scores(c.vectors @ qv)


def decisive_bonus(b: float):
    return lambda c, qv: c.punkt_scores(c.vectors @ qv + b * c.decisive)


def two_chunks(c: Corpus, qv: np.ndarray) -> tuple[np.ndarray, dict]:
    return c.punkt_scores(c.vectors @ qv, second=0.2)


def feedback(c: Corpus, qv: np.ndarray, k: int = 5, beta: float = 0.5) -> tuple[np.ndarray, dict]:
    sims = c.vectors @ qv
    top = np.argsort(-sims)[:k]
    moved = qv + beta * c.vectors[top].mean(axis=0)
    return c.punkt_scores(c.vectors @ (moved / np.linalg.norm(moved)))


def rrf(c: Corpus, legs: Legs, qv: np.ndarray) -> list[int]:
    d, _ = exact(c, qv)
    fused = np.zeros(len(d))
    for leg in (d, legs.lexical):
        scored = np.flatnonzero(leg > 0)
        ranks = np.empty(len(scored))
        ranks[np.argsort(-leg[scored], kind="stable")] = np.arange(1, len(scored) + 1)
        fused[scored] += 1.0 / (60 + ranks)
    fused = np.where(legs.mask, fused + 10.0 * legs.exact, -1.0)
    return np.argsort(-fused, kind="stable")[:10].tolist()


def content_only(c: Corpus, legs: Legs, qv: np.ndarray) -> list[int]:
    lexical = c.core.retriever.index.lexical.scores(" ".join(content_words(legs.query)))
    return blend(0.8, exact)(c, replace(legs, lexical=lexical), qv)


def years_in(text: str) -> list[str]:
    return [d for d in question_dates(text) if d.isdigit()]


def title_year(bonus: float) -> Variant:
    def rank(c: Corpus, legs: Legs, qv: np.ndarray) -> list[int]:
        asked = set(years_in(legs.query))
        rows, values = best_blended(legs, legs.mask, 30, Mode.HYBRID, c.core.retriever.cal)
        rescored = [v + bonus * bool(asked & c.title_years[i]) for i, v in zip(rows, values)]
        return [rows[j] for j in np.argsort(-np.array(rescored), kind="stable")[:10]]
    return rank


def late_interaction(weight: float) -> Variant:
    """The product's top 10, re-scored: blend + ``weight`` x the mean contrast of the question's content words
    in the punkt's best chunk (word_match.ContextualWordMatcher, as the answerability decision uses it)."""
    def rank(c: Corpus, legs: Legs, qv: np.ndarray) -> list[int]:
        retriever = c.core.retriever
        matcher = retriever.answerability.matcher if retriever.answerability else None
        rows, values = best_blended(legs, legs.mask, 10, Mode.HYBRID, retriever.cal)
        words = content_words(legs.query)
        if matcher is None or not words:
            return rows
        rescored = []
        for i, v in zip(rows, values):
            sims = matcher.similarities(legs.query, words, retriever.chunk_text(legs, i))
            rescored.append(v + weight * (float(np.mean(list(sims.values()))) if sims else 0.0))
        return [rows[j] for j in np.argsort(-np.array(rescored), kind="stable")]
    return rank


def _lexicon(path: Path) -> dict[str, list[str]]:
    """bench/everyday_lexicon.txt: stem of an everyday word -> the minutes' words for it."""
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            everyday, minutes = line.split(":")
            for stem in tokens(everyday):
                out.setdefault(stem, []).extend(minutes.split())
    return out


def everyday_lexicon(weight: float, path: Path = Path(__file__).with_name("everyday_lexicon.txt")) -> Variant:
    lexicon = _lexicon(path)

    def rank(c: Corpus, legs: Legs, qv: np.ndarray) -> list[int]:
        asked = set(tokens(legs.query))
        added = list(dict.fromkeys(w for s in asked for w in lexicon.get(s, ()) if not set(tokens(w)) & asked))
        if added:
            extra = c.core.retriever.index.lexical.scores(" ".join(added))
            legs = replace(legs, lexical=(legs.lexical + weight * extra).astype(np.float32))
        return blend(0.8, exact)(c, legs, qv)
    return rank


VARIANTS: dict[str, Variant] = {
    "product: blend w 0.8 (FAISS candidates)": blend(0.8),
    "blend w 0.8, exact dense": blend(0.8, exact),
    "blend w 0.6": blend(0.6, exact),
    "blend w 0.7": blend(0.7, exact),
    "blend w 0.9": blend(0.9, exact),
    "dense alone": blend(1.0, exact, Mode.DENSE),
    "BM25 alone": blend(0.0, exact, Mode.BM25),
    "reciprocal-rank fusion (k 60)": rrf,
    "decisive-section bonus 0.01": blend(0.8, decisive_bonus(0.01)),
    "decisive-section bonus 0.02": blend(0.8, decisive_bonus(0.02)),
    "best two chunks (+0.2 x second)": blend(0.8, two_chunks),
    "dense feedback (top 5, 0.5)": blend(0.8, feedback),
    "BM25 on content words only": content_only,
    "title names the question's year (+0.1)": title_year(0.1),
    "late interaction on the top 10 (x1)": late_interaction(1.0),
    "late interaction on the top 10 (x4)": late_interaction(4.0),
    "everyday-word lexicon, BM25 expansion (x0.5)": everyday_lexicon(0.5),
}


def measure(corpus: Corpus, path: Path, today: dt.date) -> dict[str, tuple[float, float, float, int]]:
    """Per variant: R@1, R@3, R@10 and the number of answerable questions of the set at ``path``."""
    retriever = corpus.core.retriever
    questions = [d for d in load(path) if d["expect"] or d["cases"]]
    hits = {name: [] for name in VARIANTS}
    for d in questions:
        legs = retriever.legs(d["q"], today=today)
        qv = retriever.embedder.encode_queries([legs.query])[0]
        for name, variant in VARIANTS.items():
            hits[name].append(rank_of(retriever, variant(corpus, legs, qv), d))
    return {name: (*recall(rs), len(questions)) for name, rs in hits.items()}


def report(results: dict[str, dict], note: str) -> str:
    sets = list(results)
    lines = ["## Ranking for everyday paraphrases (issue 15)", "",
             f"Written by `python -m bench.paraphrase_ranking` on {dt.date.today().isoformat()}. {note}", "",
             "The ranking alone (abstention and the answerability decision ignored): R@1 / R@3 / R@10 of the "
             "answerable questions, " + ", ".join(f"{s} ({next(iter(results[s].values()))[3]})" for s in sets)
             + ". Every variant but the first works on the index's saved vectors with exact dense scores; "
             "nothing is re-embedded but the questions.", ""]
    rows = [[name] + [" / ".join(f"{x:.3f}" for x in results[s][name][:3]) for s in sets] for name in VARIANTS]
    lines += table(["variant"] + sets, rows)
    lines += ["", reading(results)]
    return "\n".join(lines)


def reading(results: dict[str, dict]) -> str:
    """Which variants keep R@1 on every other set, and the best of them on the paraphrases."""
    target = "greve_paraphrase"
    if target not in results:
        return ""
    product = next(iter(VARIANTS))
    others = [s for s in results if s not in (target, "greve_blind", "greve_blind2")]  # whose R@1 must hold
    keep = [v for v in VARIANTS if all(results[s][v][0] >= results[s][product][0] for s in others)]
    best = max(keep, key=lambda v: (results[target][v][0], results[target][v][1]))
    base = results[target][product]
    n = base[3]
    return (f"Variants that keep R@1 on {', '.join(others)}: {len(keep)} of {len(VARIANTS)}. The best of them on "
            f"{target}: {best}, R@1 {results[target][best][0]:.3f} / R@3 {results[target][best][1]:.3f} against "
            f"the product's {base[0]:.3f} / {base[1]:.3f} ({round((results[target][best][0] - base[0]) * n):+d} "
            f"questions of {n} at rank 1)"
            + (f"; on greve_blind R@1 {results['greve_blind'][best][0]:.3f} against "
               f"{results['greve_blind'][product][0]:.3f}" if "greve_blind" in results else "")
            + ". The goal is R@1 .85 / R@3 .92; R@10 of every variant shows the right "
            "punkt is near but not first: what limits the paraphrases is the model, not the fusion.")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.paraphrase_ranking", description=__doc__.split("\n\n")[0])
    ap.add_argument("--greve-home", type=Path, action="append", default=[],
                    help="a BESLUT_HOME with the Greve store and real-model index (read only; copied first)")
    ap.add_argument("--out", type=Path, default=PROJECT_DIR / "docs/benchmarks.md")
    args = ap.parse_args(argv)
    from embeddings.dense.encoder import load_embedder

    embedder = load_embedder(None, PROJECT_DIR / "data/models", threads=1)
    results: dict[str, dict] = {}
    skipped = []
    with tempfile.TemporaryDirectory(prefix="beslut-ranking-") as tmp:
        work = Path(tmp)
        core = open_bundled(work, embedder)
        today = core.options.today or dt.date.today()
        corpus = Corpus.of(core, Store(work / "bundled" / "beslut.db"))
        for name in ("dev", "extra"):
            if BUNDLED_SETS[name].is_file():
                results[name] = measure(corpus, BUNDLED_SETS[name], today)
            else:
                skipped.append(name)
        core = open_greve(work, args.greve_home + list(GREVE_HOMES), embedder)
        if core is None:
            skipped += list(GREVE_SETS)
        else:
            corpus = Corpus.of(core, Store(work / "greve" / "beslut.db"))
            for name, path in GREVE_SETS.items():
                results[name] = measure(corpus, path, today)
    markdown = report(results, f"Skipped (not found): {', '.join(skipped)}." if skipped else "")
    print(markdown)
    write_section("paraphrase-ranking", markdown, args.out)
    print(f"\nwritten to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
