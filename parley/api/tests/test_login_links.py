"""POST /login-links: a one-time, expiring link that logs the user in; each use audited."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from parley.accounts import services
from parley.accounts.models import LoginLink
from parley.audit.models import AuthEvent, Method, Outcome

from .conftest import assert_json_error


def _path(url: str) -> str:
    return "/login/link/" + url.split("/login/link/", 1)[1]


def test_a_link_by_id_logs_the_user_in_once(api, make_user):
    user = make_user(public_id="a/b")
    response = api.post("/api/v1/login-links", {"user_id": "a/b"})
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["user"]["id"] == "a/b"
    visitor = Client()
    assert visitor.get(_path(body["url"])).status_code == 302
    assert int(visitor.session["_auth_user_id"]) == user.pk
    again = Client().get(_path(body["url"]))
    assert again.status_code == 401 and "text/html" in again["Content-Type"]
    events = AuthEvent.objects.filter(method=Method.LINK).order_by("created_at", "id")
    assert [(e.outcome, e.reason) for e in events] == [
        (Outcome.SUCCESS, "ok"),
        (Outcome.FAILURE, "login_link_used"),
    ]


def test_a_link_by_email_lasts_ten_minutes_by_default(api, make_user):
    make_user(email="link@example.com")
    body = api.post("/api/v1/login-links", {"email": "LINK@example.com"}).json()
    link = LoginLink.objects.get()
    assert abs(link.expires_at - timezone.now() - timedelta(minutes=10)) < timedelta(seconds=5)
    assert link.created_by.startswith("api:pk_live_")
    assert link.token_hash not in body["url"]


def test_an_expired_link_shows_the_error_page(api, make_user):
    make_user(public_id="late")
    body = api.post("/api/v1/login-links", {"user_id": "late", "lifetime_minutes": 1}).json()
    LoginLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get(_path(body["url"]))
    assert response.status_code == 401 and "expired" in response.content.decode()
    assert AuthEvent.objects.get().reason == "login_link_expired"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user_id": "1", "email": "a@example.com"},
        {"user_id": "1", "lifetime_minutes": 0},
        {"user_id": "1", "lifetime_minutes": 7 * 24 * 60 + 1},
        {"user_id": "1", "lifetime_minutes": "10"},
        {"user_id": None},
    ],
)
def test_invalid_requests_are_422_and_make_no_link(api, make_user, body):
    make_user(public_id="1", email="a@example.com")
    assert_json_error(api.post("/api/v1/login-links", body), 422, "validation_failed")
    assert not LoginLink.objects.exists()


def test_an_unknown_user_is_a_404_and_a_deactivated_one_a_409(api, make_user):
    assert_json_error(api.post("/api/v1/login-links", {"user_id": "ghost"}), 404, "not_found")
    assert_json_error(
        api.post("/api/v1/login-links", {"email": "ghost@example.com"}), 404, "not_found"
    )
    user = make_user(public_id="off")
    services.deactivate_user(user=user)
    assert_json_error(api.post("/api/v1/login-links", {"user_id": "off"}), 409, "user_deactivated")
    assert not LoginLink.objects.exists()
