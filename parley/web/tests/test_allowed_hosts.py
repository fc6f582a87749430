"""Only the public URL's host is served (plus loopback names in development): a forged Host
or X-Forwarded-Host gets a 400 on pages and on the chat stream; health probes that name
an IP as Host are still answered."""

import asyncio

import httpx
import pytest

from parley.tests.serving import parley_env, settings_under


def _hosts(tmp_path, **env):
    return settings_under(parley_env(tmp_path, **env), "ALLOWED_HOSTS")["ALLOWED_HOSTS"]


def test_a_production_instance_serves_only_its_public_host(tmp_path):
    assert _hosts(tmp_path, PARLEY_PUBLIC_URL="https://chat.example.com") == ["chat.example.com"]
    assert _hosts(tmp_path, PARLEY_PUBLIC_URL="http://chat.example.com:8080/") == [
        "chat.example.com"
    ]


def test_a_development_instance_also_answers_on_loopback_names(tmp_path):
    loopback = ["127.0.0.1", "localhost", "[::1]"]
    assert _hosts(tmp_path) == loopback  # the default public URL, http://127.0.0.1:8000
    assert _hosts(tmp_path, PARLEY_PUBLIC_URL="http://localhost:8000") == [
        "localhost",
        "127.0.0.1",
        "[::1]",
    ]
    assert _hosts(tmp_path, PARLEY_PUBLIC_URL="http://0.0.0.0:8000") == ["0.0.0.0", *loopback]
    # https on a loopback name is someone's deliberate setup: exactly that host.
    assert _hosts(tmp_path, PARLEY_PUBLIC_URL="https://localhost:8443") == ["localhost"]


def test_parley_allowed_hosts_replaces_the_default(tmp_path):
    hosts = _hosts(
        tmp_path,
        PARLEY_PUBLIC_URL="https://chat.example.com",
        PARLEY_ALLOWED_HOSTS="chat.example.com,chat.internal",
    )
    assert hosts == ["chat.example.com", "chat.internal"]


def test_a_public_url_that_is_not_a_web_address_stops_startup(tmp_path):
    answer = settings_under(parley_env(tmp_path, PARLEY_PUBLIC_URL="chat.example.com"), "DEBUG")
    assert "PARLEY_PUBLIC_URL must be an http:// or https:// address" in answer["error"]


def test_a_page_for_another_host_is_refused(client, db):
    assert client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 200
    response = client.get("/accounts/login/", HTTP_HOST="evil.test")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_a_forged_x_forwarded_host_from_the_proxy_is_refused(client, db, behind_proxy):
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_HOST="evil.test")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_probes_are_answered_whatever_host_they_name(client, db, path):
    # Load balancers and kubernetes probes use the worker's IP as Host.
    response = client.get(path, HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response


def test_metrics_are_scraped_by_ip_too(client, db, settings):
    settings.PARLEY_METRICS_TOKEN = "scrape-token"
    response = client.get(
        "/metrics", HTTP_HOST="10.1.2.3:8000", HTTP_AUTHORIZATION="Bearer scrape-token"
    )
    assert response.status_code == 200 and b"parley_http_requests_total" in response.content


def _stream(headers):
    from parley.asgi import application

    async def go():
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return await c.post("/chat/stream/abc/", json={"content": "hi"}, headers=headers)

    return asyncio.run(go())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("auth", "refusal"),
    [
        ({}, (403, "csrf_failed")),
        ({"Authorization": "Bearer pu_sess_not-a-token"}, (401, "token_invalid")),
    ],
)
def test_the_chat_stream_refuses_another_host_before_anything_else(auth, refusal):
    response = _stream({"Host": "evil.test", **auth})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_host"
    # The public host reaches the stream's own checks (no session, no valid token).
    refused = _stream({"Host": "127.0.0.1:8000", **auth})
    assert (refused.status_code, refused.json()["code"]) == refusal
