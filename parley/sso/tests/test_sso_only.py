""" "SSO only": email login is switched off for everyone but owners, who always keep a way
in; it can be turned on only with a provider enabled."""

import pytest
from django.core import mail

from parley.accounts.models import Role
from parley.accounts.tests.email_flow import (
    CODE_IN_MAIL,
    CONFIRM,
    LOGIN,
    SIGNUP,
    code_from,
    logged_in_user,
)
from parley.audit.models import AuthEvent
from parley.errors import ValidationFailed
from parley.sso import services
from parley.sso.models import Provider


def sso_only(on=True):
    return services.update_sso_settings(
        link_by_email=False, sso_only=on, roles_from_claims=False, roles_claim="role",
        roles_allowed=["member"],
    )  # fmt: skip


@pytest.fixture
def enabled_provider(db):
    return Provider.objects.create(name="Acme", slug="acme", issuer="https://idp.example")


def test_sso_only_needs_an_enabled_provider(db):
    with pytest.raises(ValidationFailed, match="sso-only without an enabled provider"):
        sso_only()


def test_a_member_gets_no_code_while_sso_only_is_on(client, make_user, enabled_provider):
    user = make_user(email="jo@example.com")
    sso_only()
    client.post(LOGIN, {"login": "jo@example.com"})
    assert CODE_IN_MAIL.search(mail.outbox[0].body) is None
    event = AuthEvent.objects.get()
    assert (event.reason, event.public_user_id) == ("email_login_sso_only", user.public_id)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MEMBER])
def test_a_code_sent_before_sso_only_is_refused_for_anyone_but_an_owner(
    client, make_user, enabled_provider, role
):
    make_user(email="kim@example.com", role=role)
    client.post(LOGIN, {"login": "kim@example.com"})
    sso_only()
    response = client.post(CONFIRM, {"code": code_from(mail.outbox[0])})
    assert response.status_code == 403
    assert not logged_in_user(client).is_authenticated


def test_an_owner_still_signs_in_by_email(client, make_user, enabled_provider):
    owner = make_user(email="owner@example.com", role=Role.OWNER)
    sso_only()
    client.post(LOGIN, {"login": "owner@example.com"})
    response = client.post(CONFIRM, {"code": code_from(mail.outbox[0])})
    assert response["Location"] == "/"
    assert logged_in_user(client) == owner


def test_signup_by_email_is_closed_while_sso_only_is_on(client, enabled_provider):
    sso_only()
    client.post(SIGNUP, {"email": "new@example.com"})
    assert AuthEvent.objects.get().reason == "email_login_sso_only"


def test_the_login_page_shows_each_enabled_provider_and_says_email_is_for_owners(
    client, enabled_provider
):
    Provider.objects.create(name="Off", slug="off", issuer="https://x.example", enabled=False)
    sso_only()
    html = client.get(LOGIN).content.decode()
    assert "Sign in with Acme" in html and "Sign in with Off" not in html
    assert "Email login is kept for the instance's owners" in html
