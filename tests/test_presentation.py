"""The platform-neutral rendering model: what every platform shows, in the same words and order."""
from __future__ import annotations

import datetime as dt

from bot.core.results import Digest, DigestMeeting, Hit
from bot.core.reply import digest_reply, first_line

TELEFON = ("Chefforum drøftede, at der var tre forskellige grupperinger i forhold til telefontider.\n\n"
           "Chefforum besluttede, at beslutningen fra ØU om telefontider gælder for gruppe 1) ansatte på "
           "rådhuset. For gruppe 2-3 kan der være andre telefontider, der er gældende.")


def test_one_line_listings_show_the_line_that_decides_verbatim():
    line = first_line(TELEFON)
    assert line.startswith("Chefforum besluttede, at beslutningen fra ØU") and line in TELEFON
    assert first_line("Drøftede punktet.") == "Drøftede punktet."
    long = "Chefforum godkendte " + "meget " * 100
    cut = first_line(long)
    assert cut.endswith(" …") and len(cut) <= 302 and long.startswith(cut[:-2])


def test_digest_lists_each_decision_with_its_citation_and_marks_late_minutes():
    hit = Hit("Chefforum", dt.date(2024, 9, 11), 4, "Telefontider", "83.02.00-A00-1-23", TELEFON, True)
    late = Hit("Byråd", dt.date(2024, 8, 26), 2, "Budget", None, "Godkendt.", True)
    d = Digest("2024-W37", dt.date(2024, 9, 9), dt.date(2024, 9, 15),
               (DigestMeeting("Chefforum", dt.date(2024, 9, 11), (hit,)),
                DigestMeeting("Byråd", dt.date(2024, 8, 26), (late,), late=True)))
    r = digest_reply(d)
    assert r.intro.startswith("Ugens beslutninger, uge 2024-W37") and r.intro.endswith("2 punkter")
    first, second = r.items
    assert first.citation == "Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23"
    assert first.quote.startswith("Chefforum besluttede") and not any("sent" in n for n in first.notes)
    assert second.citation == "Byråd · 26. august 2024 · punkt 2" and any("sent" in n for n in second.notes)


def test_help_is_recognised_the_same_way_on_every_platform():
    from bot.core.reply import wants_help

    assert all(wants_help(t) for t in ["", "  ", "hjælp", "Hjælp!", "/hjælp", "help", "?", "hjaelp."])
    assert not any(wants_help(t) for t in ["hjælp med telefontider", "83.02", "sag"])
