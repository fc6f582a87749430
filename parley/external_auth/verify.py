"""Verifies an External Authentication code (a compact JWS/JWT) step by step, DESIGN §4.2."""

import base64
import binascii
import re
import time
from dataclasses import dataclass
from typing import Any

from jwt.algorithms import get_default_algorithms
from jwt.exceptions import InvalidKeyError

from parley.errors import shown
from parley.strict_json import JsonRefused, json_type, loads

from .errors import (
    InvalidAudience,
    InvalidClaims,
    InvalidIssuer,
    InvalidSignature,
    JwtDisabled,
    LifetimeTooLong,
    MalformedToken,
    Step,
    TokenExpired,
    TokenNotYetValid,
    UnsupportedAlgorithm,
)
from .keys import (
    HMAC_ALGORITHMS,
    PUBLIC_KEY_ALGORITHMS,
    KeySourceUnavailable,
    VerificationKeys,
)

MAX_TOKEN_CHARS = 8 * 1024
MAX_LEEWAY_SECONDS = 3600
# A time claim is seconds since 1970. 1e11 is the year 5138: anything that far off, either
# way, is a mistake or an attack, and larger values do not fit a date or a float sum.
TIME_CLAIM_BOUND = 1e11
SUPPORTED_ALGORITHMS = HMAC_ALGORITHMS | PUBLIC_KEY_ALGORITHMS
# PyJWT's implementations, restricted to the allow-list: "none", ES256K and PyJWT's
# non-standard "ES521" alias are never looked up.
_ALGORITHMS = {
    name: algorithm
    for name, algorithm in get_default_algorithms().items()
    if name in SUPPORTED_ALGORITHMS
}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


@dataclass(frozen=True)
class VerifyPolicy:
    """The admin's verification settings."""

    leeway_seconds: float = 60
    require_exp: bool = False
    max_lifetime_seconds: float | None = None
    issuer: str | None = None
    audience: str | None = None

    def __post_init__(self):
        leeway = self.leeway_seconds
        if isinstance(leeway, bool) or not 0 <= leeway <= MAX_LEEWAY_SECONDS:
            raise ValueError(f"leeway_seconds must be 0 to {MAX_LEEWAY_SECONDS}, not {leeway!r}")
        if self.max_lifetime_seconds is not None and not self.max_lifetime_seconds > 0:
            raise ValueError("max_lifetime_seconds must be positive or None")
        for name in ("issuer", "audience"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise ValueError(f"{name} must be a non-empty string or None")


@dataclass(frozen=True)
class VerifiedJws:
    """A compact JWS whose signature checked out; the payload is still raw bytes."""

    header: dict[str, Any]
    payload: bytes
    algorithm: str
    verified_by: str
    kid: str | None


@dataclass(frozen=True)
class VerifiedToken:
    """A verified code: what it says, and what the audit log records about it."""

    header: dict[str, Any]
    payload: dict[str, Any]
    algorithm: str
    verified_by: str  # "secret:current", "secret:previous", "kid:abc" or "key:<fingerprint>"
    kid: str | None
    jti: str | None
    iss: str | None
    exp: int | float | None
    iat: int | float | None


def verify_token(
    *, token: str, keys: VerificationKeys, policy: VerifyPolicy, now: float | None = None
) -> VerifiedToken:
    """Verify a code completely: structure, algorithm, signature, then the payload's claims.

    Raises JwtDisabled, MalformedToken, UnsupportedAlgorithm, InvalidSignature, TokenExpired,
    TokenNotYetValid, InvalidClaims, LifetimeTooLong, InvalidIssuer or InvalidAudience. One-time
    `jti` use is the caller's (it needs a store); `jti` and `exp` are returned for it.
    """
    now = time.time() if now is None else now
    jws = verify_jws(token=token, keys=keys, now=now)
    return verify_claims(jws=jws, policy=policy, now=now)


def verify_claims(*, jws: VerifiedJws, policy: VerifyPolicy, now: float) -> VerifiedToken:
    """Steps 5-6 of verify_token, on a code whose signature checked out (verify_jws)."""
    # The payload is parsed only now that it is authenticated: nothing an attacker wrote
    # is interpreted before the signature has been checked.
    payload = _parse_json_object(jws.payload, part="payload")
    exp, iat = _check_time_claims(payload, policy=policy, now=now)
    iss = _check_issuer(payload, expected=policy.issuer)
    _check_audience(payload, expected=policy.audience)
    jti = payload.get("jti")
    if "jti" in payload and not isinstance(jti, str):
        raise MalformedToken(f"jti {shown(jti)} is not a string", step=Step.ONE_TIME)
    return VerifiedToken(
        header=jws.header,
        payload=payload,
        algorithm=jws.algorithm,
        verified_by=jws.verified_by,
        kid=jws.kid,
        jti=jti,
        iss=iss,
        exp=exp,
        iat=iat,
    )


def verify_jws(*, token: str, keys: VerificationKeys, now: float | None = None) -> VerifiedJws:
    """Steps 1-4 of verify_token: keys exist, strict compact structure and header, an
    allowed algorithm, and a signature by a configured key. The payload may be any bytes."""
    now = time.time() if now is None else now
    if not keys.configured:
        raise JwtDisabled("no secret or public key is configured")
    header_part, payload_part, signature_part = _split(token)
    header = _parse_json_object(_decode_segment(header_part, part="header"), part="header")
    payload = _decode_segment(payload_part, part="payload")
    signature = _decode_segment(signature_part, part="signature")
    algorithm, kid = _check_header(header, keys=keys)
    signing_input = f"{header_part}.{payload_part}".encode("ascii")
    verified_by = _check_signature(
        signing_input, signature, algorithm=algorithm, kid=kid, keys=keys, now=now
    )
    return VerifiedJws(
        header=header, payload=payload, algorithm=algorithm, verified_by=verified_by, kid=kid
    )


def _split(token: Any) -> tuple[str, str, str]:
    if not isinstance(token, str):
        raise MalformedToken(f"token is a {type(token).__name__}, not text")
    if len(token) > MAX_TOKEN_CHARS:
        raise MalformedToken(f"token has {len(token)} characters, more than {MAX_TOKEN_CHARS}")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedToken(f"token has {len(parts)} dot-separated segments, not 3")
    return parts[0], parts[1], parts[2]


def _decode_segment(segment: str, *, part: str) -> bytes:
    """Strict base64url (RFC 7515 §2): URL-safe alphabet, no padding, no whitespace, and
    zero unused bits, so each value has exactly one encoding."""
    if not _BASE64URL.fullmatch(segment):
        raise MalformedToken(f"{part} segment has characters outside the base64url alphabet")
    if len(segment) % 4 == 1:
        raise MalformedToken(f"{part} segment has an impossible base64url length {len(segment)}")
    try:
        decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise MalformedToken(f"{part} segment is not valid base64url") from None
    if base64.urlsafe_b64encode(decoded).rstrip(b"=") != segment.encode("ascii"):
        raise MalformedToken(f"{part} segment is not canonical base64url (unused bits set)")
    return decoded


def _parse_json_object(raw: bytes, *, part: str) -> dict[str, Any]:
    """Strict JSON (parley.strict_json) with an object at the top."""
    try:
        value = loads(raw)
    except JsonRefused as refused:
        raise MalformedToken(f"{part} {refused}") from None
    if not isinstance(value, dict):
        raise MalformedToken(f"{part} is {json_type(value)}, not a JSON object")
    return value


def _check_header(header: dict[str, Any], *, keys: VerificationKeys) -> tuple[str, str | None]:
    if "alg" not in header:
        raise MalformedToken("header has no alg")
    algorithm = header["alg"]
    if not isinstance(algorithm, str):
        raise UnsupportedAlgorithm(f"alg {shown(algorithm)} is not a string")
    if algorithm.lower() == "none":
        raise UnsupportedAlgorithm(f"alg {shown(algorithm)}: unsigned codes are never accepted")
    if algorithm not in SUPPORTED_ALGORITHMS:
        raise UnsupportedAlgorithm(
            f"alg {shown(algorithm)} is not one of {', '.join(sorted(SUPPORTED_ALGORITHMS))}"
        )
    if "crit" in header:
        # RFC 7515 §4.1.11: a recipient must reject extensions it does not understand, and
        # Parley understands none.
        raise UnsupportedAlgorithm(
            f"header crit {shown(header['crit'])}: no extension is supported"
        )
    if "b64" in header and header["b64"] is not True:
        raise UnsupportedAlgorithm("unencoded payloads (b64: false) are not supported")
    if algorithm in HMAC_ALGORITHMS and not keys.has_secret:
        raise UnsupportedAlgorithm(f"alg {algorithm} needs the shared secret; none is configured")
    if algorithm in PUBLIC_KEY_ALGORITHMS and not keys.has_public_keys:
        raise UnsupportedAlgorithm(f"alg {algorithm} needs a public key; none is configured")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise MalformedToken(f"kid {shown(kid)} is not a string")
    # jku, x5u, jwk and x5c are never read: keys come only from the admin's configuration.
    return algorithm, kid


def _check_signature(
    signing_input: bytes,
    signature: bytes,
    *,
    algorithm: str,
    kid: str | None,
    keys: VerificationKeys,
    now: float,
) -> str:
    implementation = _ALGORITHMS[algorithm]
    if algorithm in HMAC_ALGORITHMS:
        usable = keys.secrets_at(now)
        for label, secret in usable:
            if implementation.verify(signing_input, secret, signature):
                return label
        past_grace = sum(1 for p in keys.previous_secrets if now >= p.grace_ends_at)
        not_tried = f"; {past_grace} past their grace period, not tried" if past_grace else ""
        raise InvalidSignature(
            f"{algorithm} signature matches none of {len(usable)} usable secret(s){not_tried}"
        )
    tried = 0
    named = f" for kid {shown(kid)}" if kid is not None else ""
    try:
        for candidate in keys.public_keys_for(kid=kid, algorithm=algorithm):
            tried += 1
            try:
                prepared = implementation.prepare_key(candidate.key)
            except InvalidKeyError:
                continue
            if implementation.verify(signing_input, prepared, signature):
                return candidate.label
    except KeySourceUnavailable as unavailable:
        raise InvalidSignature(
            f"{algorithm} signature matches none of {tried} public key(s){named}; {unavailable}"
        ) from None
    if not tried:
        pinned = sorted({a for key in keys.public_keys if key.kid == kid for a in key.algorithms})
        only = f" (that key verifies only {', '.join(pinned)})" if kid and pinned else ""
        raise InvalidSignature(f"no configured public key can verify {algorithm}{named}{only}")
    raise InvalidSignature(f"{algorithm} signature matches none of {tried} public key(s){named}")


def _time_claim(payload: dict[str, Any], name: str) -> int | float | None:
    if name not in payload:
        return None
    value = payload[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedToken(f"{name} {shown(value)} is not a number of seconds", step=Step.TIME)
    if not -TIME_CLAIM_BOUND < value < TIME_CLAIM_BOUND:
        raise MalformedToken(
            f"{name} {shown(value)} is not a plausible time (seconds since 1970, "
            f"less than {TIME_CLAIM_BOUND:.0e} either way)",
            step=Step.TIME,
        )
    return value


def _check_time_claims(
    payload: dict[str, Any], *, policy: VerifyPolicy, now: float
) -> tuple[int | float | None, int | float | None]:
    exp, nbf, iat = (_time_claim(payload, name) for name in ("exp", "nbf", "iat"))
    leeway = policy.leeway_seconds
    if exp is not None and exp <= now - leeway:
        raise TokenExpired(
            f"exp {shown(exp)} is {_seconds(now - exp)} s in the past (leeway {leeway:g} s)"
        )
    for name, value in (("nbf", nbf), ("iat", iat)):
        if value is not None and value > now + leeway:
            raise TokenNotYetValid(
                f"{name} {shown(value)} is {_seconds(value - now)} s in the future "
                f"(leeway {leeway:g} s)"
            )
    if exp is None and policy.require_exp:
        raise InvalidClaims("exp is required but missing", step=Step.TIME)
    limit = policy.max_lifetime_seconds
    if limit is not None:
        if exp is None:
            raise LifetimeTooLong(f"no exp, so no end; at most {limit:g} s allowed")
        lifetime, basis = (exp - iat, "exp - iat") if iat is not None else (exp - now, "exp - now")
        if lifetime > limit:
            raise LifetimeTooLong(
                f"lifetime {_seconds(lifetime)} s ({basis}) exceeds the maximum {limit:g} s"
            )
    return exp, iat


def _check_issuer(payload: dict[str, Any], *, expected: str | None) -> str | None:
    iss = payload.get("iss")
    if "iss" in payload and not isinstance(iss, str):
        raise MalformedToken(f"iss {shown(iss)} is not a string", step=Step.ISSUER_AUDIENCE)
    if expected is not None and iss != expected:
        raise InvalidIssuer(
            f"iss {shown(iss)} is not {expected!r}"
            if iss is not None
            else f"iss missing; {expected!r} expected"
        )
    return iss


def _check_audience(payload: dict[str, Any], *, expected: str | None) -> None:
    if "aud" not in payload:
        if expected is not None:
            raise InvalidAudience(f"aud missing; {expected!r} expected")
        return
    aud = payload["aud"]
    audiences = [aud] if isinstance(aud, str) else aud
    if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
        raise MalformedToken(
            f"aud {shown(aud)} is not a string or a list of strings", step=Step.ISSUER_AUDIENCE
        )
    if expected is None:
        # RFC 7519 §4.1.3: a recipient not named in a present aud must reject the token;
        # it was meant for another service sharing the same signing key.
        raise InvalidAudience(f"aud {shown(aud)} given but no audience is configured")
    if expected not in audiences:
        raise InvalidAudience(f"aud {shown(aud)} does not include {expected!r}")


def _seconds(delta: float) -> str:
    rounded = round(delta)
    return str(rounded) if abs(rounded) < 10**15 else f"{delta:.3g}"
