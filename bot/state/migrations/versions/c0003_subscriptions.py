"""Following a case or a topic: subscriptions, and the notification ledger that tells each once.

Revision ID: c0003
"""
import sqlalchemy as sa
from alembic import op

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("owner_kind", sa.Text, nullable=False),
        sa.Column("owner_id", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text),
        sa.Column("checked_until", sa.Text),
        sa.Column("status_at", sa.Text),
        sa.Column("paused_reason", sa.Text),
    )
    live = sa.text("status != 'stopped'")
    op.create_index("subscriptions_live", "subscriptions", ["platform", "owner_kind", "owner_id", "kind", "query"],
                    unique=True, sqlite_where=live, postgresql_where=live)
    op.create_table(
        "notifications",
        sa.Column("subscription_id", sa.Text, sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("punkt_uid", sa.Text, primary_key=True),
        sa.Column("content_hash", sa.Text, primary_key=True),
        sa.Column("decision_hash", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("amended", sa.Integer, nullable=False, server_default="0"),
        sa.Column("run", sa.Text),
        sa.Column("claimed_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text),
        sa.Column("reason", sa.Text),
    )
