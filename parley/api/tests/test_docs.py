"""The OpenAPI schema and the interactive docs page, which works without a CDN."""

import re

from django.contrib.staticfiles import finders


def test_the_openapi_schema_lists_every_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operations = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, item in schema["paths"].items()
        for method in item
    }
    assert operations == {
        ("GET", "/users"),
        ("POST", "/users"),
        ("GET", "/users/by-email"),
        ("GET", "/users/{user_id}"),
        ("PATCH", "/users/{user_id}"),
        ("DELETE", "/users/{user_id}"),
        ("GET", "/groups"),
        ("POST", "/groups"),
        ("GET", "/groups/{group_id}"),
        ("PATCH", "/groups/{group_id}"),
        ("DELETE", "/groups/{group_id}"),
        ("PUT", "/groups/{group_id}/members/{user_id}"),
        ("DELETE", "/groups/{group_id}/members/{user_id}"),
        ("GET", "/seats"),
        ("PUT", "/seats"),
        ("GET", "/audit-events"),
        ("POST", "/login-links"),
        ("GET", "/branding"),
        ("PATCH", "/branding"),
        ("POST", "/auth/external"),
        ("GET", "/me"),
        ("POST", "/auth/logout"),
    }
    assert schema["paths"]["/api/v1/auth/external"]["post"].get("security") is None


def test_the_docs_page_loads_its_assets_from_this_server(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "/api/v1/openapi.json" in html
