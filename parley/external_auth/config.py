"""The switch, keys and policy every External Authentication code is verified with."""

import functools
from dataclasses import replace
from datetime import UTC, datetime

from django.db import connection, models

from parley.times import from_timestamp

from .jwks import JwksSource
from .keys import VerificationKeys, load_verification_keys
from .models import JwtSecret, JwtSettings, PublicKey
from .services import get_jwt_settings
from .verify import VerifyPolicy


def verification_config(*, now: float) -> tuple[JwtSettings, VerificationKeys, VerifyPolicy]:
    """The switch, keys and policy every code is verified with.

    The stored settings, secrets and public keys are read from the database on every call,
    so a change in the admin panel applies to the very next request on every worker and
    host. Only what is derived from them (secrets checked, PEM keys parsed, the policy) is
    memoised in this process, keyed by the exact text read: a changed row is a different
    key, so nothing stale can be served. Three small raw reads instead of ORM querysets and
    a key rebuild: bench/README.md.
    """
    stored = _read_stored_config(now)
    if stored[0] is None:  # a fresh instance: create the settings row, as ever
        get_jwt_settings()
        stored = _read_stored_config(now)
    built = _built_configs.get(stored)
    if built is None:
        built = _build_config(*stored)
        if len(_built_configs) >= 16:
            _built_configs.clear()
        _built_configs[stored] = built
    values, keys, policy = built
    return JwtSettings.from_db(connection.alias, None, values), keys, policy


# (settings row, secrets, public keys) as read -> (settings values, keys, policy)
_built_configs: dict[tuple, tuple[list, VerificationKeys, VerifyPolicy]] = {}
_SETTINGS_FIELDS = JwtSettings._meta.concrete_fields


def _read_stored_config(now: float) -> tuple[tuple | None, tuple, tuple]:
    settings_sql, secrets_sql, keys_sql = _config_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(settings_sql)
        row = cursor.fetchone()
        cursor.execute(secrets_sql, [connection.ops.adapt_datetimefield_value(from_timestamp(now))])
        secrets = tuple(cursor.fetchall())
        cursor.execute(keys_sql)
        pems = tuple(cursor.fetchall())
    return (None if row is None else tuple(row)), secrets, pems


@functools.cache
def _config_sql(vendor: str) -> tuple[str, str, str]:
    """The three reads of verification_config; table and column names come from the
    models (no outside text), values are parameters. The secrets and keys come in the same
    order as the models' default ordering gave them."""
    quote = connection.ops.quote_name
    settings_sql = "SELECT {} FROM {} WHERE {} = 1".format(  # noqa: S608 - names, not values
        ", ".join(quote(field.column) for field in _SETTINGS_FIELDS),
        quote(JwtSettings._meta.db_table),
        quote(JwtSettings._meta.pk.column),
    )
    secret, retired, until, created = (
        quote(n) for n in ("secret", "retired_at", "valid_until", "created_at")
    )
    secrets_sql = (
        f"SELECT {secret}, {retired}, {until} FROM {quote(JwtSecret._meta.db_table)} "  # noqa: S608
        f"WHERE {retired} IS NULL OR {until} > %s ORDER BY {created} DESC, {quote('id')} DESC"
    )
    keys_sql = (
        f"SELECT {quote('pem')}, {quote('kid')} FROM {quote(PublicKey._meta.db_table)} "  # noqa: S608
        f"ORDER BY {created}, {quote('id')}"
    )
    return settings_sql, secrets_sql, keys_sql


def _build_config(row: tuple, secrets: tuple, pems: tuple):
    values = [_from_db(field, value) for field, value in zip(_SETTINGS_FIELDS, row, strict=True)]
    settings_row = JwtSettings.from_db(connection.alias, None, values)
    current = next((secret for secret, retired, _ in secrets if retired is None), None)
    previous = [
        (secret, _aware(valid_until).timestamp())
        for secret, retired, valid_until in secrets
        if retired is not None
    ]
    keys = load_verification_keys(
        current_secret=current, previous_secrets=previous, public_keys_pem=list(pems)
    )
    if settings_row.jwks_url:
        source = JwksSource(
            settings_row.jwks_url,
            allow_private_network=settings_row.jwks_allow_private_network,
        )
        keys = replace(keys, key_sources=(source,))
    policy = VerifyPolicy(
        leeway_seconds=settings_row.leeway_seconds,
        require_exp=settings_row.require_exp,
        max_lifetime_seconds=settings_row.max_lifetime_seconds,
        issuer=settings_row.issuer or None,
        audience=settings_row.audience or None,
    )
    return values, keys, policy


def _from_db(field, value):
    """A raw column value as the ORM would give it (SQLite returns 0/1, naive UTC and JSON
    text)."""
    if value is None:
        return None
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.DateTimeField):
        return _aware(value)
    if isinstance(field, models.JSONField):  # JSON text on SQLite, as the driver decodes it
        return field.from_db_value(value, None, connection)
    return value


def _aware(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
