"""The closed rule learned "Punktet behandles som lukket punkt", "Sagen er fortrolig" and the divider of text
minutes ("LUKKEDE PUNKTER"): re-apply it to what earlier versions stored open (embeddings/store/reclose.py).

Revision ID: m0004
"""
from alembic import op

from embeddings.store.reclose import reclose

revision = "m0004"
down_revision = "m0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    reclose(op.get_bind())
