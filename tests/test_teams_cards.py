"""Reply -> Adaptive Card (bot/teams_cards.py) and the text routing of bot/teams_adapter.py, without HTTP."""
from __future__ import annotations

import datetime as dt
import json

from microsoft_agents.activity import Activity

from bot.core import messages
from bot.core.results import Answer, Hit
from bot.core.reply import Item, Reply, answer_reply
from bot.teams.adapter import question_text
from bot.teams.cards import MAX_CARD_BYTES, reply_activity, reply_card

from teams_fakes import elements

NASTY = "<at>Alle</at> læs [klik](https://evil.example) og **fed** _kursiv_\n# Overskrift\n> citat\n- punkt\n1. ét"


def hit(decision="Chefforum godkendte.", url="https://dagsorden.example.dk/cf/2024-09-11#punkt4", **kw) -> Hit:
    base = dict(committee="Chefforum", meeting_date=dt.date(2024, 9, 11), item_number=4, title="Telefontider",
                case_number="83.02.00-A00-1-23", decision=decision, quote_verified=True, score=0.9,
                source_url=url)
    return Hit(**{**base, **kw})


def runs(card) -> list[str]:
    return [e["text"] for e in elements(card) if e.get("type") == "TextRun"]


def test_answer_card_quotes_cites_and_links():
    card = reply_card(answer_reply(Answer("telefontider?", False, (hit(),))))
    texts = runs(card)
    assert "Chefforum godkendte." in texts
    assert "Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23" in texts
    assert messages.DECISION_LABEL in texts
    actions = [e for e in elements(card) if e.get("type") == "Action.OpenUrl"]
    assert actions == [{"type": "Action.OpenUrl", "title": "Åbn referat",
                        "url": "https://dagsorden.example.dk/cf/2024-09-11#punkt4"}]
    assert card["version"] == "1.2" and card["msteams"] == {"width": "Full"}


def test_only_https_urls_become_buttons():
    for url in ("http://dagsorden.example.dk/x", "javascript:alert(1)", None, "https://a b"):
        card = reply_card(answer_reply(Answer("q", False, (hit(url=url),))))
        assert not [e for e in elements(card) if e.get("type", "").startswith("Action")], url


def test_minutes_text_is_never_markdown_and_never_a_mention():
    reply = answer_reply(Answer(NASTY, False, (hit(decision=NASTY, title="**Titel** [x](https://evil.example)"),)))
    card = reply_card(reply)
    # No TextBlock at all: all text is TextRun (no Markdown processing in Adaptive Cards).
    assert not [e for e in elements(card) if e.get("type") == "TextBlock"]
    texts = runs(card)
    for line in NASTY.splitlines():
        assert line in texts  # verbatim, line by line, no escape characters added
    assert "**Titel** [x](https://evil.example)" in texts
    dumped = json.dumps(card)
    assert "entities" not in dumped and "mention" not in dumped
    assert all("evil" not in e.get("url", "") for e in elements(card))
    act = reply_activity(reply).model_dump(by_alias=True, exclude_none=True, mode="json")
    assert "entities" not in act and "text" not in act


def test_multi_paragraph_decision_keeps_lines_in_order():
    decision = "Første afsnit.\nAnden linje.\n\nAndet afsnit."
    card = reply_card(answer_reply(Answer("q", False, (hit(decision=decision),))))
    texts = runs(card)
    i = texts.index("Første afsnit.")
    assert texts[i:i + 3] == ["Første afsnit.", "Anden linje.", "Andet afsnit."]


def test_fallback_and_summary_are_plain_text():
    reply = answer_reply(Answer("q", False, (hit(),)))
    act = reply_activity(reply)
    assert act.attachments[0].content["fallbackText"] == reply.fallback
    assert act.summary == reply.intro
    long = reply_activity(Reply("x " * 400))
    assert len(long.summary) <= 250 and long.summary.endswith("…")


def test_abstention_and_timeline_cards():
    abst = reply_card(answer_reply(Answer("parkering?", True, (), (hit(),))))
    assert "Ingen beslutning fundet om: parkering?" in runs(abst)
    assert messages.UNCERTAIN_NOTE in runs(abst)


def test_oversized_reply_drops_items_with_a_note():
    items = tuple(Item(f"Punkt {i}", "Beslutning", "ord " * 300, f"Chefforum · punkt {i}") for i in range(40))
    card = reply_card(Reply("Sag 83: 40 punkter", items))
    size = len(json.dumps(card, ensure_ascii=False).encode())
    assert size <= MAX_CARD_BYTES
    shown = sum(1 for e in elements(card) if e.get("type") == "Container")
    assert 0 < shown < 40
    assert messages.render("more_items", count=40 - shown) in runs(card)


def test_very_long_quote_is_cut_with_a_note():
    card = reply_card(Reply("x", (Item("T", "Beslutning", "ord " * 3000, "c"),)))
    assert messages.render("teams_quote_shortened") in runs(card)


# --- what the user asked (the routing rules are the router's: tests/test_router.py) ------------------
def test_question_text_drops_mention_markup_and_entities():
    act = Activity(type="message", text="<at>Anne</at>&nbsp;hvad  besluttede vi?")
    assert question_text(act) == "Anne hvad besluttede vi?"
