"""Sub-numbered punkter ("Punkt 3a", "Punkt 5.1"): ``punkter.suffix`` holds what follows the number ("a",
".1"; "" for a plain number), and a meeting's punkter are unique by number and suffix. Until now minutes with
"Punkt 5.1" and "Punkt 5.2" were refused whole as holding punkt 5 twice.

SQLite cannot drop a table's unnamed UNIQUE constraint, so the table is rebuilt (batch mode; Database.migrate
turns foreign keys off for it, so the sections and attachments that point at the punkter are kept).

Revision ID: m0009
"""
import sqlalchemy as sa
from alembic import op

revision = "m0009"
down_revision = "m0008"
branch_labels = None
depends_on = None

NEW_KEY = "punkter_meeting_id_number_suffix_key"


def _punkter_before() -> sa.Table:
    """The punkter table as m0001-m0008 made it, its unnamed UNIQUE given a name here so that it can be dropped:
    batch mode copies from this instead of reflecting SQLite, whose reflection loses ON DELETE CASCADE."""
    return sa.Table(
        "punkter", sa.MetaData(),
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
        sa.Column("source_id", sa.Text),
        sa.Column("changed_at", sa.Text),
        sa.Column("source_path", sa.Text),
        sa.UniqueConstraint("meeting_id", "number", name="old_key"),
        sa.Index("punkter_journal", "journal"),
        sa.Index("punkter_first_seen", "first_seen"),
        sa.Index("punkter_changed_at", "changed_at"),
    )


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    if "suffix" in {c["name"] for c in inspector.get_columns("punkter")}:
        return
    suffix = sa.Column("suffix", sa.Text, nullable=False, server_default="")
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table("punkter", recreate="always", copy_from=_punkter_before()) as batch:
            batch.add_column(suffix)
            batch.drop_constraint("old_key", type_="unique")
            batch.create_unique_constraint(NEW_KEY, ["meeting_id", "number", "suffix"])
        return
    op.add_column("punkter", suffix)
    for constraint in inspector.get_unique_constraints("punkter"):
        if constraint["column_names"] == ["meeting_id", "number"]:
            op.drop_constraint(constraint["name"], "punkter", type_="unique")
    op.create_unique_constraint(NEW_KEY, "punkter", ["meeting_id", "number", "suffix"])
