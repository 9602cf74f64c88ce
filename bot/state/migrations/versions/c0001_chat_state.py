"""The chat state as the store's sqlite3 migration 2 created it; tables that exist already (a store made
before Alembic) are adopted as they are.

Revision ID: c0001
"""
import sqlalchemy as sa
from alembic import op

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_ledger",
        sa.Column("week", sa.Text, primary_key=True),
        sa.Column("channel", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("claimed_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text),
        sa.Column("items", sa.Integer),
        if_not_exists=True,
    )
    op.create_table(
        "seen_events",
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column("seen_at", sa.Text, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "teams_conversations",
        sa.Column("conversation_id", sa.Text, primary_key=True),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("added_at", sa.Text, nullable=False),
        if_not_exists=True,
    )
