"""`?externalAuthCode=` on a page: the documented payloads log people in (or create them),
and every bad code shows the error page, ends any session and creates nothing."""

import time

import pytest

from parley.accounts import services as accounts
from parley.accounts.models import CreatedVia, Status, User
from parley.audit.models import AuthEvent
from parley.external_auth import services

from .factories import last_event


def login(client, token, path="/", query=""):
    return client.get(f"{path}?{query}{'&' if query else ''}externalAuthCode={token}")


def session_user_id(client):
    return client.session.get("_auth_user_id")


def test_a_new_user_object_creates_the_user_and_logs_them_in(client, code):
    token = code({"user": {"id": "crm-7", "email": "Kim@Example.com", "plan": "pro"}})
    response = login(client, token, path="/chat/42", query="tab=files")
    assert response.status_code == 303
    assert response["Location"] == "/chat/42?tab=files"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert response.content == b""
    user = User.objects.get(public_id="crm-7")
    assert (user.email, user.created_via, user.metadata) == (
        "Kim@Example.com",
        CreatedVia.JWT,
        {"plan": "pro"},
    )
    assert session_user_id(client) == str(user.pk)
    assert user.last_login_method == "jwt"
    event = last_event()
    assert (event.outcome, event.reason, event.public_user_id) == ("success", "ok", "crm-7")
    assert "user created" in event.detail


def test_a_returning_user_is_logged_in_and_their_metadata_replaced(client, code):
    login(client, code({"user": {"id": "crm-7", "plan": "pro", "team": "a"}}))
    client.logout()
    login(client, code({"user": {"id": "crm-7", "plan": "free"}}))
    assert User.objects.count() == 1
    assert User.objects.get().metadata == {"plan": "free"}


@pytest.mark.parametrize("claim", [1234, "1234"])
def test_id_logs_in_the_existing_user_a_number_meaning_its_decimal_string(
    client, code, make_user, claim
):
    user = make_user(public_id="1234")
    assert login(client, code({"id": claim})).status_code == 303
    assert session_user_id(client) == str(user.pk)


def test_email_logs_in_the_existing_user_ignoring_case(client, code, make_user):
    user = make_user(email="Ada@Example.com")
    assert login(client, code({"email": "ada@example.COM"})).status_code == 303
    assert session_user_id(client) == str(user.pk)


def test_id_wins_over_email(client, code, make_user):
    by_id = make_user(public_id="555", email="one@example.com")
    make_user(email="two@example.com")
    login(client, code({"id": 555, "email": "two@example.com"}))
    assert session_user_id(client) == str(by_id.pk)


@pytest.mark.parametrize("payload", [{"id": 999}, {"email": "nobody@example.com"}])
def test_unknown_id_or_email_is_user_not_found_and_creates_nothing(client, code, payload):
    response = login(client, code(payload))
    assert response.status_code == 401
    assert User.objects.count() == 0
    assert last_event().reason == "user_not_found"


def test_no_free_seat_shows_the_seats_message_and_creates_nothing(client, code, make_user):
    make_user()
    accounts.set_seat_limit(limit=1)
    response = login(client, code({"user": {"id": "new-person"}}))
    assert response.status_code == 409
    assert b"seats" in response.content
    assert not User.objects.filter(public_id="new-person").exists()
    assert last_event().reason == "seat_limit_reached"


def test_a_deactivated_user_is_refused(client, code, make_user, admin_user):
    user = make_user(public_id="gone")
    accounts.deactivate_user(user=user)
    response = login(client, code({"id": "gone"}))
    assert response.status_code == 403
    assert last_event().reason == "user_deactivated"
    assert User.objects.get(public_id="gone").status == Status.DEACTIVATED


def test_the_error_page_has_a_reference_that_finds_the_audit_event(client, code):
    response = login(client, code({"id": 1}, key="x" * 43))
    event = last_event()
    assert event.reason == "invalid_signature"
    assert event.reference.encode() in response.content
    assert response["Referrer-Policy"] == "no-referrer"
    assert b"eyJ" not in response.content  # the token is never echoed


def test_an_invalid_code_ends_the_current_session(client, code, make_user):
    make_user(public_id="me")
    login(client, code({"id": "me"}))
    response = login(client, "not.a.token")
    assert response.status_code == 401
    assert session_user_id(client) is None
    assert client.get("/").status_code == 302  # back to the login page


def test_jwt_switched_off_refuses_every_code(client, code, make_user):
    make_user(public_id="me")
    token = code({"id": "me"})
    services.disable_jwt()
    response = login(client, token)
    assert response.status_code == 403 and b"reference" in response.content
    assert last_event().reason == "jwt_disabled"


def test_two_code_parameters_are_rejected(client, code, make_user):
    make_user(public_id="me")
    token = code({"id": "me"})
    response = client.get(f"/?externalAuthCode={token}&externalAuthCode={token}")
    assert response.status_code == 401
    assert session_user_id(client) is None
    assert last_event().reason == "malformed_token"


@pytest.mark.parametrize(
    "path", ["//evil.example/", "/\\evil.example", "///evil.example", "/\\/evil.example/"]
)
def test_the_redirect_never_leaves_this_host(client, code, make_user, path):
    make_user(public_id="me")
    response = client.get("/", {"externalAuthCode": code({"id": "me"})}, PATH_INFO=path)
    assert response.status_code == 303
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))


def test_an_expired_code_is_refused(client, code, make_user):
    make_user(public_id="me")
    past = int(time.time()) - 3600
    response = login(client, code({"id": "me", "iat": past - 60, "exp": past}))
    assert response.status_code == 401
    assert last_event().reason == "token_expired"


def test_the_session_ends_when_the_code_expires_capped_by_the_instance_maximum(
    client, code, make_user
):
    make_user(public_id="me")
    login(client, code({"id": "me"}, expires_in=600))
    assert 590 <= client.session.get_expiry_age() <= 600
    services.update_policy(session_max_age_seconds=120)
    login(client, code({"id": "me"}, expires_in=7 * 24 * 3600))
    assert client.session.get_expiry_age() <= 120


def test_a_code_without_exp_gets_the_instance_session_length(client, code, make_user):
    make_user(public_id="me")
    login(client, code({"id": "me"}, expires_in=None))
    assert client.session.get_expiry_age() == services.get_jwt_settings().session_max_age_seconds


def test_one_time_use_refuses_a_replayed_jti(client, code, make_user):
    make_user(public_id="me")
    services.update_policy(one_time_jti=True)
    token = code({"id": "me", "jti": "once-1"})
    assert login(client, token).status_code == 303
    client.logout()
    assert login(client, token).status_code == 401
    assert last_event().reason == "token_replayed"
    assert last_event().jti == "once-1"


def test_a_replayed_jti_is_fine_while_one_time_use_is_off(client, code, make_user):
    make_user(public_id="me")
    token = code({"id": "me", "jti": "many"})
    assert login(client, token).status_code == 303
    assert login(client, token).status_code == 303


def test_a_rotated_secret_keeps_working_during_grace_only(client, code, make_user, secret):
    from datetime import timedelta

    from django.utils import timezone

    from parley.external_auth.models import JwtSecret

    make_user(public_id="me")
    old_token = code({"id": "me"}, key=secret)
    new_secret = services.rotate_secret(grace=timedelta(hours=1))
    assert login(client, old_token).status_code == 303
    assert login(client, code({"id": "me"}, key=new_secret)).status_code == 303
    JwtSecret.objects.filter(secret=secret).update(valid_until=timezone.now())
    assert login(client, old_token).status_code == 401
    assert last_event().reason == "invalid_signature"


def test_post_requests_are_not_treated_as_url_logins(client, code, make_user):
    make_user(public_id="me")
    response = client.post(f"/accounts/login/?externalAuthCode={code({'id': 'me'})}")
    assert response.status_code != 303
    assert AuthEvent.objects.filter(method="jwt").count() == 0


def test_api_and_static_paths_ignore_the_code(client, code, make_user):
    make_user(public_id="me")
    token = code({"id": "me"})
    response = client.get(f"/api/v1/seats?externalAuthCode={token}")
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
    assert AuthEvent.objects.filter(method="jwt").count() == 0
