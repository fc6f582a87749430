"""Shared test factories. Every user is made through the same service the product uses."""

import itertools

import pytest

_counter = itertools.count(1)


@pytest.fixture
def make_user(db):
    from parley.accounts import services
    from parley.accounts.models import CreatedVia, Role

    def make(*, email=None, role=Role.MEMBER, created_via=CreatedVia.ADMIN, **kwargs):
        if email is None:
            email = f"user{next(_counter)}@example.com"
        return services.create_user(email=email, role=role, created_via=created_via, **kwargs)

    return make


@pytest.fixture
def admin_user(make_user):
    from parley.accounts.models import Role

    return make_user(email="admin@example.com", role=Role.ADMIN)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def member_client(client, make_user):
    member = make_user(email="member@example.com")
    client.force_login(member)
    client.user = member
    return client


@pytest.fixture
def behind_proxy(settings):
    """PARLEY_BEHIND_PROXY=true with the default trusted proxies (loopback). The test
    client's REMOTE_ADDR, 127.0.0.1, is then the proxy; any other address is not."""
    settings.PARLEY_BEHIND_PROXY = settings.USE_X_FORWARDED_HOST = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings
