"""The minutes store: its repository (``Store``), its tables (``schema``) and their migrations."""
from embeddings.store.repository import MINUTES, MeetingSummary, Store, stamp

__all__ = ["MINUTES", "MeetingSummary", "Store", "stamp"]
