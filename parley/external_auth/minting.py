"""Signing externalAuthCode tokens here (CLI, admin link generator) the way integrators do."""

import time
from datetime import timedelta

import jwt


def mint_code(*, payload: dict, secret: str, expires_in: timedelta | None = None) -> str:
    now = int(time.time())
    claims = {**payload, "iat": now}
    if expires_in is not None:
        claims["exp"] = now + int(expires_in.total_seconds())
    return jwt.encode(claims, secret, algorithm="HS256")
