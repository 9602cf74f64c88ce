"""Journal numbers (sagsnumre): KLE form parsed into its parts, other schemes kept verbatim.

KLE: ``83.02.00-A00-1-23`` = emne 83.02.00, facet A00, serial 1, year 2023.
Other municipalities: ``22-000015`` (Greve), ``EMN-2025-000517``: kept as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_KLE = re.compile(r"(\d{2})\.(\d{2})\.(\d{2})-([A-ZÆØÅ]\d{2})-(\d{1,6})-(\d{2}|\d{4})")
_KLE_START = re.compile(r"\d{2}\.\d{2}(\.|$)")
# Any other scheme: letters/digits in 2+ groups joined by - . or /, at least one digit, no spaces.
_OTHER = re.compile(r"(?=.*\d)[A-ZÆØÅa-zæøå0-9]{1,12}(?:[-./][A-ZÆØÅa-zæøå0-9]{1,12}){1,5}")
_KLE_PREFIX = re.compile(r"\d{2}(?:\.\d{2}){0,2}(?:-[A-ZÆØÅ]\d{2})?")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})
_DATE_OR_YEARS = re.compile(r"\d{1,4}(?:[-./]\d{1,4})+")
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
        m = _KLE.fullmatch(raw)
        if m:
            emne = ".".join(m.group(1, 2, 3))
            yy = m.group(6)
            year = int(yy) if len(yy) == 4 else 2000 + int(yy)
            return cls(raw=raw, emne=emne, facet=m.group(4), serial=int(m.group(5)), year=year)
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
    for tok in re.findall(r"[A-ZÆØÅa-zæøå0-9][A-ZÆØÅa-zæøå0-9.\-\u2010-\u2014/]*[A-ZÆØÅa-zæøå0-9]", normalise(text)):
        if not any(c.isdigit() for c in tok) or ("-" not in tok and "." not in tok and "/" not in tok):
            continue
        if _DATE_OR_YEARS.fullmatch(tok):  # "2022-2024", "11-09-2024": dates and year ranges, not cases
            continue
        j = JournalNumber.try_parse(tok)
        if j is not None and (j.is_kle or re.search(r"\d{4,}", tok)):
            out.append(j)
    return out
