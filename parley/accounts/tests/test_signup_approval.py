"""Signups that need an admin's approval, through HTTP: after their code people wait, holding
no seat and no session, until an admin approves (taking a seat) or rejects (deleting) them."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from parley.accounts import services
from parley.accounts.models import Role, Status, User
from parley.audit.models import AuthEvent

from .email_flow import CONFIRM, LOGIN, SIGNUP, VERIFY, code_from, logged_in_user

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def approval_on(db):
    services.update_email_login_settings(
        enabled=True, signup_allowed=True, signup_needs_approval=True
    )


def sign_up_and_confirm(email: str) -> tuple[Client, object]:
    browser = Client()
    assert browser.post(SIGNUP, {"email": email}).status_code == 302
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return browser, browser.post(VERIFY, {"code": code_from(message)})


def _user(email: str) -> User:
    return User.objects.get(email_normalized=email)


def _post(client, action: str, user: User):
    url = reverse(f"adminpanel:{action}", kwargs={"public_id": user.public_id})
    return client.post(url, follow=True).content.decode()


def test_a_confirmed_signup_waits_with_a_clear_page_and_no_seat(approval_on):
    browser, response = sign_up_and_confirm("new@example.com")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Waiting for approval" in page and "waiting for an administrator" in page
    event = AuthEvent.objects.order_by("-id").first()
    assert event.reason == "awaiting_approval" and event.reference in page
    assert logged_in_user(browser).is_anonymous
    assert _user("new@example.com").status == Status.PENDING
    assert services.seat_usage().used == 0


def test_without_the_setting_a_signup_is_active_at_once(db):
    browser, response = sign_up_and_confirm("new@example.com")
    assert response.status_code == 302
    assert _user("new@example.com").status == Status.ACTIVE


def test_someone_waiting_who_asks_for_a_login_code_is_told_they_wait(approval_on):
    sign_up_and_confirm("new@example.com")
    mail.outbox.clear()
    browser = Client()
    browser.post(LOGIN, {"login": "new@example.com"})
    [message] = mail.outbox
    assert message.subject == "[Parley] Your account is waiting for approval"
    assert "waiting for an administrator's approval, so no code was sent" in message.body
    event = AuthEvent.objects.order_by("-id").first()
    assert event.reason == "awaiting_approval" and event.reference in message.body
    assert logged_in_user(browser).is_anonymous


def test_the_users_page_lists_who_is_waiting(approval_on, admin_client):
    sign_up_and_confirm("new@example.com")
    page = admin_client.get(reverse("adminpanel:users")).content.decode()
    assert "1 person is waiting for approval" in page
    waiting = admin_client.get(reverse("adminpanel:users"), {"status": "pending"})
    listed = waiting.content.decode().split("<tbody>", 1)[1]
    assert "new@example.com" in listed
    assert "admin@example.com" not in listed


def test_approving_takes_a_seat_and_lets_them_sign_in(approval_on, admin_client):
    sign_up_and_confirm("new@example.com")
    _post(admin_client, "approve", _user("new@example.com"))
    assert _user("new@example.com").status == Status.ACTIVE
    assert services.seat_usage().used == 2
    browser = Client()
    browser.post(LOGIN, {"login": "new@example.com"})
    message = [m for m in mail.outbox if m.to == ["new@example.com"]][-1]
    assert browser.post(CONFIRM, {"code": code_from(message)}).status_code == 302
    assert logged_in_user(browser).email == "new@example.com"


def test_approving_with_no_free_seat_says_so_and_they_keep_waiting(approval_on, admin_client):
    sign_up_and_confirm("new@example.com")
    services.set_seat_limit(limit=1)
    html = _post(admin_client, "approve", _user("new@example.com"))
    assert "No seat is free (1 of 1 in use)" in html
    assert _user("new@example.com").status == Status.PENDING


def test_a_full_instance_still_lets_people_sign_up_to_wait_for_approval(approval_on, make_user):
    services.set_seat_limit(limit=1)
    make_user()  # the one seat is taken

    browser, response = sign_up_and_confirm("new@example.com")

    assert response.status_code == 403 and "Waiting for approval" in response.content.decode()
    assert _user("new@example.com").status == Status.PENDING
    assert services.seat_usage().used == 1


def test_without_approval_a_full_instance_refuses_the_signup_up_front(db, make_user):
    services.set_seat_limit(limit=1)
    make_user()
    browser = Client()
    page = browser.post(SIGNUP, {"email": "new@example.com"}, follow=True).content.decode()
    assert "All seats on this Parley instance are taken" in page
    assert AuthEvent.objects.get().reference in page
    assert not User.objects.filter(email_normalized="new@example.com").exists()


def test_rejecting_deletes_the_account(approval_on, admin_client):
    sign_up_and_confirm("new@example.com")
    _post(admin_client, "reject", _user("new@example.com"))
    assert not User.objects.filter(email_normalized="new@example.com").exists()


def test_reject_never_deletes_someone_who_is_not_waiting(admin_client, make_user):
    member = make_user(email="member@example.com")
    html = _post(admin_client, "reject", member)
    assert "is not waiting for approval" in html
    assert User.objects.filter(pk=member.pk).exists()


def test_an_auditor_cannot_approve(approval_on, client_as):
    sign_up_and_confirm("new@example.com")
    client = client_as(Role.AUDITOR)
    url = reverse("adminpanel:approve", kwargs={"public_id": _user("new@example.com").public_id})
    assert client.post(url).status_code == 403
    assert _user("new@example.com").status == Status.PENDING


def test_the_email_login_settings_page_switches_approval(admin_client):
    url = reverse("adminpanel:authentication")
    data = {"enabled": "on", "signup_allowed": "on", "signup_needs_approval": "on"}
    admin_client.post(url, data)
    assert services.get_instance_settings().signup_needs_approval
    admin_client.post(url, {"enabled": "on", "signup_allowed": "on"})
    assert not services.get_instance_settings().signup_needs_approval
