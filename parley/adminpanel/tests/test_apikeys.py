"""Admin Panel → API keys: a new key is shown once, revoking stops it, last use is shown,
members and visitors cannot get in."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from parley.api import keys
from parley.api.models import ApiKey

URL = reverse("adminpanel:apikeys")


def test_the_page_is_in_the_side_navigation(admin_client):
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="{URL}" class="active" aria-current="page">API keys</a>' in html
    assert "No API keys yet." in html
    assert "no-store" in response["Cache-Control"]


def test_creating_a_key_shows_it_once_and_it_works(admin_client, admin_user, client):
    response = admin_client.post(URL, {"name": "CRM", "role": "admin"})
    assert response.status_code == 200
    secret = response.context["new_key"]
    html = response.content.decode()
    assert f'id="new-api-key" value="{secret}" readonly' in html
    assert "shown only now" in html
    stored = ApiKey.objects.get()
    assert (stored.name, stored.created_by) == ("CRM", f"admin:{admin_user.public_id}")
    assert secret not in stored.key_hash
    assert secret not in admin_client.get(URL).content.decode()
    assert stored.prefix in admin_client.get(URL).content.decode()
    api = client.get("/api/v1/seats", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 200


def test_a_key_needs_a_name(admin_client):
    response = admin_client.post(URL, {"name": "  ", "role": "admin"})
    assert response.status_code == 200
    assert "Give the key a name." in response.content.decode()
    assert not ApiKey.objects.exists()


def test_revoking_a_key_stops_it_at_once(admin_client, client):
    key, secret = keys.create_api_key(name="Old", role="owner", acting_role="owner")
    response = admin_client.post(reverse("adminpanel:apikey_revoke", kwargs={"key_id": key.pk}))
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    page = admin_client.get(URL).content.decode()
    assert "Revoked" in page and "is revoked" in page
    api = client.get("/api/v1/seats", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 401


def test_revoke_needs_post_and_a_real_key(admin_client):
    key, _ = keys.create_api_key(name="K", role="owner", acting_role="owner")
    url = reverse("adminpanel:apikey_revoke", kwargs={"key_id": key.pk})
    assert admin_client.get(url).status_code == 405
    missing = reverse("adminpanel:apikey_revoke", kwargs={"key_id": key.pk + 1})
    assert admin_client.post(missing).status_code == 404


def test_last_use_is_shown(admin_client):
    keys.create_api_key(name="Unused", role="owner", acting_role="owner")
    used, _ = keys.create_api_key(name="Used", role="owner", acting_role="owner")
    ApiKey.objects.filter(pk=used.pk).update(last_used_at=timezone.now() - timedelta(hours=1))
    html = admin_client.get(URL).content.decode()
    used_row = html.split("<td>Used</td>", 1)[1].split("</tr>", 1)[0]
    unused_row = html.split("<td>Unused</td>", 1)[1].split("</tr>", 1)[0]
    assert "<time" in used_row.split("</td>")[2] and "Never" not in used_row
    assert "Never" in unused_row


def test_members_get_403_and_visitors_the_login_page(member_client, client):
    assert member_client.get(URL).status_code == 403
    assert member_client.post(URL, {"name": "sneaky"}).status_code == 403
    assert not ApiKey.objects.exists()
    member_client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
