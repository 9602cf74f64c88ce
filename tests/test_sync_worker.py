"""The worker keeps the archive current by itself: the sync on its schedule and before each weekly digest,
one worker at a time (a lease in the database), then the index; the digest then holds what arrived."""
from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from bot.compose import ServiceWorker, Wiring
from bot.settings import Settings
from bot.state.leases import Leases
from embeddings.dense.vector_index import VectorIndex
from embeddings.store import Store
from fakes import HashingEmbedder
from site_fakes import FakeSite, Trouble, meeting_doc, punkt_doc
from slack_fakes import TOKEN

CPH = ZoneInfo("Europe/Copenhagen")
UTC = dt.timezone.utc


def referat(site: FakeSite, mid: str, when: str, decision: str) -> None:
    site.add(meeting_doc(mid, "Byrådet", when, [punkt_doc(1, "Ny skatepark i bymidten", "26-000301", f"p-{mid}",
                                                          decision, "Unge ønsker en skatepark.")]))


def test_leases_go_to_one_holder_and_expire(tmp_path):
    t = [dt.datetime(2026, 11, 30, 6, tzinfo=UTC)]
    leases = Leases(Store(tmp_path / "s.db").db, clock=lambda: t[0])
    assert leases.acquire("sync", "a", dt.timedelta(minutes=10))
    assert not leases.acquire("sync", "b", dt.timedelta(minutes=10))
    t[0] += dt.timedelta(minutes=11)  # a dead holder's lease runs out
    assert leases.acquire("sync", "b", dt.timedelta(minutes=10))
    leases.release("sync", "a")  # not a's any more: nothing happens
    assert not leases.acquire("sync", "c", dt.timedelta(minutes=10))
    leases.release("sync", "b")
    assert leases.acquire("sync", "c", dt.timedelta(minutes=10))


def test_the_worker_syncs_then_brings_the_index_up(tmp_path):
    site = FakeSite()
    try:
        referat(site, "m1", "2026-11-25T17:00:00+01:00", "Byrådet vedtog at bygge en skatepark.")
        settings = Settings(home=tmp_path / "home", sources=(site.url,), today=dt.date(2026, 11, 30))
        wiring = Wiring(settings, embedder=HashingEmbedder())
        report = ServiceWorker(wiring).sync()
        assert report.new == ("m1",)
        assert VectorIndex.saved_fingerprint(settings.index_dir) == wiring.store.fingerprint()
        assert wiring.core().ask("skatepark i bymidten").hits[0].decision == "Byrådet vedtog at bygge en skatepark."
    finally:
        site.close()


def test_two_workers_never_sync_at_once(tmp_path):
    site = FakeSite()
    try:
        referat(site, "m1", "2026-11-25T17:00:00+01:00", "Vedtaget.")
        site.trouble["/api/agenda/dagsorden/m1"] = [Trouble(hang=1.0)]
        settings = Settings(home=tmp_path / "home", sources=(site.url,), today=dt.date(2026, 11, 30))
        first, second = (ServiceWorker(Wiring(settings, embedder=HashingEmbedder())) for _ in range(2))
        results: dict[str, object] = {}
        t = threading.Thread(target=lambda: results.update(first=first.sync()))
        t.start()
        while "/api/agenda/dagsorden/m1" not in site.requests:  # the first is fetching now
            threading.Event().wait(0.02)
        results["second"] = second.sync()
        t.join(30)
        assert results["second"] is None and results["first"].new == ("m1",)
        assert site.requests.count("/api/agenda/udvalgsliste") == 1
        assert second.sync().unchanged == ("m1",)  # the lease was released: the next run syncs
    finally:
        site.close()


def test_the_digest_is_built_after_a_sync_so_it_holds_what_arrived(tmp_path, fake):
    site = FakeSite()
    try:
        referat(site, "m1", "2026-11-25T17:00:00+01:00", "Byrådet vedtog at bygge en skatepark i bymidten.")
        settings = Settings(home=tmp_path / "home", sources=(site.url,), today=dt.date(2026, 11, 30),
                            digest_channel="C9", slack_bot_token=TOKEN, slack_api_url=fake.url)
        worker = ServiceWorker(Wiring(settings, embedder=HashingEmbedder()))
        worker.digest.clock = lambda: dt.datetime(2026, 11, 30, 8, 0, tzinfo=CPH)  # Monday, the digest is due
        (outcome,) = worker.digest.tick()
        assert outcome.status.value == "posted" and site.requests[0] == "/api/agenda/udvalgsliste"
        (post,) = fake.bodies("/chat.postMessage")
        assert "skatepark i bymidten" in post["text"]
        site.requests.clear()
        worker.digest.tick()  # the catch-up tick a quarter later: nothing pending, so no sync either
        assert site.requests == [] and fake.count("/chat.postMessage") == 1
    finally:
        site.close()


def test_the_worker_tells_followers_right_after_each_sync(tmp_path, fake):
    from bot.core.follow import FollowKind, Owner, OwnerKind
    from bot.state.subscriptions import SubscriptionStore

    site = FakeSite()
    try:
        referat(site, "m1", "2026-11-25T17:00:00+01:00", "Byrådet vedtog at bygge en skatepark.")
        settings = Settings(home=tmp_path / "home", sources=(site.url,), today=dt.date(2026, 11, 30),
                            slack_bot_token=TOKEN, slack_api_url=fake.url)
        worker = ServiceWorker(Wiring(settings, embedder=HashingEmbedder()))
        worker.sync()  # the archive: stored before anyone followed, so nobody is told
        subs = SubscriptionStore(worker.wiring.store.db)
        subs.follow(Owner("slack", OwnerKind.USER, "U1", "U1"), FollowKind.CASE, "26-000301", "U1", 50)
        subs.follow(Owner("slack", OwnerKind.CHANNEL, "C7", "C7"), FollowKind.TOPIC, "skatepark", "U1", 50)
        referat(site, "m2", "2026-11-27T17:00:00+01:00", "Byrådet vedtog placeringen af skateparken ved stationen.")
        assert ServiceWorker(Wiring(settings, embedder=HashingEmbedder())).sync().new == ("m2",)
        posts = {b["channel"]: b["text"] for b in fake.bodies("/chat.postMessage")}
        assert sorted(posts) == ["C7", "U1"]
        assert all("Byrådet vedtog placeringen af skateparken ved stationen." in t for t in posts.values())
        assert sorted(ServiceWorker(Wiring(settings, embedder=HashingEmbedder())).sync().unchanged) == ["m1", "m2"]
        assert fake.count("/chat.postMessage") == 2  # the next sync tells nobody again
    finally:
        site.close()


def test_a_worker_for_notifications_alone_notifies_one_at_a_time(tmp_path, fake):
    from bot.core.follow import FollowKind, Owner, OwnerKind
    from bot.state.subscriptions import SubscriptionStore
    from embeddings.ingest.files import ingest_paths
    from follow_minutes import CASE, CASE_NEXT, write

    settings = Settings(home=tmp_path / "home", slack_bot_token=TOKEN, slack_api_url=fake.url)  # no digest, no sync
    worker = ServiceWorker(Wiring(settings, embedder=HashingEmbedder()))
    assert sorted(worker.publishers) == ["slack"]
    store = worker.wiring.store
    SubscriptionStore(store.db).follow(Owner("slack", OwnerKind.USER, "U1", "U1"), FollowKind.CASE, CASE, "U1", 50)
    ingest_paths(store, [write(tmp_path / "nye", "cf.txt", CASE_NEXT)])  # `beslut ingest` in another process
    with Leases(store.db).hold("notify", dt.timedelta(minutes=5)):  # another worker is notifying right now
        assert worker.notify() is None and fake.count("/chat.postMessage") == 0
    (outcome,) = worker.notify().outcomes
    assert outcome.status.value == "sent" and fake.bodies("/chat.postMessage")[0]["channel"] == "U1"
    assert worker.notify().outcomes == () and fake.count("/chat.postMessage") == 1
