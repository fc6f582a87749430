"""Every HTML page sends one strict Content-Security-Policy; signed-in pages are never cached;
JSON and static files keep their own headers."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from parley.web.security_headers import parse_policy

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    return parse_policy(response["Content-Security-Policy"])


def assert_strict(response, *, frame_ancestors="'none'"):
    directives = policy(response)
    assert {name: directives.get(name) for name in STRICT} == STRICT
    assert directives["frame-ancestors"] == frame_ancestors
    assert response["Content-Security-Policy"].count("frame-ancestors") == 1


def _plain_paths(patterns, prefix=""):
    """Every URL of the URLconf that takes no argument, e.g. "admin/seats/"."""
    for pattern in patterns:
        route = str(pattern.pattern).removeprefix("^").removesuffix("$")
        if isinstance(pattern, URLResolver):
            yield from _plain_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and not pattern.pattern.converters:
            if not any(ch in route for ch in "()[]?*+\\<"):
                yield "/" + prefix + route


def test_every_html_page_of_the_site_sends_the_strict_policy(admin_client):
    checked = []
    for path in sorted(set(_plain_paths(get_resolver().url_patterns))):
        if path.startswith(("/accounts/logout", "/admin/authentication/jwt/reveal")):
            continue  # GET-safe, but they end the session or are POST-only
        response = admin_client.get(path)
        if response.get("Content-Type", "").startswith("text/html"):
            expected = policy(response).get("frame-ancestors")
            assert_strict(response, frame_ancestors=expected)
            checked.append(path)
    assert {"/admin/", "/admin/seats/", "/admin/token-tester/", "/widget/frame/"} <= set(checked)
    assert len(checked) >= 20


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/no/such/page/", "/admin/"]
)
def test_anonymous_pages_and_errors_send_the_strict_policy(client, db, path):
    response = client.get(path, follow=True)
    assert_strict(response)


def test_djangos_debug_error_page_keeps_its_inline_styles_only_in_debug_mode(client, db, settings):
    settings.DEBUG = True
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "script-src" not in response.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_an_error_page_for_a_bad_external_code_sends_the_strict_policy(client, db):
    from parley.external_auth import services

    services.enable_jwt()
    response = client.get("/", {"externalAuthCode": "not.a.code"})
    assert response.status_code == 401
    assert_strict(response)


def test_the_widget_frame_has_one_policy_with_the_allowed_origins_as_frame_ancestors(client, db):
    from parley.widget import services

    services.update_widget_settings(
        allowed_origins=["https://shop.example.com"],
        title="Help",
        accent_color="#112233",
        position="bottom-right",
        open_on_load=False,
    )
    response = client.get("/widget/frame/")
    assert_strict(response, frame_ancestors="https://shop.example.com")
    assert "<style" not in response.content.decode()


def test_the_api_docs_page_also_allows_data_images_for_its_icons(client, db):
    response = client.get("/api/v1/docs")
    assert_strict(response)
    assert policy(response)["img-src"] == "'self' data:"
    assert policy(client.get("/accounts/login/"))["img-src"] == "'self'"


@pytest.mark.parametrize(
    "path", ["/", "/admin/", "/admin/seats/", "/admin/authentication/jwt/", "/admin/models/"]
)
def test_signed_in_pages_are_never_stored(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_member_chat_page_is_never_stored(member_client):
    assert "no-store" in member_client.get("/")["Cache-Control"]


def test_json_and_static_files_keep_their_headers(admin_client):
    schema = admin_client.get("/api/v1/openapi.json")
    assert "script-src" not in schema.get("Content-Security-Policy", "")
    static = admin_client.get("/static/parley/site.css")
    assert static.get("Content-Security-Policy") in (None, "frame-ancestors 'none'")
    assert "no-store" not in static.get("Cache-Control", "")
