"""Who may frame what: the widget frame only by the allowed origins, every other page by no
one (Content-Security-Policy: frame-ancestors)."""

import pytest

from parley.web.security_headers import parse_policy

from .conftest import HOST_ORIGIN

CSP = "Content-Security-Policy"


def frame_ancestors(response) -> str:
    """The one frame-ancestors directive of the response's one CSP header."""
    assert response[CSP].count("frame-ancestors") == 1
    return parse_policy(response[CSP])["frame-ancestors"]


def test_the_frame_may_be_embedded_only_by_the_allowed_origins(client, allow_origins):
    allow_origins(HOST_ORIGIN, "http://localhost:8080")
    response = client.get("/widget/frame/")
    assert response.status_code == 200
    assert frame_ancestors(response) == f"{HOST_ORIGIN} http://localhost:8080"
    assert "X-Frame-Options" not in response
    assert "no-store" in response["Cache-Control"]


def test_with_no_allowed_origin_the_frame_may_be_embedded_nowhere(client, db):
    response = client.get("/widget/frame/")
    assert frame_ancestors(response) == "'none'"


def test_the_frame_page_carries_the_allowed_origins_for_its_message_check(client, allow_origins):
    allow_origins(HOST_ORIGIN)
    body = client.get("/widget/frame/").content.decode()
    assert f'"allowedOrigins": ["{HOST_ORIGIN}"]' in body
    assert "externalAuthCode" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/",
        "/admin/",
        "/widget.js",
        "/api/v1/openapi.json",
        "/no-such-page/",
        "/static/parley/site.css",
    ],
)
def test_every_other_response_forbids_framing(client, allow_origins, path):
    allow_origins(HOST_ORIGIN)
    response = client.get(path)
    assert frame_ancestors(response) == "'none'", path


def test_pages_for_signed_in_people_forbid_framing_too(admin_client):
    for path in ("/", "/admin/", "/admin/widget/"):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert frame_ancestors(response) == "'none'"
        assert response["X-Frame-Options"] == "DENY"
