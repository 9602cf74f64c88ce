"""Where beslut may send Teams traffic: the allow-list of Bot Connector addresses (``serviceUrl``).

Every reply and every digest post goes to the ``serviceUrl`` of an activity or of a stored conversation
reference, and with credentials it carries ``Authorization: Bearer <the bot's token>``. A serviceUrl is
therefore only used when its origin (scheme, host, port) is exactly one on the allow-list
(BESLUT_TEAMS_SERVICE_URLS; by default the public Teams Bot Connector). Hosts are compared whole, never by
substring or suffix, so ``https://smba.trafficmanager.net.evil.example`` is not
``https://smba.trafficmanager.net``. Paths (``/teams/``, ``/emea/`` …) are not compared: the token goes to
the host. Loopback addresses are allowed in anonymous development mode only (no token is ever sent there)
and, like any other address, when listed (tests, the Bot Framework Emulator).
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from bot.core import messages
from bot.settings import Settings

Origin = tuple[str, str, int]  # (scheme, host, port), lower case

# An absolute http(s) URL whose authority is a plain host name or IP literal with an optional port: no user
# info, no spaces, backslashes or other characters that URL parsers disagree about.
_URL = re.compile(r"(?P<scheme>https?)://(?P<host>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])"
                  r"(?::(?P<port>[0-9]{1,5}))?(?P<rest>[/?#][\x21-\x7e]*)?", re.I)
_DEFAULT_PORT = {"http": 80, "https": 443}


def origin(url: object) -> Origin | None:
    """(scheme, host, port) of an absolute http(s) URL with a plain host; None for anything else."""
    m = _URL.fullmatch(url) if isinstance(url, str) else None
    if m is None:
        return None
    scheme = m["scheme"].lower()
    port = int(m["port"]) if m["port"] else _DEFAULT_PORT[scheme]
    if not 0 < port <= 65535:
        return None
    return scheme, m["host"].lower(), port


def is_loopback(url: object) -> bool:
    """An http(s) URL on this machine: localhost, 127.0.0.0/8 or ::1."""
    o = origin(url)
    if o is None:
        return False
    host = o[1].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def shown(url: object) -> str:
    """A serviceUrl for logs and messages: its origin, or a short repr of what it is instead."""
    o = origin(url)
    if o is None:
        return repr(url)[:80]
    scheme, host, port = o
    return f"{scheme}://{host}" + ("" if port == _DEFAULT_PORT[scheme] else f":{port}")


def _entry_origin(entry: str) -> Origin:
    """One BESLUT_TEAMS_SERVICE_URLS entry (``host``, ``https://host[:port][/]``, or an http loopback URL)."""
    url = entry if "://" in entry else f"https://{entry}"
    m = _URL.fullmatch(url)
    o = origin(url)
    if m is None or o is None or (m["rest"] or "/") != "/" or (o[0] == "http" and not is_loopback(url)):
        raise ValueError(messages.render("teams_service_url_invalid", entry=entry))
    return o


@dataclass(frozen=True)
class ServiceUrls:
    """The allowed Bot Connector origins. ``allows(url)``: may beslut send to (and store) this serviceUrl?"""

    allowed: frozenset[Origin]

    @classmethod
    def from_settings(cls, settings: Settings) -> "ServiceUrls":
        """Raises ValueError (Danish, names the entry) for an entry that is not an https origin."""
        return cls(frozenset(_entry_origin(e) for e in settings.teams_service_urls))

    def allows(self, url: object) -> bool:
        o = origin(url)
        return o is not None and o in self.allowed

    def allows_reply(self, url: object, *, anonymous: bool) -> bool:
        """Replies: an allowed serviceUrl, or in anonymous development mode also a loopback one."""
        return self.allows(url) or (anonymous and is_loopback(url))
