"""`beslut serve`, `beslut worker`, `beslut digest`: the chat processes (Procfile `web` and `worker`).

Configuration is checked before anything slow happens (loading the model), so a missing secret is a clear
Danish message and a non-zero exit at start-up, not a failure on the first request.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Sequence

from bot import messages
from bot.digest import DigestBuilder, IsoWeek, previous_complete_week, zone
from bot.errors import ConfigError
from bot.ledger import DigestLedger, Status
from bot.ports import Publisher
from bot.presentation import digest_reply
from bot.settings import Settings
from bot.web import Mount, missing_slack_settings, slack_configured
from bot.worker import DigestWorker, Outcome, parse_cron, run_digest
from embeddings.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="start webprocessen: Slack på POST /slack/events (Procfile 'web')")
    p.add_argument("--port", type=port_argument, help="port (standard: $PORT, ellers 3000)")
    p.add_argument("--host", default="0.0.0.0", help="adresse (standard 0.0.0.0)")
    p.add_argument("--socket-mode", action="store_true",
                   help="Slack via Socket Mode uden offentlig URL (kræver SLACK_APP_TOKEN)")
    p.set_defaults(run=run_serve)
    p = sub.add_parser("worker", help="send ugens beslutninger efter planen (BESLUT_DIGEST_CRON, standard "
                                      "mandag 08:00) (Procfile 'worker')")
    p.set_defaults(run=run_worker)
    p = sub.add_parser("digest", help="send ugens beslutninger nu: beslut digest [--week 2024-W37] [--dry-run]")
    p.add_argument("--week", help="ISO-uge, fx 2024-W37 (standard: sidste hele uge)")
    p.add_argument("--dry-run", action="store_true", help="vis beskeden uden at sende den eller skrive i loggen")
    p.add_argument("--channel", help="Slack-kanalens id, fx C0123456789 (i stedet for BESLUT_DIGEST_CHANNEL)")
    p.add_argument("--force", action="store_true",
                   help="send igen, selv om loggen siger sendt eller uvist (se efter i kanalen først)")
    p.set_defaults(run=run_digest_command)


# --- web ---------------------------------------------------------------------------------------
def port_argument(text: str) -> int:
    """--port: 0-65535 (a larger number would only fail in the socket call, after the model has loaded)."""
    if not re.fullmatch(r"[0-9]{1,5}", text) or int(text) > 65535:
        raise argparse.ArgumentTypeError(messages.render("port_arg_invalid", text=text))
    return int(text)


def check_web_settings(settings: Settings, socket_mode: bool) -> None:
    if socket_mode:
        if not settings.slack_app_token:
            raise ConfigError("slack_socket_needs_app_token")
        missing = missing_slack_settings(settings, socket_mode=True)
    elif slack_configured(settings) or not settings.teams_enabled:
        missing = missing_slack_settings(settings)
    else:
        missing = []  # a Teams-only deployment
    if missing:
        raise ConfigError("slack_missing_config", names=" og ".join(missing))
    if settings.teams_enabled:
        from bot.teams_adapter import auth_configuration

        auth_configuration(settings)  # inconsistent Teams settings: a Danish message before the model loads


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    check_web_settings(settings, args.socket_mode)
    from bot.compose import open_live_core

    store = Store(settings.store_path)
    core = open_live_core(settings, store)  # the model loads once, before the port opens
    if args.socket_mode:
        serve_socket_mode(settings, core, store)
    else:
        serve_http(settings, core, store, args.host, args.port)
    return 0


def web_mounts(settings: Settings, core, store: Store) -> list[Mount]:
    """Routes of other platforms on the same app: Teams (POST /api/messages) when it is configured."""
    if not settings.teams_enabled:
        return []
    from bot.teams_adapter import mount_teams

    return [mount_teams(settings, core, store)]


def serve_http(settings: Settings, core, store: Store, host: str = "0.0.0.0", port: int | None = None,
               mounts: Sequence[Mount] | None = None) -> None:
    """One uvicorn process (workers=1: the model is loaded once); concurrency comes from threads."""
    import uvicorn

    from bot.web import create_app

    app = create_app(settings, core, store, mounts=web_mounts(settings, core, store) if mounts is None else mounts)
    uvicorn.run(app, host=host, port=settings.port if port is None else port, workers=1, log_level="info",
                proxy_headers=True, server_header=False)


def serve_socket_mode(settings: Settings, core, store: Store) -> None:  # pragma: no cover - needs Slack
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.ledger import SeenEvents
    from bot.slack_app import build_slack_app
    from bot.slack_publisher import web_client

    bolt = build_slack_app(core, settings, web_client(settings), SeenEvents(store))
    SocketModeHandler(bolt, app_token=settings.slack_app_token).start()


# --- digest ------------------------------------------------------------------------------------
def digest_targets(settings: Settings, store: Store, channel: str | None = None) -> list[tuple[Publisher, str]]:
    """Where the digest goes: BESLUT_DIGEST_CHANNEL (Slack) and BESLUT_DIGEST_TEAMS (Teams conversations).

    ``channel`` (--channel) replaces them with one target: a ledger key such as "slack:C0123456789" or
    "teams:19:…@thread.tacv2", or a bare Slack channel id.
    """
    if channel:
        platform, sep, rest = channel.partition(":")
        wanted = {platform: (rest,)} if sep and platform in ("slack", "teams") else {"slack": (channel,)}
    else:
        wanted = {"slack": (settings.digest_channel,) if settings.digest_channel else (),
                  "teams": settings.digest_teams_conversations}
    targets: list[tuple[Publisher, str]] = []
    if wanted.get("slack"):
        if not settings.slack_bot_token:
            raise ConfigError("slack_missing_config", names="SLACK_BOT_TOKEN")
        from bot.slack_publisher import SlackPublisher, web_client

        publisher = SlackPublisher(web_client(settings, retries=False))
        targets += [(publisher, c) for c in wanted["slack"]]
    if wanted.get("teams"):
        from bot.teams_publisher import teams_digest_targets

        targets += teams_digest_targets(settings.with_(digest_teams_conversations=tuple(wanted["teams"])), store)
    if not targets:
        raise ConfigError("digest_no_targets")
    return targets


def digest_builder(settings: Settings, store: Store, tz) -> DigestBuilder:
    """Digest hits are built by the core, so citations and source links equal the answers'."""
    from bot.core import Beslut, CoreOptions

    core = Beslut(store, retriever=None, options=CoreOptions(settings.source_url_template))  # no index needed
    return DigestBuilder(store, core.hit, tz)


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    tz = zone(settings.timezone)
    trigger = parse_cron(settings.digest_cron, tz)
    store = Store(settings.store_path)
    targets = digest_targets(settings, store)
    print(messages.render("digest_worker_started", cron=settings.digest_cron, timezone=settings.timezone,
                          targets=", ".join(f"{p.platform}:{t}" for p, t in targets)), file=sys.stderr)
    DigestWorker(store, digest_builder(settings, store, tz), targets, trigger, tz,
                 settings.digest_post_empty).run_forever()
    return 0


def run_digest_command(args: argparse.Namespace, settings: Settings) -> int:
    tz = zone(settings.timezone)
    now = dt.datetime.now(dt.timezone.utc)
    week = IsoWeek.parse(args.week) if args.week else previous_complete_week(now, tz)
    store = Store(settings.store_path)
    build = digest_builder(settings, store, tz)
    if args.dry_run:
        from bot.render_text import printable

        print(printable(digest_reply(build(week, DigestLedger(store).last_cutoff(str(week)), now)).fallback))
        return 0
    outcomes = run_digest(store, build, digest_targets(settings, store, args.channel), week, now,
                          settings.digest_post_empty, args.force)
    for o in outcomes:
        print(outcome_line(o, week))
    return 1 if any(o.status in (Status.FAILED, Status.UNCERTAIN, Status.CLAIMED) and not o.in_flight
                    for o in outcomes) else 0


def outcome_line(o: Outcome, week: IsoWeek) -> str:
    if o.in_flight:  # another run holds the claim and is sending now: nothing to do, and never --force
        return messages.render("digest_in_progress", channel=o.channel, week=week, claimed_at=o.claimed_at)
    if o.status is Status.CLAIMED:  # claimed by a run that died mid-post: it may have posted
        return messages.render("digest_interrupted", channel=o.channel, week=week, claimed_at=o.claimed_at,
                               target=o.channel)
    if o.status is Status.UNCERTAIN:  # a run (this or an earlier one) sent it and lost track of it
        return messages.render("digest_uncertain", channel=o.channel, week=week, target=o.channel)
    if o.already:
        return messages.render("digest_already", channel=o.channel, week=week, claimed_at=o.claimed_at,
                               status=messages.DIGEST_STATUS.get(o.status.value, o.status.value))
    if o.status is Status.POSTED:
        return messages.render("digest_posted", channel=o.channel, week=week, items=o.items)
    if o.status is Status.EMPTY:
        return messages.render("digest_empty_skipped", channel=o.channel, week=week)
    return messages.render("digest_failed", channel=o.channel, week=week)
