"""The admin fixes of issue 15 in the browser: the JWT switch lands on a page that reloads,
the snippets are keyboard tabs, the tester dates every time claim and says how long the
session would last, Seats frees inactive seats after a confirm, a new provider is tested,
the audit log names people, and a wrong email code says how many tries are left."""

import re
import time
from datetime import timedelta

import jwt
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from parley.accounts.models import Role, Status, User
from parley.audit.services import record_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.com", role=Role.OWNER)


def test_the_jwt_switch_lands_on_a_page_that_reloads(page, login_as, owner):
    login_as(owner)
    page.goto("/admin/authentication/jwt/")
    page.get_by_role("switch", name=re.compile("Sign in with an external code")).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Your new JWT secret")).to_be_visible()
    assert page.url.endswith("/admin/authentication/jwt/")
    response = page.reload()
    assert response.status == 200
    expect(page.get_by_role("heading", name="Your new JWT secret")).to_have_count(0)
    expect(page.get_by_role("switch", name=re.compile("Sign in with"))).to_be_checked()


def test_the_integration_snippets_are_tabs_for_the_keyboard(page, login_as, owner):
    login_as(owner)
    page.goto("/admin/integration/")
    node = page.get_by_role("tab", name="Node.js")
    expect(node).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Node.js")).to_be_visible()
    node.focus()
    page.keyboard.press("ArrowRight")
    python = page.get_by_role("tab", name="Python")
    expect(python).to_be_focused()
    expect(python).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Python")).to_be_visible()
    expect(page.locator("#snippet-node")).to_be_hidden()
    page.keyboard.press("End")
    expect(page.get_by_role("tab", name="Java")).to_be_focused()
    page.get_by_role("tab", name="Go").click()
    expect(page.get_by_role("tabpanel", name="Go")).to_be_visible()


def test_the_tester_dates_every_time_claim_and_says_how_long_the_session_lasts(
    page, login_as, owner, secret
):
    from parley.external_auth import services

    services.update_policy(session_length="fixed", session_max_age_seconds=8 * 3600)
    now = int(time.time())
    code = jwt.encode(
        {"user": {"id": "t-1"}, "iat": now, "nbf": now, "exp": now + 300}, secret, "HS256"
    )
    login_as(owner)
    page.goto("/admin/token-tester/")
    page.get_by_role("textbox", name="Code").fill(code)
    page.get_by_role("button", name="Test code").click()
    expect(page.locator("#tester-session")).to_contain_text("The session would last 8 hours")
    times = page.locator("#tester-times time")
    expect(times).to_have_count(3)
    for index in range(3):
        assert re.match(r"\d{4}-\d\d-\d\dT", times.nth(index).get_attribute("datetime"))


def test_seats_lists_holders_and_frees_inactive_ones_after_a_confirm(
    page, login_as, owner, make_user
):
    gone = make_user(email="gone@example.com")
    old = timezone.now() - timedelta(days=400)
    User.objects.filter(pk=gone.pk).update(created_at=old, last_login_at=old)
    login_as(owner)
    page.goto("/admin/seats/")
    expect(page.locator("#seat-holders")).to_contain_text("gone@example.com")
    page.get_by_label("Deactivate members with no login for (days)").fill("365")
    page.get_by_role("button", name="Show who would be deactivated").click()
    expect(page.get_by_role("heading", name=re.compile("Deactivate 1 person"))).to_be_visible()
    assert User.objects.get(pk=gone.pk).status == Status.ACTIVE
    page.get_by_role("button", name="Deactivate 1").click()
    expect(page.get_by_text("Deactivated 1 person with no login for 365 days")).to_be_visible()
    assert User.objects.get(pk=gone.pk).status == Status.DEACTIVATED


def test_an_unreachable_new_provider_gets_a_warning(page, login_as, owner):
    login_as(owner)
    page.goto("/admin/models/")
    page.get_by_label("Name", exact=True).fill("Local AI")
    page.get_by_label("Base URL").fill("http://127.0.0.1:9/v1")
    page.get_by_label("Model names").fill("llama3")
    page.get_by_role("button", name=re.compile("Add provider")).click()
    expect(page.locator(".message.warning")).to_contain_text("the connection test failed")


def test_the_audit_log_names_people_and_links_only_real_users(page, login_as, owner):
    record_event(
        method="jwt", outcome="failure", reason="user_not_found", public_user_id="nobody-9"
    )
    record_event(method="link", outcome="success", reason="ok", public_user_id=owner.public_id)
    login_as(owner)
    page.goto("/admin/audit/")
    expect(page.get_by_role("link", name=owner.public_id).first).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("owner@example.com")).first).to_be_visible()
    expect(page.get_by_role("link", name="nobody-9")).to_have_count(0)
    expect(page.get_by_text("no user with this ID")).to_be_visible()


def test_a_wrong_email_code_says_how_many_tries_are_left(page, make_user):
    from django.core.cache import cache

    cache.clear()  # allauth's rate limits
    make_user(email="kim@example.com")
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("kim@example.com")
    page.get_by_role("button", name="Email me a code").click()
    expect(
        page.get_by_text("If this address has an account, the email holds a code")
    ).to_be_visible()
    page.get_by_label("Code").fill("WRNG-CODE")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("4 tries left")
    page.get_by_role("button", name="Send a new code").click()
    assert len(mail.outbox) == 2
