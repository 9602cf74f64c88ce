"""The closed rule learned more wordings: "Salg af aktier (Lukket pkt.)", "(lukket dagsordenspunkt)", "Punktet
blev behandlet på lukket møde.", "Lukket jf. KL § 10, stk. 2", "Punktet er omfattet af tavshedspligt.",
"Punktet offentliggøres ikke.", "Sagen er undtaget aktindsigt", "Lukket beslutning.", "(L) Køb af jord",
"Status: Lukket", "Offentlighed: Nej", "Beslutningen er fortrolig.": re-apply it to what
earlier versions stored open (embeddings/store/reclose.py), as m0004 and m0006 did. (An item of FirstAgenda
JSON that only a field of its own marked closed, "Access": "Lukket", can only be closed by ingesting its file
again: the fields are not stored.)

Revision ID: m0007
"""
from alembic import op

from embeddings.store.reclose import reclose

revision = "m0007"
down_revision = "m0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    reclose(op.get_bind())
