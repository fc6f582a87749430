"""The UPDATEs of every chat message, as plain SQL (reads.py does the same for its reads).

A message runs five: its day's usage twice (the message, then the answer's tokens), the
conversation twice, and the finished answer. Through the ORM (a filter, F() expressions,
compiling) they cost ~4 ms of the ~7 ms of CPU a message spends in the database threads,
on the path of every stream in a burst (bench/README.md, issue 16); here each is a fixed
statement. Tables and columns come from the models' metadata, every value from a parameter
adapted by Django's backend; tests/test_writes.py checks each against the ORM's result.
"""

import datetime
from functools import cache

from django.db import connection

from .models import Conversation, DailyUsage, Message


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


@cache  # per database vendor
def _usage_sql(vendor: str) -> str:
    c = {f: _column(DailyUsage, f) for f in ("messages", "prompt_tokens", "completion_tokens",
                                             "estimated_tokens", "user", "day")}  # fmt: skip
    return (
        f"UPDATE {_table(DailyUsage)} SET {c['messages']} = {c['messages']} + %s, "  # noqa: S608
        f"{c['prompt_tokens']} = {c['prompt_tokens']} + %s, "
        f"{c['completion_tokens']} = {c['completion_tokens']} + %s, "
        f"{c['estimated_tokens']} = ({c['estimated_tokens']} OR %s) "
        f"WHERE {c['user']} = %s AND {c['day']} = %s"
    )


_FINISHED = ("content", "html", "status", "error_code", "error_message", "prompt_tokens",
             "completion_tokens", "tokens_estimated")  # fmt: skip


@cache
def _finish_sql(vendor: str) -> str:
    sets = ", ".join(f"{_column(Message, f)} = %s" for f in _FINISHED)
    return f"UPDATE {_table(Message)} SET {sets} WHERE {_column(Message, 'id')} = %s"  # noqa: S608


@cache
def _touch_sql(vendor: str, with_reply: bool) -> str:
    sets = [f"{_column(Conversation, 'updated_at')} = %s"]
    if with_reply:
        sets += [f"{_column(Conversation, 'model')} = %s", f"{_column(Conversation, 'title')} = %s"]
    return (
        f"UPDATE {_table(Conversation)} SET {', '.join(sets)} "  # noqa: S608
        f"WHERE {_column(Conversation, 'id')} = %s"
    )


def _run(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def add_to_day(
    *,
    user_id: int,
    day: datetime.date,
    messages: int = 0,
    prompt: int = 0,
    completion: int = 0,
    estimated: bool = False,
) -> bool:
    """Add to the person's usage row of `day`; False when there is no such row yet."""
    day_value = connection.ops.adapt_datefield_value(day)
    params = [messages, prompt, completion, estimated, user_id, day_value]
    return _run(_usage_sql(connection.vendor), params) > 0


def finish_message(*, message_id: int, fields: dict) -> bool:
    """Save a finished answer's fields (_FINISHED); False when the message is gone."""
    return _run(_finish_sql(connection.vendor), [fields[f] for f in _FINISHED] + [message_id]) > 0


def touch_conversation(
    *, conversation_id: int, at: datetime.datetime, model_id: int | None = None, title=None
) -> bool:
    """Mark the conversation active `at` (and, for a new reply, set its model and title);
    False when it was deleted meanwhile."""
    at_value = connection.ops.adapt_datetimefield_value(at)
    if title is None:
        return _run(_touch_sql(connection.vendor, False), [at_value, conversation_id]) > 0
    params = [at_value, model_id, title, conversation_id]
    return _run(_touch_sql(connection.vendor, True), params) > 0
