"""An index saved by the previous version (format 2: float32 vectors in a flat faiss.index, chunks.jsonl) is
brought to the current format by `beslut index` (and ingest, sync, the worker) from its saved vectors,
embedding nothing that did not change; one it cannot read is built again from the store, never an error."""
from __future__ import annotations

import json

import faiss
import numpy as np
import pytest

from bot.compose import update_index
from bot.settings import Settings
from embeddings.dense.build import build_or_update
from embeddings.dense.vector_index import CHUNKING, FORMAT_VERSION, VectorIndex
from embeddings.ingest.files import ingest_paths
from embeddings.store import Store

from conftest import BUNDLED
from fakes import CountingEmbedder, HashingEmbedder

QUESTIONS = ["telefontider", "sygefravær 2020", "tidsregistrering for ledere", "budgetproces"]


def write_format_2(index: VectorIndex, directory) -> None:
    """The files the previous version wrote for ``index`` (its vectors as embedded, one row per chunk)."""
    directory.mkdir(parents=True)
    live = index.live_rows()
    vectors = np.ascontiguousarray(np.asarray(index.vectors(), np.float32)[live])
    flat = faiss.IndexFlatIP(index.dimension)
    flat.add(vectors)
    faiss.write_index(flat, str(directory / "faiss.index"))
    with open(directory / "chunks.jsonl", "w", encoding="utf-8") as f:
        for row in live:
            p = int(index.chunk_punkt[row])
            f.write(json.dumps({"punkt_key": index.punkts.uid(p), "content_hash": index.punkts.content_hash(p),
                                "position": int(index.chunk_position[row]), "text": "..."}) + "\n")
    (directory / "manifest.json").write_text(json.dumps({
        "format": 2, "model_id": index.model_id, "dimension": index.dimension, "chunks": len(live),
        "store_fingerprint": index.store_fingerprint, "chunking": CHUNKING}))


@pytest.fixture
def setup(tmp_path):
    settings = Settings(home=tmp_path / "home")
    store = Store(settings.store_path)
    assert not ingest_paths(store, [BUNDLED]).failed
    fresh, _ = build_or_update(store, HashingEmbedder(), store.fingerprint())
    return settings, store, fresh


def test_a_format_2_index_is_converted_from_its_vectors_without_embedding(setup):
    settings, store, fresh = setup
    write_format_2(fresh, settings.index_dir)
    emb, notes = CountingEmbedder(), []
    index, stats = update_index(settings, store, emb, note=notes.append)
    assert emb.documents == 0 and stats.embedded_punkter == 0 and stats.reused_punkter == 36
    assert any("omdannet fra de gemte vektorer" in n for n in notes)
    loaded = VectorIndex.load(settings.index_dir, HashingEmbedder.model_id)  # saved in the current format
    assert json.loads((settings.index_dir / "manifest.json").read_text())["format"] == FORMAT_VERSION
    for q in QUESTIONS:
        qv = HashingEmbedder().encode_queries([q])[0]
        assert [fresh.chunk_uid(r) for _, r in loaded.search(qv, 5)] == [fresh.chunk_uid(r) for _, r in
                                                                          fresh.search(qv, 5)]
        assert np.array_equal(loaded.lexical.scores(q), fresh.lexical.scores(q))


def test_a_punkt_changed_since_is_embedded_again_and_only_that_one(setup):
    settings, store, fresh = setup
    write_format_2(fresh, settings.index_dir)
    lines = (settings.index_dir / "chunks.jsonl").read_text().splitlines()
    first = json.loads(lines[0])["punkt_key"]
    (settings.index_dir / "chunks.jsonl").write_text("\n".join(  # as if that punkt's text changed since
        json.dumps({**json.loads(x), "content_hash": "0" * 64}) if json.loads(x)["punkt_key"] == first else x
        for x in lines) + "\n")
    emb = CountingEmbedder()
    _, stats = update_index(settings, store, emb, note=lambda s: None)
    assert stats.embedded_punkter == 1 and stats.reused_punkter == 35 and emb.documents > 0


@pytest.mark.parametrize("damage", ["no chunks.jsonl", "another model", "rows and vectors disagree"])
def test_an_old_index_that_cannot_be_converted_is_built_again(setup, damage):
    settings, store, fresh = setup
    write_format_2(fresh, settings.index_dir)
    if damage == "no chunks.jsonl":
        (settings.index_dir / "chunks.jsonl").unlink()
    elif damage == "another model":
        m = json.loads((settings.index_dir / "manifest.json").read_text())
        (settings.index_dir / "manifest.json").write_text(json.dumps({**m, "model_id": "other"}))
    else:
        lines = (settings.index_dir / "chunks.jsonl").read_text().splitlines()
        (settings.index_dir / "chunks.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    emb, notes = CountingEmbedder(), []
    index, stats = update_index(settings, store, emb, note=notes.append)
    assert stats.embedded_punkter == 36 and any("bygger søgeindeks" in n for n in notes)
    assert len(index) == len(fresh)
