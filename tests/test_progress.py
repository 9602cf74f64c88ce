"""Long runs show progress in a log too: a line at least every 30 s with done/total and the rate."""
from __future__ import annotations

import logging

from bot.cli.progress import progress_bar


def test_without_a_terminal_a_line_every_30_seconds_and_one_at_the_end(caplog):
    now = [0.0]
    with caplog.at_level(logging.INFO, logger="beslut.progress"):
        with progress_bar("indeks", "tekststykke", interactive=False, clock=lambda: now[0]) as progress:
            for done in range(1, 1001):
                now[0] = done * 0.1  # 10 per second, 100 s in all
                progress(done, 1000)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[:3] == ["indeks: 300/1000 tekststykke (10.0/s)", "indeks: 600/1000 tekststykke (10.0/s)",
                         "indeks: 900/1000 tekststykke (10.0/s)"]
    assert lines[-1] == "indeks: 1000/1000 tekststykke (10.0/s)" and len(lines) == 4


def test_small_jobs_stay_quiet(caplog):
    with caplog.at_level(logging.INFO, logger="beslut.progress"):
        with progress_bar(interactive=False, clock=lambda: 0.0) as progress:
            progress(5, 5)
    assert caplog.records == []
