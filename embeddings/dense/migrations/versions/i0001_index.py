"""The vector index in the database: one row of manifest, one row per chunk with its vector.

Revision ID: i0001
"""
import sqlalchemy as sa
from alembic import op

revision = "i0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "index_manifest",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("format", sa.Integer, nullable=False),
        sa.Column("model_id", sa.Text, nullable=False),
        sa.Column("dimension", sa.Integer, nullable=False),
        sa.Column("chunking", sa.Text, nullable=False),
        sa.Column("store_fingerprint", sa.Text, nullable=False),
    )
    op.create_table(
        "index_chunks",
        sa.Column("uid", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
