"""Site-wide pages: error pages in the product's style, favicon, time zones, home page."""

import pytest
from django.test import Client, override_settings
from django.urls import include, path


def boom(request):
    raise RuntimeError("kaboom")


urlpatterns = [path("boom/", boom), path("", include("parley.urls"))]
handler500 = "parley.web.errors.server_error"


def test_unknown_page_shows_the_styled_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content and b"site.css" in response.content


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_shows_the_styled_500_without_details(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"kaboom" not in response.content


def test_favicon_is_served(client, db):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


def test_home_sends_anonymous_people_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_home_greets_the_signed_in_user_with_their_id(member_client):
    response = member_client.get("/")
    assert response.status_code == 200
    assert member_client.user.public_id.encode() in response.content
    assert b"<title>Chat \xc2\xb7 Parley</title>" in response.content


@pytest.mark.parametrize(
    ("zone", "expected"), [("Asia%2FTokyo", "+09:00"), ("Not%2FAZone", "+00:00"), ("", "+00:00")]
)
def test_times_render_in_the_viewers_time_zone(rf, zone, expected):
    from django.utils import timezone

    from parley.web.middleware import TimezoneMiddleware

    seen = {}

    def view(request):
        seen["offset"] = timezone.localtime().isoformat()[-6:]
        return None

    request = rf.get("/")
    request.COOKIES["parley_tz"] = zone
    TimezoneMiddleware(view)(request)
    assert seen["offset"] == expected


@pytest.mark.parametrize(
    "path", ["/accounts/email/", "/accounts/password/reset/", "/accounts/password/change/"]
)
def test_allauth_pages_parley_does_not_offer_are_not_found(member_client, path):
    assert member_client.get(path).status_code == 404


def test_the_account_page_shows_the_persons_id_and_needs_a_login(client, member_client):
    response = member_client.get("/account/")
    assert b"Your account" in response.content
    assert member_client.user.public_id.encode() in response.content
    member_client.logout()
    assert member_client.get("/account/").status_code == 302
