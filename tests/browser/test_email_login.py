"""A person logs in, or signs up, with nothing but their email and the code mailed to them."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

CODE_IN_MAIL = re.compile(r"^ {4}([A-Z0-9]{4}-[A-Z0-9]{4})$", re.M)


def mailed_code(page, to: str) -> str:
    # The live server runs in this process with the locmem backend: mail.outbox is its inbox.
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    return CODE_IN_MAIL.search(message.body).group(1)


def test_member_logs_in_with_a_code_from_their_email(page, live_server, make_user):
    make_user(email="robin@example.com", metadata={"name": "Robin"})

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.screenshot(path="/tmp/login.png", full_page=True)
    page.get_by_label("Email address").fill("robin@example.com")
    page.get_by_role("button", name="Email me a code").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("robin@example.com")).to_be_visible()
    page.screenshot(path="/tmp/login-code.png", full_page=True)
    page.get_by_label("Code").fill(mailed_code(page, "robin@example.com"))
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Welcome, Robin")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/")


def test_wrong_code_says_so_and_the_right_one_still_works(page, live_server, make_user):
    make_user(email="sky@example.com", metadata={"name": "Sky"})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill("sky@example.com")
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    code = mailed_code(page, "sky@example.com")

    page.get_by_label("Code").fill("WRNG-CODE")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right (4 tries left)")
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Welcome, Sky")).to_be_visible()


def test_new_person_signs_up_from_the_login_page(page, live_server, db):
    from parley.accounts.models import CreatedVia, User

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Email address").fill("taylor@example.com")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Confirm your email")).to_be_visible()
    page.get_by_label("Code").fill(mailed_code(page, "taylor@example.com"))
    page.get_by_role("button", name="Confirm and log in").click()

    expect(page.get_by_role("heading", name="Welcome, taylor@example.com")).to_be_visible()
    assert User.objects.get(email="taylor@example.com").created_via == CreatedVia.EMAIL


def test_two_people_sign_up_for_the_last_seat_and_the_first_to_confirm_gets_it(
    page, browser, live_server, db
):
    from parley.accounts import services

    services.set_seat_limit(limit=1)
    other = browser.new_context(base_url=live_server.url).new_page()
    for person, email in ((page, "first@example.com"), (other, "second@example.com")):
        person.goto(f"{live_server.url}/accounts/signup/")
        person.get_by_label("Email address").fill(email)
        person.get_by_role("button", name="Create account").click()
        expect(person.get_by_role("heading", name="Confirm your email")).to_be_visible()

    page.get_by_label("Code").fill(mailed_code(page, "first@example.com"))
    page.get_by_role("button", name="Confirm and log in").click()
    expect(page.get_by_role("heading", name="Welcome, first@example.com")).to_be_visible()

    other.get_by_label("Code").fill(mailed_code(other, "second@example.com"))
    other.get_by_role("button", name="Confirm and log in").click()
    expect(other.get_by_text("All seats on this Parley instance are taken")).to_be_visible()
    expect(other.get_by_text(re.compile(r"quote reference \S+"))).to_be_visible()
    other.context.close()
    assert str(services.seat_usage()) == "1/1"
