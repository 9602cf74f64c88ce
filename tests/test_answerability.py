"""Answer, partial or none (issue 15): the decision on its own, then through the core, the JSON and the
replies every platform renders, with the HashingEmbedder and a small WordMatcher; the slow tests at the end
run the real model on the development questions."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.compose import open_core
from bot.core import messages
from bot.core.reply import answer_reply
from bot.core.results import Answer
from bot.core.service import Beslut
from bot.cli.render import answer_json, answer_text
from bot.settings import Settings
from bot.slack.blocks import to_messages
from bot.teams.cards import reply_card
from embeddings.ingest.files import ingest_paths
from embeddings.search.answerability import (Answerability, AnswerRule, Tier, content_words, exclusive_base, names,
                                              question_dates, question_numbers, rival_names, topic_text)
from embeddings.search.retriever import Retriever
from embeddings.store import Store

from conftest import BUNDLED, PROJECT
from fakes import HashingEmbedder

PARTIAL_INTRO = "Ingen beslutning om præcis det — det nærmeste er:"


class StemMatcher:
    """A WordMatcher without a model: a word is close (0.1 over the background, above the default rule's
    min_word and name_below) to a passage holding its first six letters, far (0.0) otherwise; it counts its
    calls, so tests see when the comparison was skipped."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def similarities(self, question, words, passage):
        self.calls.append((question, tuple(words)))
        return {w: 0.1 if w[:6] in passage.lower() else 0.0 for w in words}


def coverage_of(present: set[str]):
    """Lexical coverage as the retriever computes it, over a punkt holding ``present``: the share of words."""
    def coverage(text: str) -> float:
        words = text.split()
        return sum(w in present for w in words) / len(words) if words else 0.0
    return coverage


# --- the decision alone -----------------------------------------------------------------------------
def test_content_words_leave_out_question_verbs_and_function_words():
    assert content_words("Hvordan gik det med tidsregistrering for byrådets politikere?") == [
        "tidsregistrering", "byrådets", "politikere"]
    assert content_words("Hvornår holder vi lederdag i 2023?") == ["lederdag"]


@pytest.mark.parametrize("question", [
    "Hvad blev konklusionen på erhvervsstrategien?", "Hvad er status på erhvervsstrategien?",
    "Kan du fortælle mig, hvad vi besluttede om erhvervsstrategien?",
    "Jeg leder efter beslutningen om erhvervsstrategien",
    "Er der taget stilling til erhvervsstrategien?", "Hvad besluttede ledelsen om erhvervsstrategien?",
    "Hvad siger referatet angående erhvervsstrategien?",
    "Hvilken beslutning blev der truffet vedrørende erhvervsstrategien?",
    "Hvad skete der med erhvervsstrategien?", "Hvad var udfaldet af drøftelsen om erhvervsstrategien?",
    "Hvad skal erhvervsstrategien indeholde?", "Hvad handler erhvervsstrategien om?",
])
def test_how_a_question_is_framed_is_not_what_it_is_about(question):
    assert content_words(question) == ["erhvervsstrategien"] and names(question) == []


@pytest.mark.parametrize("question, words", [
    ("Hvornår skal de nye telefontider være på plads?", ["telefontider"]),
    ("Hvor mange bliver fyret på grund af budgettet?", ["fyret", "budgettet"]),
    ("Må man have et arbejde ved siden af sin pension?", ["arbejde", "pension"]),
    ("Skal telefonmasten blive stående?", ["telefonmasten"]),
    ("Hvad gør kommunen for unge, der har det svært?", ["kommunen", "unge"]),
    ("Hvornår kan folk ringe til rådhuset?", ["ringe", "rådhuset"]),
    ("Hvem får den ledige plads i udvalget?", ["ledige", "plads", "udvalget"]),  # "plads" alone is a thing
    ("Hvornår står ledige ikke til rådighed?", ["ledige", "rådighed"]),  # a jobseeker's availability
])
def test_idioms_and_everyday_words_name_no_topic(question, words):
    assert content_words(question) == words


def test_who_decided_is_framing_but_for_whom_is_not():
    assert content_words("Hvad besluttede Byrådet om telefontider?") == ["telefontider"]
    assert content_words("Hvad mente lederne om telefontider for politikerne?") == ["telefontider", "politikerne"]
    assert content_words("Hvem leder styregruppen?") == ["leder", "styregruppen"]  # "leder" alone is a noun/verb


def test_the_topic_text_keeps_numbers_and_falls_back_to_the_question():
    assert topic_text("Hvad blev konklusionen på budget 2021?") == "budget 2021"
    assert topic_text("Hvad besluttede vi?") == "Hvad besluttede vi?"


def test_a_punkt_with_the_questions_words_answers_without_comparing_any():
    matcher = StemMatcher()
    a = Answerability(AnswerRule(), matcher)
    passage_read = []
    v = a.judge("tidsregistrering for medarbejdere på rådhuset, skolerne og plejecentrene",
                coverage_of({"tidsregistrering", "medarbejdere", "rådhuset", "skolerne"}), 0.0,
                lambda: passage_read.append(1) or "")
    assert v.tier is Tier.ANSWER and v.uncovered == () and v.signals.coverage == 0.8  # one word of five missing
    assert matcher.calls == [] and passage_read == []  # nothing to compare: no forward pass, no text fetched


def test_a_close_punkt_that_paraphrases_the_missing_word_answers():
    a = Answerability(AnswerRule(min_coverage=0.8, min_margin=0.045, min_word=0.05), StemMatcher())
    v = a.judge("tidsregistrering for ansatte", coverage_of({"tidsregistrering"}), 0.05,
                lambda: "Lov om tidsregistrering for alle ansatte på rådhuset")
    assert v.tier is Tier.ANSWER


class CloseToAll:
    """A WordMatcher that finds every word close, as e5 finds "weekenden" close to "mandag til fredag"."""

    def similarities(self, question, words, passage):
        return {w: 0.5 for w in words}


@pytest.mark.parametrize("word, base", [("weekenden", "weekend"), ("søndagen", "søndag"), ("lørdage", "lørdag"),
                                        ("hverdagene", "hverdag"), ("vinteren", None), ("efteråret", None),
                                        ("aftenen", "aften"), ("natten", "nat"), ("fredag", "fredag"),
                                        ("fredagsbar", None), ("sommerhus", None), ("natur", None),
                                        ("torsdags", None),
                                        ("aftensmad", None), ("genbrugspladsen", None)])
def test_exclusive_qualifiers_are_known_in_their_inflected_forms_only(word, base):
    assert exclusive_base(word) == base


def test_a_day_or_part_of_the_day_the_punkt_lacks_makes_it_partial_however_close_the_rest():
    a = Answerability(AnswerRule(), CloseToAll())
    punkt = coverage_of({"åbningstider", "genbrugsstationen", "mandag", "fredag"})
    v = a.judge("åbningstider for genbrugsstationen i weekenden", punkt, 0.2, lambda: "Mandag til fredag 10-17")
    assert v.tier is Tier.PARTIAL and v.uncovered == ("weekenden",)
    punkt = coverage_of({"telefontider", "åbningstider", "genbrugsstationen", "borgerservice"})
    v = a.judge("telefontider og åbningstider for genbrugsstationen og borgerservice i weekenden", punkt, 0.2,
                lambda: "")
    assert v.signals.coverage >= AnswerRule().min_coverage and v.tier is Tier.PARTIAL  # coverage alone: not enough
    assert a.judge("åbningstider for genbrugsstationen om fredagen", coverage_of(
        {"åbningstider", "genbrugsstationen", "fredagen"}), 0.2, lambda: "").tier is Tier.ANSWER
    # covered by its own members: the weekend by a Saturday, weekdays by a Monday
    assert a.judge("genbrugsstationen i weekenden", coverage_of({"genbrugsstationen", "lørdag"}), 0.2,
                   lambda: "").tier is Tier.ANSWER
    assert a.judge("genbrugsstationen på hverdage", coverage_of({"genbrugsstationen", "mandag"}), 0.2,
                   lambda: "").tier is Tier.ANSWER
    # named first, with the other words the punkt has nothing close to
    v = Answerability(AnswerRule(), StemMatcher()).judge(
        "åbningstider for byrådet om søndagen", coverage_of({"åbningstider"}), 0.2, lambda: "Telefontider")
    assert v.tier is Tier.PARTIAL and v.uncovered == ("søndagen", "byrådet")


@pytest.mark.parametrize("question, dates", [
    ("lederdag for skolelederne i 2023", ["2023"]), ("budget 2024-27", ["2024"]), ("vinteren 2024/25", ["2024"]),
    ("økonomien pr. 30. Juni 2023", ["juni", "2023"]), ("i 2019, 2020 og 2021", ["2019", "2020", "2021"]),
    ("sag EMN-2025-000517", []), ("2000 kr. til foreningerne", []), ("1950 m2 tag", []), ("2,5 mio", []),
    ("junior og majestæt", []),
])
def test_the_years_and_months_a_question_names(question, dates):
    assert question_dates(question) == dates


def tier_of(question: str, punkt, treated: dt.date, in_period: bool = False) -> Tier:
    """The tier with every content word close (CloseToAll): what the dates alone decide."""
    a = Answerability(AnswerRule(), CloseToAll())
    return a.decide(a.signals(question, punkt, 0.2, lambda: "", meeting=treated, in_period=in_period)).tier


def test_a_year_the_punkt_neither_names_nor_was_treated_in_makes_it_partial():
    a = Answerability(AnswerRule(), CloseToAll())
    punkt = coverage_of({"lederdag", "skolelederne", "2021"})
    v = a.judge("lederdag for skolelederne i 2023", punkt, 0.2, lambda: "", meeting=dt.date(2021, 9, 2))
    assert v.signals.coverage >= AnswerRule().min_coverage  # every word there: the year alone decides
    assert v.tier is Tier.PARTIAL and v.uncovered == ("2023",)
    assert tier_of("lederdag for skolelederne", punkt, dt.date(2021, 9, 2)) is Tier.ANSWER
    # named in its text ("gebyret i 2025" treated in 2024), treated that year, or in the period asked about
    assert tier_of("lederdag for skolelederne i 2021", punkt, dt.date(2021, 9, 2)) is Tier.ANSWER
    assert tier_of("lederdag for skolelederne i 2023", coverage_of({"lederdag", "skolelederne", "2023"}),
                   dt.date(2022, 11, 9)) is Tier.ANSWER
    assert tier_of("lederdag for skolelederne i 2023", punkt, dt.date(2023, 9, 2)) is Tier.ANSWER
    assert tier_of("lederdag fra 2022 til 2024", punkt, dt.date(2023, 9, 2), in_period=True) is Tier.ANSWER


def test_a_month_the_punkt_does_not_name_makes_it_partial_unless_treated_in_that_period():
    a = Answerability(AnswerRule(), CloseToAll())
    report = coverage_of({"økonomien", "september", "2022"})
    v = a.judge("økonomien pr. 30. juni 2022", report, 0.2, lambda: "", meeting=dt.date(2022, 11, 9))
    assert v.tier is Tier.PARTIAL and v.uncovered == ("juni",)  # the year it has, the month it does not
    assert tier_of("økonomien pr. 30. september 2022", report, dt.date(2022, 11, 9)) is Tier.ANSWER
    assert tier_of("økonomien pr. 30. juni 2022", report, dt.date(2022, 6, 20)) is Tier.ANSWER  # treated in June
    assert tier_of("økonomien i juni 2022", report, dt.date(2022, 11, 9), in_period=True) is Tier.ANSWER


@pytest.mark.parametrize("question, numbers", [
    ("lokalplan 1043 for Nordhavn", ["1043"]), ("Får linje 224 sin gamle rute tilbage?", ["224"]),
    ("§79-puljen og § 18", ["79", "18"]), ("busrute 412 og 412A", ["412"]), ("72-timers ansvar", ["72"]),
    ("lederdagen den 22. september 2021", []), ("budget 2024-27", []), ("sag 83.02.00-A00-1-23", []),
    ("sag EMN-2025-000517", []), ("3,5 mio. kr.", []), ("500 kr. pr. måned", []), ("25 %", []),
    ("10.000 borgere", []), ("kl. 16.00", []), ("4. kvartal", []),
])
def test_the_numbers_a_question_names_one_thing_by(question, numbers):
    assert question_numbers(question) == numbers


def test_a_number_the_punkt_lacks_makes_it_partial_however_close_the_rest():
    plan = coverage_of({"lokalplan", "1042", "havnefronten"})
    v = Answerability(AnswerRule(), CloseToAll()).judge("lokalplan 1043", plan, 0.2, lambda: "")
    assert v.signals.coverage >= AnswerRule().min_coverage  # every word there: the number alone decides
    assert v.tier is Tier.PARTIAL and v.uncovered == ("1043",)
    assert tier_of("lokalplan 1042", plan, dt.date(2026, 11, 25)) is Tier.ANSWER
    # a period the question names does not stand in for a number, as it does for a year
    assert tier_of("lokalplan 1043 fra 2022 til 2024", plan, dt.date(2023, 9, 2), in_period=True) is Tier.PARTIAL


@pytest.mark.parametrize("question, found", [
    ("Hvad besluttede vi om testambassadører i Albertslund Nord?", ["albertslund", "nord"]),
    ("Hvem tog over, da Morten Dahlin trådte tilbage?", ["morten", "dahlin"]),
    ("Status på corona. Hvad nu?", []), ("Pilotprojekt 'Frivillige på plejecentre'", []),
    ("Hvad siger KL og ØU?", []), ("Hvad skete der d. 5. Marts", []),
])
def test_names_are_capitalised_words_inside_a_sentence(question, found):
    assert names(question) == found


class Scores:
    """A WordMatcher with set scores per word."""

    def __init__(self, **scores: float) -> None:
        self.scores = scores

    def similarities(self, question, words, passage):
        return {w: self.scores.get(w, 0.0) for w in words}


def test_a_name_the_punkt_lacks_must_be_closer_than_a_word():
    punkt = coverage_of({"testambassadører", "albertslund"})
    a = Answerability(AnswerRule(), Scores(nord=0.07, øst=0.07))
    v = a.judge("testambassadører i Albertslund Nord", punkt, 0.2, lambda: "Testambassadører i Albertslund")
    assert v.tier is Tier.PARTIAL and v.uncovered == ("nord",)
    # the same score for a word that is not a name answers
    assert a.judge("testambassadører i albertslund nord", punkt, 0.2, lambda: "").tier is Tier.ANSWER
    assert Answerability(AnswerRule(), Scores(nord=0.12)).judge(  # very close: a paraphrase after all
        "testambassadører i Albertslund Nord", punkt, 0.2, lambda: "").tier is Tier.ANSWER
    # a word of the chunk that begins with the name has it
    v = a.judge("testambassadører i Albertslund Nord", punkt, 0.2, lambda: "Nordvest-kvarteret")
    assert v.tier is Tier.ANSWER and "nord" in v.signals.literal


def test_a_close_punkt_must_state_or_decide_something_the_question_asks_about():
    a = Answerability(AnswerRule(), StemMatcher())
    punkt = coverage_of({"åbningstider"})
    chunk = "Telefon åbningstider. Genbrugsstationen: mandag til fredag 10-17"
    telephones = "Opfølgning på implementering af ens telefontider\nChefforum besluttede ... ansatte på rådhuset"
    v = a.judge("åbningstider for genbrugspladsen", punkt, 0.2, lambda: chunk, decided=lambda: telephones)
    assert v.signals.similarity == {"genbrugspladsen": 0.1}  # close in the chunk, as e5 finds it
    assert v.signals.decided == 0.0 and v.tier is Tier.PARTIAL and v.uncovered == ("genbrugspladsen",)
    # the punkt's title or decision has a word of the question, literally or close: an answer
    assert a.judge("åbningstider for genbrugspladsen", punkt, 0.2, lambda: chunk,
                   decided=lambda: "Genbrugspladsens åbningstider").tier is Tier.ANSWER
    assert a.judge("åbningstider for genbrugspladsen", punkt, 0.2, lambda: chunk,
                   decided=lambda: "Nye åbningstider").signals.decided == 1.0
    # also as written without æ, ø, å (the coverage reads it so through the index), but a bare vowel is no letter
    read = coverage_of({"aabningstider", "abningstider"})
    assert a.judge("aabningstider for genbrugspladsen", read, 0.2, lambda: chunk,
                   decided=lambda: "Nye åbningstider").signals.decided == 1.0
    assert a.judge("abningstider for genbrugspladsen", read, 0.2, lambda: chunk,
                   decided=lambda: "Nye åbningstider").signals.decided < 1.0
    # coverage alone answers without looking (the decisive sections may be a bare "Godkendt")
    v = a.judge("åbningstider genbrugspladsen", coverage_of({"åbningstider", "genbrugspladsen"}), 0.2,
                lambda: chunk, decided=lambda: "Godkendt")
    assert v.tier is Tier.ANSWER and v.signals.decided is None


def test_a_word_most_punkter_have_is_not_what_a_punkt_decides():
    a = Answerability(AnswerRule(max_share=0.5), StemMatcher())
    punkt = coverage_of({"albertslund"})
    network = "Albertslunds netværksstruktur 2021\nChefforum godkendte netværksstrukturen"
    share = {"albertslund": 0.58, "budgetaftalen": 0.08}.get
    v = a.judge("budgetaftalen i albertslund", punkt, 0.2, lambda: "budgetaf", decided=lambda: network,
                share=share)
    assert v.signals.decided == 0.0 and v.tier is Tier.PARTIAL and v.uncovered == ("budgetaftalen",)
    # without the shares the municipality's name in the title would have done
    assert a.judge("budgetaftalen i albertslund", punkt, 0.2, lambda: "budgetaf", decided=lambda: network
                   ).tier is Tier.ANSWER
    # when every word is common, they all count
    assert a.judge("albertslund", punkt, 0.2, lambda: "", decided=lambda: network,
                   share=lambda w: 0.9).tier is Tier.ANSWER


def test_a_word_no_punkt_has_must_be_a_close_paraphrase():
    a = Answerability(AnswerRule(min_unknown=0.08), Scores(lægevagten=0.06, coronatiden=0.13))
    punkt = coverage_of({"telefontid"})
    corpus = {"telefontid": 0.1, "lægevagten": 0.0, "coronatiden": 0.0}.get
    v = a.judge("Hvornår er der telefontid hos lægevagten?", punkt, 0.2, lambda: "", share=corpus)
    assert v.signals.unknown == ("lægevagten",) and v.tier is Tier.PARTIAL and v.uncovered == ("lægevagten",)
    # named among what the punkt lacks even when closer than a word it only lacks
    v = Answerability(AnswerRule(min_unknown=0.08), Scores(lægevagten=0.07, borgerne=0.065)).judge(
        "telefontid hos lægevagten for borgerne", punkt, 0.2, lambda: "", share=corpus)
    assert v.uncovered == ("lægevagten",)
    # as close, a word other punkter have is a paraphrase enough, and so is a close one no punkt has
    assert a.judge("Hvornår er der telefontid hos lægevagten?", punkt, 0.2, lambda: "",
                   share={"lægevagten": 0.01}.get).tier is Tier.ANSWER
    assert a.judge("telefontid i coronatiden", punkt, 0.2, lambda: "", share=corpus).tier is Tier.ANSWER
    # the coverage path is not held to it (a word no punkt has weighs as the rarest: it seldom covers)
    v = Answerability(AnswerRule(min_coverage=0.5), Scores()).judge(
        "telefontid lægevagten", punkt, 0.2, lambda: "", share=corpus)
    assert v.tier is Tier.ANSWER


def test_a_word_that_begins_a_compound_of_the_punkt_is_there():
    # "hvor mange er syge?" of the sick-leave punkt: it says "sygedage" and "sygefravær", never "syge"
    a = Answerability(AnswerRule(), Scores())
    known = lambda words: lambda w: words.get(w, 0.0)  # noqa: E731 - the share of punkter with a word
    chunk = "Antal sygedage pr. ansat i kvartalet; det samlede sygefravær er 13,3."
    corpus = known({"dage": 0.2, "fravær": 0.01})
    v = a.judge("hvor mange er syge?", coverage_of({"sygedage"}), 0.0, lambda: chunk, share=corpus)
    assert v.tier is Tier.ANSWER and "syge" in v.signals.literal and v.signals.coverage == 1.0
    # the rest of the compound must be a word some punkt has: "park" is not in "parkering"
    v = a.judge("ny park", coverage_of({"parkering"}), 0.0, lambda: "Betalt parkering ved rådhuset",
                share=known({}))
    assert v.tier is Tier.PARTIAL and v.uncovered == ("park",)
    # a linking s or e belongs to neither word: "sygdom" in "sygdomsforløb"
    v = a.judge("sygdom", coverage_of({"sygdomsforløb"}), 0.0, lambda: "Lange sygdomsforløb følges tæt",
                share=known({"forløb": 0.02}))
    assert v.tier is Tier.ANSWER
    # an inflection is no compound ("medlemmer" in "medlemmerne"), and without the corpus nothing is read
    assert a.judge("medlemmer", coverage_of(set()), 0.0, lambda: "medlemmerne", share=known({"ne": 0.5})
                   ).tier is Tier.PARTIAL
    assert a.judge("hvor mange er syge?", coverage_of(set()), 0.0, lambda: chunk).tier is Tier.PARTIAL


def test_a_name_the_punkt_lacks_makes_it_partial_even_when_the_rest_covers_it():
    a = Answerability(AnswerRule(), Scores(strand=0.04))
    punkt = coverage_of({"hundige", "blå", "flag", "rent", "badevand"})  # Hundige Station, its blue flags ...
    v = a.judge("Har Hundige Strand blå flag og rent badevand", punkt, 0.0, lambda: "Hundige Station: blå flag")
    assert v.signals.coverage >= 0.8 and v.tier is Tier.PARTIAL and v.uncovered == ("strand",)
    assert a.judge("har hundige strand blå flag og rent badevand", punkt, 0.0, lambda: "").tier is Tier.ANSWER


def test_a_name_whose_rival_the_punkt_names_is_never_paraphrased():
    """"kunstgræsbane i Østby" against a punkt about Vestby: e5 finds the two places close (0.2 here), but the
    punkt names another place of the same kind, so it is partial, "intet om: østby"; a name the punkt has, or
    one it names no rival of, is judged as before."""
    a = Answerability(AnswerRule(), Scores(østby=0.2, tune=0.2))
    punkt = coverage_of({"kunstgræsbane"})
    text = "Vestby IF ønsker en kunstgræsbane med lys i Vestby."
    v = a.judge("Får vi en kunstgræsbane i Østby?", punkt, 0.1, lambda: text)
    assert (v.tier, v.uncovered) == (Tier.PARTIAL, ("østby",))
    assert a.judge("Får vi en kunstgræsbane i Tune?", punkt, 0.1, lambda: text).tier is Tier.ANSWER
    assert rival_names(["østby", "karlslunde", "vestbys"], "Vestby og Kildebrønde") == ("østby", "karlslunde")


def test_a_near_miss_is_partial_naming_the_words_the_punkt_lacks_weakest_first():
    a = Answerability(AnswerRule(max_named=2), StemMatcher())
    v = a.judge("tidsregistrering for byrådets politikere", coverage_of({"tidsregistrering"}), 0.09,
                lambda: "Lov om tidsregistrering for ansatte")
    assert v.tier is Tier.PARTIAL and set(v.uncovered) == {"byrådets", "politikere"}
    assert v.signals.literal == {"tidsregistrering"}  # a word the punkt has is never named
    v = a.judge("tidsregistrering for byrådets politikere i weekenden", coverage_of({"tidsregistrering"}), 0.09,
                lambda: "Lov om tidsregistrering")
    assert len(v.uncovered) == 2  # at most max_named


def test_far_from_the_punkt_every_word_paraphrased_is_still_only_partial():
    a = Answerability(AnswerRule(min_margin=0.045), StemMatcher())
    v = a.judge("tidsregistrering for ansatte", coverage_of({"tidsregistrering"}), 0.01,
                lambda: "tidsregistrering for ansatte")
    assert v.tier is Tier.PARTIAL and v.uncovered == ("ansatte",)  # every word close: the least close named
    v = a.judge("tidsregistrering", coverage_of(set()), 0.01, lambda: "tidsregistrering")
    assert v.tier is Tier.PARTIAL and v.uncovered == ("tidsregistrering",)
    v = a.judge("tidsregistrering", coverage_of({"tidsregistrering"}), 0.01, lambda: "")
    assert v.tier is Tier.ANSWER  # a word the punkt has literally is never in doubt


def test_a_rule_without_a_margin_answers_on_coverage_alone():
    a = Answerability(AnswerRule(min_margin=None), StemMatcher())
    assert a.judge("tidsregistrering for ansatte", coverage_of({"tidsregistrering"}), 0.5,
                   lambda: "tidsregistrering for ansatte").tier is Tier.PARTIAL


def test_an_answer_and_its_tier_never_contradict():
    assert Answer("q", True).tier is Tier.NONE and Answer("q", False).tier is Tier.ANSWER
    with pytest.raises(ValueError):
        Answer("q", False, tier=Tier.PARTIAL)  # partial is an abstention for every old consumer
    with pytest.raises(ValueError):
        Answer("q", True, tier=Tier.NONE, uncovered=("politikere",))


# --- through the core, the JSON and the replies ------------------------------------------------------
@pytest.fixture(scope="module")
def cores(tmp_path_factory):
    """The bundled minutes with the HashingEmbedder: the core as composed (no decision for an untuned model)
    and the same retriever with the decision (coverage 0.8, no dense path) and StemMatcher."""
    home = tmp_path_factory.mktemp("home")
    settings = Settings(home=home, today=dt.date(2026, 11, 26))
    store = Store(settings.store_path)
    assert not ingest_paths(store, [BUNDLED]).failed
    plain = open_core(settings, embedder=HashingEmbedder(), store=store)
    r = plain.retriever
    decided = Beslut(store, Retriever(r.index, r.fetch, r.embedder, r.cal,
                                      Answerability(AnswerRule(min_margin=None), StemMatcher())), plain.options)
    return plain, decided


def test_a_near_miss_gets_the_nearest_punkt_as_partial_with_what_it_lacks(cores):
    plain, decided = cores
    question = "tidsregistrering for politikerne"
    assert not plain.ask(question).abstained  # before: the staff's time registration, quoted as the answer
    a = decided.ask(question)
    assert a.tier is Tier.PARTIAL and a.abstained and a.hits == ()
    assert [h.ref for h in a.uncertain] == ["2024-09-11#5"] and a.uncovered == ("politikerne",)
    d = json.loads(json.dumps(answer_json(a)))
    assert (d["tier"], d["uncovered"], d["abstained"], d["hits"]) == ("partial", ["politikerne"], True, [])
    assert d["uncertain"][0]["item_number"] == 5


def test_real_questions_keep_their_answers_and_tiers_in_the_json(cores):
    _, decided = cores
    for question, ref in (("hvad besluttede vi om telefontider?", "2024-09-11#4"),
                          ("tidsregistrering", "2024-09-11#5")):
        a = decided.ask(question)
        assert a.tier is Tier.ANSWER and a.hits[0].ref == ref
        assert answer_json(a)["tier"] == "answer" and answer_json(a)["uncovered"] == []
    none = decided.ask("vinterbadning i havnen")
    assert none.tier is Tier.NONE and answer_json(none)["tier"] == "none"


def test_the_partial_reply_names_what_is_missing_and_shows_the_nearest_as_nearest(cores):
    _, decided = cores
    a = decided.ask("tidsregistrering for politikerne")
    reply = answer_reply(a)
    assert reply.outcome == "partial"
    assert reply.intro.startswith(PARTIAL_INTRO) and "intet om: politikerne" in reply.intro
    assert messages.PARTIAL_LABEL in reply.intro and messages.PARTIAL_NOTE == reply.outro
    assert "Det fandt jeg" not in reply.fallback and "Implementering af lov om tidsregistrering" in reply.fallback
    text = answer_text(a)  # the terminal
    assert text.index(PARTIAL_INTRO) < text.index("intet om: politikerne") < text.index("tidsregistrering -")
    slack = to_messages(reply)[0]
    shown = json.dumps(slack.blocks, ensure_ascii=False) + slack.text
    assert PARTIAL_INTRO in shown and "intet om: politikerne" in shown and messages.PARTIAL_NOTE in shown
    card = json.dumps(reply_card(reply), ensure_ascii=False)
    assert PARTIAL_INTRO in card and "intet om: politikerne" in card and messages.PARTIAL_LABEL in card


# --- the real model -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def e5_core(e5, tmp_path_factory):
    home = tmp_path_factory.mktemp("e5home")
    settings = Settings(home=home, today=dt.date(2026, 11, 26))
    store = Store(settings.store_path)
    assert not ingest_paths(store, [BUNDLED]).failed
    return open_core(settings, embedder=e5, store=store)


HARD_NONE = {  # ../shared/eval/dev_hard_none.jsonl: what the nearest punkt lacks
    "Hvad besluttede vi om tidsregistrering for byrådets politikere?": {"politikere", "byrådets"},
    "Hvad besluttede vi om sygefravær blandt byrådets medlemmer?": {"medlemmer", "byrådets"},
    "Hvad besluttede vi om åbningstider for genbrugspladsen i weekenden?": {"genbrugspladsen", "weekenden"},
    # bench/near_miss.jsonl: the minutes have the lederdag of 2021, the economy of 30 September 2022
    "Hvornår holder vi lederdag for skolelederne i 2023?": {"2023", "skolelederne"},
    "Hvordan ser økonomien ud pr. 30. juni 2023?": {"juni"},
    "Hvad besluttede vi om testambassadører i Albertslund Nord?": {"Nord"},  # the minutes: Albertslund as a whole
    # the example: the telefontider punkt lists the recycling station's telephone hours in passing
    "Hvad besluttede vi om åbningstider for genbrugspladsen?": {"genbrugspladsen"},
    # words no punkt has, which e5 finds only loosely in the nearest one (min_unknown)
    "Hvornår er der telefontid hos lægevagten?": {"lægevagten"},
    "Hvem sidder i styregruppen for klimaindsatsen?": {"klimaindsatsen"},
}


@pytest.mark.slow
@pytest.mark.parametrize("question", sorted(HARD_NONE))
def test_hard_near_misses_are_partial_or_none_with_the_right_words(e5_core, question):
    a = e5_core.ask(question)
    assert a.tier in (Tier.PARTIAL, Tier.NONE) and a.abstained and not a.hits
    if a.tier is Tier.PARTIAL:
        assert a.uncovered and set(a.uncovered) <= HARD_NONE[question]
        assert "intet om: " + ", ".join(a.uncovered) in answer_reply(a).intro


@pytest.mark.slow
def test_the_municipalitys_name_in_a_title_does_not_make_another_punkt_the_answer(e5_core):
    # The budget agreement is 2021-03-17#4; BM25 and the title "Albertslunds netværksstruktur 2021" put the
    # network punkt first, and "Albertslund" in its title was what the question and the punkt shared.
    a = e5_core.ask("Hvordan gik det med budgetaftalen 2021 i Albertslund?")
    assert a.tier is not Tier.ANSWER or a.hits[0].ref == "2021-03-17#4"
    if a.tier is Tier.PARTIAL:
        assert a.uncovered == ("budgetaftalen",)


FRAMINGS = ("Hvad blev konklusionen på {}?", "Kan du fortælle mig, hvad vi besluttede om {}?",
            "Er der taget stilling til {}?", "Hvad besluttede ledelsen om {}?", "Hvad landede vi på angående {}?")


@pytest.mark.slow
@pytest.mark.parametrize("topic, ref", [("erhvervsstrategi", "2021-09-02#5"), ("netværksledere", "2021-01-21#2"),
                                        ("ukrainske flygtninge", "2024-09-11#3")])
def test_a_topic_keeps_its_answer_however_the_question_is_framed(e5_core, topic, ref):
    lost = [(q, a.tier, a.uncovered) for q in (f.format(topic) for f in FRAMINGS)
            if (a := e5_core.ask(q)).tier is not Tier.ANSWER or a.hits[0].ref != ref]
    assert lost == []


@pytest.mark.slow
@pytest.mark.parametrize("question, ref", [
    ("Hvornår skal de nye telefontider være på plads?", "2024-09-11#4"),
    ("hvornår skal folk kunne ringe til rådhuset?", "2024-09-11#4"),
    ("Hvad skal kommunen gøre for de unge, der har det svært?", "2024-09-11#7"),
    ("Hvilke regler gælder for at overføre penge til næste år?", "2021-09-02#7"),
    ("hvor mange er syge?", "2021-01-21#3"),
])
def test_everyday_words_do_not_make_the_right_punkt_partial(e5_core, question, ref):
    # Each was "intet om: plads / folk / svært / næste / syge" while the right punkt stood first
    # (bench/everyday.jsonl): idioms, and a word the punkt has only in compounds ("sygedage", "sygefravær").
    a = e5_core.ask(question)
    assert (a.tier, a.hits[0].ref if a.hits else None) == (Tier.ANSWER, ref), a.uncovered


@pytest.mark.slow
def test_every_answerable_dev_question_keeps_its_answer(e5_core):
    lost = []
    for line in (PROJECT / "tests/data/dev.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["expect"]:
            a = e5_core.ask(d["q"])
            if a.tier is not Tier.ANSWER or a.hits[0].ref not in d["expect"]:
                lost.append((d["q"], a.tier, a.uncovered))
    assert lost == []


@pytest.mark.slow
def test_a_store_of_one_meeting_judges_words_as_a_full_store_does(e5, e5_core, tmp_path):
    # The meeting's own punkter were once the background a word was contrasted with: in a store of this one
    # meeting, about covid-19, "corona" then scored low against the covid punkt and the answer became partial.
    settings = Settings(home=tmp_path, today=dt.date(2026, 11, 26))
    store = Store(settings.store_path)
    assert not ingest_paths(store, [BUNDLED / "chefforum-2021-01-21.md"]).failed
    one = open_core(settings, embedder=e5, store=store)
    question = "status på corona i januar 2021"
    a = one.ask(question)
    assert a.tier is Tier.ANSWER and a.hits[0].ref == "2021-01-21#4"
    passage = store.get_many([one.retriever.punkts.uid(0)])[0].title
    scores = [core.retriever.answerability.matcher.similarities(question, ["corona"], passage)
              for core in (one, e5_core)]
    assert scores[0] == scores[1]
