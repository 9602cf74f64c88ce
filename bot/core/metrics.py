"""What GET /metrics serves (Prometheus text format, prometheus-client): README "Operations".

Counted where it happens (the router, ``observe``), per process:

- ``beslut_requests_total{platform, outcome}``: chat messages handled (outcome: answered, abstained, case,
  not_found, help, malformed, refused, error, …; see ``bot.core.router``);
- ``beslut_answer_latency_seconds{platform}``: time to reply to a message that needed the core (a question,
  a case look-up);
- ``beslut_abstentions_total{platform}``: questions answered with an honest "found nothing certain".

Read from the database at each scrape (``ServiceState``, fed by a function the composition root passes), so
they are right in the web process although the worker syncs and posts the digests:

- ``beslut_index_chunks``: chunks in the index the web process answers from;
- ``beslut_last_sync_age_seconds``, ``beslut_last_digest_age_seconds``: since the last successful sync and
  the last posted digest (absent until there was one);
- ``beslut_digest_failures``: digest ledger rows now failed or uncertain;
- ``beslut_notify_failures``: notifications to followers now failed or uncertain (ledger rows);
- ``beslut_state_up``: 1 when the state above could be read, else 0 (and those metrics are absent).

Plus the process's own (CPU, memory, open files, Python GC) from prometheus-client's collectors.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, GCCollector, Histogram, PlatformCollector, ProcessCollector
from prometheus_client.core import GaugeMetricFamily, Metric

log = logging.getLogger(__name__)

# Not registered anywhere at import: each web app's registry (``registry``) takes them, so several apps in
# one process (tests) share the counts without registering a name twice.
REQUESTS = Counter("beslut_requests", "Chat messages handled, by platform and outcome.", ["platform", "outcome"],
                   registry=None)
ANSWER_LATENCY = Histogram("beslut_answer_latency_seconds", "Time to reply to a message that needed the core.",
                           ["platform"], buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0),
                           registry=None)
ABSTENTIONS = Counter("beslut_abstentions", "Questions answered with an abstention (nothing certain found).",
                      ["platform"], registry=None)


def observe(platform: str, outcome: str, seconds: float, needed_core: bool) -> None:
    """Count one handled message."""
    REQUESTS.labels(platform, outcome).inc()
    if needed_core:
        ANSWER_LATENCY.labels(platform).observe(seconds)
    if outcome == "abstained":
        ABSTENTIONS.labels(platform).inc()


@dataclass(frozen=True)
class ServiceState:
    """The state a scrape reads from the database and the web process's core."""

    index_chunks: int | None = None
    last_sync: dt.datetime | None = None  # aware
    last_digest: dt.datetime | None = None  # aware
    digest_failures: int = 0
    notify_failures: int = 0


class StateCollector:
    """Gauges from ``read()`` at each scrape; a failing read is logged and reported as beslut_state_up 0."""

    def __init__(self, read: Callable[[], ServiceState],
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> None:
        self.read = read
        self.clock = clock

    def describe(self) -> list[Metric]:
        return []  # nothing read at registration

    def collect(self) -> Iterator[Metric]:
        try:
            state = self.read()
        except Exception as e:
            log.warning("metrics: the service state could not be read (%s)", type(e).__name__)
            yield GaugeMetricFamily("beslut_state_up", "1 when the database state could be read.", value=0)
            return
        yield GaugeMetricFamily("beslut_state_up", "1 when the database state could be read.", value=1)
        if state.index_chunks is not None:
            yield GaugeMetricFamily("beslut_index_chunks", "Chunks in the search index being answered from.",
                                    value=state.index_chunks)
        now = self.clock()
        for name, moment, what in (("beslut_last_sync_age_seconds", state.last_sync, "the last successful sync"),
                                   ("beslut_last_digest_age_seconds", state.last_digest,
                                    "the last posted weekly digest")):
            if moment is not None:
                yield GaugeMetricFamily(name, f"Seconds since {what}.", value=max(0.0, (now - moment).total_seconds()))
        yield GaugeMetricFamily("beslut_digest_failures", "Digest posts now failed or uncertain (ledger rows).",
                                value=state.digest_failures)
        yield GaugeMetricFamily("beslut_notify_failures", "Notifications to followers now failed or uncertain.",
                                value=state.notify_failures)


def registry(read_state: Callable[[], ServiceState] | None = None) -> CollectorRegistry:
    """A registry for one web app: the counters above, the process's own metrics and, given ``read_state``,
    the state read at each scrape."""
    reg = CollectorRegistry()
    for collector in (REQUESTS, ANSWER_LATENCY, ABSTENTIONS):
        reg.register(collector)
    ProcessCollector(registry=reg)
    PlatformCollector(registry=reg)
    GCCollector(registry=reg)
    if read_state is not None:
        reg.register(StateCollector(read_state))
    return reg
