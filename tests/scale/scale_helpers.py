"""Shared pieces of the multi-process tests: two hosts' environments, tokens, cleanup."""

import contextlib
import secrets
import time
import uuid

import httpx
import jwt
import redis

from parley.tests.serving import REDIS_URL, parley_env, run_cli


def host_env(data_dir, **extra):
    """One host: its own data dir, everything else given (database, Redis, secret key)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return parley_env(data_dir, **extra)


def enable_jwt(env, *, one_time_jti=False) -> str:
    secret = run_cli(env, "jwt", "enable").strip().splitlines()[-1]
    if one_time_jti:
        run_cli(env, "manage", "shell", "-c",
                "from parley.external_auth import services; "
                "services.update_policy(one_time_jti=True)")  # fmt: skip
    return secret


def token(secret, user_id, *, jti=None, lifetime=600) -> str:
    claims = {"user": {"id": user_id}, "exp": int(time.time()) + lifetime}
    if jti:
        claims["jti"] = jti
    return jwt.encode(claims, secret)


def login(base, code, client=None) -> httpx.Response:
    client = client or httpx.Client(timeout=30)
    return client.get(f"{base}/", params={"externalAuthCode": code})


@contextlib.contextmanager
def redis_prefix(url=REDIS_URL):
    """A key prefix of this test's own on the shared Redis; its keys are deleted after."""
    prefix = f"parley-test-{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)
