"""A person sets their own name and email on the account page; a new email is confirmed by a
code sent to it, and an admin without an email is asked for one before they can lose the
way back in."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from parley.accounts import bootstrap
from parley.accounts.email_change import SESSION_KEY
from parley.accounts.models import User
from parley.audit.models import AuthEvent

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")
ACCOUNT = reverse("account_edit")
EMAIL = reverse("account_change_email")
CONFIRM = reverse("account_change_email_confirm")


def code_in(message) -> str:
    return re.search(r"^\s+(\d{6})\s*$", message.body, re.MULTILINE).group(1)


def test_a_member_sets_their_name(member_client):
    response = member_client.post(ACCOUNT, {"name": "  Casey Jones "})
    assert response.status_code == 302
    assert User.objects.get(pk=member_client.user.pk).name == "Casey Jones"
    assert "Casey Jones" in member_client.get("/").content.decode()


def test_a_bad_name_is_refused_with_its_reason(member_client):
    response = member_client.post(ACCOUNT, {"name": "x" * 201})
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()
    assert User.objects.get(pk=member_client.user.pk).name == ""


def test_a_new_email_changes_only_once_its_code_comes_back(member_client):
    member_client.post(EMAIL, {"email": "Casey.New@example.com"})
    sent = mail.outbox[-1]
    assert sent.to == ["Casey.New@example.com"]
    assert sent.subject == "[Parley] Confirm your new email address"
    page = member_client.get(ACCOUNT).content.decode()
    assert "We sent a code to <strong>Casey.New@example.com</strong>" in page
    assert User.objects.get(pk=member_client.user.pk).email == "member@example.com"
    member_client.post(CONFIRM, {"code": code_in(sent)})
    user = User.objects.get(pk=member_client.user.pk)
    assert user.email == "Casey.New@example.com"
    assert AuthEvent.objects.filter(reason="email_changed", public_user_id=user.public_id).exists()
    assert SESSION_KEY not in member_client.session


def test_a_wrong_code_says_how_many_tries_are_left_and_the_last_one_ends_it(member_client):
    member_client.post(EMAIL, {"email": "new@example.com"})
    real = code_in(mail.outbox[-1])
    wrong = "000000" if real != "000000" else "111111"
    page = member_client.post(CONFIRM, {"code": wrong}).content.decode()
    assert "That code is not right. 4 tries left." in page
    for _ in range(3):
        member_client.post(CONFIRM, {"code": wrong})
    page = member_client.post(CONFIRM, {"code": wrong}).content.decode()
    assert "Too many wrong codes" in page
    member_client.post(CONFIRM, {"code": real})
    assert User.objects.get(pk=member_client.user.pk).email == "member@example.com"


@pytest.mark.parametrize(
    ("email", "said"),
    [
        ("not-an-email", "is not a valid email address"),
        ("taken@example.com", "Another user already has this email address"),
        ("member@example.com", "already your email"),
    ],
)
def test_a_bad_or_taken_email_sends_nothing(member_client, make_user, email, said):
    make_user(email="taken@example.com")
    page = member_client.post(EMAIL, {"email": email}).content.decode()
    assert said in page
    assert mail.outbox == []


def test_the_first_admin_without_email_is_asked_for_one_and_gets_back_in_by_email(client, db):
    link = bootstrap.ensure_admin_login_link()
    response = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    page = client.get(ACCOUNT).content.decode()
    assert "Add your email address" in page and "parley createadmin" in page
    assert "Add your email" in client.get(reverse("adminpanel:users")).content.decode()
    client.post(EMAIL, {"email": "owner@example.com"})
    client.post(CONFIRM, {"code": code_in(mail.outbox[-1])})
    assert "Add your email address" not in client.get(ACCOUNT).content.decode()
    # The way back in: a fresh session logs in with a code sent to that address.
    client.logout()
    client.post("/accounts/login/", {"login": "owner@example.com"})
    assert mail.outbox[-1].to == ["owner@example.com"]
    assert mail.outbox[-1].subject.endswith("Your login code")


def test_code_mails_to_new_addresses_are_limited_per_hour(member_client):
    for n in range(5):
        member_client.post(EMAIL, {"email": f"new{n}@example.com"})
    page = member_client.post(EMAIL, {"email": "flood@example.com"}).content.decode()
    assert "Too many codes sent this hour" in page
    assert len(mail.outbox) == 5 and "flood@example.com" not in mail.outbox[-1].to
