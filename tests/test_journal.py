"""Journal numbers: KLE parsed into parts, other schemes verbatim, everything else a clear error."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embeddings.journal import (JournalNumber, MalformedJournalNumber, find_journal_numbers, is_kle_prefix,
                                looks_like_journal_number, spellings)

two = st.integers(0, 99).map(lambda n: f"{n:02d}")
kle_parts = st.tuples(two, two, two, st.sampled_from("ABCDGPÆØÅ"), st.integers(0, 99), st.integers(1, 999_999),
                      st.integers(0, 99))


def kle(parts) -> str:
    a, b, c, letter, facet, serial, yy = parts
    return f"{a}.{b}.{c}-{letter}{facet:02d}-{serial}-{yy:02d}"


def test_kle_example():
    j = JournalNumber.parse("83.02.00-A00-1-23")
    assert (j.emne, j.facet, j.serial, j.year, j.is_kle) == ("83.02.00", "A00", 1, 2023, True)
    assert str(j) == "83.02.00-A00-1-23"


@given(kle_parts)
def test_kle_roundtrip(parts):
    raw = kle(parts)
    j = JournalNumber.parse(raw)
    assert j.raw == raw and j.is_kle
    assert j.emne == ".".join(parts[:3])
    assert j.facet == f"{parts[3]}{parts[4]:02d}"
    assert j.serial == parts[5] and j.year == 2000 + parts[6]


@given(kle_parts, st.sampled_from(["\u2013", "\u2011", "\u2212"]))
def test_kle_with_typographic_dashes_normalises(parts, dash):
    raw = kle(parts)
    assert JournalNumber.parse(raw.replace("-", dash)).raw == raw


@pytest.mark.parametrize("raw", ["22-000015", "EMN-2025-000517", "2023/04512", "S2024-123"])
def test_other_schemes_kept_verbatim(raw):
    j = JournalNumber.parse(f"  {raw} ")
    assert j.raw == raw and not j.is_kle and j.emne is None


@pytest.mark.parametrize("bad", ["", "   ", "83.02.00-A00-1", "83.02.00-A00", "83.02.00-A0-1-23",
                                 "telefontider", "hvad besluttede vi", "12345", "a" * 100, "--", "83.02.00 A00 1 23"])
def test_malformed_is_a_clear_error(bad):
    with pytest.raises(MalformedJournalNumber) as e:
        JournalNumber.parse(bad)
    assert e.value.reason


@given(st.text(max_size=80))
def test_parse_never_raises_anything_but_malformed(text):
    try:
        j = JournalNumber.parse(text)
    except MalformedJournalNumber:
        return
    assert j.raw and " " not in j.raw and len(j.raw) <= 64
    assert JournalNumber.parse(j.raw) == j  # idempotent


@given(kle_parts)
def test_prefixes_of_kle_are_prefixes(parts):
    raw = kle(parts)
    for n in (2, 5, 8, 12):
        assert is_kle_prefix(raw[:n]), raw[:n]
    assert looks_like_journal_number(raw)


@pytest.mark.parametrize("text", ["telefontider", "2024", "i 2021", "83.0", "83.02."])
def test_not_prefixes(text):
    assert not is_kle_prefix(text)


@given(kle_parts, st.text(alphabet="abcæøå ?", max_size=30))
def test_find_in_question(parts, words):
    raw = kle(parts)
    found = find_journal_numbers(f"hvad skete der i sag {raw}?{words}")
    assert [j.raw for j in found] == [raw]


def test_find_ignores_years_and_plain_numbers():
    assert find_journal_numbers("hvad besluttede vi i 2021 om punkt 4?") == []
    assert find_journal_numbers("fra 2022-2024, mødet 11-09-2024 og 2024-09-11") == []
    assert [j.raw for j in find_journal_numbers("sag 22-000015 og EMN-2025-000517")] == ["22-000015",
                                                                                          "EMN-2025-000517"]
    assert find_journal_numbers("i 10/2025 og 2024/25") == []
    assert [j.raw for j in find_journal_numbers("hvad blev besluttet i sag 25/8890")] == ["25/8890"]


@pytest.mark.parametrize("written, canonical", [
    ("01.02.03-p20-1-23", "01.02.03-P20-1-23"),
    ("01.02.03 - P20 - 1 - 23", "01.02.03-P20-1-23"),
    ("01.02.03 \u2013 p20 \u2013 1 \u2013 23", "01.02.03-P20-1-23"),
    ("06.01.00 G01 - 12 - 25", "06.01.00-G01-12-25"),
    ("06.01.00 G01-12-25", "06.01.00-G01-12-25"),
    ("83.02.00-æ00-7-2024", "83.02.00-Æ00-7-2024"),
])
def test_kle_written_loosely_reads_as_its_canonical_form(written, canonical):
    j = JournalNumber.parse(written)
    assert (j.raw, j.is_kle, j.facet) == (canonical, True, canonical.split("-")[1])
    assert JournalNumber.parse(canonical) == j


@pytest.mark.parametrize("typo", ["01.02.03P20-1-23", "83.02.00-A0-1-23", "83.02.00 A00 1 23", "83.02.00-A00 1-23",
                                  "83.02.00 - A00 - 1", "83.02.00-p2-1-23"])
def test_real_typos_stay_malformed(typo):
    with pytest.raises(MalformedJournalNumber):
        JournalNumber.parse(typo)


def test_find_in_question_written_loosely():
    assert [j.raw for j in find_journal_numbers("hvad er besluttet i sag 01.02.03 - P20 - 1 - 23?")] \
        == ["01.02.03-P20-1-23"]
    assert [j.raw for j in find_journal_numbers("sag 82.06.00-g01-1-26 og 06.01.00 G01-12-25")] \
        == ["82.06.00-G01-1-26", "06.01.00-G01-12-25"]


def test_other_schemes_are_looked_up_in_any_case():
    assert spellings(JournalNumber.parse("emn-2025-000517")) == ("emn-2025-000517", "EMN-2025-000517")
    assert spellings(JournalNumber.parse("01.02.03-p20-1-23")) == ("01.02.03-P20-1-23",)
