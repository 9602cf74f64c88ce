"""Journal numbers (sagsnumre): KLE form parsed into its parts, other schemes kept verbatim.

KLE: ``83.02.00-A00-1-23`` = emne 83.02.00, facet A00, serial 1, year 2023.
Other municipalities: ``22-000015`` (Greve), ``EMN-2025-000517``: kept as written.

A KLE number typed or written loosely is read into its one canonical form, so stored and typed forms meet:
the facet letter in either case and spaces around the dashes (``01.02.03 - p20 - 1 - 23``), or a space in place
of the dash before the facet (``06.01.00 G01-12-25``), are ``01.02.03-P20-1-23`` / ``06.01.00-G01-12-25``.
A missing dash (``01.02.03P20-1-23``) or a short facet (``83.02.00-A0-1-23``) stays malformed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# KLE as written or typed: facet letter in either case, spaces around the dashes, a space for the first dash.
_DASH = r"\s*[-\u2010-\u2014\u2212]\s*"  # minutes use en dashes and non-breaking hyphens too
KLE_WRITTEN = (r"(\d{2})\.(\d{2})\.(\d{2})(?:" + _DASH + r"|\s+)([A-ZÆØÅa-zæøå]\d{2})"
               + _DASH + r"(\d{1,6})" + _DASH + r"(\d{4}|\d{2})(?!\d)")
_KLE_WRITTEN = re.compile(KLE_WRITTEN)
_KLE_IN_TEXT = re.compile(r"(?<![\w.])" + KLE_WRITTEN + r"(?![\w-])")
_KLE_START = re.compile(r"\d{2}\.\d{2}(\.|$)")
# Any other scheme: letters/digits in 2+ groups joined by - . or /, at least one digit, no spaces.
_OTHER = re.compile(r"(?=.*\d)[A-ZÆØÅa-zæøå0-9]{1,12}(?:[-./][A-ZÆØÅa-zæøå0-9]{1,12}){1,5}")
_KLE_PREFIX = re.compile(r"\d{2}(?:\.\d{2}){0,2}(?:-[A-ZÆØÅ]\d{2})?")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})
# "2022-2024", "11-09-2024", "10/2025": dates and year ranges, not cases; but "25/8890" (Acadre, SBSYS: year/serial)
# is a case.
_DATE_OR_YEARS = re.compile(r"(?!\d{2}/(?!(?:19|20)\d\d$)\d{3,6}$)\d{1,4}(?:[-./]\d{1,4})+")
MAX_LEN = 64


class MalformedJournalNumber(ValueError):
    """Text that was offered as a journal number but is not one."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"malformed journal number {text!r}: {reason}")
        self.text = text
        self.reason = reason


def normalise(text: str) -> str:
    """Strip and unify dash characters (minutes use en dashes and non-breaking hyphens)."""
    return text.strip().translate(_DASHES)


@dataclass(frozen=True)
class JournalNumber:
    """A journal number as written (``raw``), with KLE parts when it is KLE."""

    raw: str
    emne: str | None = None  # "83.02.00"
    facet: str | None = None  # "A00"
    serial: int | None = None  # 1
    year: int | None = None  # 2023

    @property
    def is_kle(self) -> bool:
        return self.emne is not None

    def __str__(self) -> str:
        return self.raw

    @classmethod
    def parse(cls, text: str) -> "JournalNumber":
        """Parse one journal number; raise MalformedJournalNumber if ``text`` is not one."""
        raw = normalise(text)
        if not raw:
            raise MalformedJournalNumber(text, "empty")
        if len(raw) > MAX_LEN:
            raise MalformedJournalNumber(text[:MAX_LEN] + "…", f"longer than {MAX_LEN} characters")
        m = _KLE_WRITTEN.fullmatch(raw)
        if m:
            emne, facet = ".".join(m.group(1, 2, 3)), m.group(4).upper()
            yy = m.group(6)
            year = int(yy) if len(yy) == 4 else 2000 + int(yy)
            return cls(raw=_canonical_kle(m), emne=emne, facet=facet, serial=int(m.group(5)), year=year)
        if _KLE_START.match(raw):
            raise MalformedJournalNumber(text, "starts like KLE (NN.NN.NN-X00-serial-year) but is incomplete")
        if _OTHER.fullmatch(raw):
            return cls(raw=raw)
        raise MalformedJournalNumber(text, "not of the form NN.NN.NN-X00-serial-year, 22-000015 or EMN-2025-000517")

    @classmethod
    def try_parse(cls, text: str) -> "JournalNumber | None":
        try:
            return cls.parse(text)
        except MalformedJournalNumber:
            return None


def _canonical_kle(m: re.Match) -> str:
    """``83.02.00-A00-1-23`` from a KLE_WRITTEN match: parts joined by dashes, facet letter upper-case."""
    return f"{m[1]}.{m[2]}.{m[3]}-{m[4].upper()}-{m[5]}-{m[6]}"


def spellings(journal: JournalNumber) -> tuple[str, ...]:
    """The forms a stored punkt may carry ``journal`` in: a KLE number's one canonical form; another scheme as
    given, upper- and lower-case (they are stored as the minutes write them)."""
    raw = journal.raw
    return (raw,) if journal.is_kle else tuple(dict.fromkeys((raw, raw.upper(), raw.lower())))


def is_kle_prefix(text: str) -> bool:
    """True for a KLE prefix such as ``83``, ``83.02``, ``00.01.00`` or ``00.01.00-A00``."""
    return bool(_KLE_PREFIX.fullmatch(normalise(text)))


def looks_like_journal_number(text: str) -> bool:
    """True when ``text`` is a whole journal number or a KLE prefix (used to route ``/sag``)."""
    t = normalise(text)
    return is_kle_prefix(t) or JournalNumber.try_parse(t) is not None


def find_journal_numbers(text: str) -> list[JournalNumber]:
    """Journal numbers mentioned anywhere in free text (a question), in order, KLE first-class."""
    out: list[JournalNumber] = []
    # "sag 01.02.03 - P20 - 1 - 23": one token
    text = _KLE_IN_TEXT.sub(_canonical_kle, normalise(text))
    for tok in re.findall(r"[A-ZÆØÅa-zæøå0-9][A-ZÆØÅa-zæøå0-9.\-\u2010-\u2014/]*[A-ZÆØÅa-zæøå0-9]", text):
        if not any(c.isdigit() for c in tok) or ("-" not in tok and "." not in tok and "/" not in tok):
            continue
        if _DATE_OR_YEARS.fullmatch(tok):  # "2022-2024", "11-09-2024": dates and year ranges, not cases
            continue
        j = JournalNumber.try_parse(tok)
        if j is not None and (j.is_kle or re.search(r"\d{4,}", tok)):
            out.append(j)
    return out
