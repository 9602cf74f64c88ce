"""The web process's core follows the store: minutes ingested by `beslut ingest` (another process) are
answered without restarting `beslut serve`.

At most every ``interval`` seconds a request compares the store's change token; when it moved, a
background thread opens a fresh core (store snapshot, index from disk, BM25) and swaps it in. Requests
never wait for that: they are answered from the previous snapshot meanwhile. If the index on disk is not
up to date with the store yet (ingest with --no-index), the old snapshot stays and the log says why.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from bot.core.results import Answer, CaseTimeline
from bot.core.service import Beslut
from embeddings.errors import BeslutError
from embeddings.store import Store

log = logging.getLogger(__name__)


class LiveCore:
    """A Core (ask, sag) over the newest consistent store + index snapshot."""

    def __init__(self, open_core: Callable[[], Beslut], store: Store, interval: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._open = open_core
        self._store = store
        self._interval = interval
        self._clock = clock
        self._core = open_core()
        self._token = store.change_token()
        self._checked = clock()
        self._lock = threading.Lock()
        self._reloading: threading.Thread | None = None

    @property
    def current(self) -> Beslut:
        now = self._clock()
        if now - self._checked >= self._interval:
            with self._lock:
                if now - self._checked >= self._interval and self._reloading is None:
                    self._checked = now
                    token = self._store.change_token()
                    if token != self._token:
                        self._reloading = threading.Thread(target=self._reload, args=(token,), daemon=True,
                                                           name="core-reload")
                        self._reloading.start()
        return self._core

    def _reload(self, token: object) -> None:
        try:
            core = self._open()
        except BeslutError as e:
            log.warning("the store changed but the core was not reloaded (%s); answering from the previous "
                        "snapshot", e.code)
        except Exception:
            log.exception("reloading the core failed; answering from the previous snapshot")
        else:
            self._core, self._token = core, token
            log.info("core reloaded after the store changed")
        finally:
            self._reloading = None

    def wait_for_reload(self, timeout: float | None = None) -> None:
        """Block until a running reload has finished (for tests and orderly shutdown)."""
        thread = self._reloading
        if thread is not None:
            thread.join(timeout)

    def ask(self, question: str, k: int = 3, **options: object) -> Answer:
        return self.current.ask(question, k, **options)

    def sag(self, query: str) -> CaseTimeline:
        return self.current.sag(query)
