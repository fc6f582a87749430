"""The failed-login limit per client address (DESIGN §4.4): over it, codes that do not
verify are refused (429); correctly signed codes are still processed, so one guesser
behind a shared address cannot lock out everyone behind it."""

import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from parley.accounts.models import User
from parley.external_auth import login as login_module
from parley.external_auth import services

from .factories import last_event

FORGED = "wrong-secret-wrong-secret-wrong-secret"


@pytest.fixture
def limit_of_two(secret):
    cache.clear()
    services.update_policy(failure_limit=2, failure_window_seconds=60)
    yield
    cache.clear()


def login(client, token, address="10.0.0.1"):
    return client.get("/", {"externalAuthCode": token}, REMOTE_ADDR=address)


def guess_until_limited(client, code):
    for _ in range(100):
        if login(client, code({"id": "x"}, key=FORGED)).status_code == 429:
            return
    pytest.fail("forged codes were never refused")


def test_over_the_limit_a_forged_code_is_refused_and_audited(client, code, limit_of_two):
    for _ in range(2):
        assert login(client, code({"id": "x"}, key=FORGED)).status_code == 401
    response = login(client, code({"id": "x"}, key=FORGED))
    assert response.status_code == 429
    event = last_event()
    assert (event.reason, event.client_ip) == ("rate_limited", "10.0.0.1")
    assert "signature matches none" in event.detail  # why this code failed, too
    assert event.reference in response.content.decode()
    # Another address is not affected.
    assert login(client, code({"id": "x"}, key=FORGED), "10.0.0.2").status_code == 401


def test_over_the_limit_a_correctly_signed_code_from_the_same_address_logs_in(
    client, code, make_user, limit_of_two
):
    make_user(public_id="me")
    guess_until_limited(client, code)
    assert login(client, code({"id": "me"})).status_code == 303
    assert last_event().reason == "ok"
    client.logout()
    assert login(client, code({"user": {"id": "new"}})).status_code == 303
    assert User.objects.filter(public_id="new").exists()


def test_over_the_limit_a_signed_code_is_refused_for_its_own_reason(
    client, code, make_user, limit_of_two
):
    make_user(public_id="me")
    guess_until_limited(client, code)
    assert login(client, code({"id": "me"}, expires_in=-3600)).status_code == 401
    assert last_event().reason == "token_expired"
    assert login(client, code({"id": "nobody"})).status_code == 401
    assert last_event().reason == "user_not_found"


def test_the_limit_counts_within_the_window_set_by_the_admin(
    client, code, limit_of_two, monkeypatch
):
    start = time.time() // 60 * 60 + 1  # the start of a window
    clock = SimpleNamespace(time=lambda: start)
    monkeypatch.setattr(login_module, "time", clock)
    assert [login(client, "garbage").status_code for _ in range(3)] == [401, 401, 429]
    clock.time = lambda: start + 58
    assert login(client, "garbage").status_code == 429
    clock.time = lambda: start + 60  # the next window
    assert [login(client, "garbage").status_code for _ in range(3)] == [401, 401, 429]


def test_a_raised_limit_applies_to_the_next_request(client, limit_of_two):
    for _ in range(2):
        login(client, "garbage")
    assert login(client, "garbage").status_code == 429
    services.update_policy(failure_limit=5)
    assert login(client, "garbage").status_code == 401
