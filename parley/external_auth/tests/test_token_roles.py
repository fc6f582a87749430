"""Roles from the token, through the URL login: never unless an owner turned it on, only the
roles listed, never owner; every staff role counts as an admin for "admins may use a JWT"."""

import pytest

from parley.accounts.models import Role, User
from parley.audit.models import Outcome
from parley.errors import ValidationFailed
from parley.external_auth import services
from parley.external_auth.token_roles import set_token_roles

from .factories import last_event, url_login


def _role(public_id: str) -> str | None:
    user = User.objects.filter(public_id=public_id).first()
    return user.role if user else None


def test_by_default_a_token_naming_a_role_changes_nothing(client, mint):
    response = url_login(client, mint({"user": {"id": "crm-1", "role": "admin"}}))
    assert response.status_code == 303
    assert _role("crm-1") == Role.MEMBER


def test_when_on_a_token_grants_an_allowed_role_and_says_so_in_the_audit_log(client, mint):
    set_token_roles(enabled=True, claim="user.role", allowed=["member", "auditor"])
    services.update_policy(admins_may_use_jwt=True)
    assert url_login(client, mint({"user": {"id": "crm-1", "role": "auditor"}})).status_code == 303
    assert _role("crm-1") == Role.AUDITOR
    assert "role member -> auditor from the token" in last_event().detail
    client.logout()
    url_login(client, mint({"user": {"id": "crm-1", "role": "member"}}))
    assert _role("crm-1") == Role.MEMBER


def test_a_role_not_allowed_is_refused_and_creates_nobody(client, mint):
    set_token_roles(enabled=True, claim="user.role", allowed=["member"])
    response = url_login(client, mint({"user": {"id": "crm-2", "role": "admin"}}))
    assert response.status_code == 403
    assert _role("crm-2") is None
    assert "_auth_user_id" not in client.session
    event = last_event()
    assert (event.outcome, event.reason) == (Outcome.FAILURE, "role_not_allowed")


@pytest.mark.parametrize("value", ["owner", "OWNER", "superuser", 7, ["admin"], None])
def test_a_token_never_grants_owner_nor_an_unknown_role(client, mint, value):
    set_token_roles(enabled=True, claim="user.role", allowed=["member", "admin"])
    services.update_policy(admins_may_use_jwt=True)
    response = url_login(client, mint({"user": {"id": "crm-3", "role": value}}))
    assert response.status_code in (401, 403)
    assert _role("crm-3") is None
    assert last_event().reason in ("role_not_allowed", "invalid_claims")


def test_an_owner_cannot_list_owner_among_the_roles_a_token_may_grant(db):
    with pytest.raises(ValidationFailed):
        set_token_roles(enabled=True, claim="user.role", allowed=["member", "owner"])
    assert services.get_jwt_settings().token_roles_allowed == ["member"]


def test_a_staff_role_from_the_token_still_needs_admins_may_use_jwt(client, mint):
    set_token_roles(enabled=True, claim="user.role", allowed=["member", "auditor"])
    response = url_login(client, mint({"user": {"id": "crm-4", "role": "auditor"}}))
    assert response.status_code == 403
    assert _role("crm-4") is None
    assert last_event().reason == "admin_jwt_not_allowed"


def test_a_role_given_in_the_panel_outside_the_list_is_kept(client, mint, make_user):
    make_user(public_id="crm-5", role=Role.ADMIN)
    set_token_roles(enabled=True, claim="user.role", allowed=["member", "auditor"])
    services.update_policy(admins_may_use_jwt=True)
    assert url_login(client, mint({"user": {"id": "crm-5", "role": "member"}})).status_code == 303
    assert _role("crm-5") == Role.ADMIN


def test_the_claim_path_is_the_owners_choice(client, mint):
    set_token_roles(enabled=True, claim="app.access.role", allowed=["member", "user_manager"])
    services.update_policy(admins_may_use_jwt=True)
    token = mint(
        {"user": {"id": "crm-6", "role": "member"}, "app": {"access": {"role": "user_manager"}}}
    )
    assert url_login(client, token).status_code == 303
    assert _role("crm-6") == Role.USER_MANAGER


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.USER_MANAGER, Role.AUDITOR])
def test_every_staff_role_is_an_admin_for_the_jwt_login_refusal(client, mint, make_user, role):
    make_user(public_id="staff-1", role=role)
    response = url_login(client, mint({"id": "staff-1"}))
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert last_event().reason == "admin_jwt_not_allowed"


def test_a_jwt_user_never_waits_for_approval(client, mint):
    from parley.accounts import services as accounts

    accounts.update_email_login_settings(
        enabled=True, signup_allowed=True, signup_needs_approval=True
    )
    assert url_login(client, mint({"user": {"id": "crm-7"}})).status_code == 303
    assert User.objects.get(public_id="crm-7").is_active


def _tester(admin_client, code: str) -> str:
    from django.urls import reverse

    return admin_client.post(reverse("adminpanel:tester"), {"code": code}).content.decode()


def test_the_tester_says_which_role_a_login_would_give_and_gives_none(
    admin_client, mint, make_user
):
    set_token_roles(enabled=True, claim="user.role", allowed=["member", "auditor"])
    services.update_policy(admins_may_use_jwt=True)
    kim = make_user(email="kim@example.com")

    html = _tester(admin_client, mint({"user": {"id": kim.public_id, "role": "auditor"}}))
    new = _tester(admin_client, mint({"user": {"id": "crm-9", "role": "auditor"}}))
    silent = _tester(admin_client, mint({"user": {"id": "crm-9"}}))

    assert "Role: would become Auditor (from user.role)." in html
    assert "Role: would become Auditor (from user.role)." in new
    assert "Role: the code has no user.role claim, so no change." in silent
    assert _role(kim.public_id) == Role.MEMBER and _role("crm-9") is None


def test_the_tester_shows_a_role_the_login_would_refuse_as_the_outcome(admin_client, mint):
    set_token_roles(enabled=True, claim="user.role", allowed=["member"])
    html = _tester(admin_client, mint({"user": {"id": "crm-9", "role": "admin"}}))
    assert "role_not_allowed" in html
    assert "Role: would become" not in html


def test_the_tester_says_nothing_of_roles_while_tokens_may_not_grant_them(admin_client, mint):
    html = _tester(admin_client, mint({"user": {"id": "crm-9", "role": "auditor"}}))
    assert "Role:" not in html
