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

# What bot/digest/week.py's IsoWeek.parse reads (after strip and upper): "2024-W37", also "2024W37", "2024-w37".
_WEEK = re.compile(r"([0-9]{4})-?W([0-9]{2})")


def week_argument(text: str) -> str:
    """--week: an ISO week of which all seven days are dates ("2024-W60", "2021-W53" and 9999-W52, whose Sunday
    is in year 10000, are not); returned as "2024-W37"."""
    m = _WEEK.fullmatch(text.strip().upper())
    try:
        if not m:
            raise ValueError(text)
        dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 7)
    except ValueError:
        raise argparse.ArgumentTypeError(render("digest_week_invalid", text=text)) from None
    return f"{m.group(1)}-W{m.group(2)}"


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
