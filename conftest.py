"""Shared test factories. Every user is made through the same service the product uses.

scripts/test runs the suite twice: on SQLite (the embedded default), then again with
DATABASE_URL on PostgreSQL, as a deployment that outgrew one process runs it (its cache and
rate limits in a table). The second pass leaves out what is about one database: tests marked
`postgres` (they make their own PostgreSQL databases, and ran in the first pass), `sqlite`
and `proxy`."""

import itertools

import pytest

_counter = itertools.count(1)


def _on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    if not _on_postgresql():
        return
    about_one_database = {"postgres", "sqlite", "proxy"}
    kept, left_out = [], []
    for item in items:
        marks = {mark.name for mark in item.iter_markers()}
        (left_out if marks & about_one_database else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as `parley migrate` leaves one: with the cache table, which
    multi-process deployments keep rate limits in (parley/settings.py)."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_branding():
    """Branding is cached across requests (parley.branding.selectors); a test's database
    rolls back, so its cached branding must go too, or the next test would see it."""
    yield
    from parley.branding.services import forget_cached_branding

    forget_cached_branding()


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
def make_group(db):
    """A group with `members` added by an admin (groups services come with issue 14's
    groups work; the rows are all a test of model access or limits needs)."""
    from parley.groups.models import Group, Source

    def make(name, *members):
        group = Group.objects.create(name=name)
        for member in members:
            group.memberships.create(user=member, source=Source.MANUAL)
        return group

    return make


@pytest.fixture
def admin_user(make_user):
    from parley.accounts.models import Role

    # The first admin of an instance is its owner (issue 14).
    return make_user(email="admin@example.com", role=Role.OWNER)


@pytest.fixture
def secret(db):
    """External Authentication switched on; returns the instance secret."""
    from parley.external_auth import services

    return services.enable_jwt()


@pytest.fixture
def mint(secret):
    """Signs an externalAuthCode with the instance secret, as an integrator would."""
    import time

    import jwt

    instance_secret = secret

    def make(payload, *, secret=None, expires_in=600):
        payload = dict(payload)
        if expires_in is not None and "exp" not in payload:
            payload["exp"] = int(time.time()) + expires_in
        return jwt.encode(payload, secret or instance_secret, algorithm="HS256")

    return make


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def strict_admin_client(admin_user):
    """An admin's client whose requests are CSRF-checked as a browser's are."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


@pytest.fixture
def client_as(client, make_user):
    """client_as(role): the test client, signed in as a new user with that role."""

    def sign_in(role):
        user = make_user(email=f"{role}-{next(_counter)}@example.com", role=role)
        client.force_login(user)
        client.user = user
        return client

    return sign_in


@pytest.fixture
def member_client(client, make_user):
    member = make_user(email="member@example.com")
    client.force_login(member)
    client.user = member
    return client


@pytest.fixture
def fresh_rate_limits():
    """An empty cache around the test: allauth keeps its rate limits there, and every test
    client comes from 127.0.0.1."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def fake_provider():
    """The fake OpenAI-compatible server (parley/chat/tests/fake_provider.py); `.app` is it."""
    from parley.chat.tests.fake_provider import FakeProvider, ServerThread

    app = FakeProvider()
    with ServerThread(app) as server:
        server.app = app
        yield server


@pytest.fixture
def make_provider(db, fake_provider):
    """A saved provider, on the fake provider unless `base_url` says otherwise; for GET
    /models the fake picks its answer by the key."""
    from parley.chat import catalogue
    from parley.chat.tests.fake_provider import GOOD_KEY

    def make(*, key=GOOD_KEY, base_url=None, names=("normal", "gpt-typo"), timeout=5):
        return catalogue.save_provider(
            provider=None,
            name="Fake AI",
            base_url=base_url or fake_provider.url + "/v1",
            api_key=key,
            timeout_seconds=timeout,
            model_names=list(names),
        )

    return make


@pytest.fixture
def behind_proxy(settings):
    """PARLEY_BEHIND_PROXY=true with the default trusted proxies (loopback). The test
    client's REMOTE_ADDR, 127.0.0.1, is then the proxy; any other address is not."""
    settings.PARLEY_BEHIND_PROXY = settings.USE_X_FORWARDED_HOST = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


class FakeDns:
    """Resolves chosen host names to chosen addresses (a list per lookup, the last one
    repeating; none: the name does not exist); every other name resolves as usual.
    `lookups` counts lookups by name."""

    def __init__(self, real_getaddrinfo):
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: dict[str, int] = {}
        self._real = real_getaddrinfo

    def add(self, name: str, *answers: list[str]) -> None:
        self.answers[name] = list(answers)

    def getaddrinfo(self, host, port, *args, **kwargs):
        import socket

        if host not in self.answers:
            return self._real(host, port, *args, **kwargs)
        count = self.lookups.get(host, 0)
        self.lookups[host] = count + 1
        if not self.answers[host]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = self.answers[host][min(count, len(self.answers[host]) - 1)]
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in addresses
        ]


@pytest.fixture
def fake_dns(monkeypatch):
    import socket

    dns = FakeDns(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", dns.getaddrinfo)
    return dns
