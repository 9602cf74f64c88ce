"""The core (Beslut.ask / Beslut.sag) on a real store and index, with the deterministic HashingEmbedder."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.compose import open_core
from embeddings.errors import BeslutError
from bot.settings import Settings
from embeddings.ingest.files import ingest_paths
from embeddings.search.retriever import Mode
from embeddings.store import Store
from bot.core import messages

from conftest import BUNDLED
from fakes import HashingEmbedder

EXTRA = """REFERAT Chefforum d. 06-11-2024

Punkt 1: CF - Telefontider, status på implementering

83.02.00-A00-1-23

Sagsfremstilling

Status på telefontiderne efter beslutningen i september.

Indstilling

Direktøren indstiller, at telefontiderne for rådhuset evalueres i 2025.

Punkt 2: CF - Lukket punkt: Personalesag om telefontider

83.02.00-A00-9-24

Beslutning

Fortrolig beslutning om telefontider og en navngiven medarbejder.
"""


@pytest.fixture(scope="module")
def core(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    (home / "extra.txt").write_text(EXTRA, encoding="utf-8")
    settings = Settings(home=home, source_url_template="https://dagsordener.kommune.dk/{committee}/{date}#punkt{number}",
                        today=dt.date(2026, 11, 26))
    store = Store(settings.store_path)
    report = ingest_paths(store, [BUNDLED, home / "extra.txt"])
    assert not report.failed and report.punkter == 38
    return open_core(settings, embedder=HashingEmbedder(), store=store)


def test_telefontider_is_answered_with_a_verbatim_quote_and_citation(core):
    a = core.ask("hvad besluttede vi om telefontider?")
    assert not a.abstained
    top = a.hits[0]
    assert (top.committee, top.meeting_date, top.item_number, top.case_number) == (
        "Chefforum", dt.date(2024, 9, 11), 4, "83.02.00-A00-1-23")
    assert top.quote_verified and "implementeret den 1. november 2024" in top.decision
    stored = core.store.get_punkt(dt.date(2024, 9, 11), 4)[0]
    assert top.decision == stored.decision
    assert top.source_url == "https://dagsordener.kommune.dk/Chefforum/2024-09-11#punkt4"


def test_case_history_lists_other_punkter_oldest_first(core):
    top = core.ask("hvad besluttede vi om telefontider?").hits[0]
    assert [(e.meeting_date, e.item_number) for e in top.history] == [(dt.date(2024, 11, 6), 1)]


def test_a_punkt_without_decision_shows_its_indstilling_labelled(core):
    a = core.ask("status på telefontiderne efter beslutningen i september", k=5)
    hit = next(h for h in a.hits if h.meeting_date == dt.date(2024, 11, 6))
    assert hit.decision is None and hit.quote_verified
    assert hit.indstilling == "Direktøren indstiller, at telefontiderne for rådhuset evalueres i 2025."


def test_a_decision_that_only_approves_shows_the_indstilling_it_approves(core):
    """"Godkendt." says nothing on its own: the punkt's Indstilling goes with it, verbatim; a decision that says
    what it decides stands alone."""
    hit = next(h for h in core.sag("00.01.00-A21-2-21").items if h.ref == "2022-11-09#1")
    assert hit.decision == "Godkendt."
    assert hit.approved_indstilling == ("Kommunaldirektøren indstiller,\n\n1. at dagsordenen for dette, samt "
                                        "referatet fra seneste møde godkendes.")
    assert core.ask("hvad besluttede vi om telefontider?").hits[0].approved_indstilling is None


@pytest.mark.parametrize("decision, approves", [
    ("Godkendt.", True), ("1.-2. Anbefales.", True), ("1. Godkendt\n2. Godkendt", True),
    ("Godkendt.\n\nAfbud: Claus Dyremose", True), ("Indstillingen godkendt.", True),
    ("Godkendt som indstillet, dog med 50.000 kr. mere til Hvidovre.", True),
    ("Taget til efterretning.", False), ("Godkendt med den ændring, at puljen hæves til 2 mio. kr.", False),
    ("Udvalget godkendte trafikplanen. " * 8, False),
])
def test_which_decisions_approve_the_indstilling_by_reference(decision, approves):
    from embeddings.minutes import Meeting, Punkt, Section, SectionName
    sections = (Section(SectionName.INDSTILLING, "Forvaltningen indstiller, at puljen fordeles."),
                Section(SectionName.BESLUTNING, decision))
    p = Punkt(Meeting("Økonomiudvalget", dt.date(2026, 3, 2)), 1, "Pulje", "Pulje", sections=sections)
    assert p.approved_indstilling == ("Forvaltningen indstiller, at puljen fordeles." if approves else None)


def test_the_approved_indstilling_is_shown_under_the_decision(core):
    from bot.cli.render import timeline_text
    text = timeline_text(core.sag("00.01.00-A21-2-21"))
    assert ("    Godkendt.\n  Punktets indstilling: Kommunaldirektøren indstiller,\n    1. at dagsordenen for dette, "
            "samt referatet fra seneste møde godkendes.") in text


def test_closed_punkter_are_never_quoted(core):
    for mode in Mode:
        a = core.ask("fortrolig beslutning om en navngiven medarbejder", k=10, mode=mode)
        assert a.hits + a.uncertain
        assert all(h.ref != "2024-11-06#2" and "Fortrolig" not in (h.decision or "") for h in a.hits + a.uncertain)
    assert [h.item_number for h in core.sag("83.02.00-A00-9-24").items] == []
    stored = core.store.get_punkt(dt.date(2024, 11, 6), 2)[0]
    assert stored.closed and stored.sections == ()


def test_journal_number_in_the_question_comes_first(core):
    a = core.ask("hvad skete der i sag 81.10.00-A26-1-24?")
    assert a.hits[0].case_number == "81.10.00-A26-1-24" and not a.abstained


def test_date_filter_from_the_question(core):
    a = core.ask("Hvad besluttede vi om covid-19 i 2021?", k=5)
    assert a.filters == ("2021",)
    assert all(h.meeting_date.year == 2021 for h in a.hits)
    assert a.hits and {h.ref for h in a.hits} & {"2021-01-21#4", "2021-03-17#6"}


def test_nothing_matching_abstains_with_uncertain_neighbours(core):
    question = "Hvad besluttede vi om vinterbadning?"
    a = core.ask(question)
    assert a.abstained and not a.hits
    # The neighbours are the k (3) punkter the retriever ranks nearest, best first, each citable.
    nearest = core.retriever.search(question, k=3, today=core.options.today).hits
    assert [h.ref for h in a.uncertain] == [f"{s.punkt.meeting.date}#{s.punkt.number}" for s in nearest]
    assert len(a.uncertain) == 3 and [h.score for h in a.uncertain] == sorted((h.score for h in a.uncertain),
                                                                              reverse=True)
    assert a.uncertain == core.ask(question, k=6).uncertain[:3]  # the nearest, not any three
    assert all(h.quote_verified and h.decision for h in a.uncertain)


def test_long_decisions_show_the_matched_sentences(core):
    a = core.ask("Hvem sidder i styregruppen for Ukraine-indsatsen?")
    top = a.hits[0]
    assert top.ref == "2024-09-11#3" and len(top.decision) > 500
    assert top.matched and all(s in top.decision for s in top.matched)


def test_sag_exact_prefix_unknown_and_malformed(core):
    t = core.sag("00.00.00-A00-2-21")
    assert [h.ref for h in t.items] == ["2021-01-21#1", "2021-01-21#5", "2021-03-17#1", "2021-03-17#7",
                                         "2021-09-02#2", "2021-09-02#7", "2021-09-02#9"]
    assert not t.is_prefix
    p = core.sag("83.02")
    assert p.is_prefix and [h.ref for h in p.items] == ["2024-09-11#4", "2024-11-06#1"]
    assert core.sag("12.34.56-A00-9-99").items == ()
    assert [h.ref for h in core.sag("83.02.00-A00").items] == ["2024-09-11#4", "2024-11-06#1"]
    with pytest.raises(BeslutError) as e:
        core.sag("83.02.00-A0-1-23")
    assert e.value.code == "journal_malformed" and "83.02.00-A0-1-23" in messages.user_message(e.value)
    with pytest.raises(BeslutError):
        core.sag("   ")


@pytest.mark.parametrize("typed", ["81.10.00-a26-1-24", "81.10.00 - A26 - 1 - 24", "81.10.00 a26 \u2013 1 \u2013 24"])
def test_a_kle_number_typed_in_lower_case_or_with_spaces_finds_the_case(core, typed):
    t = core.sag(typed)
    assert t.query == "81.10.00-A26-1-24" and [h.ref for h in t.items] == ["2024-09-11#5"]
    assert t == core.sag("81.10.00-A26-1-24")
    for question in (typed, f"hvad er besluttet i sag {typed}?"):
        a = core.ask(question)
        assert not a.abstained and a.hits[0].case_number == "81.10.00-A26-1-24", question


@pytest.fixture(scope="module")
def other_schemes(tmp_path_factory):
    """A store whose minutes write journal numbers outside KLE, one upper-case, one lower-case."""
    home = tmp_path_factory.mktemp("other")
    (home / "ou.txt").write_text("REFERAT Økonomiudvalget d. 27-10-2025\n\nPunkt 1: Vederlag\n\nEMN-2025-000517\n\n"
                                 "Beslutning\n\nFastholdt.\n\nPunkt 2: Skilte\n\nabc-2024-17\n\nBeslutning\n\n"
                                 "Godkendt.\n", encoding="utf-8")
    settings = Settings(home=home, today=dt.date(2026, 11, 26))
    store = Store(settings.store_path)
    assert not ingest_paths(store, [BUNDLED / "chefforum-2024-09-11.txt", home / "ou.txt"]).failed
    return open_core(settings, embedder=HashingEmbedder(), store=store)


@pytest.mark.parametrize("typed, case", [("emn-2025-000517", "EMN-2025-000517"), ("ABC-2024-17", "abc-2024-17")])
def test_a_question_naming_another_scheme_in_another_case_finds_it(other_schemes, typed, case):
    for question in (typed, f"hvad er besluttet i sag {typed}?"):
        a = other_schemes.ask(question)
        assert not a.abstained and a.hits[0].case_number == case, question


@pytest.mark.parametrize("question, code", [
    ("", "question_empty"), ("?!... ,,", "question_empty"), ("telefon " * 1300, "question_too_long"),
])
def test_bad_questions_get_danish_messages(core, question, code):
    with pytest.raises(BeslutError) as e:
        core.ask(question)
    assert e.value.code == code and messages.user_message(e.value)


def test_a_year_that_may_be_the_topics_is_preferred_not_required(core):
    a = core.ask("Hvad skete der med sygefraværet i 2020?")  # reported at a meeting in January 2021
    assert not a.abstained and a.preferences == ("2020",) and a.filters == ()
    assert a.hits[0].ref == "2021-01-21#3"


def test_a_period_with_no_meetings_abstains_and_offers_the_nearest_punkter(core):
    a = core.ask("Hvad besluttede vi om telefontider i 2021?")
    assert a.abstained and a.filters == ("2021",) and not a.hits
    assert "2024-09-11#4" in [h.ref for h in a.uncertain]


@pytest.mark.parametrize("question, period, committee", [
    ("Hvad besluttede Chefforum i september 2024?", (dt.date(2024, 9, 1), dt.date(2024, 9, 30)), "Chefforum"),
    ("hvilke beslutninger blev truffet i marts 2021", (dt.date(2021, 3, 1), dt.date(2021, 3, 31)), None),
    ("Hvad besluttede Chefforum?", None, "Chefforum"),
    ("Hvad besluttede vi?", None, None),
])
def test_a_question_about_no_topic_lists_the_newest_decisions_of_its_committee_and_period(core, question, period,
                                                                                           committee):
    """Asking what a committee decided in a month names no topic: every punkt there answers it. The answer holds
    the punkter of the newest meetings in that scope, newest first (it said "no decision found" and offered
    2021 punkter for September 2024)."""
    a = core.ask(question)
    assert not a.abstained and a.tier.value == "answer" and len(a.hits) == 3, a
    punkter = [p for p in core.store.punkter() if not p.closed
               and (period is None or period[0] <= p.meeting.date <= period[1])
               and (committee is None or p.meeting.committee == committee)]
    newest = sorted((p.meeting.date for p in punkter), reverse=True)[:3]
    assert [h.meeting_date for h in a.hits] == newest  # newest first
    assert all(h.committee == (committee or h.committee) for h in a.hits)


def test_ask_within_some_punkter_ranks_and_abstains_among_them_only(core):
    """A followed topic (bot/notify/) is matched as ask restricted to the new punkter."""
    telefon = core.store.get_punkt(dt.date(2024, 9, 11), 4)[0].uid
    tid = core.store.get_punkt(dt.date(2024, 9, 11), 5)[0].uid  # about tidsregistrering
    question = "hvad besluttede vi om telefontider?"
    a = core.ask(question, k=10, within={telefon, tid})
    assert not a.abstained and [h.uid for h in a.hits] == [telefon] and a.hits[0].ref == "2024-09-11#4"
    nothing = core.ask(question, k=10, within={tid})  # the corpus answers it, the restricted set does not
    assert nothing.abstained and not nothing.hits and [h.uid for h in nothing.uncertain] == [tid]
    assert core.ask(question, within=set()).abstained
    everything = core.ask(question, within={p.uid for p in core.store.punkter()})
    assert [h.uid for h in everything.hits] == [h.uid for h in core.ask(question).hits]


def test_why_is_the_hits_closest_chunk_cut_from_the_stored_punkt(core):
    import numpy as np

    from embeddings.dense.chunking import chunk_punkt

    question = "hvad besluttede vi om telefontider?"
    top = core.ask(question).hits[0]
    stored = core.store.get(top.uid)
    chunks = [c.text for c in chunk_punkt(stored)]
    qv = HashingEmbedder().encode_queries([question])[0]
    closest = chunks[int(np.argmax(HashingEmbedder().encode_documents(chunks) @ qv))]
    assert top.why == closest
