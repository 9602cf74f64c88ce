"""The minutes store as it stood before Alembic (the sqlite3 migrations 1-4 in embeddings/store/legacy.py,
without the chat tables, which the chat state owns now). A store made by those is stamped at this revision.

Revision ID: m0001
"""
import sqlalchemy as sa
from alembic import op

revision = "m0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("committee", sa.Text, nullable=False),
        sa.Column("date", sa.Text, nullable=False),
        sa.Column("start_time", sa.Text),
        sa.Column("location", sa.Text),
        sa.Column("participants", sa.Text, nullable=False, server_default="[]"),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("source_sha256", sa.Text, nullable=False),
    )
    op.create_index("meetings_key", "meetings", ["committee", "date", sa.text("COALESCE(start_time, '')")],
                    unique=True)
    op.create_table(
        "punkter",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("raw_title", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("time_slot", sa.Text),
        sa.Column("journal", sa.Text),
        sa.Column("kle_emne", sa.Text),
        sa.Column("kle_facet", sa.Text),
        sa.Column("kle_serial", sa.Integer),
        sa.Column("kle_year", sa.Integer),
        sa.Column("closed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("first_seen", sa.Text, nullable=False),
        sa.UniqueConstraint("meeting_id", "number"),
    )
    op.create_index("punkter_journal", "punkter", ["journal"])
    op.create_index("punkter_first_seen", "punkter", ["first_seen"])
    op.create_table(
        "sections",
        sa.Column("punkt_id", sa.Integer, sa.ForeignKey("punkter.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("heading", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "sources",
        sa.Column("path", sa.Text, primary_key=True),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id", ondelete="SET NULL")),
        sa.Column("ingested_at", sa.Text, nullable=False),
    )
    op.create_index("sources_sha", "sources", ["sha256"])
