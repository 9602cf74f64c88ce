"""Where the bot has been added in Teams: conversation references in the store, for the proactive digest.

Teams sends ``conversationUpdate`` (membersAdded with the bot) when the app is added to a team, a group
chat or a personal chat; the reference (serviceUrl, conversation, bot account, tenant) is what a later
proactive post needs. It is stored without the activity id, so a post starts a new message instead of
replying to the install event.
"""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from microsoft_agents.activity import ConversationReference

from bot.state import CHAT
from bot.state.tables import teams_conversations as T
from embeddings.db import Database, upsert


class TeamsConversations:
    """The repository of conversation references (table ``teams_conversations``)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.migrate(CHAT)

    def save(self, reference: ConversationReference) -> str:
        """Store (or refresh) the reference for its conversation; returns the conversation id."""
        ref = reference.model_copy(update={"activity_id": None})
        data = json.dumps(ref.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False)
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self.db.write() as conn:
            upsert(conn, T, ["conversation_id"], {"conversation_id": ref.conversation.id, "reference": data,
                                                  "added_at": now}, update=["reference"])
        return ref.conversation.id

    def delete(self, conversation_id: str) -> bool:
        with self.db.write() as conn:
            return conn.execute(sa.delete(T).where(T.c.conversation_id == conversation_id)).rowcount > 0

    def load(self, conversation_id: str) -> ConversationReference | None:
        with self.db.read() as conn:
            raw = conn.execute(sa.select(T.c.reference).where(T.c.conversation_id == conversation_id)).scalar()
        return ConversationReference.model_validate(json.loads(raw)) if raw else None

    def all(self) -> list[tuple[str, str, str | None]]:
        """(conversation id, conversation type, name) of every stored conversation, oldest first.

        For operators choosing BESLUT_DIGEST_TEAMS: a team's id is that of its General channel.
        """
        with self.db.read() as conn:
            rows = conn.execute(sa.select(T.c.conversation_id, T.c.reference)
                                .order_by(T.c.added_at, T.c.conversation_id)).all()
        out = []
        for cid, raw in rows:
            conv = json.loads(raw).get("conversation", {})
            out.append((cid, conv.get("conversationType") or "personal", conv.get("name")))
        return out
