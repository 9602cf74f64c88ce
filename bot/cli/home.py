"""A BESLUT_HOME with no store yet: a command that only looks leaves it as it found it.

The SQLite store (BESLUT_HOME/beslut.db) is made by the first command that opens it. `ingest`, `sync`,
`migrate`, `index` and the commands that send are there to write; the others only read, and opening the
store to read would make it (and its folder). So on a home with no store:

- a dry run (`sync`, `digest`, `notify` with --dry-run) runs on an empty store in a throwaway home, and shows
  what a first real run would do;
- a listing (`meetings`, `subscriptions`) shows its "none yet" line, as for an empty store;
- a look-up or a question (`show`, `sag`, `ask`, `eval`) says that nothing is ingested yet, and where it looked.

A server database (DATABASE_URL) is always there: its tables are made by `beslut migrate`.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.settings import Settings
from embeddings.errors import BeslutError


def store_absent(settings: Settings) -> bool:
    """True when the home holds no SQLite store (none was ever made, or BESLUT_HOME points elsewhere)."""
    return settings.database_url is None and not settings.store_path.exists()


def require_store(settings: Settings) -> None:
    """For a look-up or a question: BeslutError "store_absent" (exit 1) instead of making an empty store."""
    if store_absent(settings):
        raise BeslutError("store_absent", path=str(settings.store_path))


@contextmanager
def dry_run_settings(settings: Settings, dry_run: bool) -> Iterator[Settings]:
    """The settings a command runs on: for a dry run on a home with no store, a throwaway home (deleted at the
    end) that holds an empty store; otherwise ``settings``. The model cache stays where it was configured."""
    if not dry_run or not store_absent(settings):
        yield settings
        return
    with tempfile.TemporaryDirectory(prefix="beslut-dry-run-") as home:
        yield settings.with_(home=Path(home), model_cache=settings.model_cache_dir)
