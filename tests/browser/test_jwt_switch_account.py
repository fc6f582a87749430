"""Someone signed in who opens another person's login URL is asked before switching, can stay,
and switches only by saying so."""

import re
import time

from playwright.sync_api import expect


def test_a_login_url_for_someone_else_asks_and_switches_only_when_confirmed(
    page, live_server, make_user, login_as
):
    import jwt

    from parley.external_auth import services

    alice = make_user(email="alice@example.com", metadata={"name": "Alice"})
    make_user(email="mallory@example.com", public_id="mallory-9", metadata={"name": "Mallory"})
    secret = services.enable_jwt()
    token = jwt.encode({"id": "mallory-9", "exp": int(time.time()) + 600}, secret)
    url = f"{live_server.url}/?tab=2&externalAuthCode={token}"

    login_as(alice)
    expect(page.locator(".topnav .who")).to_have_text("Alice")

    page.goto(url)
    expect(page.get_by_role("heading", name="Switch account?")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"You are signed in as Alice \(alice@example.com"))
    ).to_be_visible()
    expect(page.locator(".topnav .who")).to_have_text("Alice")
    page.get_by_role("link", name=re.compile("Stay signed in as Alice")).click()
    expect(page).to_have_url(f"{live_server.url}/?tab=2")
    expect(page.locator(".topnav .who")).to_have_text("Alice")

    page.goto(url)
    page.get_by_role("button", name="Continue as Mallory").click()
    expect(page.locator(".topnav .who")).to_have_text("Mallory")
    assert "externalAuthCode" not in page.url
    assert page.url.startswith(live_server.url)
