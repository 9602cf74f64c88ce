"""When a punkt's content last changed (``punkter.changed_at``): set when it is first stored and whenever its
content hash changes, kept when a file is re-ingested unchanged. Notifications to followers (bot/notify/) look
for punkter changed since they last looked. Existing punkter start at their ``first_seen``.

Revision ID: m0003
"""
import sqlalchemy as sa
from alembic import op

revision = "m0003"
down_revision = "m0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("punkter", sa.Column("changed_at", sa.Text))
    op.execute("UPDATE punkter SET changed_at = first_seen")  # (nullable: no table rebuild; the store always sets it)
    op.create_index("punkter_changed_at", "punkter", ["changed_at"])
