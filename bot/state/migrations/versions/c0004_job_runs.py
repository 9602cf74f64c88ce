"""Job runs: when a scheduled job (the sync) last finished and last failed, for GET /metrics.

Revision ID: c0004
"""
import sqlalchemy as sa
from alembic import op

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("succeeded_at", sa.Text),
        sa.Column("failed_at", sa.Text),
    )
