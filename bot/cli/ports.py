"""What the CLI's commands need from the composition root (bot/compose.py ``Wiring``), as a port."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from bot.core.follow import Subscription
    from bot.core.ports import Publisher
    from bot.core.results import Digest, DigestOutcome, NotifyReport
    from bot.core.service import Beslut
    from bot.settings import Settings
    from embeddings.backup import BackupReport
    from embeddings.dense.build import UpdateStats
    from embeddings.store import Store
    from embeddings.sync.run import SyncReport


class Worker(Protocol):
    targets: list[tuple[Publisher, str]]
    publishers: dict[str, Publisher]  # where notifications to followers can go ("slack", "teams")
    notify_minutes: int  # how often notifications are also sent, besides after each sync

    def run_forever(self) -> None: ...


class Wiring(Protocol):
    settings: Settings
    store: Store  # opened on first use

    def migrate(self) -> dict[str, str | None]:
        """Apply every owner's migrations; the revision each stands at."""

    def index_behind(self) -> bool:
        """True when the saved index was not built from the store as it is now (or there is none)."""

    def update_index(self, rebuild: bool = False, progress: Callable[[int, int], None] = ...) -> UpdateStats:
        """Embed new and changed punkter (all with ``rebuild``); loads the model."""

    def core(self) -> Beslut:
        """The core with the model and the index, for questions; the caller closes it (``Beslut.close``)."""

    def sync(self, sources: list[str] | None = None, since: dt.date | None = None, dry_run: bool = False,
             progress: Callable[[int, int], None] = ...) -> SyncReport:
        """Fetch new and changed meetings from publication sites (default BESLUT_SOURCES) into the store."""

    def case_core(self) -> Beslut:
        """The core without a model: case look-ups, citations and source links."""

    def digest_preview(self, week: str | None) -> Digest:
        """``week``'s digest (ISO week text; None: the last complete week) as it would be posted now."""

    def post_digest(self, week: str | None, channel: str | None, force: bool) -> list[DigestOutcome]:
        """Post ``week``'s digest where it has not been posted (``channel`` instead of the configured ones)."""

    def notify(self, dry_run: bool = False) -> NotifyReport:
        """Tell followers about new punkter with a decision, once (``dry_run``: say what would be sent)."""

    def subscriptions(self) -> tuple[list[Subscription], dict[str, dict[str, int]]]:
        """Every subscription, and its notifications counted by status."""

    def live_subscriptions(self) -> int:
        """How many subscriptions are active or paused."""

    def worker(self) -> Worker:
        """`beslut worker`: the sync and the weekly digest on their schedules."""

    def backup(self, target: Path) -> BackupReport:
        """Copy the SQLite database to ``target`` while it is in use (ConfigError with DATABASE_URL)."""

    def serve(self, host: str, port: int | None, socket_mode: bool) -> None:
        """Run the web process until it is stopped."""

    def close(self) -> None:
        """Close what was opened on first use (the store); called once the command is done."""
