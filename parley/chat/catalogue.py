"""The model catalogue: providers and their models, the demo model and the default."""

from django.db import IntegrityError, transaction

from parley.errors import ValidationFailed

from . import crypto, demo
from .errors import ModelUnavailable
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
    """Every provider with its models, as the admin's Models page lists them."""
    return Provider.objects.prefetch_related("models")


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
