"""A one-time login link made in the admin panel is shown once, never in a URL, and works once."""

from django.test import Client
from django.urls import reverse

from parley.accounts.models import LoginLink


def _make_link(client, user):
    url = reverse("adminpanel:login_link", kwargs={"public_id": user.public_id})
    return client.post(url)


def test_link_is_shown_once_in_a_read_only_field_with_a_copy_button(admin_client, make_user):
    user = make_user()
    response = _make_link(admin_client, user)
    assert response.status_code == 200
    link = response.context["login_link"]
    html = response.content.decode()
    assert f'id="login-link" value="{link}" readonly' in html
    assert 'data-copy="login-link"' in html
    assert "Works once, until" in html
    assert "no-store" in response["Cache-Control"]
    again = admin_client.get(reverse("adminpanel:user", kwargs={"public_id": user.public_id}))
    assert link not in again.content.decode()


def test_only_the_hash_of_the_link_is_stored(admin_client, make_user):
    user = make_user()
    link = _make_link(admin_client, user).context["login_link"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    stored = LoginLink.objects.get(user=user)
    assert token not in stored.token_hash
    assert stored.created_by.startswith("admin:")


def test_link_logs_the_user_in_once(admin_client, make_user):
    user = make_user()
    link = _make_link(admin_client, user).context["login_link"]
    path = "/login/link/" + link.split("/login/link/", 1)[1]
    visitor = Client()
    response = visitor.get(path)
    assert response.status_code == 302
    assert int(visitor.session["_auth_user_id"]) == user.pk
    assert Client().get(path).status_code == 401


def test_no_link_for_a_deactivated_user(admin_client, make_user):
    from parley.accounts import services

    user = make_user()
    services.deactivate_user(user=user)
    response = admin_client.post(
        reverse("adminpanel:login_link", kwargs={"public_id": user.public_id}), follow=True
    )
    assert "This user is deactivated; reactivate them before creating a login link." in (
        response.content.decode()
    )
    assert not LoginLink.objects.filter(user=user).exists()
