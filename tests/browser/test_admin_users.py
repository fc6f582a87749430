"""An admin adds a user and deactivates them through the admin panel, seeing each step."""

import re

from playwright.sync_api import expect


def test_admin_creates_a_user_then_deactivates_them(page, live_server, admin_user, login_as):
    from parley.accounts import services

    services.set_seat_limit(limit=5)
    login_as(admin_user)
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    seats = page.get_by_test_id("seat-usage")
    expect(seats).to_contain_text("1 of 5 seats in use")

    page.get_by_role("link", name="Add user").click()
    page.get_by_label("Email").fill("jordan@example.com")
    page.get_by_label("Role").select_option("member")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_text("Created jordan@example.com")).to_be_visible()

    page.get_by_role("link", name="Users", exact=True).click()
    row = page.get_by_role("row").filter(has_text="jordan@example.com")
    expect(row).to_contain_text("Active")
    expect(seats).to_contain_text("2 of 5 seats in use")

    row.get_by_role("link", name="Details").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("jordan@example.com was deactivated.")).to_be_visible()

    page.get_by_role("link", name="Users", exact=True).click()
    row = page.get_by_role("row").filter(has_text="jordan@example.com")
    expect(row).to_contain_text("Deactivated")
    expect(row).not_to_contain_text(re.compile(r"\bActive\b"))
    expect(seats).to_contain_text("1 of 5 seats in use")


def test_forms_still_work_on_the_page_that_shows_a_new_login_link(
    page, live_server, admin_user, make_user, login_as
):
    member = make_user(email="sam@example.com")
    login_as(admin_user)
    page.goto(f"{live_server.url}/admin/users/{member.public_id}/")
    page.get_by_role("button", name="Create one-time login link").click()
    expect(page.locator("#login-link")).to_have_value(re.compile(r"/login/link/"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("sam@example.com was deactivated.")).to_be_visible()
