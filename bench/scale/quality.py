"""Answer quality with the real model under each FAISS structure: the dev and extra question sets on the
bundled minutes, and the Greve questions (bench/greve.jsonl) on Greve's 5,168 open punkter.

The chunks are embedded once; each structure is built from the same vectors (``build_or_update`` with the
previous index and another ``kind`` embeds nothing). Greve's vectors come from an index built earlier with
the real model (bench.run's ``data/bench/greve``, or a prebuilt copy given with ``--greve-from``); an index of
the previous format (2) is read and its vectors reused, never embedded again.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from bot.core.evaluate import load_questions, metrics, run
from bot.core.service import Beslut, CoreOptions
from bot.settings import PROJECT_DIR, Settings
from embeddings.dense.ann import IndexKind
from embeddings.dense.build import build_or_update, from_format_2
from embeddings.dense.vector_index import VectorIndex
from embeddings.ingest.files import ingest_paths
from embeddings.search.calibration import calibration_for
from embeddings.search.retriever import Retriever
from embeddings.store import Store

SETS = [PROJECT_DIR / "tests/data/dev.jsonl", PROJECT_DIR / "tests/data/extra.jsonl"]
KINDS = (IndexKind.FLAT, IndexKind.HNSW, IndexKind.IVF)


def core_on(store: Store, index: VectorIndex, embedder) -> Beslut:
    return Beslut(store, Retriever(index, store.get_many, embedder, calibration_for(embedder.model_id)),
                  CoreOptions())


def bundled(work: Path, embedder, log=print) -> list[list[object]]:
    """Rows (set, structure, R@1, R@3, none abstained, answerable abstained)."""
    store = Store(work / "bundled.db")
    ingest_paths(store, [PROJECT_DIR / "data/referater"])
    index, _ = build_or_update(store, embedder, store.fingerprint(), kind=IndexKind.FLAT)
    rows = []
    for kind in KINDS:
        index, _ = build_or_update(store, embedder, store.fingerprint(), previous=index, kind=kind)
        core = core_on(store, index, embedder)
        for path in SETS:
            m = metrics(run(load_questions(path), lambda q: core.ask(q)))
            rows.append([path.name, kind.value, f"{m.recall_at_1:.3f}", f"{m.recall_at_3:.3f}", m.none_abstained,
                         m.answerable_abstained])
        log(f"  bundled, {kind.value}: done")
    return rows


def greve(home: Path, sources: list[Path], embedder, log=print) -> list[list[object]] | None:
    """Rows (structure, right of 15, R@1 of the answerable ones, recall@10 of the top punkter against exact
    search over Greve's titles as questions) on Greve, or None without a real-model index."""
    index = _greve_index(home, sources, embedder, log)
    if index is None:
        return None
    store = Store(home / "beslut.db")
    questions = [json.loads(line) for line in (PROJECT_DIR / "bench/greve.jsonl").read_text(encoding="utf-8")
                 .splitlines()]
    keys = store.open_keys()
    picked = np.random.default_rng(3).choice(len(keys), 200, replace=False)
    titles = [p.title for p in store.get_many([keys[i][0] for i in picked])]
    rows, exact = [], None
    for kind in KINDS:
        index, _ = build_or_update(store, embedder, store.fingerprint(), previous=index, kind=kind)
        core = core_on(store, index, embedder)
        tops = [[s.punkt.uid for s in core.retriever.search(t, k=10).hits] for t in titles]
        exact = exact or tops  # flat comes first: exact search
        recall = np.mean([len(set(a) & set(b)) / max(1, len(b)) for a, b in zip(tops, exact)])
        right = answerable = first = 0
        for d in questions:
            a = core.ask(d["q"], k=3)
            shown = a.uncertain if a.abstained else a.hits
            rank = next((i + 1 for i, h in enumerate(shown) if h.case_number in d["cases"]), None)
            ok = a.abstained if not d["cases"] else (not a.abstained and rank == 1)
            right += ok
            if d["cases"]:
                answerable += 1
                first += ok
        rows.append([kind.value, f"{right}/{len(questions)}", f"{first / answerable:.3f}", f"{recall:.3f}"])
        log(f"  Greve, {kind.value}: {right}/{len(questions)}")
    return rows


def _greve_index(home: Path, sources: list[Path], embedder, log) -> VectorIndex | None:
    if greve_copy(home, sources, embedder, log) is None:
        return None
    return VectorIndex.load(Settings(home=home).index_dir, embedder.model_id)


def greve_copy(home: Path, sources: list[Path], embedder, log) -> Path | None:
    """``home`` with Greve's store and real-model index (copied there from the first of ``sources`` that has
    one; a format-2 index is converted from its saved vectors); None when no source has them."""
    settings = Settings(home=home)
    if not (home / "index" / "manifest.json").is_file():
        for src in sources:
            manifest = src / "index" / "manifest.json"
            if not (src / "beslut.db").is_file() or not manifest.is_file():
                continue
            if json.loads(manifest.read_text(encoding="utf-8")).get("model_id") != embedder.model_id:
                continue
            home.mkdir(parents=True, exist_ok=True)
            for f in src.glob("beslut.db*"):
                shutil.copy2(f, home / f.name)
            if json.loads(manifest.read_text(encoding="utf-8")).get("format") == 2:
                log(f"  converting the format-2 Greve index in {src} from its saved vectors")
                converted = from_format_2(src / "index", Store(settings.store_path), embedder.model_id)
                if converted is None:
                    raise SystemExit(f"the format-2 index in {src} cannot be read: run `python -m bench.run`")
                converted.save(settings.index_dir)
            else:
                shutil.copytree(src / "index", settings.index_dir)
            break
        else:
            return None
    return home
