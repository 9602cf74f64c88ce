"""The minutes store: its repository (``Store``), its tables (``schema``) and their migrations."""
from embeddings.store.repository import MINUTES, Changed, MeetingSummary, PublishedMeeting, Store, stamp

__all__ = ["MINUTES", "Changed", "MeetingSummary", "PublishedMeeting", "Store", "stamp"]
