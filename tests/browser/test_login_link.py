"""A person following a one-time login link lands signed in; a second use is refused."""

import re

from playwright.sync_api import expect


def test_login_link_signs_the_person_in_once(page, live_server, make_user):
    from parley.accounts.login_links import create_login_link

    user = make_user(email="casey@example.com", metadata={"name": "Casey"})
    link = create_login_link(user=user).split("/login/link/", 1)[1]

    page.goto(f"{live_server.url}/login/link/{link}")
    expect(page.get_by_role("heading", name="Welcome, Casey")).to_be_visible()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/link/{link}")
    expect(page.get_by_text("already been used")).to_be_visible()
    expect(page.locator("code.ref")).to_have_text(re.compile(r"^[A-Z2-9]{10}$"))
