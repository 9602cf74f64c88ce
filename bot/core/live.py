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
                 clock: Callable[[], float] = time.monotonic, background: bool = False,
                 retry_every: float = 5.0) -> None:
        """``background``: return at once and load the first snapshot in a thread, retrying every
        ``retry_every`` seconds while it cannot (schema behind, no index yet); until then the core is not
        ``ready`` and questions get the Danish "not ready" message. Otherwise the first load happens now."""
        self._open = open_core
        self._store = store
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._reloading: threading.Thread | None = None
        self._retry_every = retry_every
        self._core: Beslut | None = None
        self._token: object = None
        self._checked = clock()
        self._closed = threading.Event()
        self.reason: str | None = "loading"  # why not ready (a BeslutError code), None when ready
        if background:
            self._first = threading.Thread(target=self._first_load, args=(retry_every,), daemon=True,
                                           name="core-first-load")
            self._first.start()
        else:
            self._first = None
            self._token = store.change_token()
            self._core = open_core()
            self.reason = None

    @property
    def ready(self) -> bool:
        return self._core is not None

    def wait_ready(self, timeout: float | None = None) -> bool:
        if self._first is not None:
            self._first.join(timeout)
        return self.ready

    def _first_load(self, retry_every: float) -> None:
        said = None
        while not self._closed.is_set():
            try:
                token = self._store.change_token()
                core = self._open()
            except BeslutError as e:
                self.reason = e.code
                if e.code != said:  # once per reason, not every few seconds
                    log.warning("not ready (%s); trying again every %.0f s", e.code, retry_every)
                    said = e.code
            except Exception as e:  # e.g. the schema's tables are not there yet
                self.reason = "schema_behind" if "no such table" in str(e) or "does not exist" in str(e) else "error"
                if self.reason != said:
                    log.warning("not ready (%s: %s); trying again every %.0f s", self.reason, type(e).__name__,
                                retry_every)
                    said = self.reason
            else:
                self._checked = self._clock()
                if not self._adopt(core, token):
                    return
                self.reason = None
                log.info("core loaded: ready")
                return
            self._closed.wait(retry_every)

    @property
    def current(self) -> Beslut:
        if self._core is None:
            raise BeslutError("not_ready")
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
            if e.code == "index_stale":  # the index usually follows the store within seconds: look again soon
                self._checked = self._clock() - self._interval + min(self._retry_every, self._interval)
        except Exception:
            log.exception("reloading the core failed; answering from the previous snapshot")
        else:
            if self._adopt(core, token):
                log.info("core reloaded after the store changed")
        finally:
            self._reloading = None

    def _adopt(self, core: Beslut, token: object) -> bool:
        """Swap ``core`` (of the store at ``token``) in, unless this LiveCore was closed meanwhile (then ``core``
        is closed at once). The core it replaces is not closed: requests may still be answering from it; it is
        released when they are done."""
        with self._lock:
            if self._closed.is_set():
                core.close()
                return False
            self._core, self._token = core, token
            return True

    def close(self) -> None:
        """Stop following the store and release the current core's index (at shutdown, once no request is
        answered any more). The store is its opener's to close. Questions afterwards get "not ready"."""
        self._closed.set()
        with self._lock:  # a reload is started under the lock: one seen here has started
            threads = (self._first, self._reloading)
        for thread in threads:
            if thread is not None:
                thread.join()
        with self._lock:
            core, self._core = self._core, None
            self.reason = "not_ready"
        if core is not None:
            core.close()

    def wait_for_reload(self, timeout: float | None = None) -> None:
        """Block until a running reload has finished (for tests and orderly shutdown)."""
        with self._lock:  # a reload is started under the lock: one seen here has started
            thread = self._reloading
        if thread is not None:
            thread.join(timeout)

    def ask(self, question: str, k: int = 3, **options: object) -> Answer:
        return self.current.ask(question, k, **options)

    def sag(self, query: str) -> CaseTimeline:
        return self.current.sag(query)
