"""A FirstAgenda publication site (``dagsordener.<kommune>.dk``): its API's addresses, its list of
committees and meetings, and the deep links to what it publishes.

- ``GET {base}/api/agenda/udvalgsliste``: committees with their meetings, in groups
  (``{"Udvalg": {"Aktuelle politiske udvalg": [{"Navn", "Id", "Moeder": [{"Id", "Dato"}]}], ...}}``). Every
  group whose value is a list of committees is read (historic committees too); unknown keys are ignored.
- ``GET {base}/api/agenda/dagsorden/{moede_id}``: one meeting (embeddings/ingest/firstagenda.py).
- a punkt: ``{base}/vis?id={moede_id}&punktid={punkt_id}``; a bilag:
  ``{base}/vis/pdf/bilag/{bilag_id}/?redirectDirectlyToPdf=false``.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from embeddings.errors import BeslutError, Reason

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


@dataclass(frozen=True)
class SiteMeeting:
    """One meeting as the site lists it."""

    id: str
    committee: str
    date: dt.date | None


def normalise_base(url: str) -> str:
    """``https://dagsordener.greve.dk/`` -> ``https://dagsordener.greve.dk`` (ValueError if not http(s))."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(url)
    return url.strip().rstrip("/")


def committees_url(base: str) -> str:
    return f"{base}/api/agenda/udvalgsliste"


def meeting_url(base: str, meeting_id: str) -> str:
    return f"{base}/api/agenda/dagsorden/{quote(meeting_id, safe='')}"


def punkt_link(base: str | None, meeting_id: str | None, punkt_id: str | None) -> str | None:
    """The page of one punkt on its site; None unless all three are known and the site is https."""
    if not (base and meeting_id and punkt_id) or not base.startswith("https://"):
        return None
    return f"{base}/vis?id={quote(meeting_id, safe='')}&punktid={quote(punkt_id, safe='')}"


def attachment_link(base: str | None, attachment_id: str | None) -> str | None:
    if not (base and attachment_id) or not base.startswith("https://"):
        return None
    return f"{base}/vis/pdf/bilag/{quote(attachment_id, safe='')}/?redirectDirectlyToPdf=false"


def parse_committees(doc: object, url: str) -> list[SiteMeeting]:
    """The meetings of every committee group in an ``udvalgsliste`` answer; BeslutError when it has
    another shape (an answer that is JSON but not this)."""
    groups = doc.get("Udvalg") if isinstance(doc, dict) else None
    if not isinstance(groups, dict):
        raise BeslutError("sync_wrong_shape", url=url, reason=Reason("json_missing", field="Udvalg"))
    out: list[SiteMeeting] = []
    seen: set[str] = set()
    for committees in groups.values():
        if not isinstance(committees, list):
            continue  # a key we don't know
        for c in committees:
            if not isinstance(c, dict) or not isinstance(c.get("Moeder"), list):
                continue
            name = " ".join(str(c.get("Navn") or "").split())
            for m in c["Moeder"]:
                mid = str(m.get("Id")).strip() if isinstance(m, dict) and isinstance(m.get("Id"), (str, int)) else ""
                if not _ID.fullmatch(mid) or mid in seen:
                    continue
                seen.add(mid)
                out.append(SiteMeeting(mid, name, _date(m.get("Dato"))))
    return out


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.strip()).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
