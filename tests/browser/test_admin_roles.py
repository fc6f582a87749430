"""An auditor in the admin panel: users, the audit log and usage to read, nothing to change,
and every other page refused by the server, not only hidden."""

from playwright.sync_api import expect

from parley.accounts.models import Role


def test_an_auditor_reads_users_and_the_audit_log_and_changes_nothing(
    page, live_server, make_user, login_as
):
    make_user(email="subject@example.com")
    login_as(make_user(email="auditor@example.com", role=Role.AUDITOR))
    page.get_by_role("link", name="Admin panel").click()
    nav = page.get_by_role("navigation", name="Admin panel")
    for shown in ("Users", "Audit log", "Usage"):
        expect(nav.get_by_role("link", name=shown)).to_be_visible()
    for hidden in ("Seats", "User Authentication", "Models", "API keys", "Widget"):
        expect(nav.get_by_role("link", name=hidden)).to_have_count(0)
    expect(page.get_by_role("link", name="Add user")).to_have_count(0)

    page.get_by_role("link", name="subject@example.com").click()
    expect(page.get_by_role("heading", name="subject@example.com")).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(0)  # ("Log out" in the header is a link)
    expect(page.get_by_role("button", name="Delete user")).to_have_count(0)

    nav.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()

    response = page.goto(f"{live_server.url}/admin/seats/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
