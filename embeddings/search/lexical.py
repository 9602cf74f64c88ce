"""The lexical leg: BM25 over Danish-stemmed punkt text, kept as compact postings.

For each stem the documents that hold it (int32, ascending) and how often (uint16): 6 bytes per distinct
stem of a punkt, and 4 per punkt for its length. Scores are computed when asked, over the postings of the
question's stems only, with bm25s's formulas (Lucene's BM25, k1 = 1.5, b = 0.75; its scores are reproduced
bit for bit, tests/test_lexical.py): bm25s itself keeps a float32 score and an int32 index per posting and a
Python dict of the vocabulary, loaded whole. The stems are a sorted string table (embeddings/arrays.py).
Saved as .npy files and memory-mapped on load: a question reads only its stems' postings.

Chosen over SQLite FTS5 on the same stems: scoring every document in one pass over the postings is about a
hundred times faster per query on Greve's 5,168 punkter with a similar top-1 on the bundled set
(docs/benchmarks.md), and keeps the Snowball stemming in Python next to the queries.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import Stemmer

from embeddings.arrays import StringTable, load_array, save_array
from embeddings.minutes import Punkt

# Function words that carry no topic; question words are here so "hvad besluttede vi om X" ranks on X.
DANISH_STOPWORDS = sorted(set("""
af alle andet andre at blev blive bliver da de dem den denne dens der deres det dette dig din dine disse
dit du efter eller en end er et for fra ham han hans har have hende hendes her hos hun hvad hvem hver
hvilke hvilken hvis hvor hvordan hvorfor hvornår i ikke ind jeg jer jo kan kom kunne man mange med meget
men mig min mine mit mod må ned noget nogle nu når og også om op os over på sig sin sine sit skal skulle
som sådan thi til ud under var vi vil ville vor vores være været blevet besluttede besluttet beslutning
beslutningen beslutninger vedtaget vedtog sagde sagen sag
""".split()))
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
K1, B = 1.5, 0.75
_STOP = frozenset(DANISH_STOPWORDS)
_STEMMER = Stemmer.Stemmer("danish")


def _words(text: str) -> list[str]:
    return [w for w in _TOKEN.findall(text.lower()) if w not in _STOP]


def tokens(text: str) -> list[str]:
    """Lower-cased Danish stems of ``text`` without stop words, in order."""
    return _STEMMER.stemWords(_words(text))


# How æ, ø and å are written without them ("oekonomirapport", "Aarhus"), or typed as the bare vowel
# ("okonomirapport"), and other forms of a word (_SYNCOPE): tried for a query word the index lacks.
_ASCII_LETTERS = (("ae", "æ"), ("oe", "ø"), ("aa", "å"))
_BARE_VOWELS = (("o", "ø"), ("a", "æ"), ("a", "å"))
_MIN_BARE = 7


def with_danish_letters(word: str) -> str:
    for ascii_form, letter in _ASCII_LETTERS:
        word = word.replace(ascii_form, letter)
    return word


# A noun in -er whose definite or plural form drops the e ("centret", "teatrene" of "center", "teater"): Snowball
# stems the two forms apart.
_SYNCOPE = re.compile(r"(?<=[^aeiouyæøå])r(?:et|ets|ene|enes)$")


def _spellings(word: str) -> list[str]:
    """What a lower-case ``word`` may be with æ, ø or å: with ae, oe and aa read as them, and, in a word of
    _MIN_BARE letters or more, with one bare vowel read as one, each place ("okonomi" -> "økonomi", "okønomi",
    ...; a short word is too often another word: "bade" and "både"); and a definite form without the e of -er
    as the word it is of ("vaccinecentret" -> "vaccinecenter")."""
    out = [danish] if (danish := with_danish_letters(word)) != word else []
    if (whole := _SYNCOPE.sub("er", word)) != word:
        out.append(whole)
    if len(word) < _MIN_BARE:
        return out
    return out + [word[:i] + letter + word[i + 1:] for bare, letter in _BARE_VOWELS for i, c in enumerate(word)
                  if c == bare]


class Bm25Index:
    """BM25 over a fixed list of documents; ``scores(query)`` returns one score per document."""

    def __init__(self, texts: Sequence[str] = ()) -> None:
        built = _Postings.build(tokens(t) for t in texts)
        self._set(*built)

    def _set(self, terms: StringTable, ptr: np.ndarray, docs: np.ndarray, tfs: np.ndarray,
             lengths: np.ndarray) -> None:
        self.terms, self.ptr, self.docs, self.tfs, self.lengths = terms, ptr, docs, tfs, lengths
        self.size = len(lengths)
        avg = float(np.mean(lengths)) if self.size else 1.0
        # As bm25s: k1 (1 - b + b dl / avgdl) in float64 per document, the idf in float32, each posting's score
        # computed in float64 and rounded to float32, summed in float32.
        self._norm = K1 * ((1 - B) + B * lengths.astype(np.float64) / (avg or 1.0))

    @staticmethod
    def tokens(text: str) -> list[str]:
        return tokens(text)

    def close(self) -> None:
        """Let go of the postings (memory-mapped when loaded); the index cannot be searched afterwards."""
        self.terms.close()
        self.ptr = self.docs = self.tfs = self.lengths = self._norm = None  # type: ignore[assignment]

    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.terms.blob, self.terms.offsets, self.terms.order, self.ptr, self.docs,
                                      self.tfs, self.lengths, self._norm))

    def _postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        i = self.terms.find(term)
        if i < 0:
            return np.zeros(0, np.int32), np.zeros(0, np.uint16)
        a, b = int(self.ptr[i]), int(self.ptr[i + 1])
        return self.docs[a:b], self.tfs[a:b]

    def _idf(self, df: int) -> float:
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def query_terms(self, query: str) -> list[str]:
        """``tokens(query)``, but a word the index lacks is read as the spelling with æ, ø or å that most
        documents have, if any: "oekonomirapport" and "okonomirapport" -> the stem of "økonomirapport"."""
        return [self._term(word) for word in _words(query)]

    def _term(self, word: str) -> str:
        term = _STEMMER.stemWord(word)
        if self.terms.find(term) >= 0:
            return term
        df, best = max(((len(self._postings(t)[0]), t) for t in map(_STEMMER.stemWord, _spellings(word))),
                       default=(0, term))
        return best if df else term

    def share(self, word: str) -> float:
        """The share of documents (0..1) that have the rarest stem of ``word``; 0 for no stem or no documents."""
        if not self.size:
            return 0.0
        return min((len(self._postings(t)[0]) / self.size for t in self.query_terms(word)), default=0.0)

    def coverage(self, query: str, doc: int) -> float:
        """The IDF-weighted share of the query's stems that occur in document ``doc`` (0..1).

        A stem no document has weighs as much as the rarest possible one, so a question about something
        the minutes never mention ("vinterbadning") covers nothing, whatever else matches.
        """
        terms = set(self.query_terms(query))
        if not terms or not self.size:
            return 0.0
        total = found = 0.0
        for t in terms:
            docs, _ = self._postings(t)
            weight = self._idf(len(docs))
            total += weight
            j = int(np.searchsorted(docs, doc))
            if j < len(docs) and docs[j] == doc:
                found += weight
        return found / total

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return out
        for t in self.query_terms(query):  # a repeated stem counts again, as in bm25s
            docs, tfs = self._postings(t)
            if not len(docs):
                continue
            tf = tfs.astype(np.float64)
            idf = np.float64(np.float32(self._idf(len(docs))))
            out[docs] += (idf * (tf / (self._norm[docs] + tf))).astype(np.float32)
        return out

    # --- updates and persistence -------------------------------------------------------------
    def updated(self, keep: np.ndarray, new_texts: Iterable[str]) -> "Bm25Index":
        """A new index: the documents ``keep`` (old positions, in that order), then ``new_texts`` (read once,
        lazily). Only the new texts are tokenised."""
        keep = np.asarray(keep, np.int64)
        remap = np.full(self.size, -1, np.int64)
        remap[keep] = np.arange(len(keep))
        new = _Postings.build(tokens(t) for t in new_texts)
        old_terms = list(self.terms)
        vocab = sorted(set(old_terms) | set(new[0]))
        position = {t: i for i, t in enumerate(vocab)}
        old_term_of = np.repeat(np.arange(len(old_terms)), np.diff(self.ptr))
        old_ids = np.array([position[t] for t in old_terms], np.int64)
        old_docs = remap[self.docs]
        live = old_docs >= 0
        new_ids = np.array([position[t] for t in new[0]], np.int64)
        new_term_of = np.repeat(np.arange(len(new[0])), np.diff(new[1]))
        term = np.concatenate([old_ids[old_term_of[live]], new_ids[new_term_of]])
        doc = np.concatenate([old_docs[live], new[2].astype(np.int64) + len(keep)])
        tf = np.concatenate([self.tfs[live], new[3]])
        lengths = np.concatenate([self.lengths[keep], new[4]])
        out = Bm25Index.__new__(Bm25Index)
        out._set(*_Postings.assemble(vocab, term, doc, tf, lengths))
        return out

    def reordered(self, order: np.ndarray) -> "Bm25Index":
        """The same documents permuted: document ``i`` of the result is document ``order[i]`` of this one."""
        order = np.asarray(order, np.int64)
        if np.array_equal(order, np.arange(self.size)):
            return self
        inverse = np.empty(len(order), np.int64)
        inverse[order] = np.arange(len(order))
        term = np.repeat(np.arange(len(self.terms)), np.diff(self.ptr))
        out = Bm25Index.__new__(Bm25Index)
        out._set(*_Postings.assemble(list(self.terms), term, inverse[self.docs], np.asarray(self.tfs),
                                     np.asarray(self.lengths)[order]))
        return out

    def save(self, directory: Path) -> None:
        self.terms.save(directory, "bm25.terms")
        for name, a in (("ptr", self.ptr), ("docs", self.docs), ("tfs", self.tfs), ("lengths", self.lengths)):
            save_array(directory, f"bm25.{name}", a)

    @classmethod
    def load(cls, directory: Path) -> "Bm25Index":
        out = cls.__new__(cls)
        out._set(StringTable.load(directory, "bm25.terms"), *(load_array(directory, f"bm25.{n}")
                                                             for n in ("ptr", "docs", "tfs", "lengths")))
        return out


class _Postings:
    @staticmethod
    def build(docs: Iterable[list[str]]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(terms sorted, ptr, docs, tfs, lengths) from each document's stems."""
        vocab: dict[str, int] = {}
        lengths: list[int] = []
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        batch: list[np.ndarray] = []

        def flush() -> None:  # (term, doc, tf) of a batch of documents, counted with one np.unique
            if not batch:
                return
            first = len(lengths) - len(batch)
            doc_of = np.repeat(np.arange(first, len(lengths), dtype=np.int64), [len(b) for b in batch])
            keys, counts = np.unique(doc_of * (1 << 32) + np.concatenate(batch), return_counts=True)
            parts.append((keys & 0xFFFFFFFF, keys >> 32, counts))
            batch.clear()

        for stems in docs:
            batch.append(np.fromiter((vocab.setdefault(s, len(vocab)) for s in stems), np.int64, len(stems)))
            lengths.append(len(stems))
            if len(batch) == 2000:
                flush()
        flush()
        sorted_terms = sorted(vocab)
        rank = np.empty(len(vocab), np.int64)
        rank[[vocab[t] for t in sorted_terms]] = np.arange(len(sorted_terms))
        term, doc, tf = (np.concatenate([p[i] for p in parts]) if parts else np.zeros(0, np.int64) for i in range(3))
        tf = np.minimum(tf, np.iinfo(np.uint16).max)
        return _Postings.assemble(sorted_terms, rank[term], doc, tf, np.array(lengths, np.int32))

    @staticmethod
    def assemble(terms: list[str], term: np.ndarray, doc: np.ndarray, tf: np.ndarray, lengths: np.ndarray):
        """Sort (term, doc, tf) triples term-major (documents ascending within a term); drop unused terms."""
        order = np.lexsort((doc, term))
        term, doc, tf = term[order], doc[order], tf[order]
        used = np.unique(term)
        if len(used) < len(terms):
            renum = np.full(len(terms), -1, np.int64)
            renum[used] = np.arange(len(used))
            term, terms = renum[term], [terms[i] for i in used]
        ptr = np.zeros(len(terms) + 1, np.int64)
        np.cumsum(np.bincount(term, minlength=len(terms)), out=ptr[1:])
        return (StringTable.build(terms), ptr, doc.astype(np.int32), tf.astype(np.uint16),
                np.asarray(lengths, np.int32))


def punkt_text(p: Punkt) -> str:
    """What BM25 sees: title (twice: titles are short and telling), journal number, every section."""
    parts = [p.title, p.title, p.journal.raw if p.journal else ""]
    parts += [s.text for s in p.sections]
    return "\n".join(parts)
