"""Admin Panel → Widget: allowed embedding origins (validated), appearance, and the snippet."""

from parley.web.security_headers import parse_policy
from parley.widget import services


def frame_ancestors(response) -> str:
    return parse_policy(response["Content-Security-Policy"])["frame-ancestors"]


def test_the_widget_page_shows_the_snippet_with_the_instance_url(admin_client, settings):
    response = admin_client.get("/admin/widget/")
    assert response.status_code == 200
    body = response.content.decode()
    snippet = (
        f'data-external-auth-code="YOUR_EXTERNAL_AUTH_CODE" src="{settings.PUBLIC_URL}/widget.js"'
    )
    assert snippet.replace('"', "&quot;") in body or snippet in body
    assert 'aria-current="page">Widget</a>' in body
    assert frame_ancestors(response) == "'none'"


def save(client, **fields):
    data = {
        "allowed_origins": "https://shop.example.com\nhttp://localhost:8080",
        "title": "Help",
        "accent_color": "#ff0000",
        "position": "bottom-left",
        "open_on_load": "on",
        **fields,
    }
    return client.post("/admin/widget/", data)


def test_an_admin_saves_origins_and_appearance(admin_client):
    response = save(admin_client)
    assert response.status_code == 302
    found = services.widget_settings()
    assert found.allowed_origins == ["https://shop.example.com", "http://localhost:8080"]
    assert (found.title, found.accent_color, found.position, found.open_on_load) == (
        "Help",
        "#ff0000",
        "bottom-left",
        True,
    )
    page = admin_client.get("/admin/widget/").content.decode()
    assert "https://shop.example.com\nhttp://localhost:8080" in page
    assert frame_ancestors(admin_client.get("/widget/frame/")) == (
        "https://shop.example.com http://localhost:8080"
    )


def test_an_origin_with_a_path_or_wildcard_is_refused_and_nothing_saved(admin_client):
    for bad in ("https://shop.example.com/app", "https://*.example.com", "null"):
        response = save(admin_client, allowed_origins=f"https://ok.example\n{bad}")
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
        assert "scheme://host[:port]" in response.content.decode()
    assert services.widget_settings().allowed_origins == []


def test_a_bad_colour_or_position_is_refused(admin_client):
    assert save(admin_client, accent_color="red").status_code == 200
    assert save(admin_client, position="middle").status_code == 200
    assert services.widget_settings().allowed_origins == []


def test_members_and_visitors_cannot_see_or_change_it(client, member_client):
    assert member_client.get("/admin/widget/").status_code == 403
    assert save(member_client).status_code == 403
    client.logout()
    assert client.get("/admin/widget/").status_code == 302
    assert services.widget_settings().allowed_origins == []
