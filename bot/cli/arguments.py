"""The ``type=`` of options whose value can be wrong: a wrong value is a usage error when argparse reads it.

argparse then exits 2 with the command's usage and one Danish line naming the option, before the environment
is read or the store, the model or a network is touched, as for any other mistake in the command line. Each
function returns the value in the form the command passes on.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re

from bot.core.messages import render
from bot.core.week import IsoWeek
from embeddings.errors import BeslutError


def week_argument(text: str) -> str:
    """--week: an ISO week the digest can run (IsoWeek.parse: "2024-W60", "2021-W53" and 9999-W52, whose Sunday
    is in year 10000, are not); returned as "2024-W37"."""
    try:
        return str(IsoWeek.parse(text))
    except BeslutError:
        raise argparse.ArgumentTypeError(render("digest_week_invalid", text=text)) from None


def date_argument(option: str):
    """An option's ``type=`` for a day, ÅÅÅÅ-MM-DD; the message names ``option``."""

    def parse(text: str) -> dt.date:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(render("config_date_invalid", name=option, value=text)) from None

    return parse


def port_argument(text: str) -> int:
    """--port: 0-65535 (a larger number would only fail in the socket call, after the model has loaded)."""
    if not re.fullmatch(r"[0-9]{1,5}", text) or int(text) > 65535:
        raise argparse.ArgumentTypeError(render("port_arg_invalid", text=text))
    return int(text)
