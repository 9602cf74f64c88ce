"""The minutes store's tables: the one schema definition every query uses (SQLAlchemy Core).

Dates and times are ISO text (they sort and compare as text on SQLite and PostgreSQL alike); timestamps
are UTC ISO text with microseconds (``embeddings.store.stamp``). The migration history that creates these
tables lives in ``migrations/`` beside this file, with its own version table.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

meetings = sa.Table(
    "meetings", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("committee", sa.Text, nullable=False),
    sa.Column("date", sa.Text, nullable=False),
    sa.Column("start_time", sa.Text),
    sa.Column("location", sa.Text),
    sa.Column("participants", sa.Text, nullable=False, server_default="[]"),  # JSON list of names
    sa.Column("source_path", sa.Text, nullable=False),
    sa.Column("source_sha256", sa.Text, nullable=False),
    sa.Column("source_url", sa.Text),  # a publication site's base URL
    sa.Column("source_id", sa.Text),  # the meeting's id there
    sa.Column("concluded", sa.Integer),  # the site called it concluded (Afsluttet) when read; NULL: a file
)

punkter = sa.Table(
    "punkter", metadata,
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
    sa.Column("source_id", sa.Text),  # the punkt's id on its publication site
    sa.Column("changed_at", sa.Text),  # first stored, or its content hash last changed (always set by the store)
    sa.Column("source_path", sa.Text),  # the file that holds it; NULL (stored before m0005): the meeting's file
    sa.Column("suffix", sa.Text, nullable=False, server_default=""),  # "a" of "Punkt 3a", ".1" of "Punkt 5.1"
    sa.UniqueConstraint("meeting_id", "number", "suffix", name="punkter_meeting_id_number_suffix_key"),
)

sections = sa.Table(
    "sections", metadata,
    sa.Column("punkt_id", sa.Integer, sa.ForeignKey("punkter.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("heading", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

attachments = sa.Table(
    "attachments", metadata,
    sa.Column("punkt_id", sa.Integer, sa.ForeignKey("punkter.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("source_id", sa.Text),
)

sources = sa.Table(
    "sources", metadata,
    sa.Column("path", sa.Text, primary_key=True),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id", ondelete="SET NULL")),
    sa.Column("ingested_at", sa.Text, nullable=False),
    sa.Column("parser", sa.Integer),  # the parser version that read it (NULL: before m0008); older ones read again
)

sa.Index("meetings_key", meetings.c.committee, meetings.c.date, sa.func.coalesce(meetings.c.start_time, ""),
         unique=True)
sa.Index("meetings_source", meetings.c.source_url, meetings.c.source_id)
sa.Index("punkter_journal", punkter.c.journal)
sa.Index("punkter_first_seen", punkter.c.first_seen)
sa.Index("punkter_changed_at", punkter.c.changed_at)
sa.Index("sources_sha", sources.c.sha256)
