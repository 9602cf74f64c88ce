"""Minutes in layouts other municipalities publish (tests/data/unseen/), read as a user would check them: the
committee and day, every punkt's number, title and journal number, where each section starts and ends, closed
punkter without text. Each test here failed before the fix it names."""
from __future__ import annotations

import datetime as dt

import pytest

from embeddings.ingest.sources import parse_source, read_source
from embeddings.ingest.text import parse_text
from embeddings.minutes import SectionName

from conftest import PROJECT

UNSEEN = PROJECT / "tests" / "data" / "unseen"


def read(name: str):
    return parse_source(read_source(UNSEEN / name)).minutes


def outline(minutes) -> list[tuple[str, str, str | None, bool]]:
    return [(p.label, p.title, p.journal.raw if p.journal else None, p.closed) for p in minutes.punkter]


def test_a_line_naming_the_municipality_is_not_the_committee():
    """"REFERAT" over "Holbæk Kommune" over "Kommunalbestyrelsen": the committee was "Holbæk Kommune", so the
    decision "Beslutning i Kommunalbestyrelsen den 18. juni 2025" was read as an earlier meeting's (Historik) and
    the punkt had no decision."""
    m = read("holbaek_kb_2025-06-18.txt")
    assert (m.meeting.committee, m.meeting.date, m.meeting.start_time) == (
        "Kommunalbestyrelsen", dt.date(2025, 6, 18), dt.time(17, 0))
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden", "EMN-2025-004411", False),
        ("2", "Regnskab 2024 for Holbæk Forsyning", "EMN-2025-003322", False),
        ("3", "Kommuneplantillæg nr. 12 for erhvervsområde ved Tåstrup", "EMN-2024-009876", False),
        ("4", "Køb af jord ved Holbæk Station", "EMN-2025-001199", True),
        ("5", "Personalesag", "EMN-2025-001200", True)]
    two, three = m.punkter[1], m.punkter[2]
    assert two.decision == "Taget til efterretning."
    assert [s.name for s in two.sections][-2:] == [SectionName.HISTORIK, SectionName.BESLUTNING]
    assert three.decision == "Vedtaget."
    assert all(not p.sections for p in m.punkter[3:])


@pytest.mark.parametrize("town", ["Københavns Kommune", "LYNGBY-TAARBÆK KOMMUNE", "Ringkøbing-Skjern Kommune"])
def test_the_municipality_line_is_passed_over_above_or_below_referat(town):
    below = parse_text(f"REFERAT\n\n{town}\nBørne- og Ungeudvalget\n03.03.2025\n\nPunkt 1: Budget\n\nBeslutning\n"
                       "Godkendt.\n", "x.txt").meeting
    above = parse_text(f"{town}\n\nReferat fra mødet den 3. marts 2025\n\nBørne- og Ungeudvalget\n\nPunkt 1: Budget\n"
                       "\nBeslutning\nGodkendt.\n", "x.txt").meeting
    assert (below.committee, below.date) == (above.committee, above.date) == ("Børne- og Ungeudvalget",
                                                                              dt.date(2025, 3, 3))


def test_a_municipality_line_alone_is_still_the_committee_as_before():
    m = parse_text("REFERAT\n\nHolbæk Kommune\n18.06.2025\n\nPunkt 1: Budget\n\nBeslutning\nGodkendt.\n", "x.txt")
    assert (m.meeting.committee, m.meeting.date) == ("Holbæk Kommune", dt.date(2025, 6, 18))

