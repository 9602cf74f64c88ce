"""A file owns the punkter it holds (``punkter.source_path``): a second file for a meeting (a supplementary
agenda, a tillægsdagsorden JSON) adds its punkter instead of replacing the meeting, and re-ingesting a file
replaces only what it held (embeddings/store/repository.py, ``replace_minutes``). Existing punkter keep NULL:
they belong to their meeting's ``source_path``.

Sources whose meeting the earlier rule deleted (``meeting_id`` NULL: another file for the same meeting replaced
it) are forgotten, so those files are read in again instead of being reported unchanged with their content gone.

Revision ID: m0005
"""
import sqlalchemy as sa
from alembic import op

revision = "m0005"
down_revision = "m0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # nullable: no table rebuild. A store whose version table was set back by hand (tests of earlier
    # revisions rewind today's tables) may have the column already.
    if "source_path" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("punkter")}:
        op.add_column("punkter", sa.Column("source_path", sa.Text))
    op.execute("DELETE FROM sources WHERE meeting_id IS NULL")
