"""Provider API keys are encrypted at rest and only a hint is kept in the clear."""

import pytest

from parley.chat import catalogue, crypto
from parley.chat.models import Provider

KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz0123"


@pytest.mark.django_db
def test_the_key_is_stored_encrypted_and_decrypts_for_the_model_call():
    provider = catalogue.save_provider(
        provider=None, name="OpenAI", base_url="https://api.openai.com/v1/", api_key=KEY,
        timeout_seconds=30, model_names=["gpt-4o-mini"],
    )  # fmt: skip
    stored = Provider.objects.get()
    assert KEY not in stored.api_key_encrypted
    assert stored.api_key_hint == "sk-…0123"
    assert stored.base_url == "https://api.openai.com/v1"
    target = catalogue.model_target(model=provider.models.get())
    assert (target.api_key, target.name, target.timeout) == (KEY, "gpt-4o-mini", 30.0)


@pytest.mark.django_db
def test_saving_without_a_key_keeps_the_stored_one():
    provider = catalogue.save_provider(
        provider=None, name="A", base_url="https://a.example/v1", api_key=KEY,
        timeout_seconds=30, model_names=["m1"],
    )  # fmt: skip
    catalogue.save_provider(
        provider=provider, name="A", base_url="https://a.example/v1", api_key=None,
        timeout_seconds=30, model_names=["m1", "m2"],
    )  # fmt: skip
    assert crypto.decrypt(Provider.objects.get().api_key_encrypted) == KEY
    assert list(provider.models.values_list("name", flat=True).order_by("name")) == ["m1", "m2"]


def test_a_key_from_another_secret_is_reported_not_crashed(settings):
    token = crypto.encrypt(KEY)
    settings.SECRET_KEY = "another secret key entirely, long enough for django"
    assert crypto.decrypt(token) is None
