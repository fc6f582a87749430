"""Admin panel → Models → Test connection: an admin sees whether a provider can be reached,
takes the key and lists its models; members cannot run it; the key is never on the page."""

from django.urls import reverse

from parley.chat.tests.fake_provider import GOOD_KEY
from parley.tests.serving import free_port


def _test(client, provider):
    return client.post(reverse("adminpanel:provider_test", args=[provider.pk]))


def test_an_admin_testing_a_good_provider_sees_it_reachable_and_which_models_are_listed(
    admin_client, make_provider
):
    response = _test(admin_client, make_provider())
    page = response.content.decode()
    assert response.status_code == 200
    assert "outcome-ok" in page and "the API key was accepted." in page
    assert '<span class="badge ok">Listed</span><div><code>normal</code>' in page
    assert '<span class="badge off">Not listed</span><div><code>gpt-typo</code>' in page
    assert "does not name gpt-typo" in page
    assert 'value="Fake AI"' in page  # the provider's form is still there to edit
    assert GOOD_KEY not in page


def test_a_wrong_key_shows_the_key_was_refused(admin_client, make_provider):
    page = _test(admin_client, make_provider(key="sk-wrong")).content.decode()
    assert "outcome-failed" in page
    assert "The provider refused the API key (HTTP 401 Unauthorized)." in page
    assert "sk-wrong" not in page


def test_an_unreachable_url_shows_it_could_not_be_reached(admin_client, make_provider):
    provider = make_provider(base_url=f"http://127.0.0.1:{free_port()}/v1")
    page = _test(admin_client, provider).content.decode()
    assert "outcome-failed" in page
    assert "Could not reach the provider: the connection was refused" in page
    assert GOOD_KEY not in page


def test_the_provider_page_and_the_models_list_offer_the_test(admin_client, make_provider):
    provider = make_provider()
    url = reverse("adminpanel:provider_test", args=[provider.pk])
    page = admin_client.get(reverse("adminpanel:provider", args=[provider.pk])).content.decode()
    assert f'action="{url}"' in page and "Test connection" in page
    assert "connection-result" not in page  # no result until the admin asks for one
    assert f'action="{url}"' in admin_client.get(reverse("adminpanel:models")).content.decode()


def test_members_cannot_test_a_provider(member_client, make_provider):
    assert _test(member_client, make_provider()).status_code == 403


def test_the_test_is_a_post_with_a_csrf_token(admin_client, strict_admin_client, make_provider):
    provider = make_provider()
    assert (
        admin_client.get(reverse("adminpanel:provider_test", args=[provider.pk])).status_code == 405
    )
    assert _test(strict_admin_client, provider).status_code == 403
