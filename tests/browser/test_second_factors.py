"""Second factors in the browser: an authenticator app (codes computed by pyotp) and a
passkey (Chromium's virtual authenticator), each enrolled from the account page and then
asked for at the next email login; and an admin who must enrol, before and after the grace
period. Every page runs under the Content-Security-Policy with no violation."""

import re
import time
from datetime import timedelta

import pyotp
import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from parley.accounts import second_factor
from parley.accounts.models import Role, User

pytestmark = [pytest.mark.usefixtures("fresh_rate_limits"), pytest.mark.timeout(120)]
CODE_IN_MAIL = re.compile(r"^ {4}([A-Z0-9]{4}-[A-Z0-9]{4})$", re.M)


@pytest.fixture
def guarded(browser, live_server, csp_violations):
    context = csp_violations.watch(browser.new_context(base_url=live_server.url))
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def mailed_code(to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    return CODE_IN_MAIL.search(message.body).group(1)


def log_in_by_email(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a code").click()
    page.get_by_label("Code").fill(mailed_code(email))
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.get_by_role("link", name="Log out").click()  # the layout's link asks first
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def open_second_factors(page) -> None:
    page.goto("/account/")
    page.get_by_role("link", name="Manage second factors").click()
    expect(page.get_by_role("heading", name="Second factors")).to_be_visible()


def code_now(app: pyotp.TOTP) -> str:
    """The app's code, not in the last two seconds of its 30: the server, which allows no
    clock drift, must check it in the same window."""
    if app.interval - time.time() % app.interval < 2:
        time.sleep(2.5)
    return app.now()


def enrol_authenticator_app(page) -> pyotp.TOTP:
    page.get_by_role("link", name="Set up an authenticator app").click()
    app = pyotp.TOTP(page.get_by_label("Key").input_value())
    page.get_by_label("Code from the app").fill(code_now(app))
    page.get_by_role("button", name="Turn on").click()
    # allauth shows the recovery codes it made alongside, once, straight away.
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.locator("#recovery_codes li")).to_have_count(10)
    # allauth refuses a code twice within its 30 seconds (replay); the next login in this
    # test comes within the same window, so the record of used codes is emptied.
    cache.clear()
    return app


def test_an_authenticator_app_is_enrolled_then_asked_for_at_the_next_email_login(
    guarded, log_in, make_user, csp_violations
):
    user = make_user(email="tess@example.com", metadata={"name": "Tess"})
    log_in(guarded, user)
    open_second_factors(guarded)
    app = enrol_authenticator_app(guarded)
    log_out(guarded)

    log_in_by_email(guarded, "tess@example.com")
    expect(guarded.get_by_role("heading", name="One more step")).to_be_visible()
    guarded.get_by_label(re.compile("Code from your authenticator app")).fill("000000")
    guarded.get_by_role("button", name="Continue").click()
    expect(guarded.get_by_role("alert")).to_contain_text("Incorrect code")
    guarded.get_by_label(re.compile("Code from your authenticator app")).fill(code_now(app))
    guarded.get_by_role("button", name="Continue").click()
    expect(guarded.get_by_role("heading", name="Welcome, Tess")).to_be_visible()
    assert csp_violations.seen == []


def scripts_ready(page, heading: str) -> None:
    """Wait for the page with this heading to finish loading: allauth's passkey buttons get
    their handler on DOMContentLoaded, and a test clicks faster than a person could."""
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.wait_for_load_state("load")


def add_virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def test_a_passkey_is_enrolled_then_signs_in_as_the_second_factor(
    guarded, log_in, make_user, csp_violations
):
    add_virtual_authenticator(guarded)
    user = make_user(email="pia@example.com", metadata={"name": "Pia"})
    log_in(guarded, user)
    open_second_factors(guarded)
    guarded.get_by_role("link", name="Add a passkey").click()
    scripts_ready(guarded, "Add a passkey")
    guarded.get_by_label("Name").fill("Laptop")
    guarded.get_by_role("button", name="Add passkey").click()
    # The first factor comes with recovery codes, shown straight away.
    expect(guarded.get_by_role("heading", name="Recovery codes")).to_be_visible()
    guarded.get_by_role("link", name="Back to second factors").click()
    expect(guarded.get_by_text("You have 1 passkey.")).to_be_visible()
    assert second_factor.factor_types(user=user) == ["recovery_codes", "webauthn"]
    log_out(guarded)

    log_in_by_email(guarded, "pia@example.com")
    expect(guarded.get_by_role("heading", name="One more step")).to_be_visible()
    scripts_ready(guarded, "One more step")
    guarded.get_by_role("button", name="Use a passkey").click()
    expect(guarded.get_by_role("heading", name="Welcome, Pia")).to_be_visible()
    assert csp_violations.seen == []


def test_a_login_link_asks_for_the_passkey_too(guarded, log_in, make_user):
    add_virtual_authenticator(guarded)
    user = make_user(email="lin@example.com", metadata={"name": "Lin"})
    log_in(guarded, user)
    open_second_factors(guarded)
    guarded.get_by_role("link", name="Add a passkey").click()
    scripts_ready(guarded, "Add a passkey")
    guarded.get_by_role("button", name="Add passkey").click()
    expect(guarded.get_by_role("heading", name="Recovery codes")).to_be_visible()
    log_out(guarded)

    log_in(guarded, user)
    expect(guarded.get_by_role("heading", name="One more step")).to_be_visible()
    scripts_ready(guarded, "One more step")
    guarded.get_by_role("button", name="Use a passkey").click()
    expect(guarded.get_by_role("heading", name="Welcome, Lin")).to_be_visible()


def staff_for_days(days: int, make_user) -> User:
    admin = make_user(email=f"admin-{days}@example.com", role=Role.ADMIN)
    User.objects.filter(pk=admin.pk).update(staff_since=timezone.now() - timedelta(days=days))
    return User.objects.get(pk=admin.pk)


def test_an_admin_in_the_grace_period_sees_the_enrol_now_banner(guarded, log_in, make_user):
    log_in(guarded, staff_for_days(5, make_user))
    expect(guarded.get_by_role("heading", name="Users")).to_be_visible()
    banner = guarded.get_by_role("status").filter(has_text="will ask for a second factor")
    expect(banner).to_be_visible()
    banner.get_by_role("link", name="Enrol now").click()
    expect(guarded.get_by_role("heading", name="Second factors")).to_be_visible()


def test_an_admin_past_the_grace_period_enrols_before_the_admin_panel_opens(
    guarded, log_in, make_user, csp_violations
):
    log_in(guarded, staff_for_days(8, make_user))
    # The login link lands in the admin panel, which sends them to enrol.
    expect(guarded.get_by_role("heading", name="Second factors")).to_be_visible()
    expect(guarded.get_by_text("your grace period is over")).to_be_visible()
    guarded.goto("/admin/seats/")
    expect(guarded.get_by_role("heading", name="Second factors")).to_be_visible()

    enrol_authenticator_app(guarded)
    guarded.goto("/admin/")
    expect(guarded.get_by_role("heading", name="Users")).to_be_visible()
    expect(guarded.get_by_text("Enrol now")).to_have_count(0)
    assert csp_violations.seen == []
