"""The composition root: Settings -> store, model, index, core, web app, publishers, worker.

Nothing else wires objects: the CLI, Slack, Teams, the digest and notifications receive what they need from
here. ``main`` is the `beslut` console script (pyproject) and ``python -m bot``.

- ``knowledge``: the store (SQLite or PostgreSQL), migrations, the model, the index, the core, the sync
- ``web``: the web process's platforms, readiness and metrics
- ``chat``: digest targets and builder, notification publishers, topic matching
- ``wiring``: ``Wiring``, what the CLI's commands run on
- ``worker``: ``ServiceWorker``, `beslut worker`
"""
from __future__ import annotations

from bot.cli import main as cli
from bot.compose.chat import digest_builder, digest_targets, notify_publishers, topic_answers
from bot.compose.knowledge import (case_core, core_options, index_store, load_embedder, migrate, open_core,
                                   open_store, schema_owners, sync_sources, update_index)
from bot.compose.web import check_web_settings, slack_bolt_app, web_app, web_mounts
from bot.compose.wiring import Wiring
from bot.compose.worker import ServiceWorker

__all__ = ["ServiceWorker", "Wiring", "case_core", "check_web_settings", "core_options", "digest_builder",
           "digest_targets", "index_store", "load_embedder", "main", "migrate", "notify_publishers", "open_core",
           "open_store", "schema_owners", "slack_bolt_app", "sync_sources", "topic_answers", "update_index",
           "web_app", "web_mounts"]


def main(argv: list[str] | None = None) -> int:
    return cli.run(argv, Wiring)
