"""Alembic's entry for the minutes store's migrations (run by embeddings.db.Database.migrate)."""
from alembic import context

from embeddings.db import run_migrations

run_migrations(context)
