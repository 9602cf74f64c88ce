"""GET /metrics over real HTTP (README "Operations"): Prometheus text with the requests by platform and
outcome, the answer latency, abstentions, and the state the worker leaves in the database (last sync, last
digest, digest failures) read at scrape time, so the web process shows what another process did."""
from __future__ import annotations

import datetime as dt
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from bot.compose import Wiring, open_core, web_app
from bot.core.metrics import ServiceState, StateCollector, registry
from bot.settings import Settings
from embeddings.store import Store
from fakes import HashingEmbedder
from site_fakes import FakeSite, Trouble
from slack_fakes import SECRET, TOKEN, LiveServer, event_body, mention, post_signed

TELEFON = "hvad besluttede vi om telefontider?"
NOTHING = "zyxwv lillagiraf qqqq"  # nothing answers it: an abstention


def scrape(base: str) -> tuple[dict[tuple[str, tuple], float], str]:
    """{(sample name, sorted labels): value} and the Content-Type of GET /metrics."""
    with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
        text, kind = r.read().decode(), r.headers["Content-Type"]
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    return samples, kind


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_answers_and_abstentions_and_show_the_workers_sync_and_digest(home, fake):
    settings = Settings(home=home, slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.url,
                        digest_channel="C9")
    store = Store(settings.store_path)
    core = open_core(settings, embedder=HashingEmbedder(), store=store)
    worker = Wiring(settings, embedder=HashingEmbedder())  # another process's view: its own Store on the file
    site = FakeSite()
    chunks = len(core.retriever.index)
    try:
        with LiveServer(web_app(settings, core, store)) as server:
            before, kind = scrape(server.url)
            assert kind.startswith("text/plain") and "version=" in kind
            assert value(before, "beslut_index_chunks") == chunks > 0
            assert ("beslut_last_digest_age_seconds", ()) not in before  # never posted: absent, not 0
            assert ("beslut_last_sync_age_seconds", ()) not in before
            assert value(before, "beslut_state_up") == 1

            url = server.url + "/slack/events"
            assert post_signed(url, event_body(mention(TELEFON), event_id="EvA"), "application/json")[0] == 200
            assert post_signed(url, event_body(mention(NOTHING), event_id="EvB"), "application/json")[0] == 200
            fake.wait_for("/chat.postMessage", n=2, timeout=30)
            (posted,) = worker.post_digest("2024-W37", None, False)
            fake.refuse["/chat.postMessage"] = {"ok": False, "error": "channel_not_found"}
            (failed,) = worker.post_digest("2024-W37", "slack:C8", False)
            assert (posted.status.value, failed.status.value) == ("posted", "failed")
            worker.sync([site.url])  # an empty site: read, nothing to fetch; a successful sync all the same

            after, _ = scrape(server.url)
    finally:
        site.close()
        worker.close()
        core.close()
        store.close()
    for outcome in ("answered", "abstained"):
        assert value(after, "beslut_requests_total", platform="slack", outcome=outcome) == \
            value(before, "beslut_requests_total", platform="slack", outcome=outcome) + 1
    assert value(after, "beslut_abstentions_total", platform="slack") == \
        value(before, "beslut_abstentions_total", platform="slack") + 1
    assert value(after, "beslut_answer_latency_seconds_count", platform="slack") == \
        value(before, "beslut_answer_latency_seconds_count", platform="slack") + 2
    assert value(after, "beslut_answer_latency_seconds_sum", platform="slack") > \
        value(before, "beslut_answer_latency_seconds_sum", platform="slack")
    assert 0 <= after[("beslut_last_digest_age_seconds", ())] < 60
    assert 0 <= after[("beslut_last_sync_age_seconds", ())] < 60
    assert value(after, "beslut_digest_failures") == 1
    assert value(after, "beslut_notify_failures") == 0
    assert value(after, "beslut_index_chunks") == chunks


def test_a_sync_that_could_not_read_its_site_is_not_the_last_sync(home):
    settings = Settings(home=home)
    wiring = Wiring(settings, embedder=HashingEmbedder())
    site = FakeSite()
    try:
        site.trouble["/api/agenda/udvalgsliste"] = [Trouble(status=404)]
        wiring.sync([site.url])
        from bot.compose.web import SYNC_JOB
        from bot.state.job_runs import JobRuns

        assert JobRuns(wiring.store.db).last_success(SYNC_JOB) is None
        wiring.sync([site.url])
        assert JobRuns(wiring.store.db).last_success(SYNC_JOB) is not None
    finally:
        site.close()
        wiring.close()


def test_a_state_that_cannot_be_read_is_reported_not_a_failed_scrape(caplog):
    def broken() -> ServiceState:
        raise OSError("database is gone")

    with LiveServer(_app_with(registry(broken))) as server:
        samples, _ = scrape(server.url)
    assert samples[("beslut_state_up", ())] == 0 and ("beslut_digest_failures", ()) not in samples
    assert "metrics: the service state could not be read (OSError)" in caplog.text


def test_ages_are_counted_from_the_scrape():
    now = dt.datetime(2024, 9, 16, 8, 0, tzinfo=dt.timezone.utc)
    state = ServiceState(index_chunks=7, last_sync=now - dt.timedelta(hours=2), last_digest=now - dt.timedelta(days=7))
    got = {m.name: m.samples[0].value for m in StateCollector(lambda: state, clock=lambda: now).collect()}
    assert got["beslut_last_sync_age_seconds"] == 7200 and got["beslut_last_digest_age_seconds"] == 7 * 86400
    assert got["beslut_index_chunks"] == 7 and got["beslut_digest_failures"] == 0


def _app_with(reg):
    from bot.web import create_app

    return create_app([], metrics=reg)

