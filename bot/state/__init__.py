"""The bot's own state (ledgers, event de-duplication, conversation references): its tables
(``tables.py``) and migrations (``migrations/``, own version table), apart from the minutes store's."""
from pathlib import Path

from embeddings.db import Migrations

CHAT = Migrations("chat", Path(__file__).with_name("migrations"), "beslut_chat_version")
