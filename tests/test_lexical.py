"""The lexical leg's compact postings: bm25s's scores bit for bit, updates equal to a fresh build, saved and
memory-mapped."""
from __future__ import annotations

import bm25s
import numpy as np
import pytest

from embeddings.arrays import StringTable
from embeddings.ingest.text import parse_text
from embeddings.search.lexical import Bm25Index, punkt_text, tokens

from conftest import BUNDLED

QUESTIONS = ["hvad besluttede vi om telefontider?", "tidsregistrering lov lov", "budget 2025", "vinterbadning",
             "sag 83.02.00-A00-1-23", "ukrainske flygtninge og styregruppe", "hvad", ""]


@pytest.fixture(scope="module")
def texts():
    out = []
    for f in sorted(BUNDLED.iterdir()):
        out += [punkt_text(p) for p in parse_text(f.read_text(encoding="utf-8"), str(f)).punkter]
    return out


def bm25s_scores(texts: list[str], question: str) -> np.ndarray:
    ref = bm25s.BM25()
    ref.index([tokens(t) for t in texts], show_progress=False)
    toks = tokens(question)
    return np.asarray(ref.get_scores(toks), np.float32) if toks else np.zeros(len(texts), np.float32)


def bm25s_coverage(texts: list[str], question: str, doc: int) -> float:
    """The coverage as it was computed on bm25s's own postings."""
    import math

    ref = bm25s.BM25()
    ref.index([tokens(t) for t in texts], show_progress=False)
    terms = set(tokens(question))
    if not terms:
        return 0.0
    s, vocab = ref.scores, ref.vocab_dict
    total = found = 0.0
    for t in terms:
        i = vocab.get(t)
        postings = s["indices"][s["indptr"][i]:s["indptr"][i + 1]] if i is not None else ()
        weight = math.log((len(texts) - len(postings) + 0.5) / (len(postings) + 0.5) + 1)
        total += weight
        found += weight if doc in postings else 0.0
    return found / total


def test_scores_equal_bm25s_bit_for_bit(texts):
    index = Bm25Index(texts)
    for q in QUESTIONS:
        assert np.array_equal(index.scores(q), bm25s_scores(texts, q)), q


def test_coverage_equals_the_coverage_on_bm25s_postings(texts):
    index = Bm25Index(texts)
    for q in QUESTIONS:
        for doc in (0, 3, 17, 35):
            assert index.coverage(q, doc) == pytest.approx(bm25s_coverage(texts, q, doc), abs=1e-12), (q, doc)


def test_the_share_of_documents_with_a_word_counts_its_rarest_stem(texts):
    index = Bm25Index(texts)
    with_stem = lambda t: sum(t in tokens(x) for x in texts) / len(texts)  # noqa: E731
    assert index.share("Albertslund") == with_stem("albertslund") > 0.5  # in most of these minutes
    assert index.share("telefontider") == with_stem(tokens("telefontider")[0]) < 0.1
    assert index.share("Ukraine-telefontider") == min(with_stem("ukrain"), with_stem(tokens("telefontider")[0]))
    assert index.share("vinterbadning") == 0.0 and index.share("") == 0.0 and Bm25Index([]).share("x") == 0.0


def test_a_word_written_without_æ_ø_å_finds_the_word_with_them(texts):
    index = Bm25Index(texts)
    assert np.array_equal(index.scores("oekonomirapport sygefravaer"), index.scores("økonomirapport sygefravær"))
    assert index.scores("oekonomirapport").any()
    assert index.coverage("oekonomirapport", 0) == index.coverage("økonomirapport", 0)
    # a word the index has as written stays as written, whatever it would be with æ, ø or å
    aabent = Bm25Index(["Aabenraa og Aalborg", "åbent hus i Ålborg"])
    assert aabent.query_terms("aabenraa aalborg") == tokens("aabenraa aalborg")
    assert aabent.query_terms("aabent") == tokens("åbent")


def test_a_word_typed_with_a_bare_vowel_for_æ_ø_å_finds_the_word(texts):
    index = Bm25Index(texts)
    assert np.array_equal(index.scores("okonomirapport sygefravar"), index.scores("økonomirapport sygefravær"))
    assert index.query_terms("tidsregistrering") == tokens("tidsregistrering")  # a word the index has: as written
    # one vowel at a time, and the spelling most documents have when two are words of the index
    assert Bm25Index(["bærbuske", "bærbuske igen", "en bårbuske"]).query_terms("barbuske") == tokens("bærbuske")
    assert Bm25Index(["bårbuske", "bårbuske igen", "en bærbuske"]).query_terms("barbuske") == tokens("bårbuske")
    assert Bm25Index(["at bade", "både og"]).query_terms("bade") == tokens("bade")
    assert Bm25Index(["både og"]).query_terms("bade") == tokens("bade")  # a short word is too often another
    assert index.query_terms("bunner") == tokens("bunner")  # no spelling the index has: as written


def test_a_definite_form_that_drops_the_e_of_er_finds_the_word():
    # "vaccinecentret" of "vaccinecenter", "teatret" of "teater": Snowball stems them apart ("vaccinecentr",
    # "vaccinecent"), so "Hvad skete der med vaccinecentret?" found nothing lexically
    index = Bm25Index(["et midlertidigt vaccinecenter i hallen", "teater for børn", "centret for sundhed"])
    assert index.query_terms("vaccinecentret teatret") == tokens("vaccinecenter teater")
    assert index.scores("vaccinecentret")[0] > 0 and index.coverage("vaccinecentret", 0) == 1.0
    assert index.query_terms("centret") == tokens("centret")  # a word the index has: as written
    assert index.query_terms("sekretariatet") == tokens("sekretariatet")  # no such form: as written


def test_an_update_scores_as_a_fresh_build(texts):
    index = Bm25Index(texts[:30])
    keep = np.array([5, 1, 2, 29, 7])
    updated = index.updated(keep, iter(texts[30:]))
    merged = [texts[i] for i in keep] + texts[30:]
    order = np.array([3, 0, 10, 1, 2, 4, 5, 6, 7, 8, 9])
    for q in QUESTIONS:
        assert np.array_equal(updated.scores(q), Bm25Index(merged).scores(q)), q
        assert np.array_equal(updated.reordered(order).scores(q), Bm25Index([merged[i] for i in order]).scores(q))
    assert len(updated.terms) == len(Bm25Index(merged).terms)  # stems no kept document has are dropped


def test_saved_postings_are_memory_mapped_and_score_the_same(texts, tmp_path):
    index = Bm25Index(texts)
    index.save(tmp_path)
    loaded = Bm25Index.load(tmp_path)
    assert isinstance(loaded.docs, np.memmap) and isinstance(loaded.terms.blob, np.memmap)
    for q in QUESTIONS:
        assert np.array_equal(loaded.scores(q), index.scores(q))
    assert loaded.docs.dtype == np.int32 and loaded.tfs.dtype == np.uint16  # 6 bytes per posting


def test_an_empty_index_scores_nothing():
    index = Bm25Index([])
    assert index.scores("telefontider").shape == (0,) and index.coverage("telefontider", 0) == 0.0


def test_string_table_finds_every_string_and_nothing_else():
    words = ["ø", "a", "æble", "å", "b", "ab", "", "Ø", "aa"]
    table = StringTable.build(words)
    assert [table[i] for i in range(len(words))] == words
    assert [table.find(w) for w in words] == list(range(len(words)))
    assert table.find("c") == -1 and table.find("æ") == -1
