"""One table of conversation scenarios, run by the router's unit test and by both chat platforms end to end
(tests/test_router.py, tests/test_slack_app.py, tests/test_teams_adapter.py): text in, the kind of reply and the
Danish words the user must (and must not) see.

The minutes are the bundled ones (the platforms' seeded stores) and the core uses the HashingEmbedder.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core import messages

TELEFON = "hvad besluttede vi om telefontider?"
TELEFON_CITATION = "Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23"
NOT_A_CASE = ("ingen sager med journalnummer", "ikke et gyldigt journalnummer")


class Kind(StrEnum):
    ANSWER = "answer"  # cited decisions, quoted
    ABSTAIN = "abstain"  # "Ingen beslutning fundet", the nearest punkter labelled as uncertain
    CASE = "case"  # a case's punkter, oldest first
    HELP = "help"  # how to use beslut
    MESSAGE = "message"  # one Danish message: bad input, an unknown case
    APOLOGY = "apology"  # something unexpected failed
    FOLLOW = "follow"  # following: what is followed and how to stop it, or the list, or a stop

    @property
    def cites(self) -> bool:
        """The reply lists punkter with their citation lines."""
        return self in (Kind.ANSWER, Kind.ABSTAIN, Kind.CASE)


@dataclass(frozen=True)
class Scenario:
    id: str
    text: str  # what the user writes (in Slack after @beslut, or in a DM; in Teams in a chat or after @beslut)
    kind: Kind
    words: tuple[str, ...]  # Danish text the user sees
    absent: tuple[str, ...] = ()  # and must not see
    command: str | None = None  # the text of Slack's /sag meaning the same (None: /sag means something else)
    needs_core: bool = True  # False: answered at once, without the core (Slack's ack is the whole reply)
    broken_core: bool = False  # the core raises an unexpected exception
    verified: bool = False  # Teams sends it with a verified token (a follow needs a conversation to post to later)
    owned: bool = False  # the reply is about the owner's subscriptions (the user's via /sag, a mention: the channel's)


HELP_WORDS = (messages.HELP[0], "sag 83.02.00-A00-1-23 viser en sags punkter", "@beslut")
TOO_LONG = "telefontider " * 100

SCENARIOS = (
    Scenario("question", TELEFON, Kind.ANSWER,
             ("Det fandt jeg (1 punkt, citeret ordret fra referaterne):", TELEFON_CITATION,
              "implementeret den 1. november 2024"), command=TELEFON),
    Scenario("bare-journal-number-is-a-question", "83.02.00-A00-1-23", Kind.ANSWER,
             ("Det fandt jeg", TELEFON_CITATION), absent=("Sag 83.02.00-A00-1-23:",)),
    Scenario("case", "sag 81.10.00-A26-1-24", Kind.CASE,
             ("Sag 81.10.00-A26-1-24: 1 punkt, ældste først", "Implementering af lov om tidsregistrering",
              "Chefforum · 11. september 2024 · punkt 5 · sag 81.10.00-A26-1-24"), command="81.10.00-A26-1-24"),
    Scenario("kle-prefix", "sag 83.02", Kind.CASE, ("Sag 83.02: 1 punkt, ældste først", TELEFON_CITATION),
             command="83.02"),
    Scenario("case-en-dashes-capitals-full-stop", "SAG 83.02.00–A00–1–23.", Kind.CASE,
             ("Sag 83.02.00-A00-1-23: 1 punkt, ældste først", TELEFON_CITATION), command="83.02.00–A00–1–23."),
    Scenario("unknown-case", "sag 12.34.56-A00-9-99", Kind.MESSAGE,
             (messages.render("case_unknown", query="12.34.56-A00-9-99"),), command="12.34.56-A00-9-99"),
    Scenario("malformed-journal-number", "sag 83.02.00-A0-1-23", Kind.MESSAGE,
             (messages.render("journal_malformed", text="83.02.00-A0-1-23"),), command="83.02.00-A0-1-23",
             needs_core=False),
    Scenario("sag-word-is-a-question", "sag hundeskov", Kind.ABSTAIN,
             ("Ingen beslutning fundet om: hundeskov", messages.UNCERTAIN_LABEL, messages.UNCERTAIN_NOTE),
             absent=NOT_A_CASE, command="hundeskov"),
    Scenario("sag-words-are-a-question", "sag om telefontider", Kind.ANSWER, ("Det fandt jeg", TELEFON_CITATION),
             absent=NOT_A_CASE, command="om telefontider"),
    Scenario("sag-question", "sag hvad besluttede vi om tidsregistrering?", Kind.ANSWER,
             ("Det fandt jeg", "Chefforum · 11. september 2024 · punkt 5 · sag 81.10.00-A26-1-24"),
             absent=NOT_A_CASE, command="hvad besluttede vi om tidsregistrering?"),
    Scenario("help", "hjælp", Kind.HELP, HELP_WORDS, command="hjælp", needs_core=False),
    Scenario("nothing-is-help", "", Kind.HELP, HELP_WORDS, command="", needs_core=False),
    Scenario("question-mark-is-help", "?", Kind.HELP, HELP_WORDS, command="?", needs_core=False),
    Scenario("sag-alone-is-help", "sag", Kind.HELP, HELP_WORDS, needs_core=False),
    Scenario("question-too-long", TOO_LONG, Kind.MESSAGE,
             (messages.render("question_too_long", length=len(TOO_LONG.strip()), limit=1000),), command=TOO_LONG),
    Scenario("question-without-words", "-- ,,", Kind.MESSAGE, (messages.render("question_empty"),),
             command="-- ,,"),
    Scenario("apology", TELEFON, Kind.APOLOGY, (messages.render("apology"),),
             absent=("hemmelig", "RuntimeError", "Traceback", "/srv"), command="83.02.00-A00-1-23",
             broken_core=True),
    # following (issue 12): the same words on every surface, whoever owns the subscription there (a scenario
    # may run twice against one store: "følger nu" or "følger allerede", both name the thing and how to stop)
    Scenario("follow-case", "følg 83.02.00-A00-1-23", Kind.FOLLOW,
             ("følger", "sag 83.02.00-A00-1-23 (id ", "Stop med: ", "stop "), absent=NOT_A_CASE + ("Det fandt jeg",),
             command="følg 83.02.00-A00-1-23", needs_core=False, verified=True, owned=True),
    Scenario("follow-kle-prefix", "sag følg 83.02", Kind.FOLLOW,
             ("følger", "alle sager under KLE-præfikset 83.02 (id ", "Stop med: "), command="følg 83.02",
             needs_core=False, verified=True, owned=True),
    Scenario("follow-topic", "følg emne telefontider", Kind.FOLLOW,
             ("følger", "emnet »telefontider« (id ", "Stop med: "), absent=("Det fandt jeg",),
             command="følg emne telefontider", needs_core=False, verified=True, owned=True),
    Scenario("follow-nothing-is-usage", "følg", Kind.MESSAGE, ("Skriv hvad der skal følges", "følg emne telefontider"),
             command="følg", needs_core=False, owned=True),
    Scenario("follow-malformed-journal-number", "følg 83.02.00-A0-1-23", Kind.MESSAGE,
             (messages.render("journal_malformed", text="83.02.00-A0-1-23"),), command="følg 83.02.00-A0-1-23",
             needs_core=False),
    Scenario("following", "følger", Kind.FOLLOW, ("følger",), absent=("Ingen beslutning fundet", "Det fandt jeg"),
             command="følger", needs_core=False, owned=True),
    Scenario("stop-unknown", "stop 49", Kind.MESSAGE, ("følger intet med nummer eller id 49", "følger for at se"),
             command="stop 49", needs_core=False, owned=True),
    Scenario("stop-nothing-is-usage", "stop", Kind.MESSAGE, ("Skriv hvad der skal stoppes", "stop 1"),
             command="stop", needs_core=False, owned=True),
    Scenario("stop-words-are-a-question", "stop rygning?", Kind.ABSTAIN, ("Ingen beslutning fundet om: stop rygning?",),
             command="stop rygning?"),
)

PENDING = (messages.render("searching"), "Slår sag ")  # Slack's ack while the core works


class BrokenCore:
    """A Core whose every call fails unexpectedly, with a detail users must never see."""

    def ask(self, question: str, k: int = 3):
        raise RuntimeError("hemmelig intern fejl i /srv/beslut")

    def sag(self, query: str):
        raise RuntimeError("hemmelig intern fejl i /srv/beslut")


def check(scenario: Scenario, shown: str, cites: bool) -> None:
    """Assert that ``shown`` (all text the user sees) is ``scenario``'s reply; ``cites``: it lists punkter."""
    for word in scenario.words:
        assert word in shown, (scenario.id, word, shown[:2000])
    for word in scenario.absent:
        assert word not in shown, (scenario.id, word, shown[:2000])
    assert cites == scenario.kind.cites, (scenario.id, scenario.kind, shown[:2000])
