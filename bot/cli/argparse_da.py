"""argparse in Danish: the words argparse itself writes (headings, the help option, usage, its errors).

argparse looks each of its texts up when it writes it, through its module's ``_`` and ``ngettext`` (gettext,
in the default domain, so a translation catalogue of ours cannot reach it without changing the process's
locale). ``DanishArgumentParser`` puts the lookups below in their place while it builds, parses and formats,
and puts argparse's own back afterwards: other parsers in the process are untouched.

The catalogue is keyed by argparse's English texts (Python 3.11's). A text a later argparse words differently
falls back to English, and tests/test_cli_help.py, which checks that what a user can meet is Danish, fails.
Texts only a programmer can meet (conflicting option strings, dest= missing) stay English. The help of each
option and command lives with the command (bot/cli/*.py).
"""
from __future__ import annotations

import argparse
import contextlib
import threading
from collections.abc import Iterator

CATALOGUE = {
    "usage: ": "brug: ",
    "positional arguments": "argumenter",
    "options": "tilvalg",
    "show this help message and exit": "vis denne hjælp og afslut",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fejl: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "the following arguments are required: %s": "mangler: %s",
    "unrecognized arguments: %s": "ukendte argumenter: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldigt valg %(value)r (vælg mellem %(choices)s)",
    "invalid %(type)s value: %(value)r": "ugyldig værdi %(value)r",
    "expected one argument": "mangler en værdi",
    "expected at most one argument": "tager højst én værdi",
    "expected at least one argument": "mangler mindst én værdi",
    "ignored explicit argument %r": "tager ingen værdi (fik %r)",
    "not allowed with argument %s": "kan ikke bruges sammen med %s",
    "one of the arguments %s is required": "et af disse argumenter skal med: %s",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydigt tilvalg: %(option)s kan være %(matches)s",
    "unexpected option string: %s": "uventet tilvalg: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "ukendt kommando %(parser_name)r (vælg mellem %(choices)s)",
    "can't open '%(filename)s': %(error)s": "kan ikke åbne '%(filename)s': %(error)s",
}
PLURALS = {
    ("expected %s argument", "expected %s arguments"): ("forventede %s værdi", "forventede %s værdier"),
}


def gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    one, many = PLURALS.get((singular, plural), (singular, plural))
    return one if n == 1 else many


_lock = threading.RLock()


@contextlib.contextmanager
def danish() -> Iterator[None]:
    """argparse's lookups answer in Danish until the block ends (re-entrant: parsing calls formatting)."""
    with _lock:
        saved = argparse._, argparse.ngettext
        argparse._, argparse.ngettext = gettext, ngettext
        try:
            yield
        finally:
            argparse._, argparse.ngettext = saved


class Commands(argparse._SubParsersAction):
    """The subcommands: a command's help is also the description on its own help page."""

    def add_parser(self, name: str, **kwargs):
        if "help" in kwargs:
            kwargs.setdefault("description", kwargs["help"])
        return super().add_parser(name, **kwargs)


class DanishArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are Danish; its subcommands' parsers are too."""

    def __init__(self, *args, **kwargs) -> None:
        with danish():
            super().__init__(*args, **kwargs)
        self.register("action", "parsers", Commands)

    def parse_args(self, args=None, namespace=None):
        with danish():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with danish():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with danish():
            return super().format_usage()

    def format_help(self) -> str:
        with danish():
            return super().format_help()

    def error(self, message: str):
        with danish():
            super().error(message)
