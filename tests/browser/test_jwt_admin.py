"""An admin switches JWT login on, copies the secret, makes a login link on the Integration
page, and the link signs that person in from a fresh browser."""

import re

from playwright.sync_api import expect


def test_admin_turns_jwt_on_and_a_generated_link_signs_the_person_in(
    browser, page, live_server, settings, admin_user, make_user, login_as
):
    from parley.external_auth import services

    settings.PUBLIC_URL = live_server.url  # links point at this test server
    person = make_user(email="robin@example.com", metadata={"name": "Robin"})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login_as(admin_user)

    page.get_by_role("link", name="User Authentication").click()
    page.get_by_role("link", name="JWT settings").click()
    expect(page.get_by_role("heading", name="External Authentication (JWT)")).to_be_visible()
    page.get_by_role("switch", name=re.compile("Sign in with an external code")).check()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="Your new JWT secret")).to_be_visible()
    secret = page.locator("#jwt-secret").input_value()
    assert secret == services.current_secret().secret
    assert len(secret) >= 43
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    # A form on the page that showed the secret still posts (CSRF accepts its Origin).
    page.get_by_role("button", name="Reveal").click()
    expect(page.get_by_role("heading", name="Current JWT secret")).to_be_visible()
    assert page.locator("#jwt-secret").input_value() == secret

    page.get_by_role("link", name="Integration", exact=True).click()
    expect(page.get_by_role("heading", name="Integration", exact=True)).to_be_visible()
    assert secret not in page.content()
    page.get_by_label("User", exact=True).fill("robin@example.com")
    page.get_by_label("Valid for").select_option(label="24 hours")
    page.get_by_role("button", name="Make login link").click()
    expect(page.get_by_role("heading", name="Login link for robin@example.com")).to_be_visible()
    link = page.locator("#jwt-login-link").input_value()
    assert link.startswith(f"{live_server.url}/?externalAuthCode=")

    visitor = browser.new_context()
    try:
        visitor_page = visitor.new_page()
        visitor_page.goto(link)
        expect(visitor_page.locator(".topnav .who")).to_have_text("Robin")
        assert "externalAuthCode" not in visitor_page.url
        assert visitor_page.url.startswith(live_server.url)
    finally:
        visitor.close()
    person.refresh_from_db()
    assert person.last_login_method == "jwt"
