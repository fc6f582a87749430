"""Replies: a person's message checked and saved, what the model is sent, the answer saved.

The streaming handler (stream.py) runs these in worker threads, never on the event loop.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from parley.accounts.models import User
from parley.errors import ValidationFailed

from . import limits, markdown, reads, writes
from .catalogue import model_target, resolve_model
from .conversations import DEFAULT_TITLE
from .errors import ConversationNotFound, EditNotAllowed, ModelNotAllowed, ProviderError
from .limits import Limits
from .models import ChatModel, Conversation, Message, MessageStatus, Role
from .providers import ModelTarget, Usage, estimate_tokens
from .usage import count_message, count_tokens

MAX_MESSAGE_CHARS = 32_000
HISTORY_MESSAGES = 40  # the most recent messages sent to the model as context


@dataclass(frozen=True)
class ReplyPlan:
    """What the streaming handler needs once the database work before a reply is done."""

    conversation_id: str
    title: str
    user_message_id: int | None
    assistant_message_id: int
    target: ModelTarget
    history: list[dict]
    user_id: int | None = None  # lets finish_reply skip reading the message back
    conversation_pk: int | None = None


@dataclass(frozen=True)
class ReplyRequest:
    """The reads before a reply (ownership, model, limits), made outside the write
    transaction: SQLite has one writer, so it only holds the lock for the writes."""

    user: User
    conversation: Conversation
    model: ChatModel
    target: ModelTarget
    limits: Limits
    zone: ZoneInfo
    content: str | None
    regenerate: bool
    history: list[dict]  # what the model is sent, this message included
    title: str
    replaces_answer_id: int | None = None  # regenerate: the answer it replaces (kept)
    edits_message_id: int | None = None  # edit: the message replaced, with all after it


def _title_from(content: str) -> str:
    words = " ".join(content.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "…"


def prepare_reply(
    *,
    user: User,
    public_id: str,
    content: str | None,
    model_id: int | None = None,
    regenerate: bool = False,
    edit: int | None = None,
) -> ReplyRequest:
    """Check the message, ownership, model and limits, and read what the model will be sent
    (reads only: the stream starts the model's request while commit_reply writes).

    `regenerate` asks for another answer to the last message; `edit` (a message id of the
    person's) sends `content` in place of that message, and what followed it is set aside."""
    if regenerate and edit is not None:
        raise ValidationFailed("regenerate and edit", user_message="Edit or regenerate, not both.")
    if not regenerate:
        content = (content or "").strip()
        if not content:
            raise ValidationFailed("empty message", user_message="Type a message first.")
        if len(content) > MAX_MESSAGE_CHARS:
            raise ValidationFailed(
                "message too long",
                user_message=f"Messages are limited to {MAX_MESSAGE_CHARS:,} characters.",
            )
    context = reads.reply_context(user=user, public_id=public_id)
    if context is None:
        raise ConversationNotFound(f"no conversation {public_id!r} for user {user.pk}")
    conversation, model = context.conversation, context.model
    if model_id is not None or model is None or not model.enabled:
        model = resolve_model(user=user, model_id=model_id)
    elif not context.model_allowed:
        raise ModelNotAllowed(f"user {user.pk}: conversation's model {model.pk} not open to them")
    applying = limits.limits_for(user=user)
    zone = limits.instance_zone()
    if applying.any():
        # Refused before the model is asked; commit_reply's count still decides a race.
        used = limits.used_by(user_ids=[user.pk], today=limits.local_today(zone))
        refused = limits.refusal(user=user, limits=applying, used=used, zone=zone, adding=1)
        if refused is not None:
            raise refused
    if edit is not None:
        recent = _before_edit(conversation=conversation, message_id=edit)
    else:
        recent = reads.recent_messages(conversation_id=conversation.pk, count=HISTORY_MESSAGES + 1)
    replaces_answer_id = None
    if regenerate:
        if not recent:
            raise ValidationFailed("nothing to regenerate", user_message="Nothing to redo.")
        if recent[0][1] == Role.ASSISTANT:
            replaces_answer_id = recent.pop(0)[0]
    history = [{"role": role, "content": text} for _, role, text in reversed(recent) if text]
    title = conversation.title
    if not regenerate:
        history.append({"role": Role.USER, "content": content})
        if title == DEFAULT_TITLE:
            title = _title_from(content)
    return ReplyRequest(
        user=user,
        conversation=conversation,
        model=model,
        target=model_target(model=model),
        limits=applying,
        zone=zone,
        content=content,
        regenerate=regenerate,
        history=history[-HISTORY_MESSAGES:],
        title=title,
        replaces_answer_id=replaces_answer_id,
        edits_message_id=edit,
    )


def _before_edit(*, conversation: Conversation, message_id: int) -> list[tuple[int, str, str]]:
    """The messages before the person's message `message_id`, newest first, as
    reads.recent_messages gives them; EditNotAllowed unless it is theirs and still shown."""
    if not Message.objects.filter(
        pk=message_id, conversation=conversation, role=Role.USER, superseded=False
    ).exists():
        raise EditNotAllowed(f"message {message_id} not editable in {conversation.public_id}")
    return list(
        Message.objects.filter(conversation=conversation, superseded=False, pk__lt=message_id)
        .order_by("-pk")
        .values_list("pk", "role", "content")[:HISTORY_MESSAGES]
    )


def commit_reply(*, request: ReplyRequest) -> ReplyPlan:
    """Count the message against the limit; save the person's message (or set aside the
    answer to regenerate) and an empty assistant message that the stream fills in. One short
    write transaction."""
    user, conversation, model = request.user, request.conversation, request.model
    user_message_id = None
    with transaction.atomic():
        if request.replaces_answer_id is not None:
            Message.objects.filter(pk=request.replaces_answer_id).update(superseded=True)
        if request.edits_message_id is not None:
            Message.objects.filter(
                conversation=conversation, pk__gte=request.edits_message_id, superseded=False
            ).update(superseded=True)
        count_message(user=user, applying=request.limits, zone=request.zone)
        assistant = Message(
            conversation=conversation,
            role=Role.ASSISTANT,
            status=MessageStatus.STREAMING,
            model_label=model.label,
        )
        if request.regenerate:
            assistant.save()
        else:
            # Both rows in one INSERT, the person's first.
            mine = Message(conversation=conversation, role=Role.USER, content=request.content)
            Message.objects.bulk_create([mine, assistant])
            user_message_id = mine.pk
        # Also the check that the conversation was not deleted since prepare_reply read it.
        if not writes.touch_conversation(
            conversation_id=conversation.pk, at=timezone.now(), model_id=model.pk,
            title=request.title,
        ):  # fmt: skip
            raise ConversationNotFound(f"conversation {conversation.pk} deleted meanwhile")
    conversation.model, conversation.title = model, request.title
    return ReplyPlan(
        conversation_id=conversation.public_id,
        title=request.title,
        user_message_id=user_message_id,
        assistant_message_id=assistant.pk,
        target=request.target,
        history=request.history,
        user_id=user.pk,
        conversation_pk=conversation.pk,
    )


def start_reply(
    *,
    user: User,
    public_id: str,
    content: str | None,
    model_id: int | None = None,
    regenerate: bool = False,
    edit: int | None = None,
) -> ReplyPlan:
    """Check ownership, model and limit; save the person's message (or set aside the answer
    to regenerate) and an empty assistant message that the stream fills in."""
    request = prepare_reply(
        user=user,
        public_id=public_id,
        content=content,
        model_id=model_id,
        regenerate=regenerate,
        edit=edit,
    )
    return commit_reply(request=request)


def finish_reply(
    *,
    plan: ReplyPlan,
    content: str,
    status: str,
    usage: Usage | None,
    error: ProviderError | None = None,
) -> Message | None:
    """Save the answer as far as it got (complete, stopped or failed) and its token usage."""
    if usage is None:
        usage = Usage(
            prompt_tokens=sum(estimate_tokens(m["content"]) for m in plan.history),
            completion_tokens=estimate_tokens(content),
            estimated=True,
        )
    html = markdown.render(content) if content else ""  # before the write lock is taken
    fields = {
        "content": content,
        "html": html,
        "status": status,
        "error_code": error.code if error else "",
        "error_message": error.user_message if error else "",
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "tokens_estimated": usage.estimated,
    }
    with transaction.atomic():
        if plan.user_id is None or plan.conversation_pk is None:  # a plan made elsewhere
            found = (
                Message.objects.filter(pk=plan.assistant_message_id)
                .values_list("conversation_id", "conversation__user_id")
                .first()
            )
            if found is None:
                return None
            conversation_pk, user_id = found
        else:
            conversation_pk, user_id = plan.conversation_pk, plan.user_id
        if not writes.finish_message(message_id=plan.assistant_message_id, fields=fields):
            return None  # the conversation was deleted while the answer streamed
        count_tokens(
            user_id=user_id,
            prompt=usage.prompt_tokens,
            completion=usage.completion_tokens,
            estimated=usage.estimated,
        )
        writes.touch_conversation(conversation_id=conversation_pk, at=timezone.now())
    return Message(pk=plan.assistant_message_id, conversation_id=conversation_pk, **fields)
