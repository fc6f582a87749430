"""A person's own conversations: list, open, start, rename and delete."""

import secrets

from parley.accounts.models import User
from parley.errors import ValidationFailed

from .catalogue import resolve_model
from .errors import ConversationNotFound
from .models import Conversation, Message, Role

DEFAULT_TITLE = "New conversation"
MAX_TITLE_CHARS = 200


def list_conversations(*, user: User, limit: int = 200):
    conversations = Conversation.objects.filter(user=user)
    return conversations.only("public_id", "title", "updated_at")[:limit]


def get_conversation(*, user: User, public_id: str) -> Conversation:
    """The person's own conversation; anyone else's is indistinguishable from none."""
    try:
        return Conversation.objects.select_related("model").get(user=user, public_id=public_id)
    except Conversation.DoesNotExist:
        raise ConversationNotFound(f"no conversation {public_id!r} for user {user.pk}") from None


def create_conversation(*, user: User, model_id: int | None = None) -> Conversation:
    model = resolve_model(user=user, model_id=model_id)
    return Conversation.objects.create(
        user=user, public_id=secrets.token_urlsafe(12), model=model, title=DEFAULT_TITLE
    )


def rename_conversation(*, user: User, public_id: str, title: str) -> Conversation:
    title = " ".join(title.split())[:MAX_TITLE_CHARS]
    if not title:
        raise ValidationFailed("empty title", user_message="A title cannot be empty.")
    conversation = get_conversation(user=user, public_id=public_id)
    conversation.title = title
    conversation.save(update_fields=["title", "updated_at"])
    return conversation


def delete_conversation(*, user: User, public_id: str) -> None:
    get_conversation(user=user, public_id=public_id).delete()


def conversation_messages(*, conversation: Conversation):
    """The messages shown, oldest first (not those an edit or a regenerate replaced)."""
    return conversation.messages.filter(superseded=False)


def conversation_thread(*, conversation: Conversation) -> list[Message]:
    """The messages shown, oldest first; each answer with `.versions`: every answer given to
    the same message (regenerated ones included), oldest first, itself the last."""
    answers: dict[int | None, list[Message]] = {}
    shown: list[tuple[Message, int | None]] = []
    asked = None  # the person's message the next answers reply to
    for message in conversation.messages.all():
        if message.role == Role.USER:
            asked = message.pk
        else:
            answers.setdefault(asked, []).append(message)
        if not message.superseded:
            shown.append((message, asked))
    for message, asked in shown:
        if message.role == Role.ASSISTANT:
            versions = [m for m in answers[asked] if m.superseded or m is message]
            message.versions = versions[: versions.index(message) + 1]
    return [message for message, _ in shown]
