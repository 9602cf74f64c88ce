"""Each source records the version of the parser that read it (``sources.parser``,
embeddings/ingest/files.py PARSER_VERSION): an ingest reads a file again when an older parser read it, so
an upgrade's parsing fixes reach files already stored (lost decisions, journal numbers, heads that were
refused or misread). Sources stored before have NULL and are read again on their next ingest.

Revision ID: m0008
"""
import sqlalchemy as sa
from alembic import op

revision = "m0008"
down_revision = "m0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "parser" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("sources")}:
        op.add_column("sources", sa.Column("parser", sa.Integer))
