"""The search index, one contract for every FAISS structure (flat, hnsw, ivf): results against a brute-force
oracle, persistence, manifest checks, incremental updates with removals, and embedding on worker processes."""
from __future__ import annotations

import dataclasses
import json
import os
import threading
import time

import numpy as np
import pytest

from embeddings.dense import ann
from embeddings.dense.ann import IndexKind
from embeddings.dense.build import build_or_update
from embeddings.dense.chunking import chunk_punkt
from embeddings.dense.parallel import encode_documents
from embeddings.dense.vector_index import FORMAT_VERSION, VectorIndex
from embeddings.errors import BeslutError
from embeddings.ingest.text import parse_text
from embeddings.minutes import Section, SectionName
from bot.core import messages

from conftest import BUNDLED
from fakes import CountingEmbedder, HashingEmbedder

KINDS = [IndexKind.FLAT, IndexKind.HNSW, IndexKind.IVF]
QUESTIONS = ["telefontider", "ukrainske flygtninge og styregruppe", "sygefravær 2020", "budgetproces",
             "tidsregistrering for ledere", "cirkulære indkøb"]


@pytest.fixture(scope="module")
def punkter():
    out = []
    for f in sorted(BUNDLED.iterdir()):
        out += parse_text(f.read_text(encoding="utf-8"), str(f)).punkter
    return out


@pytest.fixture(scope="module", params=KINDS, ids=lambda k: k.value)
def built(request, punkter):
    return build_or_update(punkter, HashingEmbedder(), "fp", kind=request.param)


def oracle(index: VectorIndex, qv: np.ndarray, k: int) -> list[tuple[float, int]]:
    """Brute force over the live chunk vectors as embedded."""
    live = index.live_rows()
    scores = np.asarray(index.vectors(), np.float32)[live] @ qv
    best = np.argsort(-scores, kind="stable")[:k]
    return [(float(scores[i]), int(live[i])) for i in best]


def keys(index: VectorIndex, rows) -> set[tuple[str, int]]:
    return {(index.chunk_uid(r), int(index.chunk_position[r])) for r in rows}


def assert_agrees_with_oracle(index: VectorIndex, k: int = 10) -> None:
    """Flat: the oracle's scores exactly. HNSW and IVF (8-bit codes): recall@k >= 0.9 over the questions and
    every score within the codes' error of the true cosine."""
    emb = HashingEmbedder()
    found = total = 0
    for q in QUESTIONS:
        qv = emb.encode_queries([q])[0]
        got, want = index.search(qv, k), oracle(index, qv, k)
        if index.kind is IndexKind.FLAT:
            assert [round(s, 5) for s, _ in got] == [round(s, 5) for s, _ in want]
            assert keys(index, [r for _, r in got[:1]]) == keys(index, [r for _, r in want[:1]])
        vectors = np.asarray(index.vectors(), np.float32)
        assert all(abs(s - float(vectors[r] @ qv)) < 0.02 for s, r in got)
        found += len(keys(index, [r for _, r in got]) & keys(index, [r for _, r in want]))
        total += len(want)
    assert found / total >= (1.0 if index.kind is IndexKind.FLAT else 0.9)


def test_search_agrees_with_brute_force(built):
    index, stats = built
    assert stats.chunks == len(index) == len(index.vectors()) and stats.embedded_punkter == 36
    assert_agrees_with_oracle(index)


def test_auto_is_exact_below_the_threshold_and_hnsw_above():
    assert ann.resolve(IndexKind.AUTO, 144) is IndexKind.FLAT
    assert ann.resolve(IndexKind.AUTO, ann.FLAT_MAX) is IndexKind.FLAT
    assert ann.resolve(IndexKind.AUTO, ann.FLAT_MAX + 1) is IndexKind.HNSW
    assert ann.resolve(IndexKind.IVF, 10) is IndexKind.IVF


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
    assert manifest["structure"]["kind"] == index.kind.value and manifest["format"] == FORMAT_VERSION
    assert manifest["background"]["cosine"] == index.background["cosine"]
    loaded = VectorIndex.load(tmp_path / "index", HashingEmbedder.model_id)
    assert loaded.kind is index.kind
    for q in QUESTIONS:
        qv = HashingEmbedder().encode_queries([q])[0]
        assert loaded.search(qv, 5) == index.search(qv, 5)
        assert np.array_equal(loaded.lexical.scores(q), index.lexical.scores(q))
    assert [loaded.punkts.uid(i) for i in range(36)] == [index.punkts.uid(i) for i in range(36)]
    assert VectorIndex.load(tmp_path / "missing", "x") is None


def test_an_index_from_another_model_is_a_clear_error(built, tmp_path):
    built[0].save(tmp_path / "index")
    with pytest.raises(BeslutError) as e:
        VectorIndex.load(tmp_path / "index", "intfloat/multilingual-e5-small")
    assert e.value.code == "index_model_mismatch" and "beslut index --rebuild" in messages.user_message(e.value)


def test_an_index_of_the_previous_format_asks_for_beslut_index(built, tmp_path):
    built[0].save(tmp_path / "index")
    path = tmp_path / "index" / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "format": 2}))
    with pytest.raises(BeslutError) as e:
        VectorIndex.load(tmp_path / "index", HashingEmbedder.model_id)
    assert e.value.code == "index_format" and "kør 'beslut index'" in messages.user_message(e.value)


@pytest.mark.parametrize("damaged", ["faiss.index", "bm25.docs.npy", "punkt.uid.blob.npy"])
def test_a_damaged_index_is_a_clear_error(built, tmp_path, damaged):
    built[0].save(tmp_path / "index")
    (tmp_path / "index" / damaged).write_bytes(b"garbage")
    with pytest.raises(BeslutError) as e:
        VectorIndex.load(tmp_path / "index", HashingEmbedder.model_id)
    assert e.value.code == "index_corrupt" and "beslut index --rebuild" in messages.user_message(e.value)


def test_readers_see_one_whole_version_while_others_save(built, tmp_path):
    """Saves from several threads (one process: one pid) and a reader in a loop: every load is a whole index,
    never a mix of two saves or a directory caught between renames; old versions do not pile up."""
    index, _ = built
    index.save(tmp_path / "index")
    errors, loads, stop = [], [0], threading.Event()

    def save() -> None:
        try:
            for _ in range(6):
                index.save(tmp_path / "index")
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    def read() -> None:
        while not stop.is_set():
            try:
                loaded = VectorIndex.load(tmp_path / "index", HashingEmbedder.model_id)
                assert loaded is not None and len(loaded) == len(index)
                loads[0] += 1
            except Exception as e:  # noqa: BLE001
                errors.append(e)

    reader = threading.Thread(target=read)
    reader.start()
    savers = [threading.Thread(target=save) for _ in range(3)]
    for t in savers:
        t.start()
    for t in savers:
        t.join()
    stop.set()
    reader.join()
    assert errors == [] and loads[0] > 0
    assert (tmp_path / "index").is_symlink()
    for old in tmp_path.glob("index.v-*"):  # as if saved two minutes ago: no save of those is still writing
        os.utime(old, (time.time() - 120, time.time() - 120))
    index.save(tmp_path / "index")
    assert len(list(tmp_path.glob("index.v-*"))) == 2  # the new version and the one a reader may still be on


def test_update_embeds_only_new_or_changed_punkter(built, punkter):
    index, _ = built
    changed = dataclasses.replace(punkter[3], sections=punkter[3].sections + (
        Section(SectionName.HISTORIK, "Tilføjet senere."),))
    updated = [changed] + punkter[4:]  # 3 removed, 1 changed, the rest unchanged
    emb = CountingEmbedder()
    new, stats = build_or_update(updated, emb, "fp2", previous=index, kind=index.kind)
    assert (stats.embedded_punkter, stats.reused_punkter, stats.removed_punkter) == (1, 32, 3)
    assert emb.documents == len(chunk_punkt(changed)) and new.kind is index.kind
    fresh, _ = build_or_update(updated, HashingEmbedder(), "fp2", kind=IndexKind.FLAT)
    assert len(new) == len(fresh) and new.punkts.uids.blob.tobytes() == fresh.punkts.uids.blob.tobytes()
    gone = {p.uid for p in punkter[:3]} | {changed.uid}
    for q in QUESTIONS + ["sygefravær"]:
        qv = HashingEmbedder().encode_queries([q])[0]
        got = new.search(qv, 8)
        assert {new.chunk_uid(r) for _, r in got} & {p.uid for p in punkter[:3]} == set()
        if new.kind is IndexKind.FLAT:
            assert sorted((round(s, 5), new.chunk_uid(r)) for s, r in got) == \
                sorted((round(s, 5), fresh.chunk_uid(r)) for s, r in fresh.search(qv, 8))
        assert np.array_equal(new.lexical.scores(q), fresh.lexical.scores(q))  # BM25 as if built afresh
    assert_agrees_with_oracle(new)
    assert gone  # the changed punkt's old chunks are never found: checked by the oracle over live rows


def test_ann_updates_keep_removed_chunks_as_tombstones_until_a_fifth_is_removed(punkter, tmp_path):
    for kind in (IndexKind.HNSW, IndexKind.IVF):
        index, _ = build_or_update(punkter, HashingEmbedder(), "fp", kind=kind)
        fewer, _ = build_or_update(punkter[2:], HashingEmbedder(), "fp2", previous=index, kind=kind)
        assert fewer.removed > 0 and len(fewer) == len(fewer.vectors()) - fewer.removed  # tombstones
        fewer.save(tmp_path / kind.value)
        fewer = VectorIndex.load(tmp_path / kind.value, HashingEmbedder.model_id)
        qv = HashingEmbedder().encode_queries([punkter[0].title])[0]
        assert {fewer.chunk_uid(r) for _, r in fewer.search(qv, 50)} & {punkter[0].uid, punkter[1].uid} == set()
        assert_agrees_with_oracle(fewer)
        emb = CountingEmbedder()
        half, _ = build_or_update(punkter[18:], emb, "fp3", previous=fewer, kind=kind)
        assert half.removed == 0 and len(half) == len(half.vectors()) and emb.documents == 0  # rebuilt, not embedded
        assert_agrees_with_oracle(half)


def test_changing_the_structure_rebuilds_from_saved_vectors_without_embedding(built, punkter):
    index, _ = built
    other = IndexKind.IVF if index.kind is not IndexKind.IVF else IndexKind.FLAT
    emb = CountingEmbedder()
    moved, stats = build_or_update(punkter, emb, "fp", previous=index, kind=other)
    assert moved.kind is other and emb.documents == 0 and stats.reused_punkter == 36
    assert_agrees_with_oracle(moved)


def test_progress_reports_embedded_chunks_up_to_the_total(punkter):
    seen: list[tuple[int, int]] = []
    _, stats = build_or_update(punkter, HashingEmbedder(), "fp", batch_size=50,
                               progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (stats.chunks, stats.chunks) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(seen) == -(-stats.chunks // 50)


def test_worker_processes_embed_as_one_process_does(punkter):
    texts = [c.text for p in punkter for c in chunk_punkt(p)]
    one = encode_documents(HashingEmbedder(), texts, batch_size=16, workers=1)
    seen: list[int] = []
    two = encode_documents(HashingEmbedder(), texts, batch_size=16, workers=2, min_chunks=0,
                           progress=lambda done, total: seen.append(done))
    assert one.shape == two.shape and np.allclose(one, two, atol=1e-6)
    assert seen == sorted(seen) and seen[-1] == len(texts)


def test_a_sentence_transformers_model_is_loaded_again_in_each_worker(tmp_path, punkter):
    from embeddings.dense.encoder import load_embedder
    from fakes import tiny_sentence_transformer

    texts = [c.text for p in punkter[:12] for c in chunk_punkt(p)]
    tiny_sentence_transformer({"query": "query: ", "document": "passage: "}, texts).save(str(tmp_path / "tiny"))
    embedder = load_embedder(str(tmp_path / "tiny"), tmp_path / "cache")
    one = encode_documents(embedder, texts, batch_size=8, workers=1)
    two = encode_documents(embedder, texts, batch_size=8, workers=2, min_chunks=0)
    assert np.allclose(one, two, atol=1e-6)
