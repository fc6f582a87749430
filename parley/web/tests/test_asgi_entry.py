"""The thin ASGI entry (parley/asgi.py) serves Django pages correctly: bodies in, ordinary
and streamed responses out, the session cookie honoured."""

import asyncio
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from parley.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)  # the pages run in worker threads


def _request(method, path, **kwargs):
    async def go():
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.request(method, path, **kwargs)

    return asyncio.run(go())


def test_signed_in_page_through_the_entry(member_client):
    session = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    response = _request("GET", "/", headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})
    assert response.status_code == 200
    assert b"Welcome" in response.content
    assert response.headers["x-frame-options"] == "DENY"


def test_static_file_is_streamed_whole():
    expected = (Path(settings.BASE_DIR) / "static/parley/site.css").read_bytes()
    response = _request("GET", "/static/parley/site.css")
    assert response.status_code == 200
    assert response.content == expected


@pytest.mark.parametrize("size", [10, 3_000_000])  # in memory, and spooled to a file
def test_post_bodies_reach_django(size):
    # No CSRF token: Django must read the request and refuse it, not hang or crash.
    response = _request("POST", "/accounts/login/code/", content=b"x" * size)
    assert response.status_code == 403


def test_header_values_are_sent_without_surrounding_spaces():
    from parley.web.wsgi_bridge import _headers

    headers = _headers(["200 OK", [("Set-Cookie", " a=b; Path=/"), ("X-Test", "v")]])
    assert headers == [(b"set-cookie", b"a=b; Path=/"), (b"x-test", b"v")]
