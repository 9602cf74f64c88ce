"""What makes a synced meeting "changed": its content identity (embeddings/sync/run.py)."""
import datetime as dt
from dataclasses import replace

from embeddings.minutes import Meeting, Minutes, Punkt, Section, SectionName
from embeddings.sync.run import content_identity

MEETING = Meeting(committee="Økonomiudvalget", date=dt.date(2026, 3, 10), source_url="https://x", source_id="7")


def minutes(*punkter: Punkt) -> Minutes:
    return Minutes(MEETING, punkter)


def punkt(number: int, suffix: str = "", title: str = "Tillæg til budget") -> Punkt:
    return Punkt(meeting=MEETING, number=number, suffix=suffix, raw_title=title, title=title,
                 sections=(Section(SectionName.BESLUTNING, "Godkendt."),))


def test_a_punkt_renumbered_from_3a_to_3b_changes_the_meeting():
    assert content_identity(minutes(punkt(3), punkt(3, "a"))) != content_identity(minutes(punkt(3), punkt(3, "b")))
    assert content_identity(minutes(punkt(5, ".1"))) != content_identity(minutes(punkt(5, ".2")))


def test_the_same_content_is_the_same_identity_and_text_changes_it():
    same = minutes(punkt(1), punkt(2, "a"))
    assert content_identity(same) == content_identity(minutes(punkt(1), punkt(2, "a")))
    edited = replace(punkt(1), sections=(Section(SectionName.BESLUTNING, "Udsat."),))
    assert content_identity(same) != content_identity(minutes(edited, punkt(2, "a")))
