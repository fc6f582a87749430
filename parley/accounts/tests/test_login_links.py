"""One-time login links: log in once, then never again; every use is audited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parley.accounts import services
from parley.accounts.login_links import create_login_link
from parley.accounts.models import LoginLink
from parley.audit.models import AuthEvent


def path_of(url: str) -> str:
    return "/login/link/" + url.split("/login/link/", 1)[1]


def test_a_link_logs_the_member_in_and_lands_on_chat(client, make_user):
    user = make_user(email="pat@example.com")
    response = client.get(path_of(create_login_link(user=user)))
    assert response.status_code == 302 and response["Location"] == "/"
    assert response["Referrer-Policy"] == "no-referrer"
    user.refresh_from_db()
    assert user.last_login_method == "link" and user.last_login_at is not None
    event = AuthEvent.objects.get()
    assert (event.method, event.outcome, event.public_user_id) == (
        "link",
        "success",
        user.public_id,
    )


def test_an_admin_link_lands_in_the_admin_panel(client, admin_user):
    response = client.get(path_of(create_login_link(user=admin_user)))
    assert response["Location"] == "/admin/"


def test_a_used_link_shows_the_error_page_with_a_reference(client, make_user):
    link = path_of(create_login_link(user=make_user()))
    client.get(link)
    client.logout()
    response = client.get(link)
    assert response.status_code == 401
    event = AuthEvent.objects.filter(outcome="failure").get()
    assert event.reason == "login_link_used"
    assert event.reference.encode() in response.content
    assert b"already been used" in response.content
    assert "_auth_user_id" not in client.session


def test_an_expired_link_is_refused(client, make_user):
    link = path_of(create_login_link(user=make_user()))
    LoginLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link)
    assert response.status_code == 401 and b"expired" in response.content
    assert AuthEvent.objects.get().reason == "login_link_expired"


@pytest.mark.parametrize("token", ["nope", "x" * 129, "%00"])
def test_unknown_or_malformed_tokens_are_refused_without_a_crash(client, db, token):
    response = client.get(f"/login/link/{token}/")
    assert response.status_code == 401
    event = AuthEvent.objects.get()
    assert (event.outcome, event.reason) == ("failure", "login_link_invalid")
    assert event.reference.encode() in response.content


def test_a_token_that_climbs_out_of_the_link_path_is_not_a_link(client, db):
    response = client.get("/login/link/..%2F..%2Fetc/")
    assert response.status_code == 404
    assert not AuthEvent.objects.exists()


def test_a_deactivated_users_link_does_not_log_in(client, make_user, admin_user):
    user = make_user()
    link = path_of(create_login_link(user=user))
    services.deactivate_user(user=user)
    response = client.get(link)
    assert response.status_code == 403
    assert AuthEvent.objects.get().reason == "user_deactivated"


def test_following_a_link_rotates_the_session_key(client, make_user):
    client.get("/accounts/login/")
    before = client.session.session_key
    client.get(path_of(create_login_link(user=make_user())))
    assert client.session.session_key != before


def test_only_the_tokens_hash_is_stored(make_user):
    url = create_login_link(user=make_user())
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert not LoginLink.objects.filter(token_hash__contains=token).exists()


def test_lifetime_is_bounded(make_user):
    create_login_link(user=make_user(), lifetime=timedelta(days=365))
    link = LoginLink.objects.get()
    assert link.expires_at - link.created_at <= timedelta(days=7, seconds=1)
