"""The first admin's way back in: the printed link lands on the account page, which asks for
an email; once confirmed by its code, a fresh browser logs in with a code sent there."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from parley.accounts import bootstrap
from parley.accounts.tests.email_flow import code_from

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_first_admin_adds_an_email_and_logs_back_in_with_it(browser, page, live_server):
    link = bootstrap.ensure_admin_login_link()
    page.goto(live_server.url + link.split("127.0.0.1:8000", 1)[1])
    expect(page).to_have_url(re.compile(r"/account/edit/$"))
    expect(page.get_by_role("heading", name="Add your email address")).to_be_visible()
    page.get_by_role("textbox", name="Email address").fill("owner@example.com")
    page.get_by_role("button", name="Send code").click()
    expect(page.get_by_text("We sent a code to owner@example.com")).to_be_visible()
    code = re.search(r"^\s+(\d{6})\s*$", mail.outbox[-1].body, re.M).group(1)
    page.get_by_label("Code from the email").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Confirm new email").click()
    expect(page.locator("#email-error")).to_contain_text("4 tries left")
    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Confirm new email").click()
    expect(page.get_by_text("Your email is now owner@example.com")).to_be_visible()
    expect(page.get_by_role("heading", name="Add your email address")).to_have_count(0)

    # The link is spent and the session gone: email is the way back in.
    fresh = browser.new_context(base_url=live_server.url)
    again = fresh.new_page()
    again.goto("/accounts/login/")
    again.get_by_label("Email address").fill("owner@example.com")
    again.get_by_role("button", name="Email me a code").click()
    again.get_by_label("Code").fill(code_from(mail.outbox[-1]))
    again.get_by_role("button", name="Log in").click()
    again.goto("/admin/")
    expect(again.get_by_role("heading", name="Users")).to_be_visible()
    expect(again.locator("#no-email-notice")).to_have_count(0)
    fresh.close()
