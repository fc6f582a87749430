"""The admin panel is closed to members (403 page) and to anonymous visitors (login page)."""

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect


def test_member_is_refused_from_the_admin_panel(page, live_server, make_user, login_as):
    login_as(make_user(email="member@example.com"))
    expect(page.get_by_role("link", name="Admin panel")).to_have_count(0)
    response = page.goto(f"{live_server.url}/admin/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_text("You do not have access to this page.")).to_be_visible()


def test_anonymous_visitor_is_sent_to_the_login_page(page, live_server, db):
    page.goto(f"{live_server.url}/admin/seats/")
    landed = urlsplit(page.url)
    assert landed.path == "/accounts/login/"
    assert parse_qs(landed.query)["next"] == ["/admin/seats/"]
    expect(page.get_by_label("Email")).to_be_visible()
