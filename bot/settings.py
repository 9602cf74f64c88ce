"""One frozen Settings object, built once from the environment at the composition root.

Tests build Settings directly (``Settings(home=tmp_path)``); nothing else reads os.environ.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from embeddings.errors import ConfigError

PROJECT_DIR = Path(__file__).resolve().parents[1]
BUNDLED_MINUTES = PROJECT_DIR / "data" / "referater"

# The public cloud's Teams Bot Connector (serviceUrls https://smba.trafficmanager.net/teams/, /emea/, …).
TEAMS_PUBLIC_SERVICE_URLS = ("https://smba.trafficmanager.net",)

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nej", ""}
_PORT = re.compile(r"[0-9]{1,5}")


def parse_bool(name: str, value: str | None, default: bool = False) -> bool:
    """The one place booleans are parsed from the environment."""
    if value is None:
        return default
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ConfigError("config_bool_invalid", name=name, value=value)


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (value or "").split(",") if x.strip())


def _port(value: str | None) -> int:
    if value is None:
        return 3000
    if not _PORT.fullmatch(value) or int(value) > 65535:  # ASCII digits only: "²".isdigit() is true
        raise ConfigError("port_invalid", text=value)
    return int(value)


def _date(name: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # its text is English ("month must be in 1..12"): name the variable instead
        raise ConfigError("config_date_invalid", name=name, value=value) from None


def _source_url(value: str | None) -> str | None:
    """BESLUT_SOURCE_URL must format with the documented fields into an http(s) URL (checked once, here,
    rather than failing on the first answer with a link)."""
    if value is None:
        return None
    try:
        url = value.format(committee="Chefforum", date="2024-09-11", number=4, case="83.02.00-A00-1-23")
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        url = ""
    if not url.startswith(("https://", "http://")):
        raise ConfigError("source_url_invalid", value=value)
    return value


def _sources(value: str | None) -> tuple[str, ...]:
    """BESLUT_SOURCES: comma-separated base URLs of FirstAgenda publication sites (http(s))."""
    out = []
    for url in _csv(value):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError("sources_invalid", value=url)
        out.append(url.rstrip("/"))
    return tuple(out)


def _database_url(value: str | None) -> str | None:
    """DATABASE_URL: postgresql://user:password@host/db (also postgres://, postgresql+psycopg://)."""
    if value is None:
        return None
    if not re.match(r"(postgresql|postgres)(\+psycopg)?://", value):
        raise ConfigError("database_url_invalid")
    return value


INDEX_KINDS = ("auto", "flat", "hnsw", "ivf")


def _index_kind(value: str | None) -> str:
    kind = (value or "auto").lower()
    if kind not in INDEX_KINDS:
        raise ConfigError("index_kind_invalid", value=value, kinds=", ".join(INDEX_KINDS))
    return kind


LOG_FORMATS = ("text", "json")


def _log_format(value: str | None) -> str:
    """BESLUT_LOG_FORMAT: "text" (default) or "json" (one JSON object per line)."""
    if value is None:
        return "text"
    if value.lower() not in LOG_FORMATS:
        raise ConfigError("log_format_invalid", value=value)
    return value.lower()


def _count(name: str, value: str | None, default: int, least: int = 0) -> int:
    if value is None:
        return default
    if not _PORT.fullmatch(value) or int(value) < least:
        raise ConfigError("config_number_invalid", name=name, value=value, least=least)
    return int(value)


@dataclass(frozen=True)
class Settings:
    """Everything configurable. See README "Configuration" for the environment variables."""

    home: Path = PROJECT_DIR / "data"  # BESLUT_HOME: store, index and model cache live here
    database_url: str | None = None  # DATABASE_URL: postgresql://... for shared state; None = SQLite in home
    minutes_dir: Path = BUNDLED_MINUTES  # BESLUT_MINUTES: default folder for `beslut ingest`
    model: str | None = None  # BESLUT_MODEL: sentence-transformers name or path; None = bundled e5-small
    model_cache: Path | None = None  # BESLUT_MODEL_CACHE: where the bundled model is converted to
    source_url_template: str | None = None  # BESLUT_SOURCE_URL: e.g. https://.../{committee}/{date}#punkt{number}
    today: dt.date | None = None  # BESLUT_TODAY: fixed "today" for relative dates (tests, demos)
    # Slack
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    slack_command: str = "/sag"
    slack_allowed_channels: tuple[str, ...] = ()
    # Digest
    digest_channel: str | None = None
    digest_teams_conversations: tuple[str, ...] = ()
    digest_post_empty: bool = False
    digest_cron: str = "mon 08:00"
    timezone: str = "Europe/Copenhagen"
    # Keeping current (`beslut sync`, and the worker on a schedule)
    sources: tuple[str, ...] = ()  # BESLUT_SOURCES: publication sites' base URLs
    sync_cron: str = "mon-fri 06:00"  # BESLUT_SYNC_CRON
    sync_recheck_days: int = 60  # BESLUT_SYNC_RECHECK_DAYS: meetings this recent are fetched again
    sync_concurrency: int = 2  # BESLUT_SYNC_CONCURRENCY: requests to one run's sites at once
    # The search index (`beslut index`, ingest, sync, the worker)
    index_kind: str = "auto"  # BESLUT_INDEX: auto (exact up to a size, HNSW above), flat, hnsw or ivf
    index_workers: int = 0  # BESLUT_INDEX_WORKERS: processes that embed a big batch; 0 = one per core
    # Web process (`beslut serve`)
    port: int = 3000  # PORT: what the platform (Procfile `web`) tells the process to listen on
    log_format: str = "text"  # BESLUT_LOG_FORMAT: text or json (JSON lines), for every command
    # Teams
    teams_app_id: str | None = None
    teams_app_password: str | None = None
    teams_tenant_id: str | None = None
    teams_allow_anonymous: bool = False
    teams_cert_pfx_file: Path | None = None  # MICROSOFT_APP_CERT_PFX_FILE: instead of the password
    teams_cert_send_x5c: bool = False  # MICROSOFT_APP_CERT_SEND_X5C: subject name + issuer certificate auth
    teams_service_urls: tuple[str, ...] = TEAMS_PUBLIC_SERVICE_URLS  # BESLUT_TEAMS_SERVICE_URLS: Bot Connector hosts

    @property
    def teams_enabled(self) -> bool:
        """Any Teams setting given: the web process then serves Teams or explains what is missing."""
        return bool(self.teams_app_id or self.teams_app_password or self.teams_cert_pfx_file
                    or self.teams_allow_anonymous)

    @property
    def store_path(self) -> Path:
        return self.home / "beslut.db"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def model_cache_dir(self) -> Path:
        return self.model_cache or self.home / "models"

    def with_(self, **changes: object) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        """Settings from the environment; a bad value raises ConfigError naming the variable."""
        e = dict(os.environ if env is None else env)
        get = lambda k: (e.get(k) or "").strip() or None  # noqa: E731
        home = Path(get("BESLUT_HOME") or PROJECT_DIR / "data").expanduser()
        return cls(
            home=home,
            database_url=_database_url(get("DATABASE_URL")),
            minutes_dir=Path(get("BESLUT_MINUTES") or BUNDLED_MINUTES).expanduser(),
            model=get("BESLUT_MODEL"),
            model_cache=Path(get("BESLUT_MODEL_CACHE")).expanduser() if get("BESLUT_MODEL_CACHE") else None,
            source_url_template=_source_url(get("BESLUT_SOURCE_URL")),
            today=_date("BESLUT_TODAY", get("BESLUT_TODAY")),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=get("SLACK_API_URL"),
            slack_command=get("BESLUT_SLACK_COMMAND") or "/sag",
            slack_allowed_channels=_csv(get("BESLUT_SLACK_CHANNELS")),
            digest_channel=get("BESLUT_DIGEST_CHANNEL"),
            digest_teams_conversations=_csv(get("BESLUT_DIGEST_TEAMS")),
            digest_post_empty=parse_bool("BESLUT_DIGEST_POST_EMPTY", get("BESLUT_DIGEST_POST_EMPTY")),
            digest_cron=get("BESLUT_DIGEST_CRON") or "mon 08:00",
            timezone=get("BESLUT_TZ") or "Europe/Copenhagen",
            sources=_sources(get("BESLUT_SOURCES")),
            sync_cron=get("BESLUT_SYNC_CRON") or "mon-fri 06:00",
            sync_recheck_days=_count("BESLUT_SYNC_RECHECK_DAYS", get("BESLUT_SYNC_RECHECK_DAYS"), 60),
            sync_concurrency=_count("BESLUT_SYNC_CONCURRENCY", get("BESLUT_SYNC_CONCURRENCY"), 2, least=1),
            index_kind=_index_kind(get("BESLUT_INDEX")),
            index_workers=_count("BESLUT_INDEX_WORKERS", get("BESLUT_INDEX_WORKERS"), 0),
            port=_port(get("PORT")),
            log_format=_log_format(get("BESLUT_LOG_FORMAT")),
            teams_app_id=get("MICROSOFT_APP_ID"),
            teams_app_password=get("MICROSOFT_APP_PASSWORD"),
            teams_tenant_id=get("MICROSOFT_APP_TENANT_ID"),
            teams_allow_anonymous=parse_bool("BESLUT_TEAMS_ALLOW_ANONYMOUS", get("BESLUT_TEAMS_ALLOW_ANONYMOUS")),
            teams_cert_pfx_file=Path(get("MICROSOFT_APP_CERT_PFX_FILE")).expanduser()
            if get("MICROSOFT_APP_CERT_PFX_FILE") else None,
            teams_cert_send_x5c=parse_bool("MICROSOFT_APP_CERT_SEND_X5C", get("MICROSOFT_APP_CERT_SEND_X5C")),
            teams_service_urls=_csv(get("BESLUT_TEAMS_SERVICE_URLS")) or TEAMS_PUBLIC_SERVICE_URLS,
        )

    def today_date(self) -> dt.date:
        return self.today or dt.date.today()
