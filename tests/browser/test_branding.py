"""Branding in the browser: the app, its mails, the widget frame and the error pages wear the
instance's name, logo and colour; Admin → Branding previews the colour as it is typed."""

import time

import jwt
import pytest
from django.core import mail
from playwright.sync_api import expect

from parley.accounts.models import Role
from parley.branding import services
from parley.branding.tests.test_logo_checks import SVG

pytestmark = pytest.mark.django_db(transaction=True)
ORANGE = "rgb(255, 102, 0)"


@pytest.fixture
def acme(transactional_db):
    return services.update_branding(
        name="Acme Chat",
        accent_color="#ff6600",
        logo=SVG,
        welcome_text="Ask the Acme assistant.",
        starter_prompts=["Summarise my week", "Draft a reply"],
        return_url="https://app.acme.test/",
    )


def accent_of(page, selector):
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor")


def test_the_chat_wears_the_name_logo_colour_and_starter_prompts(
    page, login_as, make_user, acme, csp_violations
):
    csp_violations.watch(page.context)
    login_as(make_user(email="casey@example.com"))
    page.goto("/")
    expect(page).to_have_title("Chat · Acme Chat")
    expect(page.locator(".topbar .brand")).to_have_text("Acme Chat")
    logo = page.locator(".topbar .brand img")
    expect(logo).to_have_attribute("src", acme.logo_url)
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator("#composer-input")).to_have_attribute("placeholder", "Message Acme Chat…")
    expect(page.locator("#welcome")).to_contain_text("Ask the Acme assistant.")
    assert accent_of(page, "#send") == ORANGE
    page.get_by_role("button", name="Draft a reply").click()
    expect(page.locator("#composer-input")).to_have_value("Draft a reply")
    expect(page.locator("#composer-input")).to_be_focused()
    assert csp_violations.seen == []


def test_the_login_mail_comes_from_the_brand(page, make_user, acme):
    make_user(email="robin@example.com")
    page.goto("/accounts/login/")
    expect(page).to_have_title("Log in · Acme Chat")
    page.get_by_label("Email address").fill("robin@example.com")
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading")).to_contain_text("Check your email")
    sent = mail.outbox[-1]
    assert sent.subject == "[Acme Chat] Your login code"
    assert sent.from_email == "Acme Chat <parley@localhost>"
    assert "— Acme Chat" in sent.body


def test_the_error_pages_are_branded_and_a_jwt_error_leads_back_to_the_app(page, acme, secret):
    page.goto("/no/such/page/")
    expect(page).to_have_title("Page not found · Acme Chat")
    assert accent_of(page, ".error-card .button") == ORANGE
    expired = jwt.encode({"id": "7", "exp": int(time.time()) - 600}, secret, "HS256")
    page.goto(f"/?externalAuthCode={expired}")
    back = page.get_by_role("link", name="Back to app.acme.test")
    expect(back).to_have_attribute("href", "https://app.acme.test/")
    expect(page.get_by_role("link", name="Go to the start page")).to_have_count(0)


def test_the_widget_frame_takes_the_accent(page, acme):
    page.goto("/widget/frame/")
    accent = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )
    assert accent == "#ff6600"


def test_the_admin_previews_the_colour_as_typed_and_saves_it(page, login_as, make_user):
    login_as(make_user(email="owner@example.com", role=Role.OWNER))
    page.goto("/admin/branding/")
    hex_field = page.get_by_label("Accent colour", exact=True)
    hex_field.fill("#00aa55")
    assert accent_of(page, ".preview-launcher") == "rgb(0, 170, 85)"
    assert page.locator("[data-accent-picker]").input_value() == "#00aa55"
    hex_field.fill("#00aa5")
    expect(hex_field).to_have_attribute("aria-invalid", "true")
    hex_field.fill("#00aa55")
    page.get_by_label("Instance name").fill("Green Chat")
    page.locator("#id_logo").set_input_files(
        files=[{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": SVG}]
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Branding saved")).to_be_visible()
    expect(page).to_have_title("Branding · Admin · Green Chat")
    assert accent_of(page, ".form-card button[type=submit]") == "rgb(0, 170, 85)"
    expect(page.get_by_alt_text("Current logo")).to_be_visible()
    page.get_by_label("Accent colour", exact=True).fill("green")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a colour")
