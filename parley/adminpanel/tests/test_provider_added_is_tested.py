"""Adding a model provider tests its connection at once: the admin is told it works, or
warned that it is unreachable or refuses the key (it is saved either way, to be fixed)."""

from django.urls import reverse

from parley.chat.models import Provider
from parley.chat.tests.fake_provider import GOOD_KEY

MODELS = reverse("adminpanel:models")


def _add(admin_client, base_url, key=GOOD_KEY):
    data = {"name": "Local AI", "base_url": base_url, "api_key": key,
            "model_names": "normal", "timeout_seconds": "5"}  # fmt: skip
    return admin_client.post(MODELS, data, follow=True)


def test_a_reachable_provider_is_added_with_its_test_result(admin_client, fake_provider):
    response = _add(admin_client, fake_provider.url + "/v1")
    provider = Provider.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "adminpanel:provider", kwargs={"provider_id": provider.pk}
    )
    page = response.content.decode()
    assert "Provider “Local AI” added. Connected in" in page
    assert "the API key was accepted" in page


def test_an_unreachable_provider_is_saved_with_a_warning(admin_client, db):
    page = _add(admin_client, "http://127.0.0.1:9/v1").content.decode()
    assert Provider.objects.count() == 1
    assert "message warning" in page
    assert "added, but the connection test failed" in page
    assert "connection was refused" in page
    assert "Chats with its models will fail until this is fixed." in page


def test_a_refused_key_is_a_warning_too(admin_client, fake_provider):
    page = _add(admin_client, fake_provider.url + "/v1", key="sk-wrong").content.decode()
    assert "added, but the connection test failed" in page
    assert "refused the API key" in page and "sk-wrong" not in page
    assert "refused the API key" in page and "sk-wrong" not in page
