"""Behind a reverse proxy, allauth's per-address limits count each client, not the proxy:
one busy client cannot lock everyone else out of email login."""

import pytest
from django.core import mail

pytestmark = pytest.mark.usefixtures("behind_proxy", "fresh_rate_limits")

PROXY = "127.0.0.1"  # a trusted proxy (the default PARLEY_TRUSTED_PROXIES)
LIMIT = 20  # ACCOUNT_RATE_LIMITS["request_login_code"]: 20/m/ip


def request_code(remote_addr, forwarded_for, email):
    from django.test import Client

    return Client().post(
        "/accounts/login/",
        {"login": email},
        REMOTE_ADDR=remote_addr,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def is_refused(response) -> bool:
    return response.status_code == 200 and "Too many" in response.content.decode()


def test_one_client_using_up_its_limit_does_not_lock_out_another(db):
    for n in range(LIMIT):
        assert request_code(PROXY, "198.51.100.1", f"busy{n}@example.com").status_code == 302
    assert is_refused(request_code(PROXY, "198.51.100.1", "busy-again@example.com"))

    response = request_code(PROXY, "198.51.100.2", "someone.else@example.com")
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["someone.else@example.com"]


def test_a_direct_client_cannot_reset_its_limit_with_a_made_up_address(db):
    for n in range(LIMIT):
        request_code("203.0.113.5", f"198.51.100.{n}", f"direct{n}@example.com")
    assert is_refused(request_code("203.0.113.5", "198.51.100.99", "direct-again@example.com"))
