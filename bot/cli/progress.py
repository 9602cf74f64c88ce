"""Progress of long runs (indexing, ingest, sync): a bar on a terminal, a log line at least every 30 s
otherwise (a 78-minute index build in a service log used to show one line)."""
from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Callable, Iterator

log = logging.getLogger("beslut.progress")
LOG_EVERY = 30.0  # seconds between progress lines when stderr is not a terminal
BAR_FROM = 200  # smaller jobs finish before a bar would help


@contextlib.contextmanager
def progress_bar(what: str = "indeks", unit: str = "tekststykke", interactive: bool | None = None,
                 clock: Callable[[], float] = time.monotonic, every: float = LOG_EVERY,
                 ) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback: a tqdm bar on a terminal, else a line to the log (and stderr)
    at least every ``every`` seconds with done/total and the rate, and one at the end."""
    interactive = sys.stderr.isatty() if interactive is None else interactive
    bar = None
    started = last = clock()
    state = {"done": 0, "total": 0}

    def line() -> None:
        done, total = state["done"], state["total"]
        rate = done / max(clock() - started, 1e-9)
        log.info("%s: %d/%d %s (%.1f/s)", what, done, total, unit, rate)

    def progress(done: int, total: int) -> None:
        nonlocal bar, last
        state.update(done=done, total=total)
        if interactive:
            if bar is None and total > BAR_FROM:
                from tqdm import tqdm

                bar = tqdm(total=total, desc=what, unit=unit, file=sys.stderr)
            if bar is not None:
                bar.update(done - bar.n)
        elif clock() - last >= every:
            last = clock()
            line()

    try:
        yield progress
    finally:
        if bar is not None:
            bar.close()
        elif not interactive and state["total"] > BAR_FROM:
            line()
