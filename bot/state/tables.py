"""The chat state's tables (one schema definition, SQLAlchemy Core): what the bot remembers between
requests and processes. Each table has one repository that owns its SQL:

- ``digest_ledger``: bot/digest/ledger.py (a weekly digest claimed once per week and channel)
- ``seen_events``: bot/slack/seen_events.py (Slack retries answered once)
- ``teams_conversations``: bot/teams/conversations.py (where the bot was added, for proactive posts)
- ``leases``: bot/state/leases.py (a job one process runs at a time, e.g. the sync)
- ``subscriptions``: bot/state/subscriptions.py (who follows which case or topic, bot/core/follow.py)
- ``notifications``: bot/state/notifications.py (which punkt was notified to which subscription, exactly once)
- ``job_runs``: bot/state/job_runs.py (when a job last succeeded and failed, for GET /metrics)
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

digest_ledger = sa.Table(
    "digest_ledger", metadata,
    sa.Column("week", sa.Text, primary_key=True),  # "2024-W37"
    sa.Column("channel", sa.Text, primary_key=True),  # platform-qualified: "slack:C123"
    sa.Column("status", sa.Text, nullable=False),  # bot.core.results.DigestStatus
    sa.Column("claimed_at", sa.Text, nullable=False),
    sa.Column("finished_at", sa.Text),
    sa.Column("items", sa.Integer),
)

seen_events = sa.Table(
    "seen_events", metadata,
    sa.Column("event_id", sa.Text, primary_key=True),
    sa.Column("seen_at", sa.Text, nullable=False),
)

teams_conversations = sa.Table(
    "teams_conversations", metadata,
    sa.Column("conversation_id", sa.Text, primary_key=True),
    sa.Column("reference", sa.Text, nullable=False),  # the SDK's ConversationReference as JSON
    sa.Column("added_at", sa.Text, nullable=False),
)

leases = sa.Table(
    "leases", metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("owner", sa.Text, nullable=False),  # "host:pid:random"
    sa.Column("expires_at", sa.Text, nullable=False),
)

subscriptions = sa.Table(
    "subscriptions", metadata,
    sa.Column("id", sa.Text, primary_key=True),  # short id users stop it by ("k7q2m")
    sa.Column("platform", sa.Text, nullable=False),  # "slack", "teams"
    sa.Column("owner_kind", sa.Text, nullable=False),  # bot.core.follow.OwnerKind
    sa.Column("owner_id", sa.Text, nullable=False),  # user or channel id
    sa.Column("target", sa.Text, nullable=False),  # where notifications go: user id (Slack DM), channel, conversation
    sa.Column("kind", sa.Text, nullable=False),  # bot.core.follow.FollowKind
    sa.Column("query", sa.Text, nullable=False),  # journal number, KLE prefix or topic text
    sa.Column("status", sa.Text, nullable=False),  # bot.core.follow.SubscriptionStatus
    sa.Column("created_at", sa.Text, nullable=False),  # store timestamp: punkter changed after it are candidates
    sa.Column("created_by", sa.Text),  # the user who followed
    sa.Column("checked_until", sa.Text),  # punkter changed up to here have been matched (bot/notify/)
    sa.Column("status_at", sa.Text),  # when it was paused or stopped
    sa.Column("paused_reason", sa.Text),
)
# One live subscription per owner and query: two racing "følg" make one.
sa.Index("subscriptions_live", subscriptions.c.platform, subscriptions.c.owner_kind, subscriptions.c.owner_id,
         subscriptions.c.kind, subscriptions.c.query, unique=True,
         sqlite_where=subscriptions.c.status != "stopped", postgresql_where=subscriptions.c.status != "stopped")

notifications = sa.Table(
    "notifications", metadata,
    sa.Column("subscription_id", sa.Text, sa.ForeignKey("subscriptions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("punkt_uid", sa.Text, primary_key=True),  # embeddings.minutes.Punkt.uid
    sa.Column("content_hash", sa.Text, primary_key=True),  # the punkt's content when it was matched
    sa.Column("decision_hash", sa.Text, nullable=False),  # sha256 of the decision text shown
    sa.Column("status", sa.Text, nullable=False),  # bot.notify.ledger statuses
    sa.Column("amended", sa.Integer, nullable=False, server_default="0"),  # shown as 'ændret'
    sa.Column("run", sa.Text),  # the notify run that claimed it
    sa.Column("claimed_at", sa.Text, nullable=False),
    sa.Column("finished_at", sa.Text),
    sa.Column("reason", sa.Text),  # why it failed (ids and codes only)
)

job_runs = sa.Table(
    "job_runs", metadata,
    sa.Column("name", sa.Text, primary_key=True),  # "sync"
    sa.Column("succeeded_at", sa.Text),  # UTC ISO stamps (embeddings.store.stamp)
    sa.Column("failed_at", sa.Text),
)
