"""Reply -> Block Kit: escaping, verbatim text objects, links, Slack's size limits, the fallback text."""
from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings as hsettings, strategies as st

from bot.core import messages
from bot.core.results import Answer, Hit
from bot.core.reply import Item, Reply, answer_reply
from bot.slack.blocks import (FALLBACK_LIMIT, MAX_BLOCKS, SECTION_LIMIT, escape, link, pieces, text_message,
                              to_messages)
from slack_fakes import text_objects

EVIL = "Se <!channel> og <https://evil|kommune.dk> & <@U123> *fed*"


def hit(decision: str, number: int = 4, url: str | None = None) -> Hit:
    return Hit("Chefforum", dt.date(2024, 9, 11), number, "Opfølgning på implementering af ens telefontider",
               "83.02.00-A00-1-23", decision, True, source_url=url)


def item(quote: str, n: int = 1) -> Item:
    return Item(f"Titel {n}", "Beslutning", quote, f"Chefforum · 11. september 2024 · punkt {n}")


def test_escape_makes_control_sequences_inert():
    assert escape(EVIL) == "Se &lt;!channel&gt; og &lt;https://evil|kommune.dk&gt; &amp; &lt;@U123&gt; *fed*"


def test_links_only_for_http_urls_with_markup_characters_encoded():
    assert link("https://dagsorden.kommune.dk/møde?id=1&x=2|y>z", "Se <referatet>") == (
        "<https://dagsorden.kommune.dk/m%C3%B8de?id=1&amp;x=2%7Cy%3Ez|Se &lt;referatet&gt;>")
    assert link("javascript:alert(1)", "Se") == "Se"
    assert link("slack://channel?id=C1", "Se") == "Se"
    assert link(None, "Se") == "Se"


def test_answer_blocks_quote_the_decision_with_citation_and_link():
    (msg,) = to_messages(answer_reply(Answer("telefontider?", False, (hit("Gælder fra 1. november 2024.",
                                                                          url="https://k.dk/cf/2024-09-11#punkt4"),))))
    texts = [t["text"] for t in text_objects(list(msg.blocks))]
    assert any("*Opfølgning på implementering af ens telefontider*" in t and ">Gælder fra 1. november 2024." in t
               for t in texts)
    assert "Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23 · <https://k.dk/cf/2024-09-11#punkt4|"\
           f"{messages.SOURCE_LINK}>" in texts
    assert all(t["type"] == "mrkdwn" and t["verbatim"] is True for t in text_objects(list(msg.blocks)))
    assert "83.02.00-A00-1-23" in msg.text and "1. november 2024" in msg.text


def test_minutes_and_question_text_escaped_in_blocks_and_fallback():
    reply = answer_reply(Answer(f"hvad med {EVIL}?", True, (), (hit(EVIL),)))
    (msg,) = to_messages(reply)
    for text in [msg.text] + [t["text"] for t in text_objects(list(msg.blocks))]:
        assert "<!channel>" not in text and "<https://evil" not in text and "<@U123>" not in text
    assert "&lt;!channel&gt;" in msg.text and "&lt;https://evil|kommune.dk&gt;" in msg.blocks[0]["text"]["text"]


def test_long_decision_is_split_into_sections_within_the_limit():
    quote = "\n".join(f"Afsnit {i}: " + "ord & mere " * 60 for i in range(20))  # ~13,000 chars escaped
    (msg,) = to_messages(Reply("Intro", (item(quote),)))
    sections = [b["text"]["text"] for b in msg.blocks if b["type"] == "section"]
    assert len(sections) >= 5 and all(len(s) <= SECTION_LIMIT for s in sections)
    quoted = "\n".join(line[1:] for s in sections for line in s.split("\n") if line.startswith(">"))
    assert quoted == escape(quote)  # nothing lost, nothing cut inside an entity
    assert len(msg.text) <= FALLBACK_LIMIT and msg.text.endswith("…")


def test_a_decision_of_one_long_paragraph_stays_a_quote_in_every_section_and_is_cut_after_a_sentence():
    sentences = [f"Sætning nummer {i} om vintervedligeholdelse af cykelstier & fortove i kommunen." for i in range(110)]
    quote = " ".join(sentences)  # ~8,000 characters in one paragraph
    (msg,) = to_messages(Reply("Intro", (item(quote),)))
    sections = [b["text"]["text"] for b in msg.blocks if b["type"] == "section"]
    quoted = [line for s in sections[1:] for line in s.split("\n") if not line.startswith(("*", "_"))]
    assert len(quoted) >= 3 and all(line.startswith(">") for line in quoted)  # each part shown as a quote
    assert all(line.endswith(".") for line in quoted)  # cut where a sentence ends
    assert " ".join(line[1:] for line in quoted) == escape(quote)


def test_a_line_longer_than_a_section_is_cut_at_spaces_not_inside_entities():
    text = "&" * 2500 + " " + "<" * 2500
    parts = pieces(escape(text), SECTION_LIMIT)
    assert all(len(p) <= SECTION_LIMIT for p in parts)
    assert all(re.fullmatch(r"(&(amp|lt|gt);| )+", p) for p in parts)
    assert "".join(parts).replace(" ", "") == escape(text).replace(" ", "")


def test_many_items_split_into_messages_of_at_most_50_blocks():
    reply = Reply("Intro", tuple(item(f"Beslutning {n}", n) for n in range(30)), "Slut")
    msgs = to_messages(reply)
    assert len(msgs) > 1 and all(len(m.blocks) <= MAX_BLOCKS for m in msgs)
    shown = [t["text"] for m in msgs for t in text_objects(list(m.blocks))]
    assert sum("*Titel " in t for t in shown) == 30 and any("Slut" in t for t in shown)
    assert all(m.text.strip() for m in msgs)


def test_beyond_max_messages_the_rest_is_counted_not_dropped_silently():
    msgs = to_messages(Reply("Intro", tuple(item("x", n) for n in range(60))), max_messages=2)
    assert len(msgs) == 2
    last = msgs[-1].blocks[-1]["elements"][0]["text"]
    shown = sum("*Titel " in t["text"] for m in msgs for t in text_objects(list(m.blocks)))
    assert last == escape(messages.render("more_items", count=60 - shown))


def test_text_message_escapes_our_own_texts_too():
    msg = text_message("Brug <sag> & mere")
    assert msg.text == "Brug &lt;sag&gt; &amp; mere" and msg.blocks[0]["text"]["verbatim"] is True


@hsettings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=4000), st.text(max_size=200))
def test_no_raw_markup_from_text_ever_reaches_slack(quote, title):
    for msg in to_messages(Reply(title, (Item(title or "t", "Beslutning", quote, title),))):
        for text in [msg.text] + [t["text"] for t in text_objects(list(msg.blocks))]:
            body = re.sub(r"(?m)^>", "", text)  # our block-quote marker
            assert "<" not in body and ">" not in body
            assert not re.search(r"&(?!(amp|lt|gt);)", body)
            assert len(text) <= SECTION_LIMIT
