"""Danish date and committee filters read from questions."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from embeddings.search.query_filters import parse_filters

TODAY = dt.date(2026, 11, 23)
D = dt.date


@pytest.mark.parametrize("question, start, end, rest", [
    ("hvad besluttede vi om budget i 2021?", D(2021, 1, 1), D(2021, 12, 31), "hvad besluttede vi om budget?"),
    ("hvad besluttede vi om corona i marts 2021", D(2021, 3, 1), D(2021, 3, 31), "hvad besluttede vi om corona"),
    ("lederudvikling drøftet fra 2022 til 2024", D(2022, 1, 1), D(2024, 12, 31), "lederudvikling drøftet"),
    ("ukraine-beslutninger mellem 2024 og 2022", D(2022, 1, 1), D(2024, 12, 31), "ukraine-beslutninger"),
    ("hvad besluttede vi sidste år om telefoner", D(2025, 1, 1), D(2025, 12, 31), "hvad besluttede vi om telefoner"),
    ("telefoner i år", D(2026, 1, 1), D(2026, 12, 31), "telefoner"),
    ("referater fra sidste måned", D(2026, 10, 1), D(2026, 10, 31), "referater fra"),
    ("møder om budget i februar 2024", D(2024, 2, 1), D(2024, 2, 29), "møder om budget"),
    ("budget godkendt i december 2024", D(2024, 12, 1), D(2024, 12, 31), "budget godkendt"),
    ("beslutninger om budget siden 2023", D(2023, 1, 1), None, "beslutninger om budget"),
    ("budget vedtaget før 2023", None, D(2022, 12, 31), "budget vedtaget"),
])
def test_dates_about_meetings_restrict(question, start, end, rest):
    f, left = parse_filters(question, TODAY)
    assert (f.date_from, f.date_to, left) == (start, end, rest)
    assert f.active and f.strict_dates and f.descriptions and not f.preferences


@pytest.mark.parametrize("question, start, end", [
    ("Hvad bliver rottebekæmpelsesgebyret i 2025?", D(2025, 1, 1), D(2025, 12, 31)),
    ("corona i marts 2021", D(2021, 3, 1), D(2021, 3, 31)),
    ("takster fra 2022 til 2024", D(2022, 1, 1), D(2024, 12, 31)),
    ("sygefraværet i 2020", D(2020, 1, 1), D(2020, 12, 31)),
])
def test_dates_that_may_be_the_topics_are_only_preferred(question, start, end):
    f, left = parse_filters(question, TODAY)
    assert (f.date_from, f.date_to, left) == (start, end, question)  # the year words stay in the query
    assert not f.strict_dates and f.preferences and not f.descriptions
    assert f.accepts("Chefforum", D(2019, 5, 1)) and f.prefers(start) and not f.prefers(D(2019, 5, 1))


@pytest.mark.parametrize("question", ["Status på budgetaftalen 2020 og 2021", "Digitaliseringsstrategien 2021 - 2025",
                                      "Sygefravær 4. kv. 2020", "hvad besluttede vi om telefontider?",
                                      "Hvordan ser økonomien ud pr. 30. september 2022?"])
def test_years_inside_titles_are_not_filters(question):
    f, left = parse_filters(question, TODAY)
    assert not f.active and left == question


def test_relative_dates_follow_today():
    assert parse_filters("sidste år", dt.date(2022, 1, 1))[0].date_from == D(2021, 1, 1)
    assert parse_filters("sidste måned", dt.date(2025, 1, 15))[0].date_from == D(2024, 12, 1)


def test_committees_only_those_in_the_store():
    f, left = parse_filters("hvad besluttede Økonomiudvalget om budget i 2024", TODAY, ["Økonomiudvalget", "Byråd"])
    assert f.committees == ("Økonomiudvalget",) and left == "hvad besluttede om budget"
    assert f.accepts("Økonomiudvalget", D(2024, 5, 1)) and not f.accepts("Byråd", D(2024, 5, 1))
    assert not f.accepts("Økonomiudvalget", D(2023, 5, 1))
    f, _ = parse_filters("hvad besluttede Chefforum", TODAY, ["Byråd"])
    assert not f.active


def test_a_committee_with_a_term_of_office_is_found_by_its_name_alone():
    committees = ["Byråd 2018-2021", "Byråd 2022-2025", "Økonomiudvalget", "Kommunalbestyrelsen (2022-2025)"]
    both = ("Byråd 2018-2021", "Byråd 2022-2025")
    f, left = parse_filters("Hvad besluttede Byrådet om letbanen?", TODAY, committees)
    assert f.committees == both and left == "Hvad besluttede om letbanen?"
    assert parse_filters("i byråd om skoler", TODAY, committees)[0].committees == both
    assert parse_filters("hvad sagde Byråd 2022-2025", TODAY, committees)[0].committees == ("Byråd 2022-2025",)
    assert parse_filters("kommunalbestyrelsen om skoler", TODAY, committees)[0].committees == (
        "Kommunalbestyrelsen (2022-2025)",)
    f, left = parse_filters("tidsregistrering for byrådets politikere", TODAY, committees)
    assert not f.active and left == "tidsregistrering for byrådets politikere"  # for whom, not who decided
    assert not parse_filters("Hvad besluttede Byrådet?", TODAY, ["Byråd Greve"])[0].active  # no term: the name


def committees_the_long_way(question: str, committees: list[str]) -> tuple[tuple[str, ...], str]:
    """The oracle: every committee's regex tried, longest name first, each match taken out."""
    found, rest = [], question
    for name in sorted(committees, key=len, reverse=True):
        m = re.search(rf"(?:\b(?:i|fra|på)\s+)?\b{re.escape(name)}\b", rest, re.I)
        if m:
            found.append(name)
            rest = (rest[:m.start()] + " " + rest[m.end():]).strip()
    return tuple(found), re.sub(r"\s+([?!.,])", r"\1", re.sub(r"\s{2,}", " ", rest)).strip() or question


def test_a_thousand_committees_are_found_as_the_regex_of_each_finds_them():
    towns = ["Greve", "Køge", "Ærø", "Århus", "Ishøj", "Solrød", "Lyngby-Taarbæk", "Høje-Taastrup"]
    bodies = ["Byrådet", "Økonomiudvalget", "Børne- og Skoleudvalget", "Klima-, Teknik- og Miljøudvalget"]
    committees = [f"{b} {t}{'' if i == 0 else f' {i}'}" for b in bodies for t in towns for i in range(32)]
    committees += ["Byråd", "ØU", "İzmir-udvalget", "Ikast-udvalget"]  # a prefix of others; lower cases that grow
    for question in ["hvad besluttede ØKONOMIUDVALGET GREVE om budget", "budget i økonomiudvalget greve 3 og i Byråd",
                     "hvad sagde İZMİR-UDVALGET", "og İKAST-UDVALGET", "i Klima-, Teknik- og Miljøudvalget Ærø 12 om vand",
                     "Byrådet Høje-Taastrup 31 og Byrådet Køge", "ØU-møde", "intet udvalg her"]:
        f, left = parse_filters(question, TODAY, committees)
        assert (f.committees, left) == committees_the_long_way(question, committees), question


GREVE = ["Økonomiudvalget", "Klima-, Teknik- og Miljøudvalget", "Byråd 2018-2021", "Byråd 2022-2025",
         "Skole-, Børne- og Ungeudvalget", "Sundheds- og Omsorgsudvalget", "Kommunalbestyrelsen (2022-2025)",
         ".Spørgsmål / Svar til Byrådet 2022-2025", "Chefforum"]


@pytest.mark.parametrize("question, committees, left", [
    ("Hvad besluttede ØU om budgettet?", ("Økonomiudvalget",), "Hvad besluttede om budgettet?"),
    ("hvad sagde KTMU om vejbump", ("Klima-, Teknik- og Miljøudvalget",), "hvad sagde om vejbump"),
    ("vejbump i teknik- og miljøudvalget", ("Klima-, Teknik- og Miljøudvalget",), "vejbump"),
    ("Teknik og Miljøudvalget om vejbump", ("Klima-, Teknik- og Miljøudvalget",), "om vejbump"),
    ("Har Miljøudvalget besluttet noget om vand?", ("Klima-, Teknik- og Miljøudvalget",), "Har besluttet noget om vand?"),
    ("børne- og ungeudvalget om skoler", ("Skole-, Børne- og Ungeudvalget",), "om skoler"),
    ("skoleudvalg om skoler", ("Skole-, Børne- og Ungeudvalget",), "om skoler"),
    ("SBUU om skoler", ("Skole-, Børne- og Ungeudvalget",), "om skoler"),
    ("sundhedsudvalget om plejehjem", ("Sundheds- og Omsorgsudvalget",), "om plejehjem"),
    ("BR om letbanen", ("Byråd 2018-2021", "Byråd 2022-2025"), "om letbanen"),
    ("KB om skoler", ("Kommunalbestyrelsen (2022-2025)",), "om skoler"),
])
def test_a_committee_is_found_by_a_shortened_name_or_its_initials(question, committees, left):
    f, rest = parse_filters(question, TODAY, GREVE)
    assert (f.committees, rest) == (committees, left)
    assert f.descriptions == committees  # the reply says which committee it read


@pytest.mark.parametrize("question", [
    "øu om budgettet",  # initials only in capitals
    "teknikudvalgets medlemmer",  # for whom, as "byrådets politikere"
    "SSTBR om spørgsmål",  # a name that is not parts and a body has no initials
    "CF om telefontider",  # nor a name without a body ("Chefforum")
])
def test_what_is_not_a_shortened_name(question):
    assert not parse_filters(question, TODAY, GREVE)[0].active


def test_initials_that_mean_something_else_are_no_committee():
    committees = ["Erhvervsudvalget", "Handicaprådet", "Sundhedsudvalget", "Økonomiudvalget"]
    for question in ["Hvad mener EU om affald?", "ny leder af HR Jura", "SU til studerende", "hvad besluttede ØU?"]:
        f, _ = parse_filters(question, TODAY, committees)
        assert f.committees == (("Økonomiudvalget",) if "ØU" in question else ()), question


def test_a_shortening_two_committees_share_or_that_is_a_full_name_is_no_filter():
    committees = ["Social- og Sundhedsudvalget", "Skole- og Sportsudvalget", "Sundheds- og Omsorgsudvalget",
                  "Økonomiudvalget", "Økonomi- og Erhvervsudvalget"]
    assert not parse_filters("SSU om plejehjem", TODAY, committees)[0].active
    assert not parse_filters("sundhedsudvalget om plejehjem", TODAY, committees)[0].active
    assert parse_filters("erhvervsudvalget om havnen", TODAY, committees)[0].committees == (
        "Økonomi- og Erhvervsudvalget",)
    assert parse_filters("økonomiudvalget om havnen", TODAY, committees)[0].committees == ("Økonomiudvalget",)


@pytest.mark.parametrize("question", [
    "Hvem blev formand for Økonomiudvalget?", "Hvem blev formand for miljøudvalget?",
    "valg af medlemmer til Byrådet", "Hvad besluttede vi om Kommunalbestyrelsen (2022-2025)?"])
def test_a_committee_the_question_is_about_is_no_filter(question):
    f, rest = parse_filters(question, TODAY, GREVE)
    assert not f.active and rest == question
    # who decided, in the passive
    assert parse_filters("Hvad blev godkendt af Økonomiudvalget om skoler?", TODAY, GREVE)[0].committees == (
        "Økonomiudvalget",)
