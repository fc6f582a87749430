"""The conversation list beside the chat: grouped by day, and searched by title and text."""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from parley.accounts.models import User
from parley.prepared import PreparedQuery

from .limits import instance_zone
from .models import Conversation, Message

LIST_LIMIT = 200
SEARCH_LIMIT = 20
MAX_QUERY_CHARS = 100


@dataclass
class Group:
    label: str
    conversations: list[Conversation] = field(default_factory=list)


def group_label(*, updated: datetime.datetime, today: datetime.date, zone: ZoneInfo) -> str:
    """Today, Yesterday, Previous 7 days or Older: days in the instance's time zone."""
    days = (today - updated.astimezone(zone).date()).days
    if days <= 0:
        return "Today"
    if days == 1:
        return "Yesterday"
    if days <= 7:
        return "Previous 7 days"
    return "Older"


# Every chat page lists them: the ORM's SQL, written once (parley/prepared.py).
_LISTED = PreparedQuery(
    lambda user_id: Conversation.objects.filter(user=user_id).only(
        "public_id", "title", "updated_at"
    )[:LIST_LIMIT],
    "user_id",
)


def grouped_conversations(*, user: User) -> list[Group]:
    """The person's conversations (the latest LIST_LIMIT), most recently active first, in
    date groups."""
    found = _LISTED.fetch(user_id=user.pk)
    if not found:
        return []  # and the time zone is not read: a new person's first page stays lean
    zone = instance_zone()
    today = timezone.now().astimezone(zone).date()
    groups: list[Group] = []
    for conversation in found:
        label = group_label(updated=conversation.updated_at, today=today, zone=zone)
        if not groups or groups[-1].label != label:
            groups.append(Group(label))
        groups[-1].conversations.append(conversation)
    return groups


def search_conversations(*, user: User, query: str, limit: int = SEARCH_LIMIT):
    """The person's conversations whose title or any message contains `query` (ignoring
    case), most recently active first, at most `limit`.

    One query: a conversation's own row or an EXISTS over its messages, within the person's
    conversations (the (user, updated_at) index), stopping at `limit`; on SQLite and
    PostgreSQL alike a case-insensitive LIKE, so no search index to keep in step."""
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    if not query:
        return []
    in_text = Message.objects.filter(
        conversation=OuterRef("pk"), superseded=False, content__icontains=query
    )
    return list(
        Conversation.objects.filter(user=user)
        .filter(Q(title__icontains=query) | Exists(in_text))
        .only("public_id", "title", "updated_at")[:limit]
    )
