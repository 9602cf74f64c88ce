"""The chat state's tables (one schema definition, SQLAlchemy Core): what the bot remembers between
requests and processes. Each table has one repository that owns its SQL:

- ``digest_ledger``: bot/digest/ledger.py (a weekly digest claimed once per week and channel)
- ``seen_events``: bot/slack/seen_events.py (Slack retries answered once)
- ``teams_conversations``: bot/teams/conversations.py (where the bot was added, for proactive posts)
- ``leases``: bot/state/leases.py (a job one process runs at a time, e.g. the sync)
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
