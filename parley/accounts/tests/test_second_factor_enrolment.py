"""Enrolling second factors from the account page: a fresh email code first when the person
has a verified address (allauth's re-authentication), then an authenticator app; changing
or removing one asks again; adding and removing are audited."""

import re

import pyotp
import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from parley.accounts import second_factor
from parley.audit.models import AuthEvent

from .email_flow import code_from

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

ACTIVATE = "/accounts/2fa/totp/activate/"
DEACTIVATE = "/accounts/2fa/totp/deactivate/"
REAUTHENTICATE = "/accounts/reauthenticate/code/"
SECRET = re.compile(r'id="authenticator_secret" value="([A-Z2-7]+)"')


def reauthenticate_by_email(client, then: str):
    response = client.get(then)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    page = client.get(response["Location"]).content.decode()
    recipient = re.search(r'name="recipient" value="([^"]+)"', page).group(1)
    client.post(response["Location"], {"recipient": recipient})
    confirm = client.post(
        "/accounts/reauthenticate/code/confirm/", {"code": code_from(mail.outbox[-1])}
    )
    assert confirm.status_code == 302, confirm.content


def test_the_account_page_leads_to_the_second_factors(member_client):
    page = member_client.get("/account/").content.decode()
    assert 'href="/accounts/2fa/"' in page
    index = member_client.get("/accounts/2fa/").content.decode()
    assert "Set up an authenticator app" in index and "Add a passkey" in index


def test_a_member_enrols_an_authenticator_app_after_a_fresh_email_code(
    member_client, django_capture_on_commit_callbacks
):
    member = member_client.user
    # As an email login leaves it (signals.login_code_proves_email).
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    reauthenticate_by_email(member_client, ACTIVATE)
    page = member_client.get(ACTIVATE).content.decode()
    # The QR code is inline SVG: the Content-Security-Policy allows no data: images.
    assert "<svg" in page and 'src="data:' not in page
    app = pyotp.TOTP(SECRET.search(page).group(1))

    with django_capture_on_commit_callbacks(execute=True):  # allauth signals on commit
        response = member_client.post(ACTIVATE, {"code": app.now()})
    assert response.status_code == 302
    assert second_factor.factor_types(user=member) == ["recovery_codes", "totp"]
    assert AuthEvent.objects.get(reason="totp_added").public_user_id == member.public_id

    response = member_client.post(DEACTIVATE)
    assert response.status_code == 302
    assert not second_factor.has_second_factor(user=member)
    assert AuthEvent.objects.filter(reason="totp_removed", public_user_id=member.public_id)


def test_no_factor_is_added_without_the_fresh_code(member_client):
    EmailAddress.objects.create(
        user=member_client.user, email=member_client.user.email, verified=True, primary=True
    )
    response = member_client.get(ACTIVATE)
    assert response["Location"].startswith(REAUTHENTICATE)
    assert member_client.post(ACTIVATE, {"code": "123456"}).status_code == 302
    assert not second_factor.has_second_factor(user=member_client.user)


def test_someone_signed_in_by_a_login_link_adds_a_first_factor_and_needs_it_to_remove_it(
    make_user,
):
    # Made by an admin and signed in by a link: no verified address to send a code to.
    owner = make_user(email="link-only@example.com", role="owner")
    client = Client()
    client.force_login(owner)
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    app = pyotp.TOTP(SECRET.search(page.content.decode()).group(1))
    assert client.post(ACTIVATE, {"code": app.now()}).status_code == 302
    assert second_factor.has_second_factor(user=owner)

    later = Client()
    later.force_login(owner)
    response = later.post(DEACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert second_factor.has_second_factor(user=owner)


@pytest.mark.parametrize("credential", ["not json", '{"id": "forged", "response": {}}', "[]"])
def test_a_forged_passkey_registration_adds_nothing_and_says_so(member_client, credential):
    member_client.get("/accounts/2fa/webauthn/add/")
    response = member_client.post(
        "/accounts/2fa/webauthn/add/", {"name": "Forged", "credential": credential}
    )
    assert response.status_code == 200
    assert not second_factor.has_second_factor(user=member_client.user)
