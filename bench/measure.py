"""Small measuring helpers the benchmarks share (standard library only: bench.scale.probe imports it in a
fresh process whose start-up it times)."""
from __future__ import annotations


def rss_mb() -> float:
    """This process's resident memory in MB (Linux: /proc/self/status)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(xs: list[float], p: float) -> float:
    """The ``p`` quantile of ``xs`` (nearest rank), 0 < p <= 1."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]
