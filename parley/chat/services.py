"""Chat business rules: conversations, the model catalogue, replies, usage and limits.

The pages (views.py), the admin panel and the streaming handler (stream.py) all call these;
the streaming handler runs them in worker threads, never on the event loop.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from parley.accounts.models import User
from parley.errors import ValidationFailed

from . import crypto, demo, markdown, reads
from .errors import ConversationNotFound, ModelUnavailable, ProviderError, UsageLimitReached
from .models import (
    ChatModel,
    ChatSettings,
    Conversation,
    DailyUsage,
    Message,
    MessageStatus,
    ModelKind,
    Provider,
    Role,
    UserLimit,
)
from .providers import ModelTarget, Usage, estimate_tokens

DEFAULT_TITLE = "New conversation"
MAX_MESSAGE_CHARS = 32_000
HISTORY_MESSAGES = 40  # the most recent messages sent to the model as context
MAX_TITLE_CHARS = 200


# Conversations ------------------------------------------------------------------------


def list_conversations(*, user: User, query: str = "", limit: int = 200):
    conversations = Conversation.objects.filter(user=user)
    query = query.strip()
    if query:
        conversations = conversations.filter(title__icontains=query)
    return conversations.only("public_id", "title", "updated_at")[:limit]


def get_conversation(*, user: User, public_id: str) -> Conversation:
    """The person's own conversation; anyone else's is indistinguishable from none."""
    try:
        return Conversation.objects.select_related("model").get(user=user, public_id=public_id)
    except Conversation.DoesNotExist:
        raise ConversationNotFound(f"no conversation {public_id!r} for user {user.pk}") from None


def create_conversation(*, user: User, model_id: int | None = None) -> Conversation:
    model = resolve_model(model_id=model_id)
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
    return conversation.messages.all()


# Models -------------------------------------------------------------------------------


def ensure_demo_model() -> ChatModel:
    """The built-in demo model's row, made on first use: a fresh instance chats with it."""
    demo_model = ChatModel.objects.filter(kind=ModelKind.DEMO).first()
    if demo_model is not None:
        return demo_model
    try:
        with transaction.atomic():
            has_default = ChatModel.objects.filter(is_default=True).exists()
            return ChatModel.objects.create(
                kind=ModelKind.DEMO, name="demo", label=demo.LABEL, is_default=not has_default
            )
    except IntegrityError:
        # The first page views of a fresh instance arrive together, in several workers:
        # another request made the demo row (one_demo_model) or a default model
        # (one_default_model) just now. Read the demo row, or make it without the default.
        pass
    return ChatModel.objects.get_or_create(
        kind=ModelKind.DEMO, defaults={"name": "demo", "label": demo.LABEL}
    )[0]


def available_models() -> list[ChatModel]:
    """Enabled models for the picker, the default first."""
    models = list(ChatModel.objects.filter(enabled=True).select_related("provider"))
    if not models and not ChatModel.objects.filter(kind=ModelKind.DEMO).exists():
        models = [ensure_demo_model()]
    return sorted(models, key=lambda m: (not m.is_default, m.kind != ModelKind.DEMO, m.label))


def default_model() -> ChatModel | None:
    models = available_models()
    return models[0] if models else None


def resolve_model(*, model_id: int | None) -> ChatModel:
    """The enabled model `model_id`, or the instance default when none is named."""
    if model_id is None:
        model = default_model()
    else:
        model = ChatModel.objects.filter(pk=model_id, enabled=True).first()
    if model is None:
        raise ModelUnavailable(f"model {model_id!r} is not enabled")
    return model


def model_target(*, model: ChatModel) -> ModelTarget:
    if model.kind == ModelKind.DEMO:
        return ModelTarget(kind="demo", label=model.label)
    provider = model.provider
    api_key = crypto.decrypt(provider.api_key_encrypted)
    if api_key is None:
        raise ModelUnavailable(
            f"provider {provider.pk}: key was encrypted under another SECRET_KEY",
            user_message="This model's API key can no longer be read. "
            "Please ask your administrator to enter it again.",
        )
    return ModelTarget(
        kind="openai",
        label=model.label,
        name=model.name,
        base_url=provider.base_url,
        api_key=api_key,
        timeout=float(provider.timeout_seconds),
    )


def parse_model_names(text: str) -> list[str]:
    names = []
    for raw in text.replace(",", "\n").splitlines():
        name = raw.strip()
        if name and name not in names:
            names.append(name)
    return names


@transaction.atomic
def save_provider(
    *,
    provider: Provider | None,
    name: str,
    base_url: str,
    api_key: str | None,
    timeout_seconds: int,
    model_names: list[str],
) -> Provider:
    """Create or update a provider and its models. `api_key=None` keeps the stored key."""
    if not model_names:
        raise ValidationFailed("no models", user_message="Name at least one model.")
    provider = provider or Provider()
    provider.name = name.strip()
    provider.base_url = base_url.strip().rstrip("/")
    provider.timeout_seconds = timeout_seconds
    if api_key is not None:
        provider.api_key_encrypted = crypto.encrypt(api_key.strip())
        provider.api_key_hint = crypto.hint(api_key.strip())
    provider.save()
    existing = {model.name: model for model in provider.models.all()}
    for model_name in model_names:
        if model_name not in existing:
            ChatModel.objects.create(
                kind=ModelKind.OPENAI, provider=provider, name=model_name, label=model_name
            )
    provider.models.exclude(name__in=model_names).delete()
    return provider


@transaction.atomic
def delete_provider(*, provider: Provider) -> None:
    provider.delete()


@transaction.atomic
def set_default_model(*, model: ChatModel) -> None:
    ChatModel.objects.filter(is_default=True).exclude(pk=model.pk).update(is_default=False)
    ChatModel.objects.filter(pk=model.pk).update(is_default=True, enabled=True)


@transaction.atomic
def set_model_enabled(*, model: ChatModel, enabled: bool) -> None:
    if not enabled and model.is_default:
        raise ValidationFailed(
            "default model", user_message="Make another model the default before disabling this."
        )
    ChatModel.objects.filter(pk=model.pk).update(enabled=enabled)


def rename_model(*, model: ChatModel, label: str) -> None:
    label = " ".join(label.split())[:200]
    if not label:
        raise ValidationFailed("empty label", user_message="A model's label cannot be empty.")
    ChatModel.objects.filter(pk=model.pk).update(label=label)


# Limits and usage ---------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.now().astimezone(datetime.UTC).date()


def chat_settings() -> ChatSettings:
    return ChatSettings.objects.get_or_create(pk=1)[0]


def set_instance_limit(*, messages_per_day: int | None) -> None:
    ChatSettings.objects.update_or_create(pk=1, defaults={"messages_per_day": messages_per_day})


def set_user_limit(*, user: User, override: bool, messages_per_day: int | None) -> None:
    """With `override` off the user follows the instance limit; on, `messages_per_day`
    (None: unlimited) applies to them alone."""
    if not override:
        UserLimit.objects.filter(user=user).delete()
        return
    UserLimit.objects.update_or_create(user=user, defaults={"messages_per_day": messages_per_day})


def messages_limit_for(*, user: User) -> int | None:
    override = UserLimit.objects.filter(user=user).values_list("messages_per_day")[:1]
    for (messages_per_day,) in override:
        return messages_per_day
    for (messages_per_day,) in ChatSettings.objects.filter(pk=1).values_list("messages_per_day"):
        return messages_per_day
    return chat_settings().messages_per_day


_UNSET = object()


def _count_message(*, user: User, limit=_UNSET) -> None:
    """Count one message against today's limit, or refuse it. One conditional UPDATE, so
    concurrent requests cannot both take the last message of the day."""
    if limit is _UNSET:
        limit = messages_limit_for(user=user)
    today = _today()
    rows = DailyUsage.objects.filter(user=user, day=today)
    if limit is not None:
        rows = rows.filter(messages__lt=limit)
    # Today's row exists nearly always: try the UPDATE first, create the row only if needed.
    if rows.update(messages=F("messages") + 1) == 0:
        DailyUsage.objects.get_or_create(user=user, day=today)
        counted = rows.update(messages=F("messages") + 1)
    else:
        counted = 1
    if counted == 0:
        raise _limit_reached(user=user, limit=limit)


def _limit_reached(*, user: User, limit: int | None) -> UsageLimitReached:
    return UsageLimitReached(
        f"user {user.pk}: {limit} messages a day",
        user_message=(
            f"You have reached your limit of {limit} message{'s' if limit != 1 else ''} "
            "a day. It resets at midnight UTC; ask your administrator if you need more."
        ),
    )


@dataclass(frozen=True)
class UsageRow:
    user: User
    messages_today: int
    messages: int
    prompt_tokens: int
    completion_tokens: int
    estimated: bool
    limit: int | None
    overridden: bool


def usage_report(*, query: str = "") -> list[UsageRow]:
    """Per-user totals and today's messages, busiest first."""
    today = _today()
    users = User.objects.filter(chat_usage__isnull=False).distinct()
    if query.strip():
        q = query.strip()
        users = users.filter(Q(public_id__icontains=q) | Q(email__icontains=q))
    totals = users.annotate(
        total_messages=Sum("chat_usage__messages"),
        total_prompt=Sum("chat_usage__prompt_tokens"),
        total_completion=Sum("chat_usage__completion_tokens"),
    ).order_by("-total_messages", "pk")
    today_counts = dict(DailyUsage.objects.filter(day=today).values_list("user_id", "messages"))
    estimated_users = set(
        DailyUsage.objects.filter(estimated_tokens=True).values_list("user_id", flat=True)
    )
    overrides = dict(UserLimit.objects.values_list("user_id", "messages_per_day"))
    instance_limit = chat_settings().messages_per_day
    return [
        UsageRow(
            user=user,
            messages_today=today_counts.get(user.pk, 0),
            messages=user.total_messages or 0,
            prompt_tokens=user.total_prompt or 0,
            completion_tokens=user.total_completion or 0,
            estimated=user.pk in estimated_users,
            limit=overrides[user.pk] if user.pk in overrides else instance_limit,
            overridden=user.pk in overrides,
        )
        for user in totals
    ]


def usage_for(*, user: User) -> UsageRow:
    rows = DailyUsage.objects.filter(user=user)
    totals = rows.aggregate(
        messages=Sum("messages"), prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens")
    )
    today = rows.filter(day=_today()).first()
    return UsageRow(
        user=user,
        messages_today=today.messages if today else 0,
        messages=totals["messages"] or 0,
        prompt_tokens=totals["prompt"] or 0,
        completion_tokens=totals["completion"] or 0,
        estimated=rows.filter(estimated_tokens=True).exists(),
        limit=messages_limit_for(user=user),
        overridden=UserLimit.objects.filter(user=user).exists(),
    )


# Replies ------------------------------------------------------------------------------


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
    """The reads before a reply (ownership, model, limit), made outside the write
    transaction: SQLite has one writer, so it only holds the lock for the writes."""

    user: User
    conversation: Conversation
    model: ChatModel
    target: ModelTarget
    limit: int | None
    content: str | None
    regenerate: bool
    history: list[dict]  # what the model is sent, this message included
    title: str
    drop_message_id: int | None = None  # regenerate: the answer it replaces


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
) -> ReplyRequest:
    """Check the message, ownership, model and limit, and read what the model will be sent
    (reads only: the stream starts the model's request while commit_reply writes)."""
    if not regenerate:
        content = (content or "").strip()
        if not content:
            raise ValidationFailed("empty message", user_message="Type a message first.")
        if len(content) > MAX_MESSAGE_CHARS:
            raise ValidationFailed(
                "message too long",
                user_message=f"Messages are limited to {MAX_MESSAGE_CHARS:,} characters.",
            )
    context = reads.reply_context(user=user, public_id=public_id, day=_today())
    if context is None:
        raise ConversationNotFound(f"no conversation {public_id!r} for user {user.pk}")
    conversation, model, limit = context.conversation, context.model, context.limit
    if model_id is not None or model is None or not model.enabled:
        model = resolve_model(model_id=model_id)
    if limit is not None and context.messages_today >= limit:
        # Refused before the model is asked; commit_reply's count still decides a race.
        raise _limit_reached(user=user, limit=limit)
    recent = reads.recent_messages(conversation_id=conversation.pk, count=HISTORY_MESSAGES + 1)
    drop_message_id = None
    if regenerate:
        if not recent:
            raise ValidationFailed("nothing to regenerate", user_message="Nothing to redo.")
        if recent[0][1] == Role.ASSISTANT:
            drop_message_id = recent.pop(0)[0]
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
        limit=limit,
        content=content,
        regenerate=regenerate,
        history=history[-HISTORY_MESSAGES:],
        title=title,
        drop_message_id=drop_message_id,
    )


def commit_reply(*, request: ReplyRequest) -> ReplyPlan:
    """Count the message against the limit; save the person's message (or drop the answer
    to regenerate) and an empty assistant message that the stream fills in. One short
    write transaction."""
    user, conversation, model = request.user, request.conversation, request.model
    user_message_id = None
    with transaction.atomic():
        if request.drop_message_id is not None:
            Message.objects.filter(pk=request.drop_message_id).delete()
        _count_message(user=user, limit=request.limit)
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
        if not Conversation.objects.filter(pk=conversation.pk).update(
            model=model, title=request.title, updated_at=timezone.now()
        ):
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
) -> ReplyPlan:
    """Check ownership, model and limit; save the person's message (or drop the answer to
    regenerate) and an empty assistant message that the stream fills in."""
    request = prepare_reply(
        user=user, public_id=public_id, content=content, model_id=model_id, regenerate=regenerate
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
        if not Message.objects.filter(pk=plan.assistant_message_id).update(**fields):
            return None  # the conversation was deleted while the answer streamed
        updates = {
            "prompt_tokens": F("prompt_tokens") + usage.prompt_tokens,
            "completion_tokens": F("completion_tokens") + usage.completion_tokens,
        }
        if usage.estimated:
            updates["estimated_tokens"] = True
        today = _today()  # the day the answer ends, which may be after midnight
        if not DailyUsage.objects.filter(user_id=user_id, day=today).update(**updates):
            DailyUsage.objects.get_or_create(user_id=user_id, day=today)
            DailyUsage.objects.filter(user_id=user_id, day=today).update(**updates)
        Conversation.objects.filter(pk=conversation_pk).update(updated_at=timezone.now())
    return Message(pk=plan.assistant_message_id, conversation_id=conversation_pk, **fields)
