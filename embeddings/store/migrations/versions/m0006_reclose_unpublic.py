"""The closed rule learned the other Danish wordings of "not public": "Personalesag (ikke offentlig)", "Ikke
offentligt punkt", "Punktet er undtaget fra offentlighed", "Ikke til offentliggørelse", "Fortroligt punkt", and
the dividers "Lukket del af mødet", "Punkter på lukket dagsorden", "Lukket møde – punkt 3-4": re-apply it to
what earlier versions stored open (embeddings/store/reclose.py), as m0004 did.

Revision ID: m0006
"""
from alembic import op

from embeddings.store.reclose import reclose

revision = "m0006"
down_revision = "m0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    reclose(op.get_bind())
