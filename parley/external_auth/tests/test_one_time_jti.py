"""One-time `jti` (DESIGN §4.2 step 8) holds: a refused login does not use the code up, a
code is remembered as long as it is accepted, and a Redis restart forgets nothing."""

import time
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from parley.accounts import services as accounts
from parley.audit.models import AuthEvent
from parley.external_auth import login as login_module
from parley.external_auth import services
from parley.ops.tests.redis_process import RedisProcess
from parley.tests.serving import REDIS_URL

from .factories import url_login


@pytest.fixture(params=["local cache", "redis"])
def cache_kind(request, use_redis):
    """Each test runs on the embedded default and with REDIS_URL set."""
    if request.param == "redis":
        use_redis(REDIS_URL)
    return request.param


@pytest.fixture
def one_time(secret):
    services.update_policy(one_time_jti=True)


def reasons():
    return list(AuthEvent.objects.order_by("id").values_list("reason", flat=True))


def test_a_code_refused_for_want_of_a_seat_works_once_a_seat_is_free(
    client, code, make_user, one_time, cache_kind
):
    make_user()
    accounts.set_seat_limit(limit=1)
    token = code({"user": {"id": "newcomer"}, "jti": "seat-1"})
    assert url_login(client, token).status_code == 409
    accounts.set_seat_limit(limit=2)
    assert url_login(client, token).status_code == 303
    client.logout()
    assert url_login(client, token).status_code == 401
    assert reasons() == ["seat_limit_reached", "ok", "token_replayed"]


def test_a_replay_within_the_leeway_after_exp_is_refused(
    client, code, make_user, one_time, cache_kind
):
    make_user(public_id="me")
    now = int(time.time())
    # Expired 30 s ago, within the default 60 s leeway: accepted once, and only once.
    token = code({"id": "me", "jti": "late-1", "iat": now - 600, "exp": now - 30})
    assert url_login(client, token).status_code == 303
    client.logout()
    time.sleep(1.1)  # past any record that ended at `exp` (a cache TTL rounds up to 1 s)
    assert url_login(client, token).status_code == 401
    assert reasons() == ["ok", "token_replayed"]


def test_a_code_stays_used_while_a_raised_leeway_still_accepts_it(
    client, code, make_user, one_time, monkeypatch
):
    make_user(public_id="me")
    exp = int(time.time()) - 30
    token = code({"id": "me", "jti": "late-2", "iat": exp - 600, "exp": exp})
    assert url_login(client, token).status_code == 303
    client.logout()
    services.update_policy(leeway_seconds=3600)
    # 50 minutes after `exp`: within the new leeway, so only the record refuses it.
    monkeypatch.setattr(login_module, "time", SimpleNamespace(time=lambda: exp + 3000))
    assert url_login(client, token).status_code == 401
    assert reasons() == ["ok", "token_replayed"]


def test_a_used_jti_is_remembered_across_a_redis_restart(
    client, code, make_user, one_time, use_redis
):
    make_user(public_id="me")
    redis_server = RedisProcess()  # no persistence: a restart starts empty
    redis_server.start()
    try:
        use_redis(redis_server.url)
        token = code({"id": "me", "jti": "restart-1"})
        assert url_login(client, token).status_code == 303
        client.logout()
        redis_server.stop()
        redis_server.start()
        assert url_login(client, token).status_code == 401
    finally:
        redis_server.stop()
    assert reasons() == ["ok", "token_replayed"]


def test_the_token_tester_sees_a_used_jti_as_used(
    admin_client, code, make_user, one_time, cache_kind
):
    make_user(public_id="me")
    token = code({"id": "me", "jti": "tested-1"})
    assert url_login(Client(), token).status_code == 303
    page = admin_client.post(reverse("adminpanel:tester"), {"code": token})
    assert "Would be refused: already used." in page.content.decode()
