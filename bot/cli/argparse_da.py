"""argparse in Danish: the words argparse itself writes (headings, the help option, usage, its errors).

argparse looks each of its texts up when it writes it, through its module's ``_`` and ``ngettext`` (gettext,
in the default domain, so a translation catalogue of ours cannot reach it without changing the process's
locale). ``DanishArgumentParser`` puts the lookups below in their place while it builds, parses and formats,
and puts argparse's own back afterwards: other parsers in the process are untouched.

The catalogue is keyed by argparse's English texts (Python 3.11's). A text a later argparse words differently
falls back to English, and tests/test_cli_help.py, which checks that what a user can meet is Danish, fails.
Texts only a programmer can meet (conflicting option strings, dest= missing) stay English. The help of each
option and command lives with the command (bot/cli/*.py); the catalogue itself with every other Danish
word, in bot/core/messages.py.
"""
from __future__ import annotations

import argparse
import contextlib
import threading
from collections.abc import Iterator

from bot.core.messages import ARGPARSE as CATALOGUE, ARGPARSE_PLURALS as PLURALS


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
