"""The reads before a chat reply, as two SQL statements (the limits are read by parley.chat.limits).

They run for every message, ahead of the model's request, so they sit on the path to the
first token. Through the ORM they were five queries whose building cost about four times
the database's own work (bench/README.md, "chat_stream.py"); here they are plain SQL over
the chat app's own tables. tests/test_reads.py checks them against the ORM, so a change to
the models cannot leave them behind unnoticed.
"""

from dataclasses import dataclass

from django.db import connection

from parley.groups.models import Membership

from .models import ChatModel, Conversation, Message, Provider


@dataclass(frozen=True)
class ReplyContext:
    """A person's conversation with its model and provider, and whether they may use it."""

    conversation: Conversation
    model: ChatModel | None  # with .provider set (None for the demo model)
    model_allowed: bool  # open to everyone, or to one of the person's groups


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Table names come from the models' metadata, every value from a parameter.
_CONTEXT_SQL = f"""
    SELECT c.id, c.title,
           m.id, m.kind, m.name, m.label, m.enabled, m.is_default,
           p.id, p.name, p.base_url, p.api_key_encrypted, p.timeout_seconds,
           m.for_everyone OR EXISTS (
               SELECT 1 FROM {_table(ChatModel.groups.through)} mg
               JOIN {_table(Membership)} gm ON gm.group_id = mg.group_id
               WHERE mg.chatmodel_id = m.id AND gm.user_id = c.user_id)
    FROM {_table(Conversation)} c
    LEFT JOIN {_table(ChatModel)} m ON m.id = c.model_id
    LEFT JOIN {_table(Provider)} p ON p.id = m.provider_id
    WHERE c.user_id = %s AND c.public_id = %s
"""  # noqa: S608

_RECENT_SQL = f"""
    SELECT id, role, content FROM {_table(Message)}
    WHERE conversation_id = %s AND superseded = %s ORDER BY id DESC LIMIT %s
"""  # noqa: S608


def reply_context(*, user, public_id: str) -> ReplyContext | None:
    """`user`'s conversation `public_id` (None if they have none such), its model, and
    whether its model is open to them."""
    with connection.cursor() as cursor:
        cursor.execute(_CONTEXT_SQL, [user.pk, public_id])
        row = cursor.fetchone()
    if row is None:
        return None
    (conversation_id, title,
     model_id, kind, name, label, enabled, is_default,
     provider_id, provider_name, base_url, api_key_encrypted, timeout_seconds,
     allowed) = row  # fmt: skip
    model = None
    if model_id is not None:
        provider = None
        if provider_id is not None:
            provider = Provider(
                id=provider_id,
                name=provider_name,
                base_url=base_url,
                api_key_encrypted=api_key_encrypted,
                timeout_seconds=timeout_seconds,
            )
        model = ChatModel(
            id=model_id,
            kind=kind,
            provider=provider,
            name=name,
            label=label,
            enabled=bool(enabled),
            is_default=bool(is_default),
        )
    conversation = Conversation(
        id=conversation_id,
        public_id=public_id,
        user=user,
        title=title,
        model=model,
    )
    return ReplyContext(
        conversation=conversation,
        model=model,
        model_allowed=bool(allowed),
    )


def recent_messages(*, conversation_id: int, count: int) -> list[tuple[int, str, str]]:
    """The conversation's last `count` messages as (id, role, content), newest first,
    leaving out those an edit or a regenerated answer replaced."""
    with connection.cursor() as cursor:
        cursor.execute(_RECENT_SQL, [conversation_id, False, count])
        return cursor.fetchall()
