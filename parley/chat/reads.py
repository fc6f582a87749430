"""The reads before a chat reply, as two SQL statements.

They run for every message, ahead of the model's request, so they sit on the path to the
first token. Through the ORM they were five queries whose building cost about four times
the database's own work (bench/README.md, "chat_stream.py"); here they are plain SQL over
the chat app's own tables. tests/test_reads.py checks them against the ORM, so a change to
the models cannot leave them behind unnoticed.
"""

import datetime
from dataclasses import dataclass

from django.db import connection

from .models import ChatModel, ChatSettings, Conversation, DailyUsage, Message, Provider, UserLimit


@dataclass(frozen=True)
class ReplyContext:
    """A person's conversation with its model and provider, and their limit for today."""

    conversation: Conversation
    model: ChatModel | None  # with .provider set (None for the demo model)
    limit: int | None  # messages a day; None: unlimited
    messages_today: int


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Table names come from the models' metadata, every value from a parameter.
_CONTEXT_SQL = f"""
    SELECT c.id, c.title,
           m.id, m.kind, m.name, m.label, m.enabled, m.is_default,
           p.id, p.name, p.base_url, p.api_key_encrypted, p.timeout_seconds,
           ul.id, ul.messages_per_day,
           (SELECT s.messages_per_day FROM {_table(ChatSettings)} s WHERE s.id = 1),
           COALESCE(du.messages, 0)
    FROM {_table(Conversation)} c
    LEFT JOIN {_table(ChatModel)} m ON m.id = c.model_id
    LEFT JOIN {_table(Provider)} p ON p.id = m.provider_id
    LEFT JOIN {_table(UserLimit)} ul ON ul.user_id = c.user_id
    LEFT JOIN {_table(DailyUsage)} du ON du.user_id = c.user_id AND du.day = %s
    WHERE c.user_id = %s AND c.public_id = %s
"""  # noqa: S608

_RECENT_SQL = f"""
    SELECT id, role, content FROM {_table(Message)}
    WHERE conversation_id = %s ORDER BY id DESC LIMIT %s
"""  # noqa: S608


def reply_context(*, user, public_id: str, day: datetime.date) -> ReplyContext | None:
    """`user`'s conversation `public_id` (None if they have none such), its model, and
    their daily limit (a personal override, else the instance's) with `day`'s count."""
    with connection.cursor() as cursor:
        cursor.execute(
            _CONTEXT_SQL, [connection.ops.adapt_datefield_value(day), user.pk, public_id]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    (conversation_id, title,
     model_id, kind, name, label, enabled, is_default,
     provider_id, provider_name, base_url, api_key_encrypted, timeout_seconds,
     override_id, override, instance_limit, messages_today) = row  # fmt: skip
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
        limit=override if override_id is not None else instance_limit,
        messages_today=messages_today,
    )


def recent_messages(*, conversation_id: int, count: int) -> list[tuple[int, str, str]]:
    """The conversation's last `count` messages as (id, role, content), newest first."""
    with connection.cursor() as cursor:
        cursor.execute(_RECENT_SQL, [conversation_id, count])
        return cursor.fetchall()
