"""Admin panel → Models: add, edit and delete providers; the key never shown again in full;
the default model; enabling and disabling; members are kept out."""

import html

import pytest
from django.urls import reverse

from parley.chat import crypto
from parley.chat.models import ChatModel, Provider

MODELS = reverse("adminpanel:models")
KEY = "sk-live-0123456789abcdefghijklmnop"


@pytest.fixture(autouse=True)
def offline_connection_test(monkeypatch):
    """These tests are about the forms: adding a provider tests its connection
    (test_provider_added_is_tested.py), which here must not reach api.openai.com."""
    from parley.chat import provider_check

    def connected(*, provider):
        return provider_check.ProviderCheck(base_url=provider.base_url, seconds=0.01)

    monkeypatch.setattr(provider_check, "check_provider", connected)


def _add(admin_client, **overrides):
    data = {"name": "OpenAI", "base_url": "https://api.openai.com/v1", "api_key": KEY,
            "model_names": "gpt-4o-mini\ngpt-4o", "timeout_seconds": "60", **overrides}  # fmt: skip
    return admin_client.post(MODELS, data, follow=True)


def test_a_fresh_instance_lists_the_demo_model_as_default(admin_client):
    page = admin_client.get(MODELS).content.decode()
    assert "Demo model (offline)" in page
    assert "Default: <strong>Demo model (offline)</strong>" in page
    assert "No provider yet" in page


def test_adding_a_provider_creates_its_models_and_masks_the_key(admin_client):
    page = _add(admin_client).content.decode()
    assert "Provider “OpenAI” added. Connected in 10 ms." in page
    assert KEY not in page and "sk-…mnop" in page
    assert set(ChatModel.objects.filter(kind="openai").values_list("name", flat=True)) == {
        "gpt-4o-mini",
        "gpt-4o",
    }
    assert crypto.decrypt(Provider.objects.get().api_key_encrypted) == KEY


def test_the_edit_page_never_shows_the_key_and_keeps_it_when_left_empty(admin_client):
    _add(admin_client)
    provider = Provider.objects.get()
    url = reverse("adminpanel:provider", args=[provider.pk])
    page = admin_client.get(url).content.decode()
    assert KEY not in page and "leave empty to keep it" in page
    edited = {"name": "OpenAI EU", "base_url": "https://eu.example/v1", "api_key": "",
              "model_names": "gpt-4o", "timeout_seconds": "30"}  # fmt: skip
    admin_client.post(url, edited)
    provider.refresh_from_db()
    assert crypto.decrypt(provider.api_key_encrypted) == KEY
    assert (provider.name, provider.timeout_seconds) == ("OpenAI EU", 30)
    assert list(provider.models.values_list("name", flat=True)) == ["gpt-4o"]


def test_invalid_provider_forms_explain_themselves(admin_client):
    page = _add(admin_client, base_url="not a url", model_names=" , ").content.decode()
    assert "Enter a valid URL." in page
    assert "Name at least one model." in page
    assert not Provider.objects.exists()


def test_making_a_model_the_default_and_disabling_another(admin_client):
    _add(admin_client)
    admin_client.get(MODELS)  # the models page makes the demo model
    mini = ChatModel.objects.get(name="gpt-4o-mini")
    demo = ChatModel.objects.get(kind="demo")
    action = reverse("adminpanel:model_action", args=[mini.pk])
    page = admin_client.post(action, {"action": "default"}, follow=True).content.decode()
    assert html.unescape("“gpt-4o-mini” is now the default model.") in page
    admin_client.post(reverse("adminpanel:model_action", args=[demo.pk]), {"action": "disable"})
    demo.refresh_from_db()
    mini.refresh_from_db()
    assert mini.is_default and not demo.enabled


def test_the_default_model_cannot_be_disabled(admin_client):
    demo = ChatModel.objects.get_or_create(
        kind="demo", defaults={"label": "Demo", "is_default": True}
    )[0]
    page = admin_client.post(reverse("adminpanel:model_action", args=[demo.pk]),
                             {"action": "disable"}, follow=True).content.decode()  # fmt: skip
    assert "Make another model the default before disabling this." in page
    demo.refresh_from_db()
    assert demo.enabled


def test_deleting_the_default_models_provider_falls_back_to_the_demo(admin_client):
    _add(admin_client)
    mini = ChatModel.objects.get(name="gpt-4o-mini")
    admin_client.post(reverse("adminpanel:model_action", args=[mini.pk]), {"action": "default"})
    provider = Provider.objects.get()
    admin_client.post(reverse("adminpanel:provider_delete", args=[provider.pk]))
    assert not Provider.objects.exists()
    assert ChatModel.objects.get(is_default=True).kind == "demo"


def test_members_cannot_open_the_models_page(member_client):
    assert member_client.get(MODELS).status_code == 403
    assert member_client.post(MODELS, {"name": "x"}).status_code == 403
