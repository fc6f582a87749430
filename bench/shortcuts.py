"""Each shortcut around a library on the JWT login path against the plain library call, in one
run (bench/README.md, "Shortcuts re-measured").

    .venv/bin/python bench/shortcuts.py [--logins 2000]

One process, its own SQLite data dir (removed afterwards). A JWT URL login
(`GET /?externalAuthCode=` → 303, a returning user, a fresh browser) goes through Django's
whole middleware stack in-process; each variant swaps one shortcut for the library call it
stands in for (for the dropped one, the other way round), and the variants take turns
login by login. Printed per variant: the median CPU time and wall time of one login, and
their ratio to the shipped code. A shortcut earns
its keep when its library variant makes the whole login >= 1.10x slower. Then each
shortcut's own operation alone, the same way, for scale.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1:8000"


def setup():
    """Migrate, switch JWT on, one user; returns (secret, user)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from parley.accounts import services as accounts
    from parley.accounts.models import CreatedVia
    from parley.external_auth import services

    secret = services.enable_jwt()
    user = accounts.create_user(
        email="bench@example.com", public_id="bench-1", created_via=CreatedVia.JWT
    )
    return secret, user


# ------------------------------------------------------------------ the library calls


def library_log_user_in(request, *, user, method):
    """django.contrib.auth.login(); the session middleware saves the session afterwards."""
    from django.contrib.auth import login

    from parley.accounts import sessions

    request._parley_login_method = method
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    sessions.record_login(user=user, method=method)  # whichever variant is in place


def library_write_session_now(request, response):
    """Nothing here: SessionMiddleware saves the session and sets its cookie."""


def library_by_public_id(public_id):
    from parley.accounts.models import Status, User

    try:
        return User.objects.exclude(status=Status.UNCONFIRMED).get(public_id=public_id)
    except User.DoesNotExist:
        return None


def orm_read_stored_config(now):
    """external_auth.services._read_stored_config's three reads through the ORM."""
    from django.db.models import Q

    from parley.external_auth import services
    from parley.external_auth.models import JwtSecret, PublicKey

    fields = [field.attname for field in services._SETTINGS_FIELDS]
    row = next(iter(services.JwtSettings.objects.filter(pk=1).values_list(*fields)), None)
    current = Q(retired_at__isnull=True) | Q(valid_until__gt=services._dt(now))
    secrets = JwtSecret.objects.filter(current).order_by("-created_at", "-id")
    keys = PublicKey.objects.order_by("created_at", "id")
    return (
        row,
        tuple(secrets.values_list("secret", "retired_at", "valid_until")),
        tuple(keys.values_list("pem", "kid")),
    )


def raw_record_login(*, user, method):
    """The raw UPDATE record_login used to be (dropped: under 10 % of a login, see README)."""
    from django.db import connection
    from django.utils import timezone

    from parley.accounts.models import User

    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(User._meta.db_table)} SET {quote('last_login_at')} = %s, "
            f"{quote('last_login')} = %s, {quote('last_login_method')} = %s "
            f"WHERE {quote(User._meta.pk.column)} = %s",
            [stamp, stamp, method, user.pk],
        )
    user.last_login_at = user.last_login = now
    user.last_login_method = method


def variants():
    """name -> list of (module, attribute, replacement)."""
    from parley.accounts import sessions
    from parley.external_auth import login, provisioning, services

    session = [
        (login, "log_user_in", library_log_user_in),
        (login, "write_session_now", library_write_session_now),
    ]
    lookup = [(provisioning, "_by_public_id", library_by_public_id)]
    raw_stamp = [(sessions, "record_login", raw_record_login)]
    return {
        "shipped (two shortcuts, record_login through the ORM)": [],
        "login(): django.contrib.auth.login + SessionMiddleware": session,
        "_by_public_id: User.objects...get()": lookup,
        "both kept shortcuts as library calls": session + lookup,
        "record_login as a raw UPDATE (the dropped shortcut)": raw_stamp,
        "verification_config reads: ORM values_list()": [
            (services, "_read_stored_config", orm_read_stored_config)
        ],
    }


class patched:
    def __init__(self, swaps):
        self.swaps = swaps

    def __enter__(self):
        self.saved = [(m, a, getattr(m, a)) for m, a, _ in self.swaps]
        for module, attribute, replacement in self.swaps:
            setattr(module, attribute, replacement)

    def __exit__(self, *exc):
        for module, attribute, original in self.saved:
            setattr(module, attribute, original)


# ------------------------------------------------------------------ measuring


def login_path(secret):
    """One JWT URL login through the full middleware stack; returns a callable."""
    import jwt
    from django.conf import settings
    from django.core.handlers.base import BaseHandler
    from django.test import RequestFactory

    handler = BaseHandler()
    handler.load_middleware()
    factory = RequestFactory()
    now = int(time.time())
    code = jwt.encode(
        {"user": {"id": "bench-1", "email": "bench@example.com"}, "iat": now, "exp": now + 7200},
        secret,
        algorithm="HS256",
    )

    def one():
        request = factory.get("/", {"externalAuthCode": code}, HTTP_HOST=HOST)
        response = handler.get_response(request)
        assert response.status_code == 303, response.status_code
        assert response.cookies[settings.SESSION_COOKIE_NAME].value

    return one


def check_same_outcome(secret, names):
    """Every variant logs in, writes one session row and stamps the login the same way."""
    from django.contrib.sessions.models import Session

    from parley.accounts.models import User

    one = login_path(secret)
    for name, swaps in names.items():
        before = Session.objects.count()
        with patched(swaps):
            one()
        assert Session.objects.count() == before + 1, name
        assert User.objects.get(public_id="bench-1").last_login_method == "jwt", name


def time_interleaved(fns: dict, *, calls: int) -> dict:
    """{name: (CPU seconds, wall seconds) of each call}. The variants take turns call by
    call, so a burst of other load on the machine falls on all of them alike."""
    times = {name: [] for name in fns}
    for _ in range(calls):
        for name, (fn, swaps) in fns.items():
            with patched(swaps):
                cpu, wall = time.process_time(), time.perf_counter()
                fn()
                times[name].append((time.process_time() - cpu, time.perf_counter() - wall))
    return times


def medians(samples: list) -> tuple[float, float]:
    return statistics.median(c for c, _ in samples), statistics.median(w for _, w in samples)


def report(times: dict, unit: float, unit_name: str, *, against_first: bool = True) -> None:
    base_cpu, base_wall = medians(next(iter(times.values())))
    for name, samples in times.items():
        cpu, wall = medians(samples)
        print(
            f"  {name:<55} CPU {cpu * unit:7.1f} {unit_name} {cpu / base_cpu:5.2f}x   "
            f"wall {wall * unit:7.1f} {unit_name} {wall / base_wall:5.2f}x"
        )


def micro_ops(user):
    """Each shortcut's own operation alone, against its library call."""
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    from parley.accounts import services, sessions
    from parley.accounts.models import LoginMethod
    from parley.external_auth import provisioning

    factory = RequestFactory()
    middleware = SessionMiddleware(lambda request: HttpResponse())

    def session_shortcut():
        request = factory.get("/")
        middleware.process_request(request)
        sessions.log_user_in(request, user=user, method=LoginMethod.JWT)
        sessions.write_session_now(request, HttpResponse())

    def session_library():
        request = factory.get("/")
        middleware.process_request(request)
        library_log_user_in(request, user=user, method=LoginMethod.JWT)
        middleware.process_response(request, HttpResponse())

    return {
        "log_user_in + write_session_now": (session_shortcut, []),
        "django login() + SessionMiddleware save": (session_library, []),
        "_by_public_id (raw SELECT)": (lambda: provisioning._by_public_id("bench-1"), []),
        "User.objects.exclude(...).get(public_id=...)": (
            lambda: library_by_public_id("bench-1"),
            [],
        ),
        "record_login as a raw UPDATE (dropped)": (
            lambda: raw_record_login(user=user, method=LoginMethod.JWT),
            [],
        ),
        "record_login: QuerySet.update() (shipped)": (
            lambda: services.record_login(user=user, method=LoginMethod.JWT),
            [],
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=2000, help="logins per variant")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="parley-bench-shortcuts-"))
    os.environ.update(
        PARLEY_DATA_DIR=str(data_dir),
        PARLEY_DEBUG="false",
        PARLEY_PUBLIC_URL=f"http://{HOST}",
        PARLEY_ACCESS_LOG="false",
        DJANGO_SETTINGS_MODULE="parley.settings",
    )
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    try:
        secret, user = setup()
        names = variants()
        check_same_outcome(secret, names)
        one = login_path(secret)
        for _ in range(100):  # warm-up
            one()
        logins = time_interleaved(
            {name: (one, swaps) for name, swaps in names.items()}, calls=args.logins
        )
        print(
            f"JWT URL login, whole request in-process: median per login of {args.logins}, "
            "ratio to the shipped code"
        )
        report(logins, 1e3, "ms")
        print("\nEach operation alone: the shortcut, then its library call")
        ops = micro_ops(user)
        pairs = list(ops.items())
        for shortcut, library in zip(pairs[::2], pairs[1::2], strict=True):
            report(time_interleaved(dict([shortcut, library]), calls=args.logins), 1e6, "µs")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
