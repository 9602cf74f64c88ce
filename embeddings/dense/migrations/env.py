"""Alembic's entry for the vector index's tables (used when the index lives in the database)."""
from alembic import context

from embeddings.db import run_migrations

run_migrations(context)
