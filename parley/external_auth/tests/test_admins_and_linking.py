"""Admins and link-by-email (DESIGN §4.3), through the URL login: a code never becomes an
admin unless an admin allowed it, and an email alone never takes over an admin's account."""

import pytest

from parley.accounts.models import Role, User
from parley.audit.models import Outcome
from parley.external_auth import services
from parley.external_auth.models import JwtLink

from .factories import last_event, url_login


@pytest.fixture
def root_admin(make_user):
    return make_user(
        email="root-admin@corp.example", role=Role.ADMIN, public_id="admin-1", metadata={"a": 1}
    )


def _unchanged(admin):
    fresh = User.objects.get(pk=admin.pk)
    return (fresh.public_id, fresh.email, fresh.metadata, fresh.role) == (
        admin.public_id,
        admin.email,
        admin.metadata,
        admin.role,
    )


@pytest.mark.parametrize("link_by_email", [False, True])
@pytest.mark.parametrize("admins_may_use_jwt", [False, True])
def test_an_upsert_with_an_admins_email_in_any_case_never_takes_over_the_admin(
    client, mint, root_admin, link_by_email, admins_may_use_jwt
):
    services.update_policy(link_by_email=link_by_email, admins_may_use_jwt=admins_may_use_jwt)
    token = mint({"user": {"id": "shop-customer-666", "email": "ROOT-ADMIN@corp.example"}})
    response = url_login(client, token)
    assert response.status_code == 409
    assert "_auth_user_id" not in client.session
    assert _unchanged(root_admin)
    assert not User.objects.filter(public_id="shop-customer-666").exists()
    assert not JwtLink.objects.exists()
    event = last_event()
    assert (event.outcome, event.reason) == (Outcome.FAILURE, "identity_conflict")
    assert "linking never takes over an admin" in event.detail


@pytest.mark.parametrize(
    "payload",
    [
        {"id": "admin-1"},
        {"email": "Root-Admin@CORP.example"},
        {"user": {"id": "admin-1", "email": "elsewhere@corp.example", "plan": "pro"}},
    ],
    ids=["id", "email", "user-object"],
)
def test_a_code_naming_an_admin_is_refused_audited_and_changes_nothing(
    client, mint, root_admin, payload
):
    response = url_login(client, mint(payload))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Administrator accounts cannot sign in with a link from another system" in page
    event = last_event()
    assert (event.outcome, event.reason) == (Outcome.FAILURE, "admin_jwt_not_allowed")
    assert event.reference in page
    assert "_auth_user_id" not in client.session
    assert _unchanged(root_admin)  # no email or metadata refresh either


def test_a_signed_in_admin_presenting_a_code_for_themselves_is_signed_out(client, mint, root_admin):
    client.force_login(root_admin)
    assert url_login(client, mint({"id": "admin-1"})).status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "payload",
    [{"id": "admin-1"}, {"email": "root-admin@corp.example"}, {"user": {"id": "admin-1"}}],
    ids=["id", "email", "user-object"],
)
def test_an_admin_may_log_in_with_a_code_once_an_admin_allowed_it(
    client, mint, root_admin, payload
):
    services.update_policy(admins_may_use_jwt=True)
    assert url_login(client, mint(payload)).status_code == 303
    assert client.session["_auth_user_id"] == str(root_admin.pk)
    assert last_event().reason == "ok"


def test_link_by_email_is_off_by_default_so_an_email_users_address_is_a_conflict(
    client, mint, make_user
):
    holder = make_user(email="lee@example.com", public_id="email-7")
    response = url_login(client, mint({"user": {"id": "crm-lee", "email": "LEE@example.com"}}))
    assert response.status_code == 409
    assert last_event().reason == "identity_conflict"
    assert "linking by email is off" in last_event().detail
    assert User.objects.get(pk=holder.pk).public_id == "email-7"
    assert "_auth_user_id" not in client.session


def test_with_linking_on_a_plain_email_user_takes_the_codes_id(client, mint, make_user):
    services.update_policy(link_by_email=True)
    holder = make_user(email="lee@example.com", public_id="email-7")
    response = url_login(client, mint({"user": {"id": "crm-lee", "email": "Lee@Example.com"}}))
    assert response.status_code == 303
    holder.refresh_from_db()
    assert holder.public_id == "crm-lee" and JwtLink.objects.filter(user=holder).exists()
    assert client.session["_auth_user_id"] == str(holder.pk)
    assert "id was 'email-7'" in last_event().detail


def test_the_api_exchange_refuses_an_admin_the_same_way(anonymous_api, mint, root_admin):
    response = anonymous_api.post(
        "/api/v1/auth/external", {"externalAuthCode": mint({"id": "admin-1"})}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "admin_jwt_not_allowed"
    assert last_event().reason == "admin_jwt_not_allowed"


def test_the_widget_refuses_an_admin_the_same_way(client, mint, root_admin):
    response = client.post(
        "/widget/login/", {"code": mint({"id": "admin-1"})}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "admin_jwt_not_allowed"
    assert _unchanged(root_admin)
