"""Synthetic Danish minutes for the scale benchmark: committees, meetings, punkter with journal numbers and
sections whose words come from the bundled minutes (data/referater).

Lengths follow Greve's (the median open punkt has about 500 words in 7-8 sections, 7 chunks of 120 words)
for ``long`` punkter; ``short`` punkter (title, Indstilling, Beslutning: one chunk) make a million punkter
fit the benchmark's half hour. Each punkt has a topic: a few content words and a compound word of its own
(so the vocabulary grows with the corpus, as real minutes' does), repeated through its text and title; a
case (journal number and topic) comes back at later meetings of the same committee now and then.
Everything is drawn from one seeded generator: the same arguments give the same minutes.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embeddings.journal import JournalNumber
from embeddings.minutes import Meeting, Minutes, Punkt, Section, SectionName
from embeddings.search.lexical import DANISH_STOPWORDS

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "referater"
COMMITTEES = ("Byrådet", "Økonomiudvalget", "Børne- og Skoleudvalget", "Klima-, Teknik- og Miljøudvalget",
              "Social- og Sundhedsudvalget", "Kultur- og Fritidsudvalget", "Beskæftigelsesudvalget",
              "Plan- og Boligudvalget", "Ældreudvalget", "Erhvervsudvalget")
TOWNS = ("Albertslund", "Greve", "Køge", "Roskilde", "Solrød", "Ishøj", "Vallensbæk", "Brøndby", "Hvidovre",
         "Glostrup", "Ballerup", "Herlev", "Gladsaxe", "Lyngby", "Rudersdal", "Furesø", "Egedal", "Frederikssund",
         "Hillerød", "Gribskov", "Helsingør", "Fredensborg", "Allerød", "Halsnæs", "Holbæk", "Kalundborg",
         "Odsherred", "Lejre", "Ringsted", "Sorø", "Slagelse", "Næstved", "Faxe", "Stevns", "Vordingborg",
         "Guldborgsund", "Lolland", "Odense", "Svendborg", "Faaborg", "Nyborg", "Kerteminde", "Middelfart",
         "Assens", "Vejle", "Kolding", "Fredericia", "Esbjerg", "Varde", "Billund", "Vejen", "Haderslev",
         "Aabenraa", "Sønderborg", "Tønder", "Horsens", "Hedensted", "Skanderborg", "Aarhus", "Odder", "Syddjurs",
         "Norddjurs", "Randers", "Favrskov", "Silkeborg", "Viborg", "Skive", "Herning", "Ikast", "Holstebro",
         "Struer", "Lemvig", "Ringkøbing", "Aalborg", "Rebild", "Mariagerfjord", "Vesthimmerland", "Thisted",
         "Morsø", "Jammerbugt", "Brønderslev", "Hjørring", "Frederikshavn", "Læsø", "Samsø", "Fanø", "Langeland",
         "Ærø", "Bornholm", "Dragør", "Tårnby", "Frederiksberg", "Gentofte", "Rødovre", "Høje-Taastrup",
         "Greve Strand", "Hørsholm", "Fredensborg Nord")
_WORD = re.compile(r"[A-Za-zÆØÅæøå][A-Za-zÆØÅæøå-]+")
FIRST_YEAR, YEARS = 2016, 10


@dataclass(frozen=True)
class Question:
    text: str
    uid: str  # the punkt it was written from


class Vocabulary:
    """Words of the bundled minutes with their frequencies; content words (not stop words, 5+ letters)."""

    def __init__(self, folder: Path = BUNDLED) -> None:
        counts: Counter[str] = Counter()
        for f in sorted(folder.iterdir()):
            counts.update(w for w in _WORD.findall(f.read_text(encoding="utf-8")) if not w.isupper())
        self.words = np.array(sorted(counts))
        freq = np.array([counts[w] for w in self.words], np.float64)
        self.p = freq / freq.sum()
        stop = set(DANISH_STOPWORDS)
        self.content = np.array([w for w in self.words if len(w) >= 5 and w.lower() not in stop])


class Generator:
    def __init__(self, seed: int = 14, vocabulary: Vocabulary | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        self.vocab = vocabulary or Vocabulary()
        self.serial = 0
        self.compounds: set[str] = set()  # every made-up word, for the tiny model's vocabulary

    def _compound(self) -> str:
        a, b = self.rng.choice(self.vocab.content, 2)
        word = (a[:max(3, len(a) - 2)] + b[-min(len(b), 7):]).lower()
        self.compounds.add(word)
        return word

    def words(self) -> list[str]:
        """Every word the generated text can hold (lower-cased), once."""
        return sorted({str(w).lower() for w in self.vocab.words} | self.compounds)

    def _topic(self) -> list[str]:
        k = int(self.rng.integers(3, 6))
        return [self._compound()] + [str(w) for w in self.rng.choice(self.vocab.content, k)]

    def _text(self, n: int, topic: list[str]) -> str:
        """``n`` words in sentences: three quarters common words, one quarter the topic's."""
        if n <= 0:
            return ""
        words = self.rng.choice(self.vocab.words, n, p=self.vocab.p)
        mine = self.rng.random(n) < 0.25
        words[mine] = self.rng.choice(np.array(topic, dtype=words.dtype), int(mine.sum()))
        out, i = [], 0
        while i < n:
            j = min(n, i + int(self.rng.integers(8, 21)))
            sentence = " ".join(words[i:j])
            out.append(sentence[:1].upper() + sentence[1:] + ".")
            i = j
        return " ".join(out)

    def _journal(self, year: int) -> str:
        self.serial += 1
        if self.rng.random() < 0.5:
            emne = ".".join(f"{x:02d}" for x in self.rng.integers(0, 90, 3))
            return f"{emne}-A{int(self.rng.integers(0, 30)):02d}-{self.serial % 999999 + 1}-{year % 100:02d}"
        return f"{year % 100:02d}-{self.serial % 1000000:06d}"

    def _sections(self, topic: list[str], long: bool) -> list[Section]:
        if not long:
            return [Section(SectionName.INDSTILLING, "Administrationen indstiller, at " + self._text(30, topic)),
                    Section(SectionName.BESLUTNING, self._text(int(self.rng.integers(8, 40)), topic))]
        sag = int(min(4000, self.rng.lognormal(np.log(330), 0.9)))
        out = [Section(SectionName.RESUME, self._text(int(self.rng.integers(20, 70)), topic)),
               Section(SectionName.SAGSFREMSTILLING, self._text(sag, topic)),
               Section(SectionName.INDSTILLING, "Administrationen indstiller, at " + self._text(40, topic)),
               Section(SectionName.BESLUTNING, self._text(int(self.rng.integers(3, 40)), topic))]
        if self.rng.random() < 0.3:
            out.append(Section(SectionName.HISTORIK, self._text(int(self.rng.integers(20, 80)), topic)))
        return out

    def minutes(self, punkter: int, long: bool = True, per_meeting: int = 10) -> Iterator[Minutes]:
        """Meetings of committees of municipalities until ``punkter`` punkter: each committee meets about
        monthly for ten years; a few punkter per meeting continue an earlier case of the committee."""
        meetings = -(-punkter // per_meeting)
        per_committee = 12 * YEARS
        n_committees = -(-meetings // per_committee)
        made = 0
        for c in range(n_committees):
            committee = f"{COMMITTEES[c % len(COMMITTEES)]} {TOWNS[c // len(COMMITTEES) % len(TOWNS)]}"
            if c >= len(COMMITTEES) * len(TOWNS):
                committee += f" {c // (len(COMMITTEES) * len(TOWNS)) + 1}"
            cases: list[tuple[str, list[str]]] = []
            for m in range(per_committee):
                if made >= punkter:
                    return
                day = dt.date(FIRST_YEAR, 1, 1) + dt.timedelta(days=int(m * 365.25 * YEARS / per_committee)
                                                                + int(self.rng.integers(0, 20)))
                meeting = Meeting(committee, day, dt.time(16, 0), source_path=f"synth/{c}/{m}",
                                  source_sha256=f"synth-{c}-{m}")
                ps = []
                for number in range(1, min(per_meeting, punkter - made) + 1):
                    if cases and self.rng.random() < 0.15:
                        journal, topic = cases[int(self.rng.integers(len(cases)))]
                    else:
                        journal, topic = self._journal(day.year), self._topic()
                        cases = (cases + [(journal, topic)])[-50:]
                    title = " ".join(topic[:int(self.rng.integers(2, 4))]).capitalize()
                    ps.append(Punkt(meeting, number, title, title, JournalNumber.parse(journal),
                                    tuple(self._sections(topic, long))))
                made += len(ps)
                yield Minutes(meeting, tuple(ps))

    def questions(self, punkter: list[Punkt], n: int) -> list[Question]:
        """Questions written from random punkter: two of their topic words, some with a year or committee."""
        out = []
        for i in self.rng.choice(len(punkter), n, replace=False):
            p = punkter[int(i)]
            words = p.title.lower().split()
            q = f"hvad besluttede vi om {' '.join(words[:2])}"
            r = self.rng.random()
            if r < 0.2:
                q += f" i {p.meeting.date.year}"
            elif r < 0.3:
                q += f" i {p.meeting.committee}"
            out.append(Question(q + "?", p.uid))
        return out
