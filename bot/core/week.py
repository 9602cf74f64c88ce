"""ISO weeks in local time, the digest's unit: "2024-W37" runs Monday to Sunday in BESLUT_TZ. In the core: the
digest runs on them, and the command line reads `--week` with the same parser."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from embeddings.errors import BeslutError, ConfigError

_WEEK = re.compile(r"([0-9]{4})-?W([0-9]{2})")  # ASCII digits: "２０２４-W37" is no week


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("timezone_invalid", text=name) from None


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week: ``IsoWeek(2024, 37)`` prints as "2024-W37"; 2025-12-29 is in 2026-W01."""

    year: int
    week: int

    def __post_init__(self) -> None:
        # ValueError for 2021-W53 and the like, and for 9999-W52, whose Sunday is past the last date
        dt.date.fromisocalendar(self.year, self.week, 1)
        dt.date.fromisocalendar(self.year, self.week, 7)

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @classmethod
    def parse(cls, text: str) -> "IsoWeek":
        m = _WEEK.fullmatch(text.strip().upper())
        try:
            if not m:
                raise ValueError(text)
            return cls(int(m.group(1)), int(m.group(2)))
        except ValueError:
            raise BeslutError("digest_week_invalid", text=text) from None

    @classmethod
    def of(cls, day: dt.date) -> "IsoWeek":
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    def shifted(self, weeks: int) -> "IsoWeek":
        return IsoWeek.of(self.monday + dt.timedelta(weeks=weeks))

    def starts(self, tz: ZoneInfo) -> dt.datetime:
        """Monday 00:00 local time, as an aware datetime."""
        return dt.datetime.combine(self.monday, dt.time(), tzinfo=tz)


def previous_complete_week(now: dt.datetime, tz: ZoneInfo) -> IsoWeek:
    """The last ISO week that has ended at ``now`` in local time (Monday 00:30 local is already the next)."""
    return IsoWeek.of(now.astimezone(tz).date()).shifted(-1)
