"""GET and PATCH /api/v1/branding: the same rules and errors as the admin page and the CLI."""

import base64

import pytest

from parley.accounts.models import Role
from parley.branding.logo import MAX_LOGO_BYTES
from parley.branding.selectors import current_brand
from parley.branding.tests.test_logo_checks import SVG, png

from .conftest import ApiClient, assert_json_error

URL = "/api/v1/branding"


@pytest.fixture
def api(client, make_api_key):
    _, secret = make_api_key(role=Role.ADMIN)
    return ApiClient(client, secret)


def test_get_shows_the_defaults(api):
    body = api.get(URL).json()
    assert body["name"] == "Parley" and body["accent_color"] == "#4f46e5"
    assert body["logo_url"] is None and body["starter_prompts"] == []


def test_patch_changes_only_the_fields_sent(api):
    response = api.patch(URL, {"name": "Acme", "starter_prompts": ["Hi"]})
    assert response.status_code == 200
    assert response.json()["name"] == "Acme"
    response = api.patch(URL, {"accent_color": "#FF6600", "return_url": "https://app.acme.test"})
    body = response.json()
    assert (body["name"], body["accent_color"], body["starter_prompts"]) == (
        "Acme",
        "#ff6600",
        ["Hi"],
    )
    assert current_brand().return_url == "https://app.acme.test"


def test_a_logo_is_sent_as_base64_and_removed_with_null(api):
    body = api.patch(URL, {"logo": base64.b64encode(png()).decode()}).json()
    assert body["logo_content_type"] == "image/png"
    assert body["logo_url"].startswith("http://127.0.0.1:8000/branding/logo-")
    assert api.patch(URL, {"logo": None}).json()["logo_url"] is None


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"accent_color": "red"}, "accent_color"),
        ({"return_url": "javascript:alert(1)"}, "must start with https:// or http://"),
        ({"return_url": "ftp://x.example"}, "must start with https:// or http://"),
        ({"logo": "not base64!"}, "base64"),
        ({"logo": base64.b64encode(b"GIF89a").decode()}, "PNG or SVG"),
        (
            {"logo": base64.b64encode(SVG.replace(b"<rect", b'<rect onload="x()"')).decode()},
            "event handler",
        ),
        ({"name": None}, "needs a name"),
        ({"starter_prompts": ["1", "2", "3", "4", "5"]}, "starter_prompts"),
        ({"colour": "#ffffff"}, "colour"),
    ],
)
def test_a_bad_value_is_a_clear_422_and_changes_nothing(api, body, said):
    response = api.patch(URL, body)
    assert response.status_code == 422, response.content
    assert said in response.content.decode()
    assert current_brand().name == "Parley" and current_brand().logo_url == ""


def test_an_oversized_logo_is_refused(api):
    data = base64.b64encode(png() + b"\x00" * (MAX_LOGO_BYTES - 40)).decode()
    response = api.patch(URL, {"logo": data})
    assert_json_error(response, 422, "validation_failed")
    assert "larger than 256 KiB" in response.json()["message"]


def test_an_auditor_key_cannot_read_or_change_branding(client, make_api_key):
    _, secret = make_api_key(role=Role.AUDITOR)
    auditor = ApiClient(client, secret)
    assert_json_error(auditor.get(URL), 403, "role_forbidden")
    assert_json_error(auditor.patch(URL, {"name": "x"}), 403, "role_forbidden")
