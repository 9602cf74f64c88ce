"""Where the bot has been added in Teams: conversation references in the store, for the proactive digest.

Teams sends ``conversationUpdate`` (membersAdded with the bot) when the app is added to a team, a group
chat or a personal chat; the reference (serviceUrl, conversation, bot account, tenant) is what a later
proactive post needs. It is stored without the activity id, so a post starts a new message instead of
replying to the install event.
"""
from __future__ import annotations

import datetime as dt
import json

from microsoft_agents.activity import ConversationReference

from embeddings.store import Store


def save(store: Store, reference: ConversationReference) -> str:
    """Store (or refresh) the reference for its conversation; returns the conversation id."""
    ref = reference.model_copy(update={"activity_id": None})
    conversation_id = ref.conversation.id
    data = json.dumps(ref.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO teams_conversations (conversation_id, reference, added_at) VALUES (?, ?, ?)"
            " ON CONFLICT(conversation_id) DO UPDATE SET reference = excluded.reference",
            (conversation_id, data, now))
    return conversation_id


def delete(store: Store, conversation_id: str) -> bool:
    with store.transaction() as conn:
        cur = conn.execute("DELETE FROM teams_conversations WHERE conversation_id = ?", (conversation_id,))
    return cur.rowcount > 0


def load(store: Store, conversation_id: str) -> ConversationReference | None:
    row = store.connect().execute(
        "SELECT reference FROM teams_conversations WHERE conversation_id = ?", (conversation_id,)).fetchone()
    return ConversationReference.model_validate(json.loads(row[0])) if row else None


def conversations(store: Store) -> list[tuple[str, str, str | None]]:
    """(conversation id, conversation type, name) of every stored conversation, oldest first.

    For operators choosing BESLUT_DIGEST_TEAMS: a team's id is that of its General channel.
    """
    out = []
    for cid, raw in store.connect().execute(
            "SELECT conversation_id, reference FROM teams_conversations ORDER BY added_at, conversation_id"):
        conv = json.loads(raw).get("conversation", {})
        out.append((cid, conv.get("conversationType") or "personal", conv.get("name")))
    return out
