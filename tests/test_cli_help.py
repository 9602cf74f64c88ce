"""`beslut`'s help and argument errors: every command, option and argument explained, all of it in Danish,
argparse's own words (headings, the help option, usage, its errors) included."""
from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from bot.cli.main import build_parser
from bot.compose import main

from conftest import PROJECT

# argparse's English as a user could meet it, and the Danish that replaces it
ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments", "show this help message",
           "error:", "the following arguments are required", "invalid choice", "choose from", "invalid int value",
           "unrecognized arguments", "expected one argument", "ignored explicit argument", "argument --")
COMMANDS = ("ingest", "migrate", "meetings", "show", "remove", "sync", "index", "ask", "sag", "eval", "serve", "worker", "digest",
            "notify", "subscriptions", "backup")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(list(argv))
    out, err = capsys.readouterr()
    return e.value.code, out, err


def assert_danish(text: str) -> None:
    assert [e for e in ENGLISH if e in text] == [], text


def parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    """`beslut`'s parser and each command's, by name."""
    top = build_parser()
    (commands,) = [a for a in top._actions if isinstance(a, argparse._SubParsersAction)]
    return [("beslut", top), *((f"beslut {name}", p) for name, p in commands.choices.items())]


def test_every_command_option_and_argument_has_help():
    found = parsers()
    assert [name for name, _ in found[1:]] == [f"beslut {c}" for c in COMMANDS]
    for name, parser in found:
        for action in parser._actions:
            assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)
            if isinstance(action, argparse._SubParsersAction):
                assert all(c.help for c in action._choices_actions), name


@pytest.mark.parametrize("argv", [["--help"], *([c, "--help"] for c in COMMANDS)], ids=lambda a: " ".join(a))
def test_help_is_danish(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == ""
    assert_danish(out)
    assert out.startswith("brug: beslut") and "tilvalg:" in out and "-h, --help  " in out
    assert "vis denne hjælp og afslut" in out
    if argv == ["--help"]:
        assert "kommandoer:" in out and all(re.search(rf"^    {c}\b", out, re.M) for c in COMMANDS)
    if argv[0] == "ask":
        assert "argumenter:\n  SPØRGSMÅL" in out and "--k ANTAL" in out and "svaret som JSON" in out


@pytest.mark.parametrize("argv, words", [
    (["serve", "--port", "abc"], "beslut serve: fejl: --port: ugyldig port 'abc'"),
    (["ask"], "beslut ask: fejl: mangler: SPØRGSMÅL"),
    ([], "beslut: fejl: mangler: KOMMANDO"),
    (["nope"], "beslut: fejl: KOMMANDO: ugyldigt valg 'nope' (vælg mellem 'ingest', "),
    (["ask", "x", "--mode", "foo"], "beslut ask: fejl: --mode: ugyldigt valg 'foo' (vælg mellem 'bm25', "),
    (["ask", "x", "--k"], "beslut ask: fejl: --k: mangler en værdi"),
    (["ask", "x", "--k", "tre"], "beslut ask: fejl: --k: ugyldig værdi 'tre'"),
    (["ask", "x", "--bogus"], "beslut: fejl: ukendte argumenter: --bogus"),
    (["ask", "x", "--json=ja"], "beslut ask: fejl: --json: tager ingen værdi (fik 'ja')"),
], ids=lambda a: " ".join(a) if isinstance(a, list) else None)
def test_a_bad_argument_is_a_danish_error_with_danish_usage(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert_danish(err)
    assert err.startswith("brug: beslut") and words in err


def test_other_parsers_in_the_process_keep_argparse_s_own_words(capsys):
    build_parser().parse_args(["meetings"])
    other = argparse.ArgumentParser(prog="andet")
    assert "usage: andet" in other.format_help() and "show this help message and exit" in other.format_help()


def test_the_console_script_helps_in_danish():
    r = subprocess.run([sys.executable, "-m", "bot", "ask", "--help"], cwd=PROJECT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and r.stderr == ""
    assert_danish(r.stdout)
    assert r.stdout.startswith("brug: beslut ask") and "vis denne hjælp og afslut" in r.stdout
