"""The model catalogue: providers and their models, the demo model and the default."""

from django.db import IntegrityError, transaction
from django.db.models import Q

from parley.accounts.models import User
from parley.errors import ValidationFailed
from parley.groups.models import Group
from parley.prepared import PreparedQuery

from . import crypto, demo
from .errors import ModelNotAllowed, ModelUnavailable, NoModelAvailable
from .models import ChatModel, ModelKind, Provider
from .providers import ModelTarget


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


def providers_with_models():
    """Every provider with its models and their groups, as the admin's Models page lists them."""
    return Provider.objects.prefetch_related("models__groups")


def _allowed(models, *, user):
    return models.filter(Q(for_everyone=True) | Q(groups__memberships__user=user)).distinct()


def available_models(*, user: User) -> list[ChatModel]:
    """The enabled models `user` may use, for the picker: the instance default first."""
    models = _enabled_and_allowed(user_id=user.pk)
    if not models and not ChatModel.objects.filter(kind=ModelKind.DEMO).exists():
        ensure_demo_model()  # a fresh instance chats with the demo model
        models = _enabled_and_allowed(user_id=user.pk)
    return sorted(models, key=lambda m: (not m.is_default, m.kind != ModelKind.DEMO, m.label))


# The chat home's model query: the ORM's SQL for _allowed(), run without building and
# compiling the OR over three joins with DISTINCT on every page (parley/prepared.py).
_ENABLED_AND_ALLOWED = PreparedQuery(
    lambda user_id: _allowed(ChatModel.objects.filter(enabled=True), user=user_id), "user_id"
)


def _enabled_and_allowed(*, user_id: int) -> list[ChatModel]:
    return _ENABLED_AND_ALLOWED.fetch(user_id=user_id)


def default_model(*, user: User) -> ChatModel | None:
    """The instance's default model, or else the first model `user` may use."""
    models = available_models(user=user)
    return models[0] if models else None


def instance_default_model() -> ChatModel | None:
    return ChatModel.objects.filter(is_default=True).first()


def may_use(*, user: User, model: ChatModel) -> bool:
    return model.for_everyone or _allowed(ChatModel.objects.filter(pk=model.pk), user=user).exists()


def resolve_model(*, user: User, model_id: int | None) -> ChatModel:
    """The enabled model `model_id` if `user` may use it, or their default when none is
    named; refused with a message saying whom to ask."""
    if model_id is None:
        model = default_model(user=user)
        if model is None:
            raise NoModelAvailable(f"user {user.pk}: no enabled model open to them")
        return model
    model = ChatModel.objects.filter(pk=model_id, enabled=True).first()
    if model is None:
        raise ModelUnavailable(f"model {model_id!r} is not enabled")
    if not may_use(user=user, model=model):
        raise ModelNotAllowed(f"user {user.pk}: model {model.pk} is not open to their groups")
    return model


@transaction.atomic
def set_model_access(*, model: ChatModel, everyone: bool, groups: list[Group]) -> None:
    """Open `model` to everyone, or only to the members of `groups` (at least one)."""
    if not everyone and not groups:
        raise ValidationFailed(
            "no groups chosen",
            user_message="Choose at least one group, or make the model available to everyone.",
        )
    with transaction.atomic():  # never open to everyone with the old groups, or the reverse
        ChatModel.objects.filter(pk=model.pk).update(for_everyone=everyone)
        model.groups.set([] if everyone else groups)


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


def delete_provider(*, provider: Provider) -> None:
    """Delete a provider and its models; if one of them was the default, the demo model
    takes over, so the instance keeps a default to chat with."""
    with transaction.atomic():
        was_default = provider.models.filter(is_default=True).exists()
        provider.delete()
    if was_default:
        set_default_model(model=ensure_demo_model())


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
