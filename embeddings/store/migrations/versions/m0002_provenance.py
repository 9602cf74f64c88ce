"""Provenance from publication sites: where a meeting and a punkt are published (deep links), whether the
site called the meeting concluded, and each punkt's attachments (bilag) with their ids.

Revision ID: m0002
"""
import sqlalchemy as sa
from alembic import op

revision = "m0002"
down_revision = "m0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("meetings", sa.Column("source_url", sa.Text))
    op.add_column("meetings", sa.Column("source_id", sa.Text))
    op.add_column("meetings", sa.Column("concluded", sa.Integer))
    op.create_index("meetings_source", "meetings", ["source_url", "source_id"])
    op.add_column("punkter", sa.Column("source_id", sa.Text))
    op.create_table(
        "attachments",
        sa.Column("punkt_id", sa.Integer, sa.ForeignKey("punkter.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("source_id", sa.Text),
    )
