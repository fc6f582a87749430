"""Behind a reverse proxy, X-Forwarded-For/-Proto/-Host count only from the trusted
proxies (PARLEY_TRUSTED_PROXIES): a client reaching the app port directly can neither pick
its audit address, nor dodge the failure limit, nor pass for https or another host."""

import pytest
from django.core.cache import cache

from parley.audit.models import AuthEvent
from parley.external_auth import services as external_auth
from parley.tests.serving import parley_env, settings_under

PROXY = "127.0.0.1"  # the default PARLEY_TRUSTED_PROXIES: 127.0.0.1/32, ::1/128
DIRECT = "203.0.113.5"  # a client that reached the app port itself


@pytest.fixture(autouse=True)
def jwt_on(db, behind_proxy):
    external_auth.enable_jwt()
    cache.clear()
    yield
    cache.clear()


def failed_login_from(client, remote_addr, forwarded_for=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    response = client.get("/", {"externalAuthCode": "not-a-jwt"}, **headers)
    return response, AuthEvent.objects.order_by("-id").first()


def test_the_audit_log_believes_x_forwarded_for_only_from_the_proxy(client):
    _, event = failed_login_from(client, PROXY, "198.51.100.7")
    assert event.client_ip == "198.51.100.7"
    _, event = failed_login_from(client, DIRECT, "198.51.100.7")
    assert event.client_ip == DIRECT


def test_the_client_is_the_right_most_address_that_is_not_a_trusted_proxy(client, settings):
    import ipaddress

    settings.PARLEY_TRUSTED_PROXIES = [
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
    ]
    # client-chosen, the real client, a load balancer in front of the local proxy
    _, event = failed_login_from(client, PROXY, "6.6.6.6, 198.51.100.7, 10.0.0.2")
    assert event.client_ip == "198.51.100.7"
    _, event = failed_login_from(client, PROXY, "::ffff:10.0.0.9")  # only trusted hops
    assert event.client_ip == "10.0.0.9"


def test_forwarded_headers_are_ignored_when_not_behind_a_proxy(client, settings):
    settings.PARLEY_BEHIND_PROXY = settings.USE_X_FORWARDED_HOST = False
    _, event = failed_login_from(client, PROXY, "198.51.100.7")
    assert event.client_ip == PROXY


def test_a_direct_client_cannot_dodge_the_failure_limit_by_rotating_its_address(client):
    statuses = []
    for attempt in range(40):  # the failure limit defaults to 30 in 5 minutes
        response, _ = failed_login_from(client, DIRECT, f"198.51.100.{attempt}")
        statuses.append(response.status_code)
    assert 429 in statuses
    assert AuthEvent.objects.filter(reason="rate_limited", client_ip=DIRECT).exists()
    # Meanwhile a client behind the proxy is counted on its own.
    response, event = failed_login_from(client, PROXY, "198.51.100.200")
    assert response.status_code == 401 and event.client_ip == "198.51.100.200"


def test_only_the_proxy_can_say_the_request_came_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000  # as with an https PARLEY_PUBLIC_URL
    page = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert page["Strict-Transport-Security"] == "max-age=31536000"
    direct = client.get("/accounts/login/", REMOTE_ADDR=DIRECT, HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in direct


def test_only_the_proxy_can_name_the_host(client):
    response = client.get("/accounts/login/", REMOTE_ADDR=DIRECT, HTTP_X_FORWARDED_HOST="evil.test")
    assert response.status_code == 200  # the header was dropped: the request's own Host counts
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_HOST="evil.test")
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["10.0.0.0/33", "proxy.internal", "10.0.0.0/8,,nope"])
def test_an_invalid_trusted_proxy_stops_startup_with_a_clear_message(tmp_path, value):
    answer = settings_under(parley_env(tmp_path, PARLEY_TRUSTED_PROXIES=value), "DEBUG")
    assert answer["error"].startswith("PARLEY_TRUSTED_PROXIES: ")
    assert "is not an IP address or network (CIDR" in answer["error"]


def _access_line_from(peer: str, forwarded_for: str) -> str:
    from parley.web.access_log import access_line

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "query_string": b"",
        "client": (peer, 50000),
        "headers": [(b"x-forwarded-for", forwarded_for.encode())],
    }
    return access_line(scope, status=200, milliseconds=1.0)


def test_the_access_log_names_the_client_the_proxy_vouches_for(behind_proxy):
    assert _access_line_from("127.0.0.1", "203.0.113.9").startswith("203.0.113.9 ")


def test_the_access_log_names_a_direct_client_by_its_own_address(behind_proxy):
    assert _access_line_from("198.51.100.4", "203.0.113.9").startswith("198.51.100.4 ")


def test_without_a_proxy_the_access_log_names_the_peer(settings):
    settings.PARLEY_BEHIND_PROXY = False
    assert _access_line_from("127.0.0.1", "203.0.113.9").startswith("127.0.0.1 ")
