"""Danish date and committee filters read from a question ("i marts 2021", "fra 2022 til 2024",
"sidste år", "i Chefforum").

A committee's name restricts. One named with its term of office ("Byråd 2022-2025") is also found without
it ("Hvad besluttede Byrådet om ...?": every term's Byråd). One whose name is parts and a body is also found
by a shortened name or its initials ("Teknikudvalget", "KTMU", "ØU"), when no other committee shares them. A
committee named after "for", "til" or "om" is what the question is about ("formand for Økonomiudvalget"),
not a filter. A date restricts (strictly) when the question is about when something was decided or discussed
("Hvad besluttede vi om covid-19 i 2021?", "sidste år"); otherwise the year may belong to the topic ("Hvad
bliver rottebekæmpelsesgebyret i 2025?" was decided in 2024), so meetings in that period are only preferred
and the year words stay in the query. Strict filter words are removed before ranking.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass


MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")
_MONTH = "|".join(MONTHS)
_Y = r"((?:19|20)\d{2})"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("range", re.compile(rf"\b(?:fra|mellem|i\s+årene)\s+{_Y}\s*(?:til|og|[-–])\s*{_Y}\b", re.I)),
    # "i marts 2021", but not a date ("pr. 30. september 2022" names a day, not a period to search)
    ("month", re.compile(rf"(?<!\d\.\s)(?<!\d\.)\b(?:i\s+)?({_MONTH})\s+{_Y}\b", re.I)),
    ("since", re.compile(rf"\b(?:siden|efter|fra)\s+{_Y}\b", re.I)),
    ("before", re.compile(rf"\b(?:før|inden)\s+{_Y}\b", re.I)),
    ("last_year", re.compile(r"\b(?:sidste\s+år|i\s+fjor|sidste\s+kalenderår)\b", re.I)),
    ("this_year", re.compile(r"\b(?:i\s+år|dette\s+år|indeværende\s+år)\b", re.I)),
    ("last_month", re.compile(r"\bsidste\s+måned\b", re.I)),
    # A bare year is not a filter: it is usually part of a title ("budgetaftalen 2020 og 2021").
    ("year", re.compile(rf"\b(?:i|år|året|i\s+året)\s+{_Y}\b", re.I)),
]


@dataclass(frozen=True)
class QueryFilter:
    """Restrictions on meeting date (inclusive) and committee; empty means no restriction."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    committees: tuple[str, ...] = ()
    descriptions: tuple[str, ...] = ()  # strict, for users: "2021", "marts 2021", "Chefforum"
    strict_dates: bool = True  # False: meetings in the period are preferred, not required
    preferences: tuple[str, ...] = ()  # soft, for users: "2025"

    def in_period(self, date: dt.date) -> bool:
        return not (self.date_from and date < self.date_from) and not (self.date_to and date > self.date_to)

    def accepts(self, committee: str, date: dt.date) -> bool:
        if self.strict_dates and not self.in_period(date):
            return False
        return not self.committees or committee in self.committees

    def prefers(self, date: dt.date) -> bool:
        return not self.strict_dates and self.in_period(date)

    @property
    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.committees)


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


_RELATIVE = {"last_year", "this_year", "last_month"}
# Words that make a date about the meeting: what was decided, discussed or treated then.
_ABOUT_MEETINGS = re.compile(r"\b(?:besluttede|besluttet|beslutning\w*|vedt[ao]g\w*|godkend\w*|behandle\w*|"
                             r"drøftede|drøftet|møde\w*|referat\w*)\b", re.I)


# A committee named with its term of office ("Byråd 2022-2025", "Byrådet (2018-2021)") is asked about without it,
# in either form ("Byrådet", "byråd"): its name without the term, less a definite ending, then -e, -et or -en.
_TERM = re.compile(r"\s*\(?\s*(?:19|20)\d{2}\s*[-–]\s*(?:19|20)?\d{2}\s*\)?\s*$")


def _term_alias(name: str) -> str | None:
    """The stem ``name`` is also asked by when it ends in a term of office ("Byråd 2022-2025" -> "Byråd"), else
    None."""
    bare = _TERM.sub("", name)
    if bare == name or len(bare) < 4:
        return None
    return re.sub(r"(?:et|en)$", "", bare) if len(bare) > 6 else bare


_PREFIX = r"(?:\b(?:i|fra|på)\s+)?"  # taken out with a committee's name: "i Chefforum"


# How people shorten a committee whose name is its parts and a body ("Klima-, Teknik- og Miljøudvalget"): by
# one part or the last parts ("Teknikudvalget", "Teknik- og Miljøudvalget"), in any case and either form, and by
# initials, in capitals ("KTMU", "ØU", "BR" for "Byråd", "KB" for "Kommunalbestyrelsen").
_BODIES = {"udvalget": "udvalg", "udvalg": "udvalg", "rådet": "råd", "råd": "råd", "bestyrelsen": "bestyrelse",
           "bestyrelse": "bestyrelse"}
_ENDINGS = {"udvalg": "(?:et)?", "råd": "(?:et)?", "bestyrelse": "n?"}
# Initials that mean something else in a question ("Erhvervsudvalget" is EU, "Handicaprådet" HR, "Sundhedsudvalget"
# SU): never a committee.
_NOT_INITIALS = frozenset("AI DR EU FN HR ID IT KL OK PC SU TV UK".split())


def _parts(name: str) -> tuple[list[str], str] | None:
    """(the parts of ``name``, its body's stem): "Klima-, Teknik- og Miljøudvalget" -> (["Klima", "Teknik",
    "Miljø"], "udvalg"), "Byråd 2022-2025" -> (["By"], "råd"); None for any other form of name."""
    words = [w for w in re.findall(r"\w+", _TERM.sub("", name)) if w != "og"]
    if not words or not all(w[0].isupper() for w in words):
        return None
    last = words[-1].lower()
    body = next((b for b in _BODIES if last.endswith(b) and len(last) > len(b)), None)
    if body is None:
        return None
    return words[:-1] + [words[-1][:-len(body)]], _BODIES[body]


def _initials_last(item: tuple[tuple[str, bool], object]) -> tuple[bool, int]:
    (key, initials), _ = item
    return initials, -len(key)


def _shortened(committees: tuple[str, ...]) -> list[tuple[tuple[str, ...], str, re.Pattern[str]]]:
    """The patterns of shortened names and initials that name one committee (all its terms): none that is also a
    committee's full name or two committees' shortening."""
    taken = {n.lower() for n in committees} | {a.lower() for n in committees if (a := _term_alias(n))}
    # (lower-case key, initials) -> (names, their names without a term, the regex, a text it needs)
    short: dict[tuple[str, bool], tuple[set[str], set[str], str, str]] = {}

    def add(key: str, initials: bool, regex: str, probe: str, name: str) -> None:
        names, bare, _, _ = short.setdefault((key.lower(), initials), (set(), set(), regex, probe.lower()))
        names.add(name)
        bare.add(_TERM.sub("", name).lower())

    for name in committees:
        found = _parts(name)
        if found is None:
            continue
        parts, body = found
        tail = re.escape(body) + _ENDINGS[body]
        letters = "".join(p[0] for p in parts).upper() + body[0].upper()
        if letters not in _NOT_INITIALS:  # capitals only: "øu" is no name
            add(letters, True, rf"(?<!\w){re.escape(letters)}(?!\w)", letters, name)
        if len(parts) < 2:
            continue
        for p in parts:
            add(p + body, False, rf"\b{re.escape(p)}{tail}\b", p + body, name)
        for i in range(1, len(parts) - 1):  # the last parts: "Teknik- og Miljøudvalget"
            run = parts[i:]
            regex = r"-?,?\s*".join(re.escape(p) for p in run[:-1]) + r"-?\s+og\s+" + re.escape(run[-1]) + tail
            add(" ".join(run) + body, False, rf"\b{regex}\b", run[-1] + body, name)
    out = []
    for (key, initials), (names, bare, regex, probe) in sorted(short.items(), key=_initials_last):
        if len(bare) == 1 and key not in taken:
            out.append((tuple(sorted(names)), probe, re.compile(_PREFIX + regex, 0 if initials else re.I)))
    return out


@functools.lru_cache(maxsize=8)
def _committee_patterns(committees: tuple[str, ...]) -> list[tuple[tuple[str, ...], str, re.Pattern[str]]]:
    """(the names a pattern finds, a lower-case text it cannot match without, the pattern): each name, longest
    first, then each term-of-office stem once for every name that has it, then shortened names and initials
    (compiled once per list)."""
    out = [((name,), name, re.compile(rf"{_PREFIX}\b{re.escape(name)}\b", re.I))
           for name in sorted(committees, key=len, reverse=True)]
    stems: dict[str, list[str]] = {}
    for name in committees:
        if (stem := _term_alias(name)) is not None:
            stems.setdefault(stem.lower(), []).append(name)
    out += [(tuple(sorted(names)), stem, re.compile(rf"{_PREFIX}\b{re.escape(stem)}(?:e|et|en)?\b", re.I))
            for stem, names in sorted(stems.items(), key=lambda kv: -len(kv[0]))]
    return out + _shortened(committees)


# A committee named after these is what the question is about, not who decided ("formand for Økonomiudvalget",
# "medlemmer til Byrådet"): it is no filter. Not "af": "godkendt af Byrådet" names who decided.
_TOPIC_BEFORE = re.compile(r"\b(?:for|til|om)\s+$", re.I)


def _may_occur(name: str, text: str, folded: str) -> bool:
    """False only when ``name`` certainly cannot match case-insensitively in ``text`` (lower-cased: ``folded``):
    its lower case is not in it. When a lower case changes length ('İ'), the regex decides."""
    lower = name.lower()
    return len(lower) != len(name) or len(folded) != len(text) or lower in folded


def parse_filters(question: str, today: dt.date, committees: list[str] = ()) -> tuple[QueryFilter, str]:
    """(filter, question without the strict filter words). Only the first date expression is used."""
    date_from = date_to = None
    desc: list[str] = []
    strict = True
    rest = question
    for kind, pattern in _PATTERNS:
        m = pattern.search(rest)
        if not m:
            continue
        g = [x for x in m.groups() if x]
        if kind == "range":
            a, b = sorted(int(x) for x in g)
            date_from, date_to = dt.date(a, 1, 1), dt.date(b, 12, 31)
            desc.append(f"{a}–{b}")
        elif kind == "month":
            month, year = MONTHS.index(g[0].lower()) + 1, int(g[1])
            date_from, date_to = dt.date(year, month, 1), _month_end(year, month)
            desc.append(f"{g[0].lower()} {year}")
        elif kind == "since":
            date_from = dt.date(int(g[0]), 1, 1)
            desc.append(f"{g[0]}–")
        elif kind == "before":
            date_to = dt.date(int(g[0]) - 1, 12, 31)
            desc.append(f"–{int(g[0]) - 1}")
        elif kind in ("last_year", "this_year", "year"):
            year = today.year - 1 if kind == "last_year" else today.year if kind == "this_year" else int(g[0])
            date_from, date_to = dt.date(year, 1, 1), dt.date(year, 12, 31)
            desc.append(str(year))
        elif kind == "last_month":
            first = today.replace(day=1) - dt.timedelta(days=1)
            date_from, date_to = first.replace(day=1), first
            desc.append(f"{MONTHS[first.month - 1]} {first.year}")
        strict = kind in _RELATIVE or bool(_ABOUT_MEETINGS.search(question))
        if strict:
            rest = (rest[:m.start()] + " " + rest[m.end():]).strip()
        break
    preferences = () if strict else tuple(desc)
    desc = desc if strict else []
    found = []
    folded = rest.lower()
    for names, probe, pattern in _committee_patterns(tuple(committees)):
        if not _may_occur(probe, rest, folded):  # no regex for names that cannot be there (a thousand at scale)
            continue
        m = pattern.search(rest)
        if m and not _TOPIC_BEFORE.search(rest[:m.start()]):
            new = [n for n in names if n not in found]
            found += new
            desc += new
            rest = (rest[:m.start()] + " " + rest[m.end():]).strip()
            folded = rest.lower()
    rest = re.sub(r"\s+([?!.,])", r"\1", re.sub(r"\s{2,}", " ", rest)).strip()
    return QueryFilter(date_from, date_to, tuple(found), tuple(desc), strict, preferences), rest or question
