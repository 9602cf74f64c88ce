"""Minutes are foreign text: terminal escape sequences and control characters in them never reach the terminal
through `beslut show`, `ask`, `sag`, `meetings` (or `digest --dry-run`); --json keeps the text verbatim."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from bot.core.results import Answer, HistoryEntry, Hit
from bot.compose import main
from bot.cli.render import answer_text, printable

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1 but newline and tab

ESC_DECISION = ("Chefforum \x1b[31mgodkendte\x1b[0m de nye telefontider.\x07\x08\x08 Den gamle ordning\x9b2K "
                "\x1b]8;;https://evil.example\x1b\\ophører\x1b]8;;\x1b\\ straks.")
CLEAN_DECISION = "Chefforum godkendte de nye telefontider. Den gamle ordning ophører straks."
FILLER = ("Sagen handler om ens telefontider i alle afdelinger, så borgerne møder den samme åbningstid. " * 40).strip()
EVIL = f"""REFERAT Chef\x1b[1mforum d. 02-10-2024

Mødested: Rådhuset\x1b]0;pwned\x07

Punkt 1: CF - Telefontider\x1b[2J\x1b[H og skærmen

83.02.00-A00-7-24

Sagsfremstilling

{FILLER}

Beslutning

{ESC_DECISION}
"""


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def evil(tmp_path, capsys):
    f = tmp_path / "evil.txt"
    f.write_text(EVIL, encoding="utf-8")
    code, _, err = cli(capsys, "ingest", "--no-index", str(f))
    assert code == 0, err


def test_printable_removes_escape_sequences_and_controls_but_keeps_text_newlines_and_tabs():
    assert printable(ESC_DECISION) == CLEAN_DECISION
    assert printable("a\tb\nc\r\x1bc\x1b(Bd\x7f\x85e") == "a\tb\ncde"
    assert printable("Udvalget for Børn & Unge – “godkendt” …") == "Udvalget for Børn & Unge – “godkendt” …"
    assert printable("titel \x1b]0;uafsluttet") == "titel 0;uafsluttet"  # an unterminated string loses no text


@pytest.mark.parametrize("argv", [["show", "2024-10-02#1"], ["sag", "83.02.00-A00-7-24"], ["meetings"],
                                  ["digest", "--week", "2024-W40", "--dry-run"]])
def test_text_output_has_no_control_characters(evil, capsys, argv):
    code, out, err = cli(capsys, *argv)
    assert code == 0, err
    assert not CONTROL.search(out), repr(out)
    assert "pwned" not in out and "evil.example" not in out
    assert "Chefforum" in out
    if argv[0] != "meetings":
        assert "godkendte de nye telefontider. Den gamle ordning ophører straks." in out
        assert "Telefontider og skærmen" in out


def test_json_output_keeps_the_minutes_verbatim_and_escaped(evil, capsys):
    code, out, _ = cli(capsys, "show", "2024-10-02#1", "--json")
    assert code == 0 and "\x1b" not in out and "\\u001b" in out
    assert json.loads(out)["decision"] == ESC_DECISION


def test_answers_are_printable_too():
    hit = Hit("Chef\x1b[1mforum", dt.date(2024, 10, 2), 1, "Telefon\x1b]0;pwned\x07tider", "83.02.00-A00-7-24",
              ESC_DECISION, True, matched=("\x1b[7mgodkendte\x1b[0m",),
              history=(HistoryEntry("Chefforum", dt.date(2024, 9, 11), 4, "Ens\x9b2J telefontider"),),
              source_url="https://dagsorden.example/\x1b[8m")
    for answer in (Answer("telefontider\x1b[2J?", False, (hit,)), Answer("telefontider\x1b[2J?", True, (), (hit,))):
        text = answer_text(answer)
        assert not CONTROL.search(text) and "pwned" not in text, repr(text)
        assert "Telefontider" in text and "Chefforum · 2. oktober 2024 · punkt 1" in text
    assert CLEAN_DECISION in answer_text(Answer("q", False, (hit,)))
