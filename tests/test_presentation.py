"""The platform-neutral rendering model: what every platform shows, in the same words and order."""
from __future__ import annotations

import datetime as dt

from bot.core.results import Digest, DigestMeeting, Hit
from bot.core.excerpt import decisive_passage
from bot.core.reply import digest_reply

TELEFON = ("Chefforum drøftede, at der var tre forskellige grupperinger i forhold til telefontider.\n\n"
           "Chefforum besluttede, at beslutningen fra ØU om telefontider gælder for gruppe 1) ansatte på "
           "rådhuset. For gruppe 2-3 kan der være andre telefontider, der er gældende.")


def test_one_line_listings_show_the_line_that_decides_verbatim():
    line = decisive_passage(TELEFON)
    assert line.startswith("Chefforum besluttede, at beslutningen fra ØU") and line in TELEFON
    assert decisive_passage("Drøftede punktet.") == "Drøftede punktet."
    long = "Chefforum godkendte " + "meget " * 100  # one sentence longer than the limit: cut at a space
    cut = decisive_passage(long, limit=300)
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
    from bot.core.router import wants_help

    assert all(wants_help(t) for t in ["", "  ", "hjælp", "Hjælp!", "/hjælp", "help", "?", "hjaelp."])
    assert not any(wants_help(t) for t in ["hjælp med telefontider", "83.02", "sag"])


# --- the decisive passage (issue 10, item 6): never cut mid-thought ----------------------------------
INTRO = "Chefforum gennemførte midtvejsstatus. Der var bl.a. følgende bemærkninger til processen:"
POINTS = ["- Det skaber gode drøftelser, når organisationen inviterer til dialog.",
          "- Nedslag skal tilpasses målgruppen, herunder at arrangementer bliver mere inddragende",
          "- Tidspunkt og form for de løbende analyser skal undersøges"]


def test_a_line_that_introduces_points_is_quoted_with_the_points():
    text = "\n\n".join([INTRO, "\n".join(POINTS), "Bilag er vedlagt referatet."])
    assert decisive_passage(text) == "\n".join([INTRO] + POINTS)  # the next ordinary paragraph is not a point


def test_numbered_points_and_lines_broken_mid_sentence_belong_to_what_is_introduced():
    text = ("Chefforum drøftede opgaven med følgende bemærkninger:\n\n"
            "1. I årshjulet skal efteråret være planlagt, da der kan være behov for\n\n"
            "borgerinddragelse i organisationen\n\n"
            "2. Elementer skal bygge på eksisterende opgaver\n3. Videre skal koordinatoren undersøges\n\n"
            "Arbejdsgruppen mødes igen.")
    lines = decisive_passage(text).splitlines()
    assert lines[0] == "Chefforum drøftede opgaven med følgende bemærkninger:" and len(lines) == 5
    assert lines[2] == "borgerinddragelse i organisationen" and lines[-1].startswith("3. Videre")


def test_what_does_not_fit_is_left_out_after_a_whole_point_or_sentence():
    text = "\n".join([INTRO] + POINTS)
    for limit in range(len(INTRO) + 3, len(text)):
        cut = decisive_passage(text, limit=limit)
        assert len(cut) <= limit and cut.endswith(" …"), (limit, cut)
        kept = cut[:-2]
        assert text.startswith(kept) and text[len(kept)] in "\n ", (limit, cut)  # ends where a thought ends
        assert kept.endswith((":", ".", "inddragende", "undersøges")), (limit, cut)
    assert decisive_passage(text, limit=len(text)) == text


def test_the_decisive_sentence_is_always_whole_and_what_precedes_it_may_go():
    said = "Chefforum drøftede sagen længe og grundigt med mange indlæg fra alle afdelinger. " * 4
    decided = "Chefforum besluttede, at telefontiderne skal gælde for hele rådhuset fra 1. november 2024."
    passage = decisive_passage(said + decided + " Sagen afsluttes.", limit=len(decided) + 40)
    assert passage.startswith("… " + decided) and "drøftede" not in passage  # after the limit: only the decision
    assert decisive_passage(said + decided, limit=len(said + decided)) == said + decided


def test_a_decisive_sentence_longer_than_the_limit_is_cut_after_a_clause():
    sentence = "Chefforum besluttede, " + ", ".join(f"at punkt {n} skal gennemføres" for n in range(60)) + "."
    cut = decisive_passage(sentence, limit=300)
    assert len(cut) <= 300 and cut.endswith("gennemføres …") and sentence.startswith(cut[:-2])


def test_the_real_digest_of_2024_w37_quotes_the_points_the_decisions_introduce(capsys):
    from bot.compose import main
    from conftest import BUNDLED

    minutes = (BUNDLED / "chefforum-2024-09-11.txt").read_text(encoding="utf-8")
    assert main(["ingest", "--no-index", str(BUNDLED / "chefforum-2024-09-11.txt")]) == 0
    capsys.readouterr()
    assert main(["digest", "--week", "2024-W37", "--dry-run"]) == 0
    out = capsys.readouterr().out
    budget = out[out.index("Midtvejsstatus budgetproces"):out.index("Ukraineindsats")]
    assert "følgende generelle bemærkninger til processen:" in budget
    for point in ("- Det skaber gode drøftelser", "- Der er et opmærksomhedspunkt", "- Der skal fortsat planlægges",
                  "- Præsentation af arbejdet med målplaner kan med fordel flyttes til et særskilt temamøde",
                  "- Tidspunkt og formen for de løbende analyser samt muligheden for tværgående måltal skal "
                  "undersøges"):
        assert point in budget, point
    citizens = out[out.index("Borgerinddragelsesindsatser"):out.index("Temadrøftelse af udfordringer")]
    assert "1. I årshjulet" in citizens and "4. Videre skal det undersøges" in citizens
    flat = " ".join(minutes.split())  # (ingest joins a line broken by a page break: "behov for borgerinddragelse")
    for part in (budget, citizens):
        quoted = [line.strip() for line in part.splitlines() if line.startswith("    ")]  # the quote's lines
        assert len(quoted) >= 5 and all(line in flat for line in quoted)  # verbatim, line by line
