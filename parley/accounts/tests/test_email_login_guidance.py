"""The email login never leaves a person waiting on a code that is not coming: the code page
says what the mail holds when there is no account (a signup link, or why not), and a wrong
code says how many tries are left and offers a new one."""

import pytest
from django.core import mail

from .email_flow import CONFIRM, LOGIN, code_from

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def test_an_unknown_email_is_told_the_mail_has_a_signup_link_not_a_code(client, db):
    response = client.post(LOGIN, {"login": "new@example.com"}, follow=True)
    page = response.content.decode()
    assert "If this address has an account, the email holds a code" in page
    assert "No account with this address yet? Then the email has no code" in page
    sent = mail.outbox[-1]
    assert "there is no account for this address" in sent.body
    assert "/accounts/signup/?email=new%40example.com" in sent.body


def test_a_known_email_sees_the_same_page(client, make_user):
    make_user(email="kim@example.com")
    page = client.post(LOGIN, {"login": "kim@example.com"}, follow=True).content.decode()
    assert "If this address has an account, the email holds a code" in page  # no enumeration


def test_a_wrong_code_says_how_many_tries_are_left_and_a_new_code_can_be_sent(client, make_user):
    make_user(email="kim@example.com")
    client.post(LOGIN, {"login": "kim@example.com"})
    page = client.post(CONFIRM, {"code": "WRNG-CODE"}).content.decode()
    assert "That code is not right (4 tries left)" in page
    assert 'name="action" value="resend"' in page and "Send a new code" in page
    resent = client.post(CONFIRM, {"action": "resend"}, follow=True)
    assert resent.status_code == 200
    assert len(mail.outbox) == 2
    client.post(CONFIRM, {"code": code_from(mail.outbox[-1])})
    assert client.get("/").status_code == 200 and "_auth_user_id" in client.session
