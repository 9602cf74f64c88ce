"""A punkt's title repeated at the top of each page it runs onto (a running header naming the punkt in progress,
as pdftotext gives it with a form feed between pages): not part of the punkt's text, and, written exactly as its
header ("Punkt 2: Budget 2026"), not a second punkt 2 that fails the whole file."""
from __future__ import annotations

import pytest

from embeddings.ingest.text import parse_text
from embeddings.minutes import SectionName

PARAGRAPH = ("Forvaltningen har udarbejdet et forslag til budget for det kommende år, som nu forelægges udvalget til "
             "drøftelse og videre behandling i byrådet.")
HEAD = "Referat\nØkonomiudvalget\nDato: 4. marts 2025 kl. 16.00\nSted: Rådhuset\n\n"


def minutes(top2: str, top3: str) -> str:
    """Three pages: punkt 2 runs from page 1 onto page 2, punkt 3 from page 2 onto page 3; ``top2`` and ``top3``
    are the lines that open pages 2 and 3 (their running header)."""
    page1 = (HEAD + "Punkt 1: Godkendelse af dagsorden\nSagsnr.: 25/1001\n\nBeslutning\nGodkendt.\n\n"
             f"Punkt 2: Budget 2026 for ældreområdet\nSagsnr.: 25/1002\n\nSagsfremstilling\n{PARAGRAPH}\n")
    page2 = (f"{top2}\n\n{PARAGRAPH}\n\nIndstilling\nForvaltningen indstiller, at budgettet godkendes.\n\n"
             "Beslutning\nØkonomiudvalget godkendte budgettet.\n\n"
             f"Punkt 3: Ny cykelsti langs Ringvejen\nSagsnr.: 25/1003\n\nSagsfremstilling\n{PARAGRAPH}\n")
    page3 = f"{top3}\n\n{PARAGRAPH}\n\nBeslutning\nØkonomiudvalget besluttede at anlægge cykelstien i 2026.\n"
    return "\f".join([page1, page2, page3])


def texts(m, label: str) -> dict[SectionName, str]:
    (p,) = [p for p in m.punkter if p.label == label]
    return {s.name: s.text for s in p.sections}


@pytest.mark.parametrize("top2, top3", [
    ("2. Budget 2026 for ældreområdet", "3. Ny cykelsti langs Ringvejen"),
    ("Budget 2026 for ældreområdet", "Ny cykelsti langs Ringvejen"),
    ("Punkt 2: Budget 2026 for ældreområdet", "Punkt 3: Ny cykelsti langs Ringvejen"),
    ("Økonomiudvalget 04-03-2025\n2. Budget 2026 for ældreområdet",  # under a running header of the meeting
     "Økonomiudvalget 04-03-2025\n3. Ny cykelsti langs Ringvejen"),
])
def test_a_title_repeated_at_the_top_of_a_page_is_no_text_of_the_punkt(top2, top3):
    m = parse_text(minutes(top2, top3), "referat.txt")
    assert [(p.label, p.title) for p in m.punkter] == [
        ("1", "Godkendelse af dagsorden"), ("2", "Budget 2026 for ældreområdet"), ("3", "Ny cykelsti langs Ringvejen")]
    assert texts(m, "2")[SectionName.SAGSFREMSTILLING] == f"{PARAGRAPH}\n\n{PARAGRAPH}"
    assert texts(m, "2")[SectionName.BESLUTNING] == "Økonomiudvalget godkendte budgettet."
    assert texts(m, "3")[SectionName.SAGSFREMSTILLING] == f"{PARAGRAPH}\n\n{PARAGRAPH}"


def test_a_page_that_starts_the_next_punkt_keeps_its_header_even_under_the_same_title():
    page1 = HEAD + "Punkt 4: Orientering\n\nBeslutning\nTaget til efterretning.\n"
    page2 = "Punkt 5: Orientering\n\nBeslutning\nUdvalget drøftede sagen.\n"
    m = parse_text(page1 + "\f" + page2, "referat.txt")
    assert [(p.label, p.title) for p in m.punkter] == [("4", "Orientering"), ("5", "Orientering")]
    assert texts(m, "5")[SectionName.BESLUTNING] == "Udvalget drøftede sagen."


def test_a_page_opening_with_other_text_keeps_it():
    """The first line of a page that is not the punkt's title (a sentence, another punkt's title) is text."""
    m = parse_text(minutes("Godkendelse af dagsorden", "Budget 2026 for ældreområdet"), "referat.txt")
    assert texts(m, "2")[SectionName.SAGSFREMSTILLING].startswith(PARAGRAPH + "\nGodkendelse af dagsorden")
    assert "Budget 2026 for ældreområdet" in texts(m, "3")[SectionName.SAGSFREMSTILLING]


def test_the_same_number_with_another_title_is_still_a_duplicate():
    from embeddings.errors import InputError

    with pytest.raises(InputError) as e:
        parse_text(minutes("Punkt 2: Budget 2027 for ældreområdet", "Punkt 3: Ny cykelsti langs Ringvejen"),
                   "referat.txt")
    assert e.value.code == "duplicate_punkt"


def test_the_same_header_again_without_a_page_break_is_no_second_punkt():
    """A PDF's text has no form feeds: its page edges are read from the layout, where a header naming the punkt in
    progress is no running line (it changes from punkt to punkt). The same number and title again is that header."""
    m = parse_text(minutes("Punkt 2: Budget 2026 for ældreområdet", "Punkt 3: Ny cykelsti langs Ringvejen")
                   .replace("\f", "\n"), "referat.pdf")
    assert [(p.label, p.title) for p in m.punkter] == [
        ("1", "Godkendelse af dagsorden"), ("2", "Budget 2026 for ældreområdet"), ("3", "Ny cykelsti langs Ringvejen")]
    assert texts(m, "2")[SectionName.SAGSFREMSTILLING] == f"{PARAGRAPH}\n\n{PARAGRAPH}"
    assert texts(m, "3")[SectionName.BESLUTNING] == "Økonomiudvalget besluttede at anlægge cykelstien i 2026."


@pytest.mark.parametrize("page_break", ["\n", "\f"])
def test_a_closed_punkt_numbered_like_the_open_one_above_the_divider_stays_closed(page_break):
    """Closed punkter numbered on their own under "LUKKEDE PUNKTER" may repeat an open punkt's number and even its
    title, also at the top of a page: that is no running header of the open punkt, and its text must not become
    the open punkt's."""
    text = (HEAD + "Punkt 1: Godkendelse af dagsorden\n\nBeslutning\nGodkendt.\n\n"
            f"Punkt 2: Personalesag\n\nBeslutning\nDrøftet.\n\nLUKKEDE PUNKTER\n{page_break}"
            "Punkt 2: Personalesag\n\nBeslutning\nHEMMELIGT afskediget.\n")
    m = parse_text(text, "referat.txt")
    assert [(p.label, p.closed) for p in m.punkter] == [("1", False), ("2", False)]
    assert texts(m, "2")[SectionName.BESLUTNING] == "Drøftet."
    assert "HEMMELIGT" not in repr(m)
