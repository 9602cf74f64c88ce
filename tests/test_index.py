"""The dense index: FAISS results against a brute-force oracle, persistence, manifest checks, incremental updates."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from embeddings.errors import BeslutError
from embeddings.dense.chunking import chunk_punkt
from embeddings.minutes import Section, SectionName
from embeddings.ingest.text import parse_text
from embeddings.dense.vector_index import VectorIndex, build_or_update
from bot.core import messages

from conftest import BUNDLED
from fakes import HashingEmbedder


@pytest.fixture(scope="module")
def punkter():
    out = []
    for f in sorted(BUNDLED.iterdir()):
        out += parse_text(f.read_text(encoding="utf-8"), str(f)).punkter
    return out


@pytest.fixture(scope="module")
def built(punkter):
    return build_or_update(punkter, HashingEmbedder(), "fp")


def test_search_agrees_with_brute_force(built):
    index, stats = built
    emb = HashingEmbedder()
    vectors = index.vectors()
    assert stats.chunks == len(index) == len(vectors) and stats.embedded_punkter == 36
    for q in ["telefontider", "ukrainske flygtninge og styregruppe", "sygefravær 2020"]:
        qv = emb.encode_queries([q])[0]
        oracle = np.argsort(-(vectors @ qv), kind="stable")[:10]
        got = index.search(qv, 10)
        assert [round(s, 5) for s, _ in got] == [round(float(vectors[i] @ qv), 5) for i in oracle]
        assert {r.text for _, r in got[:1]} == {index.rows[oracle[0]].text}


def test_chunks_cover_long_punkter_with_overlap(punkter):
    long = max(punkter, key=lambda p: sum(len(s.text.split()) for s in p.sections))
    chunks = chunk_punkt(long)
    assert len(chunks) > 5
    assert all(c.text.startswith(long.title + "\n") for c in chunks)
    first, second = (c.text.split("\n", 1)[1].split() for c in chunks[:2])
    assert first[-30:] == second[:30]  # 30 words of overlap
    assert all(len(c.text.split("\n", 1)[1].split()) <= 120 for c in chunks)


def test_save_load_round_trip_and_manifest(built, tmp_path):
    index, _ = built
    index.save(tmp_path / "index")
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text())
    assert manifest["model_id"] == HashingEmbedder.model_id and manifest["dimension"] == 256
    assert manifest["chunks"] == len(index) and manifest["punkter"] == 36 and manifest["store_fingerprint"] == "fp"
    loaded = VectorIndex.load(tmp_path / "index", HashingEmbedder.model_id)
    qv = HashingEmbedder().encode_queries(["telefontider"])[0]
    assert loaded.search(qv, 5) == index.search(qv, 5)
    assert VectorIndex.load(tmp_path / "missing", "x") is None


def test_an_index_from_another_model_is_a_clear_error(built, tmp_path):
    built[0].save(tmp_path / "index")
    with pytest.raises(BeslutError) as e:
        VectorIndex.load(tmp_path / "index", "intfloat/multilingual-e5-small")
    assert e.value.code == "index_model_mismatch" and "beslut index --rebuild" in messages.user_message(e.value)


def test_a_damaged_index_is_a_clear_error(built, tmp_path):
    built[0].save(tmp_path / "index")
    (tmp_path / "index" / "faiss.index").write_bytes(b"garbage")
    with pytest.raises(BeslutError) as e:
        VectorIndex.load(tmp_path / "index", HashingEmbedder.model_id)
    assert e.value.code == "index_corrupt" and "beslut index --rebuild" in messages.user_message(e.value)


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.documents = 0

    def encode_documents(self, texts):
        self.documents += len(texts)
        return super().encode_documents(texts)


def test_update_embeds_only_new_or_changed_punkter(built, punkter):
    index, _ = built
    changed = dataclasses.replace(punkter[3], sections=punkter[3].sections + (
        Section(SectionName.HISTORIK, "Tilføjet senere."),))
    updated = [changed] + punkter[4:]  # 3 removed, 1 changed, the rest unchanged
    emb = CountingEmbedder()
    new, stats = build_or_update(updated, emb, "fp2", previous=index)
    assert (stats.embedded_punkter, stats.reused_punkter, stats.removed_punkter) == (1, 32, 3)
    assert emb.documents == len(chunk_punkt(changed))
    fresh, _ = build_or_update(updated, HashingEmbedder(), "fp2")
    qv = HashingEmbedder().encode_queries(["sygefravær"])[0]
    assert sorted((round(s, 5), r.uid) for s, r in new.search(qv, 8)) == \
        sorted((round(s, 5), r.uid) for s, r in fresh.search(qv, 8))


def test_progress_reports_embedded_chunks_up_to_the_total(punkter):
    seen: list[tuple[int, int]] = []
    _, stats = build_or_update(punkter, HashingEmbedder(), "fp", batch_size=50,
                               progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (stats.chunks, stats.chunks) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(seen) == -(-stats.chunks // 50)
