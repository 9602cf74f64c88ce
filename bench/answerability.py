"""Signals that might tell an answerable question from a near miss, per question, for the study in issue 15.

    python -m bench.answerability --home DIR [--models DIR] --out rows.jsonl FILE.jsonl ...

FILE is an eval set with ``expect`` (punkt ids, as ../shared/eval/dev.jsonl) or ``cases`` (case numbers,
as bench/greve.jsonl). For each question the retriever ranks as the product does (hybrid, k=3), and for its
top punkt this writes one row with:

- ``label``: "right" (answerable, top punkt right), "wrong-top" (answerable, top punkt wrong), "none"
  (nothing decided); ``abstained`` as the product decided;
- ``cos``, ``margin`` (cos minus the corpus background), ``gap`` (cos minus the best cos of a punkt of
  another case and title: Greve repeats a case's text in each committee it passes);
- ``coverage`` (the product's IDF-weighted share of the question's stems in the punkt's text) and
  ``coverage_decision`` (the same over title, Indstilling and Beslutning only);
- ``uncovered``: the question's stems the punkt's text lacks;
- word similarity: every content word of the question and every word of the punkt encoded alone with the
  model (same prefix both sides); per question word its best cosine to any punkt word (``word_sims``);
  ``soft_min`` the weakest word's best cosine, ``soft_cov`` the IDF-weighted share of question words whose
  best cosine is at least ``SOFT_T``, ``weakest`` that word;
- leave one out: for each content word, the top chunk's cosine to the question without that word minus
  its cosine to the whole question (``loo``). A word the punkt is about pulls the question towards it
  (removing it lowers the cosine); a word the punkt knows nothing about pulls away (removing it raises
  the cosine). ``loo_max`` / ``loo_word``: the word pulling away most; ``loo_uncovered_max``: the same
  among words whose stem is not in the punkt's text;
- contextual word similarity (late interaction, as ColBERT but with e5's own hidden states): each content
  word of the question (QUESTION_WORDS left out) as the mean of its tokens' last hidden states in the
  encoded question, against every token of every chunk of the punkt; per word the best cosine (``ctx``),
  ``ctx_min`` the weakest word's, ``ctx_word`` that word.

Read-only on the store when ``--home`` is a copy; the word vectors are cached per run.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import numpy as np

from bot.settings import PROJECT_DIR, Settings
from embeddings.lexical import DANISH_STOPWORDS, Bm25Index, punkt_text
from embeddings.chunking import chunk_punkt, punkt_key
from embeddings.models import Punkt, SectionName

SOFT_T = 0.90
_WORD = re.compile(r"(?u)\b[^\W\d_]{3,}\b")
_STOP = set(DANISH_STOPWORDS)
# Words questions are phrased with that name no topic ("Hvordan gik det med ...", "Hvornår holder vi ...").
QUESTION_WORDS = set("""
gik gå går gået lave laver lavet mente mener ment holder holde holdt ser se så gør gøre gjort havde har få
får fik ofte tit ny nye nyt sidder sidde ligger ligge ligger udvikler udvikle før stadig egentlig aktuelt
kommer komme bliver gælder gælde står stå hedder mest hele blandt
""".split())


def content_words(text: str) -> list[str]:
    return list(dict.fromkeys(w for w in _WORD.findall(text.lower()) if w not in _STOP))


def decision_text(p: Punkt) -> str:
    keep = (SectionName.INDSTILLING, SectionName.BESLUTNING)
    return "\n".join([p.title, *(s.text for s in p.sections if s.name in keep)])


class Coverage:
    """IDF-weighted share of a question's stems a punkt has, as the product's coverage, in variants:
    ``question_words`` drops QUESTION_WORDS first; ``compounds`` also counts a question stem of five or more
    letters as present when a punkt stem starts with it ("journalisere" in "journaliseringspraksis") or,
    with "both", when it starts with a punkt stem of five or more letters ("coronatiden" / "corona")."""

    def __init__(self, texts: list[str], tokens) -> None:
        self.tokens = tokens
        self.stems = [set(tokens(t)) for t in texts]
        df: dict[str, int] = {}
        for st in self.stems:
            for x in st:
                df[x] = df.get(x, 0) + 1
        self.df, self.n = df, len(texts)

    def __call__(self, query: str, i: int, question_words: bool = False,
                 compounds: str = "") -> tuple[float, list[str]]:
        words = " ".join(w for w in query.split() if not (question_words and w.lower().strip("?,.") in QUESTION_WORDS))
        terms = set(self.tokens(words))
        if not terms:
            return 0.0, []
        have = self.stems[i]
        total = found = 0.0
        missing = []
        for t in sorted(terms):
            w = math.log((self.n - self.df.get(t, 0) + 0.5) / (self.df.get(t, 0) + 0.5) + 1)
            total += w
            ok = t in have
            if not ok and compounds and len(t) >= 5:
                ok = any(h.startswith(t) for h in have) or (
                    compounds == "both" and any(len(h) >= 5 and t.startswith(h) for h in have))
            if ok:
                found += w
            else:
                missing.append(t)
        return found / total, missing


class ContextualMaxSim:
    """Per question word, its best cosine to any token of the punkt's chunks, in e5's last hidden layer."""

    def __init__(self, embedder) -> None:
        import torch

        self.torch = torch
        st = embedder.model
        self.tokenizer, self.model = st.tokenizer, st[0].auto_model
        prompts = getattr(embedder, "prompts", {})
        self.qp, self.dp = prompts.get("query", ""), prompts.get("document", prompts.get("passage", ""))
        self.cache: dict[str, np.ndarray] = {}

    def _states(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        enc = self.tokenizer(text, return_tensors="pt", truncation=True, max_length=512,
                             return_offsets_mapping=True)
        offsets = enc.pop("offset_mapping")[0].numpy()
        with self.torch.no_grad():
            h = self.model(**enc).last_hidden_state[0]
        return self.torch.nn.functional.normalize(h, dim=-1).numpy(), offsets

    def _punkt(self, p: Punkt) -> np.ndarray:
        key = punkt_key(p)
        if key not in self.cache:
            self.cache[key] = np.concatenate([self._states(self.dp + c.text)[0][1:-1] for c in chunk_punkt(p)]
                                             or [np.zeros((1, self.model.config.hidden_size), np.float32)])
        return self.cache[key]

    def __call__(self, query: str, words: list[str], p: Punkt) -> dict[str, float]:
        text = self.qp + query
        states, offsets = self._states(text)
        doc = self._punkt(p)
        out = {}
        for w in words:
            m = re.search(rf"(?iu)\b{re.escape(w)}\b", text)
            if not m:
                continue
            idx = [k for k, (a, b) in enumerate(offsets) if b > a and a >= m.start() - 1 and m.start() < b <= m.end()]
            if idx:
                v = states[idx].mean(axis=0)
                out[w] = round(float((doc @ (v / np.linalg.norm(v))).max()), 4)
        return out


class WordVectors:
    """Each word encoded alone, as a query, cached; rows L2-normalised."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, words: list[str]) -> np.ndarray:
        new = [w for w in words if w not in self.cache]
        for i in range(0, len(new), 256):
            batch = new[i:i + 256]
            for w, v in zip(batch, self.embedder.encode_queries(batch)):
                self.cache[w] = v
        return np.stack([self.cache[w] for w in words]) if words else np.zeros((0, 1), np.float32)


def load_set(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for d in rows:
        d.setdefault("expect", [])
        d.setdefault("cases", [])
    return rows


def signals(d: dict, retriever, bm25_full: Bm25Index, bm25_dec: Bm25Index, words: WordVectors,
            word_idf, cover: Coverage, ctx: ContextualMaxSim) -> dict:
    legs = retriever.legs(d["q"])
    res = retriever.rank(legs, k=3)
    answerable = bool(d["expect"] or d["cases"])
    top = res.hits[0].punkt if res.hits else None
    out = {"q": d["q"], "kind": d.get("kind", ""), "source": d.get("source", ""), "abstained": res.abstain}
    if top is None:
        return out | {"label": "none" if not answerable else "wrong-top"}
    i = retriever.punkter.index(top)

    def right(p: Punkt) -> bool:
        return p.id in d["expect"] if d["expect"] else bool(p.journal and p.journal.raw in d["cases"])

    rank = next((n for n, h in enumerate(res.hits, 1) if right(h.punkt)), None)
    label = "none" if not answerable else ("right" if rank == 1 else "wrong-top")
    dense = legs.dense.astype(np.float64)
    # Greve passes one case through several committees with the same text: compare with other cases only.
    case = top.journal.raw if top.journal else None
    others = dense[[j for j, p in enumerate(retriever.punkter)
                    if j != i and p.title != top.title and (case is None or not p.journal or p.journal.raw != case)]]
    qwords = content_words(legs.query)
    pwords = content_words(punkt_text(top))
    sims = {}
    if qwords and pwords:
        best = (words(qwords) @ words(pwords).T).max(axis=1)
        sims = {w: round(float(s), 4) for w, s in zip(qwords, best)}
    weights = {w: word_idf(w) for w in qwords}
    total = sum(weights.values()) or 1.0
    q_stems = set(bm25_full.tokens(legs.query))
    p_stems = set(bm25_full.tokens(punkt_text(top)))
    loo = leave_one_out(legs.query, qwords, legs.chunks.get(i) or top.title, words.embedder)
    uncovered_words = [w for w in loo if not set(bm25_full.tokens(w)) <= p_stems]
    csims = ctx(legs.query, [w for w in qwords if w not in QUESTION_WORDS], top)
    return out | {
        "label": label, "rank": rank,
        "top": f"{top.meeting.committee} {top.id} {top.journal.raw if top.journal else ''}: {top.title[:70]}",
        "cos": round(float(dense[i]), 4),
        "margin": round(float(dense[i]) - (retriever.background or 0.0), 4),
        "gap": round(float(dense[i] - (others.max() if len(others) else 0.0)), 4),
        "coverage": round(bm25_full.coverage(legs.query, i), 4),
        "coverage_decision": round(bm25_dec.coverage(legs.query, i), 4),
        "uncovered": sorted(q_stems - p_stems),
        "coverage_q": round(cover(legs.query, i, question_words=True)[0], 4),
        "coverage_qc": round(cover(legs.query, i, question_words=True, compounds="doc")[0], 4),
        "coverage_qcc": round(cover(legs.query, i, question_words=True, compounds="both")[0], 4),
        "uncovered_qc": cover(legs.query, i, question_words=True, compounds="doc")[1],
        "word_sims": sims,
        "soft_min": min(sims.values()) if sims else None,
        "weakest": min(sims, key=sims.get) if sims else None,
        "soft_cov": round(sum(weights[w] for w, s in sims.items() if s >= SOFT_T) / total, 4) if sims else None,
        "ctx": csims,
        "ctx_min": min(csims.values()) if csims else None,
        "ctx_word": min(csims, key=csims.get) if csims else None,
        "loo": loo,
        "loo_max": max(loo.values()) if loo else None,
        "loo_word": max(loo, key=loo.get) if loo else None,
        "loo_uncovered_max": max((loo[w] for w in uncovered_words), default=None),
        "loo_uncovered_word": max(uncovered_words, key=loo.get) if uncovered_words else None,
    }


def leave_one_out(query: str, qwords: list[str], chunk: str, embedder) -> dict[str, float]:
    """Per content word: cos(question without the word, chunk) - cos(question, chunk)."""
    if len(qwords) < 2:
        return {}
    variants = [query] + [re.sub(rf"(?iu)\b{re.escape(w)}\b", " ", query) for w in qwords]
    qv = embedder.encode_queries(variants)
    cv = embedder.encode_documents([chunk])[0]
    cos = qv @ cv
    return {w: round(float(cos[n + 1] - cos[0]), 4) for n, w in enumerate(qwords)}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.answerability")
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--home", type=Path, required=True, help="a store + index (a copy: opening it writes)")
    ap.add_argument("--models", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    from bot.compose import open_core
    from embeddings.encoder import load_embedder

    models = args.models or (args.home / "models" if (args.home / "models").is_dir() else PROJECT_DIR / "data/models")
    settings = Settings(home=args.home, model_cache=models)
    embedder = load_embedder(None, settings.model_cache_dir)
    retriever = open_core(settings, embedder=embedder).retriever
    bm25_full = retriever._bm25  # the product's own lexical index: coverage exactly as it abstains
    bm25_dec = Bm25Index([decision_text(p) for p in retriever.punkter])
    df: dict[str, int] = {}
    for p in retriever.punkter:
        for w in set(content_words(punkt_text(p))):
            df[w] = df.get(w, 0) + 1
    n = len(retriever.punkter)

    def word_idf(w: str) -> float:
        return math.log((n + 1) / (df.get(w, 0) + 0.5))

    words = WordVectors(embedder)
    cover = Coverage([punkt_text(p) for p in retriever.punkter], bm25_full.tokens)
    ctx = ContextualMaxSim(embedder)
    with open(args.out, "w", encoding="utf-8") as f:
        for path in args.files:
            for d in load_set(path):
                row = signals(d, retriever, bm25_full, bm25_dec, words, word_idf, cover, ctx) | {"set": path.name}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                f.flush()
            print(f"{path.name} done ({len(words.cache)} word vectors)", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
