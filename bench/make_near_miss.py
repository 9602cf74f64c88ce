"""Near-miss questions for the bundled minutes: Greve's punkt titles asked of Albertslund's Chefforum.

    python -m bench.make_near_miss

Writes bench/near_miss.jsonl: every line of bench/near_miss_written.jsonl (hand-written near misses)
followed by ``COUNT`` generated ones, "Hvad besluttede vi om <Greve title>?", each sharing at least one
content word with the bundled minutes (data/referater/) but asking about something they never decide.

Generation is deterministic (sorted input, no randomness) and filtered in three steps:
1. routine titles (dagsorden, meddelelser, eventuelt, ...) and closed punkter are skipped;
2. titles containing a stem of a topic the bundled minutes do decide (``DECIDED_STEMS``) are skipped, so
   "Sygefravær 2023" is not asked: the bundled minutes answer it in part (sygefravær 4. kv. 2020);
3. titles read by hand and found answered or too close (``DROPPED``) are skipped.
Among the rest, titles whose content words the bundled minutes mostly have (IDF-weighted over Greve's
titles) come first: the nearest misses. Near-duplicate titles are skipped and no content word may lead
more than ``PER_STEM`` titles, so one topic does not fill the set.

Without ../shared/corpus/greve the script says so and leaves bench/near_miss.jsonl as it is.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import sys
import tarfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import Stemmer

from bot.settings import PROJECT_DIR
from embeddings.search.lexical import DANISH_STOPWORDS
from embeddings.minutes import Punkt
from embeddings.ingest.firstagenda import parse_firstagenda_json
from embeddings.ingest.sources import parse_source, read_source

TARBALL = PROJECT_DIR.parent / "shared/corpus/greve/firstagenda-greve-raw-json.tar.gz"
BUNDLED = PROJECT_DIR / "data/referater"
WRITTEN = PROJECT_DIR / "bench/near_miss_written.jsonl"
OUT = PROJECT_DIR / "bench/near_miss.jsonl"
COUNT = 100
PER_STEM = 3
TEMPLATE = "Hvad besluttede vi om {title}?"

# Titles that decide nothing a question could be about.
ROUTINE = re.compile(
    r"^(godkendelse af dagsorden|meddelelse|eventuelt|evt\b|underskrift|orientering fra|huskeliste|"
    r"spørgsmål|borgmesteren orienterer|gensidig orientering|temaer til kommende)|mødekalender|"
    r"aktivitetskalender|mødeplan", re.I)

# Words any municipal title may use (process, time, place of the work): sharing only these with the
# bundled minutes is not "near". Compared as stems.
GENERIC = set("""
albertslund greve kommune kommunen kommunens kommunernes kommunal kommunale byråd byrådet byrådets udvalg
udvalget udvalgets økonomiudvalget godkendelse godkendt orientering status forslag opfølgning sag sager
punkt drøftelse ny nye nyt endelig vedtagelse beslutning høring høringssvar mv samt vedr via år periode
ved mellem omkring vedrørende forbindelse behandling ændring ændringer midler evaluering område områder
udvikling igangsættelse fælles proces anvendelse muligheder mulig håndtering implementering initiativ
initiativer administration administrationen udsendelse videre øget frem første tid høj særlig redegørelse
gældende januar februar marts april maj juni juli august september oktober november december kvartal
temamøde oplæg introduktion besøg udkast prioritering fornyet vedrørende indstilling tillæg frigivelse
bevilling udmøntning afrapportering plan planer arbejde arbejdet opgave opgaver del dele samlet
""".split())

# Stems of what the bundled minutes decide or discuss at length (see data/referater/): a Greve title with
# one of these is answered in part there, so it is not a clean near miss.
DECIDED_WORDS = """
telefontid telefontider tidsregistrering sygefravær sygefraværet ukraine ukrainske ukrainere flygtninge
corona covid coronakrisen budgetaftale budgetaftalen budgetproces budgetprocessen budgetprocesser
borgersamling borgersamlingen netværk netværksstruktur digitalisering digitaliseringsstrategi lederdag
målplaner målsætninger udviklingsuge økonomirapport borgerinddragelse journalisering cirkulær møbler
kontormøbler byudvikling byudviklingsforum erhvervsstrategi lederudvikling afskedigelse personalereduktion
mistrivsel fællesskaber distancearbejde hjemmearbejde smitteopsporing vaccination budget budgettet
budgetter budgetseminar velfærdsborgersamling velfærdsborgersamlingens
""".split()

# Read by hand (python -m bench.make_near_miss --candidates lists them): answered by, or too close to, a
# bundled punkt. Keyed by the Greve title as written.
DROPPED: dict[str, str] = {
    "Øget fokus på tværgående samarbejde": "2024-09-11#3 decides a cross-cutting steering group, "
                                           "2022-11-09#4 a model for tværfagligt samarbejde",
    "Beslutning om inddragelse i kommende politikproces": "2024-09-11#6 decides how citizens are involved",
    "Drøftelse af inddragelse i kommende politikproces": "2024-09-11#6 decides how citizens are involved",
    "Drøftelse om inddragelse i kommende politikproces": "2024-09-11#6 decides how citizens are involved",
}


@dataclass(frozen=True)
class Candidate:
    title: str
    committee: str
    date: str
    case: str
    stems: frozenset[str]  # the title's content stems
    shared: tuple[str, ...]  # those the bundled minutes also have, rarest in Greve's titles first
    nearness: float  # IDF-weighted share of the title's content stems that the bundled minutes have


class Stems:
    """Danish Snowball stems of content words: the lexical leg's stop words and ``GENERIC`` left out."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("danish")
        self._stop = set(DANISH_STOPWORDS)
        self._generic = set(self._stemmer.stemWords(sorted(GENERIC)))

    def __call__(self, text: str) -> list[str]:
        words = [w for w in re.findall(r"(?u)\b[^\W\d_]{3,}\b", text.lower()) if w not in self._stop]
        return [s for s in self._stemmer.stemWords(words) if len(s) >= 3 and s not in self._generic]


def greve_punkter(tarball: Path) -> Iterator[Punkt]:
    """Every punkt of the Greve dump, files in name order, read straight from the tarball."""
    with tarfile.open(tarball) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and m.name.endswith(".json")),
                         key=lambda m: m.name)
        for m in members:
            data = tar.extractfile(m).read()
            yield from parse_firstagenda_json(data, m.name, hashlib.sha256(data).hexdigest()).punkter


def bundled_punkter(folder: Path) -> list[Punkt]:
    return [p for f in sorted(folder.iterdir()) if f.is_file()
            for p in parse_source(read_source(f)).minutes.punkter]


def punkt_words(p: Punkt) -> str:
    return " ".join([p.title, *(s.text for s in p.sections)])


def candidates(greve: Iterable[Punkt], bundled: list[Punkt], stems: Stems) -> list[Candidate]:
    """Open, non-routine Greve titles with two or more content stems, one of them in the bundled minutes."""
    vocab = {s for p in bundled for s in stems(punkt_words(p))}
    decided = set(stems(" ".join(DECIDED_WORDS)))
    seen: set[str] = set()
    rows: list[tuple[Punkt, set[str]]] = []
    for p in greve:
        key = " ".join(p.title.lower().split())
        if p.closed or ROUTINE.search(p.title) or p.title in DROPPED or key in seen:
            continue
        seen.add(key)
        rows.append((p, set(stems(p.title))))
    df = Counter(s for _, title_stems in rows for s in title_stems)
    idf = {s: math.log(len(rows) / n) for s, n in df.items()}
    out = []
    for p, title_stems in rows:
        shared = title_stems & vocab
        if len(title_stems) < 2 or not shared or title_stems & decided:
            continue
        nearness = sum(idf[s] for s in shared) / sum(idf[s] for s in title_stems)
        out.append(Candidate(p.title, p.meeting.committee, p.meeting.date.isoformat(),
                             p.journal.raw if p.journal else "", frozenset(title_stems),
                             tuple(sorted(shared, key=lambda s: (df[s], s))), round(nearness, 6)))
    return out


def select(cands: list[Candidate], count: int = COUNT, per_stem: int = PER_STEM) -> list[Candidate]:
    """The nearest misses first; none much like one already chosen (Jaccard of content stems >= 0.6) and at
    most ``per_stem`` titles per content stem, so one topic ("tryghed") does not fill the set."""
    ordered = sorted(cands, key=lambda c: (-c.nearness, c.title.lower(), c.date))
    used: Counter[str] = Counter()
    out: list[Candidate] = []
    for c in ordered:
        if any(used[s] >= per_stem for s in c.stems):
            continue
        if any(len(c.stems & o.stems) / len(c.stems | o.stems) >= 0.6 for o in out):
            continue
        used.update(c.stems)
        out.append(c)
        if len(out) == count:
            break
    return out


def question(c: Candidate) -> dict:
    return {"q": TEMPLATE.format(title=c.title), "expect": [], "kind": "near-miss", "source": "greve-title",
            "greve_case": c.case, "shared": list(c.shared), "nearness": round(c.nearness, 3)}


def written(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for n, d in enumerate(rows, 1):
        if not isinstance(d.get("q"), str) or d.get("expect") != []:
            raise SystemExit(f"{path}:{n}: a near miss needs a question and an empty expect list")
    return rows


def main(argv: list[str]) -> int:
    if not TARBALL.is_file():
        print(f"skipped: {TARBALL} is not there; {OUT.name} left as it is", file=sys.stderr)
        return 0
    stems = Stems()
    cands = candidates(greve_punkter(TARBALL), bundled_punkter(BUNDLED), stems)
    chosen = select(cands)
    if "--candidates" in argv:  # for the hand check: what would be written, with the shared stems
        for c in chosen:
            print(f"{c.nearness:.2f}\t{c.case}\t{','.join(c.shared)}\t{c.title}")
        return 0
    rows = written(WRITTEN) + [question(c) for c in chosen]
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{OUT}: {len(rows)} questions ({len(rows) - len(chosen)} written by hand, {len(chosen)} from "
          f"{len(cands)} Greve titles)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
