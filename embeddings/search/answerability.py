"""Does the nearest punkt answer what the question asks, or only something near it? (issue 15)

The retriever's abstention (retriever._weak) asks how close the nearest punkt is. A near miss is close too:
"tidsregistrering for byrådets politikere" lands on the decision about the staff's time registration.
What tells them apart is the question's own content: the things, people and qualifiers it names must be in
the punkt, literally or as a close paraphrase. Three tiers follow:

- ``answer``: the punkt has the question's content words (question verbs such as "gik", "holder" aside):
  their IDF-weighted lexical coverage is at least ``min_coverage`` (a word the punkt has only as the first
  part of a compound whose rest is a word of the corpus counts as that compound: "syge" by "sygedage",
  "sygdom" by "sygdomsforløb", not "park" by "parkering"); or the punkt is clearly close (dense
  margin over the corpus background at least ``min_margin``) and every content word it lacks literally has
  a close paraphrase in it (``WordMatcher``: the word in the question's context against the punkt's tokens
  in theirs, at least ``min_word``).
  A qualifier from a closed set of mutually exclusive terms (days of the week, weekend and weekdays, parts
  of the day: ``EXCLUSIVE``) counts only literally, or as one of its own members ("weekenden" by
  "lørdag"): in the model's space "weekenden" is close to "mandag til fredag", which contradicts it, so a
  punkt that lacks it never answers, however high its coverage. A year or a month the question names is
  such a qualifier too (the economy "pr. 30. juni 2023" is not that of 30 September 2022): it counts when
  the punkt's text has it, its meeting is in the period the question names ("corona i januar 2021"), or its
  meeting was held in that year or month. So is a number that names one thing among its like ("lokalplan
  1043", "linje 224": ``question_numbers``), which the punkt must have. A name (a capitalised word inside a sentence: "Albertslund Nord",
  "Greve Strand") is held to a stricter paraphrase test, ``min_name``, unless the punkt has it or a word
  that begins with it ("Tune" in "Tuneskolen"): e5 finds one place close to another. When the punkt names a
  rival of the same kind instead ("Vestby" for "Østby": ``rival_names``), the name is exclusive. Without it the punkt
  does not answer, however much else it covers ("Hundige Strand" is not "Hundige Station"). On the second
  path the punkt must also say something about the question where it states what it is about and decides (its
  title, Anledning, Resume, Indstilling, Beslutning: ``decided_text``): one content word there, literally or
  at least ``min_decided`` close, not counting words most punkter have (``max_share``: "kommunens", the
  municipality's name). A list of every department's telephone hours that mentions the recycling
  station in passing is close to "åbningstider for genbrugspladsen", but decides nothing about it. A word
  no punkt has at all ("lægevagten", "hjertestartere") can be in a punkt only as a paraphrase, and must be a
  close one, ``min_unknown``: of the words no punkt has, those e5 finds only loosely in the nearest punkt
  were mostly the thing a near miss asks about.
- ``partial``: the retriever would have answered, but the rule above says no: the nearest punkt is shown as
  nearest, with the words it has nothing close to (below ``name_below``; when every word is close but the
  punkt is not, the least close one), as "intet om: ...".
- ``none``: the retriever abstained (nothing near).

Signals are computed from the question without its filter words, the product's BM25 coverage of the top
punkt, its best chunk and its cosine; the thresholds are per model (``RULES``), chosen with
`python -m bench.quality` (docs/benchmarks.md, "Answer, partial or none").
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from embeddings.dense.e5_convert import MODEL_ID as DEFAULT_MODEL_ID
from embeddings.minutes import Punkt, SectionName
from embeddings.search.lexical import DANISH_STOPWORDS, tokens, with_danish_letters
from embeddings.search.query_filters import MONTHS


class Tier(StrEnum):
    ANSWER = "answer"
    PARTIAL = "partial"
    NONE = "none"


# Words questions are phrased with that name no topic ("Hvordan gik det med ...", "Hvornår holder vi ...",
# "Hvem sidder i ...", "Hvad blev konklusionen vedrørende ..."): left out of coverage, never compared, never
# named as uncovered, and not part of the coverage the retriever abstains on (topic_text). Ranking has its own
# stopwords (lexical.py): a title may say "Status på ...".
QUESTION_WORDS = frozenset("""
gik gå går gået lave laver lavet mente mener ment holder holde holdt ser se så gør gøre gjort havde har få
får fik ofte tit ny nye nyt sidder sidde ligger ligge udvikler udvikle før stadig egentlig aktuelt
kommer komme bliver gælder gælde står stå hedder mest hele blandt ved kun ude tog stedet høre bruge flere
igen fremover længere mere mindre godt gode nogen noget hvilket hvilken hvilke hvordan hvorfor hvornår
hvad hvem hvor besluttede beslutte besluttet bestemte bestemt vedtaget vedtog aftalt aftalte sagt sagde
angående vedrørende vedr omkring forhold forbindelse henhold
status resultat resultatet udfald udfaldet konklusion konklusionen holdning holdningen afgørelse afgørelsen
svar svaret nyheder opdatering aftalen referat referatet referaterne dagsorden dagsordenen mødet møderne
drøftede drøftet drøfte drøfter drøftelse drøftelsen diskuterede diskuteret diskutere snakkede snakket talte
talt konkluderede konkluderet traf truffet træffe landede landet endte enige enedes godkendte godkendt frem
skete sket ske sker foregik foregår siger skrevet skrev skriver nævnt nævner nævnte
fortælle fortæl find finde fandt vis vise søger søge kender huske husker vide handler handle indeholde indeholder
omfatte omfatter seneste senest nyeste nylig nyligt hidtil endnu allerede nogensinde lige mon præcis gerne overhovedet
faktisk fordi derfor folk næste kommende forrige
hej hejsa hallo halløj goddag godmorgen tak takker tusind forhånd venlig venligst hilsen hilsner vh mvh please
spørger spørge spørgsmål undrer ok okay jf
""".split()) | frozenset(DANISH_STOPWORDS) | frozenset(MONTHS)  # dates are the filters' (query_filters.py)
# Phrases that frame a question, blanked before its words are read: "Jeg leder efter ...", "Er der taget
# stilling til ...", and who decided ("Hvad besluttede ledelsen om ...": the citation names the committee).
_FRAMING = re.compile(r"(?iu)\bleder\s+efter\b|\b(?:taget|tage|tager|tog)\s+stilling\b"
                      r"|\b(?:besluttede|vedtog|mente|sagde|drøftede|godkendte|aftalte|bestemte|syntes)\s+"
                      r"\w+(?=\s+(?:om|omkring|angående|vedrørende)\b)"
                      # Idioms whose words name no topic of their own: "på plads", "på grund af", "ved siden af",
                      # "i gang", "for eksempel", "blive stående", "har det svært" ("stå til rådighed" does:
                      # a jobseeker's availability).
                      r"|\bpå\s+(?:plads|grund\s+af)\b|\bved\s+siden\s+af\b|\bi\s+gang\b"
                      r"|\bfor\s+eksempel\b|\b(?:blive|bliver|blev|forblive)\s+stående\b"
                      r"|\b(?:har|have|havde)\s+det\s+(?:svært|hårdt|skidt|dårligt)\b")


def _unframed(question: str) -> str:
    """``question`` with its framing phrases blanked out, same length (offsets keep)."""
    return _FRAMING.sub(lambda m: " " * len(m.group()), question)


_WORD = re.compile(r"(?u)\b[^\W\d_]{3,}\b")

# Closed sets whose members the embedding puts close together although they exclude each other: base form ->
# the words that also cover it ("weekend" is there when the punkt says "lørdag"). Inflected forms count, but
# not "i torsdags" (last Thursday: when it was decided, not what about).
_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag")
EXCLUSIVE: dict[str, tuple[str, ...]] = {
    **{d: () for d in _WEEKDAYS}, "lørdag": (), "søndag": (), "helligdag": (),
    "weekend": ("lørdag", "søndag"), "hverdag": _WEEKDAYS,
    "formiddag": (), "eftermiddag": (), "aften": (), "nat": (),
}  # not the seasons: "i efteråret 2022" more often says when something was decided than what about
_INFLECTIONS = ("", "e", "en", "ene", "er", "erne", "ens", "et", "ets", "ten", "tens", "ne")


# A year: not inside a number, a date written with dots or a journal number ("EMN-2025-000517"), and not an
# amount ("2000 kr."). Of a span only the first counts ("2024-27": the end is often written short). A month by
# its name. Dates the question filters on strictly (query_filters.py) are gone from it before it gets here.
_DATE = re.compile(r"(?<![\d.,/–-])((?:19|20)\d{2})(?!\d|,\d|\s*(?:kr\b|kroner|mio|mia|mill|%|procent|m2|m²|kvm))"
                   rf"|(?<!\w)({'|'.join(MONTHS)})(?!\w)", re.I)


def question_dates(question: str) -> list[str]:
    """The years and months ``question`` names (months lower-cased), in order, each once."""
    return list(dict.fromkeys((m.group(1) or m.group(2).lower()) for m in _DATE.finditer(question)))


# A number that names one thing among its like ("lokalplan 1043", "linje 224", "§ 79"): two digits or more, not
# a year (a date, above), a day ("den 22."), a decimal, part of a larger number, word ("412A") or journal number
# ("83.02.00-A00-1-23"), or an amount (often rounded in a question). Like a date, the punkt must have it: in the
# model's space 1043 is close to 1042.
_NUMBER = re.compile(r"(?<![\w.,/–-])(\d{2,})(?![\w.,]|\s*(?:kr\b|kroner|mio|mia|mill|%|procent))", re.I)


def question_numbers(question: str) -> list[str]:
    """The numbers ``question`` names one thing by (see _NUMBER), years aside, in order, each once."""
    return list(dict.fromkeys(n for n in _NUMBER.findall(question) if not re.fullmatch(r"(?:19|20)\d{2}", n)))


def names(question: str) -> list[str]:
    """The names ``question`` uses, lower-cased, in order, each once: its capitalised words that begin neither
    the question, a sentence of it nor a quotation, and are not abbreviations ("Albertslund Nord" -> albertslund,
    nord)."""
    out: list[str] = []
    question = _unframed(question)
    for m in _WORD.finditer(question):
        word, before = m.group(), question[:m.start()].rstrip()
        if not word[0].isupper() or word.isupper() or not before or before[-1] in ".!?:;\"'«»“”‘’(–-":
            continue
        if (low := word.lower()) not in QUESTION_WORDS and low not in out:
            out.append(low)
    return out


_CAPITALISED = re.compile(r"(?<!\w)[A-ZÆØÅ][a-zæøå]{2,}(?!\w)")
_RIVAL_SUFFIX = 3  # letters a name and a rival share at their end ("Øs|tby" and "Ves|tby", "-lunde", "-havn")


def rival_names(unnamed: Sequence[str], passage: str) -> tuple[str, ...]:
    """The names of ``unnamed`` (the question's names the punkt lacks, lower-cased) for which the punkt names
    another of the same kind instead: a capitalised word ending in the same _RIVAL_SUFFIX letters or more, but
    not the same name ("østby" in a punkt about "Vestby", "karlslunde" in one about "Kildebrønde"). Such a name
    counts as exclusive: e5 finds "Østby" close to "Vestby", yet the punkt is about another place."""
    words = {m.group().lower() for m in _CAPITALISED.finditer(passage)}
    out = []
    for name in unnamed:
        for other in words:
            shared = len(os.path.commonprefix([name[::-1], other[::-1]]))
            if other != name and _RIVAL_SUFFIX <= shared < min(len(name), len(other)):
                out.append(name)
                break
    return tuple(out)


def as_written(words: Sequence[str], question: str) -> tuple[str, ...]:
    """``words`` (lower-cased words of ``question``) as the question writes them ("nord" -> "Nord")."""
    return tuple(next((m.group() for m in re.finditer(rf"(?iu)(?<!\w){re.escape(w)}(?!\w)", question)), w)
                 for w in words)


DECIDING = (SectionName.ANLEDNING, SectionName.RESUME, SectionName.INDSTILLING, SectionName.BESLUTNING)


def decided_text(p: Punkt) -> str:
    """Where ``p`` states what it is about and what it decides: its title and its DECIDING sections."""
    return "\n".join([p.title] + [s.text for s in p.sections if s.name in DECIDING])


def exclusive_base(word: str) -> str | None:
    """The EXCLUSIVE base form of a lower-cased ``word`` ("søndagen" -> "søndag", "aftenen" -> "aften"), or
    None when it is not one."""
    return next((b for b in EXCLUSIVE if word.startswith(b) and word[len(b):] in _INFLECTIONS), None)


def content_words(question: str) -> list[str]:
    """The question's words that name what it is about, in order, lower-cased, each once."""
    return list(dict.fromkeys(w for w in _WORD.findall(_unframed(question).lower()) if w not in QUESTION_WORDS))


def topic_words(question: str) -> list[str]:
    """The words of ``question`` that say what it is about: not its QUESTION_WORDS or framing phrases, numbers
    kept ("Hvad blev konklusionen på budget 2021?" -> ["budget", "2021"]); none in "Hvad besluttede vi?"."""
    return [w for w in re.findall(r"(?u)\w+", _unframed(question)) if w.lower() not in QUESTION_WORDS]


def topic_text(question: str) -> str:
    """``question`` without its QUESTION_WORDS and framing phrases, numbers kept ("Hvad blev konklusionen på
    budget 2021?" -> "budget 2021"); the question itself when nothing is left."""
    return " ".join(topic_words(question)) or question


class WordMatcher(Protocol):
    """How close each question word comes to the passage: per word, in 0..1 (cosine-like)."""

    def similarities(self, question: str, words: Sequence[str], passage: str) -> dict[str, float]: ...


@dataclass(frozen=True)
class AnswerRule:
    """The thresholds of the three tiers for one model (see the module docstring)."""

    min_coverage: float = 0.8
    min_margin: float | None = 0.045  # None: no dense path to an answer (a model nobody tuned)
    min_word: float = 0.05  # WordMatcher scores: for e5, contrasts over the corpus background (word_match.py)
    name_below: float = 0.06
    min_name: float = 0.08  # a name the punkt lacks literally: this close (e5 finds any place near another)
    min_decided: float | None = 0.1  # the dense path: a content word this close in decided_text (None: no check)
    max_share: float = 0.5  # ... a word in more of the punkter than this ("kommunens", "Albertslund") does not count
    min_unknown: float = 0.08  # the dense path: a word no punkt has must be this close
    max_named: int = 2

    def __post_init__(self) -> None:
        if self.min_coverage < 0 or self.max_named < 0:  # above 1: coverage alone never answers
            raise ValueError("min_coverage and max_named must not be negative")


@dataclass(frozen=True)
class Signals:
    """What the decision looks at, for one question and its top punkt."""

    words: tuple[str, ...]  # content words of the question, then the years, months and numbers it names
    coverage: float  # IDF-weighted share of the content words' stems the punkt has (dates aside)
    literal: frozenset[str]  # words whose stem the punkt has (a date: or that covers it as said above)
    margin: float | None  # best chunk cosine minus the corpus background (None: no dense leg)
    similarity: dict[str, float] = field(default_factory=dict)  # words not literal -> WordMatcher score
    exclusive: tuple[str, ...] = ()  # EXCLUSIVE qualifiers, dates, numbers the punkt lacks (never compared)
    names: tuple[str, ...] = ()  # names of the question the punkt lacks literally (close only at min_name)
    decided: float | None = None  # its closest content word in decided_text (1.0 literal; None: not looked at)
    unknown: tuple[str, ...] = ()  # content words no punkt has (only when the share of punkter is known)

    def score(self, word: str) -> float:
        return 1.0 if word in self.literal else 0.0 if word in self.exclusive else self.similarity.get(word, 0.0)

    @property
    def weakest(self) -> float:
        return min((self.score(w) for w in self.words), default=1.0)


@dataclass(frozen=True)
class Verdict:
    tier: Tier
    uncovered: tuple[str, ...] = ()  # question words the punkt has nothing close to, weakest first
    signals: Signals | None = None


NONE = Verdict(Tier.NONE)


class Answerability:
    """Decides answer / partial for the top punkt of a search the retriever would answer."""

    def __init__(self, rule: AnswerRule, matcher: WordMatcher | None = None) -> None:
        self.rule = rule
        self.matcher = matcher

    def signals(self, question: str, coverage: Callable[[str], float], margin: float | None,
                passage: Callable[[], str], compare_all: bool = False, meeting: dt.date | None = None,
                in_period: bool = False, decided: Callable[[], str] | None = None,
                share: Callable[[str], float] | None = None) -> Signals:
        """``coverage(text)``: the product's lexical coverage of ``text`` in the top punkt; ``passage()``:
        its text for the word comparison (its best chunk), fetched only when a word needs comparing;
        ``meeting``: when the punkt was treated; ``in_period``: its meeting is in the period the question
        names ("fra 2022 til 2024", query_filters.py), which covers every date of it; ``decided()``: its
        decided_text, read when the words are compared; ``share(word)``: the share of punkter that have it
        (the words most punkter have say nothing of what one decides; None: every word counts).
        ``compare_all``: compare the words even when the coverage alone answers (benchmarks)."""
        words = content_words(question)
        dates, numbers = question_dates(question), question_numbers(question)
        if not words and not dates and not numbers:
            return Signals((), 1.0, frozenset(), margin)
        literal = frozenset(w for w in words if coverage(w) > 0 or any(coverage(a) > 0 for a in _covering(w)))
        held = (str(meeting.year), MONTHS[meeting.month - 1]) if meeting else ()
        dated = frozenset([d for d in dates if in_period or d in held or coverage(d) > 0]
                          + [n for n in numbers if coverage(n) > 0])
        dates += numbers
        passage = functools.cache(passage)
        lowered = functools.cache(lambda: passage().lower())
        heads = {}
        if share is not None:
            for w in words:
                if w not in literal and len(w) >= 4 and (c := _compound_with(w, lowered(), share)):
                    heads[w] = c
            literal |= set(heads)
        cov = coverage(" ".join(heads.get(w, w) for w in words)) if words else 1.0
        exclusive = (tuple(w for w in words if w not in literal and exclusive_base(w))
                     + tuple(d for d in dates if d not in dated))
        unnamed = [w for w in names(question) if w in words and w not in literal]
        if unnamed:  # a name at the start of a word of the chunk is there too ("Tune" in "Tuneskolen")
            literal |= {w for w in unnamed if re.search(rf"(?<!\w){re.escape(w)}", lowered())}
            unnamed = [w for w in unnamed if w not in literal]
            rivals = rival_names(unnamed, passage()) if unnamed else ()
            exclusive += rivals  # "Østby" where the punkt names "Vestby": another place of the same kind
            unnamed = [w for w in unnamed if w not in rivals]
        missing = [w for w in words if w not in literal and w not in exclusive]
        compared = bool(missing) and self.matcher is not None
        sims: dict[str, float] = {}
        if compared and (compare_all or cov < self.rule.min_coverage or exclusive or unnamed):
            sims = self.matcher.similarities(question, missing, passage())
        unknown = tuple(w for w in missing if share is not None and share(w) == 0)
        s = Signals(tuple(words) + tuple(dates), cov, literal | dated, margin, sims, exclusive, tuple(unnamed),
                    unknown=unknown)
        # What the punkt states and decides is read only when it is all that stands between it and an answer.
        if decided is not None and compared and (
                compare_all or (cov < self.rule.min_coverage and self.decide(s).tier is Tier.ANSWER)):
            telling = [w for w in words if share is None or share(w) <= self.rule.max_share] or words
            s = replace(s, decided=self._in_decision(question, telling, decided()))
        return s

    def _in_decision(self, question: str, words: Sequence[str], text: str) -> float:
        """1.0 when one of ``words`` is in ``text`` (a punkt's decided_text), also with ae, oe, aa for æ, ø, å
        ("oekonomirapport"; not a bare vowel: "bade" is not "både"), else the closest one's score."""
        stems = set(tokens(text))
        if any(set(tokens(f"{w} {with_danish_letters(w.lower())}")) & stems for w in words):
            return 1.0
        assert self.matcher is not None
        return max(self.matcher.similarities(question, words, text).values(), default=0.0)

    def decide(self, s: Signals, rule: AnswerRule | None = None) -> Verdict:
        rule = rule or self.rule
        # A name the punkt lacks and has nothing close to is another place or person, however much else it has.
        if not s.exclusive and all(s.score(n) >= rule.min_name for n in s.names):
            if s.coverage >= rule.min_coverage:
                return Verdict(Tier.ANSWER, (), s)
            close = rule.min_margin is not None and s.margin is not None and s.margin >= rule.min_margin
            if (close and self.matcher is not None and s.weakest >= rule.min_word
                    and all(s.score(w) >= rule.min_unknown for w in s.unknown)
                    and (rule.min_decided is None or s.decided is None or s.decided >= rule.min_decided)):
                return Verdict(Tier.ANSWER, (), s)
        unmatched = sorted((w for w in s.words if w not in s.literal),
                           key=lambda w: (s.score(w), w not in s.exclusive))  # exclusive ones first among ties
        # The words it has nothing close to; when every word is close but the punkt is not, the least close.
        weak = [w for w in unmatched if s.score(w) < self._close(w, s, rule)] or unmatched[:1]
        return Verdict(Tier.PARTIAL, tuple(weak[:rule.max_named]), s)

    @staticmethod
    def _close(word: str, s: Signals, rule: AnswerRule) -> float:
        """How close ``word`` must be not to be named as uncovered."""
        if word in s.names:
            return rule.min_name
        return max(rule.name_below, rule.min_unknown) if word in s.unknown else rule.name_below

    def judge(self, question: str, coverage: Callable[[str], float], margin: float | None,
              passage: Callable[[], str], meeting: dt.date | None = None,
              decided: Callable[[], str] | None = None, share: Callable[[str], float] | None = None) -> Verdict:
        return self.decide(self.signals(question, coverage, margin, passage, meeting=meeting, decided=decided,
                                        share=share))


def _covering(word: str) -> tuple[str, ...]:
    base = exclusive_base(word)
    return EXCLUSIVE[base] if base else ()


# Thresholds per model id, as Calibration: chosen by `python -m bench.quality` on the bundled sets and the
# Greve sets together (docs/benchmarks.md). A model nobody tuned answers on lexical coverage only, or with
# the retriever's old rule when no Answerability is given.
RULES: dict[str, AnswerRule] = {DEFAULT_MODEL_ID: AnswerRule()}
UNTUNED = AnswerRule(min_margin=None)


def rule_for(model_id: str) -> AnswerRule:
    return RULES.get(model_id, UNTUNED)


def _compound_with(word: str, text: str, share: Callable[[str], float]) -> str | None:
    """A word of ``text`` that is ``word`` compounded with a word some punkt has (``share``), after a linking s or
    e or none: "sygedage" for "syge", "sygdomsforløb" for "sygdom"; None for "parkering" and "park"."""
    for c in sorted(set(re.findall(rf"(?<!\w){re.escape(word)}\w{{3,}}", text))):  # one answer every time
        rest = c[len(word):]
        for r in (rest, rest[1:] if rest[0] in "se" else ""):
            if len(r) >= 3 and share(r) > 0:
                return c
    return None
