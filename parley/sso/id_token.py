"""Verifying an OIDC id_token ourselves, always: allauth's openid_connect provider skips the
signature of an id_token that came from the token endpoint and takes the algorithm from the
token's own header. Here the key comes from the provider's JWKS through Parley's key source
(outbound rules, cache, bounded refetch), the algorithm from an allow-list, and iss, aud,
exp, iat and the nonce are required."""

from collections.abc import Mapping
from typing import Any

import jwt
from django.utils.crypto import constant_time_compare

from parley.external_auth.jwks import JwksSource
from parley.external_auth.keys import PUBLIC_KEY_ALGORITHMS, KeySourceUnavailable

from .errors import BadNonce, InvalidIdToken, ProviderUnreachable

LEEWAY_SECONDS = 60
MAX_ID_TOKEN_CHARS = 16 * 1024


def verify_id_token(
    token: Any, *, discovery: Mapping[str, Any], client_id: str, allow_private_network: bool
) -> dict:
    """The id_token's claims once verified; InvalidIdToken or ProviderUnreachable if not."""
    if not isinstance(token, str) or not token or len(token) > MAX_ID_TOKEN_CHARS:
        raise InvalidIdToken("id_token missing, not text or larger than 16 KiB")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidIdToken(f"id_token malformed: {exc}") from None
    offered = discovery.get("id_token_signing_alg_values_supported") or []
    allowed = sorted(PUBLIC_KEY_ALGORITHMS & set(offered))
    algorithm = header.get("alg")
    if algorithm not in allowed:
        raise InvalidIdToken(f"id_token alg {str(algorithm)[:20]!r} is not one of {allowed}")
    source = JwksSource(discovery["jwks_uri"], allow_private_network=allow_private_network)
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    try:
        keys = source.keys_for(kid)
    except KeySourceUnavailable as unavailable:
        raise ProviderUnreachable(f"id_token keys: {unavailable}") from None
    candidates = [
        k
        for k in keys
        if (kid is None or k.kid == kid) and (k.algorithm is None or k.algorithm == algorithm)
    ]
    if not candidates:
        raise InvalidIdToken(f"no key at {discovery['jwks_uri'][:200]} for kid {str(kid)[:60]!r}")
    problem = None
    for candidate in candidates:
        try:
            return jwt.decode(
                token,
                key=candidate.key,
                algorithms=[algorithm],
                audience=client_id,
                issuer=discovery["issuer"],
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidSignatureError as exc:
            problem = exc
        except jwt.PyJWTError as exc:
            raise InvalidIdToken(f"id_token refused: {exc}") from None
    raise InvalidIdToken(f"id_token refused: {problem}")


def check_nonce(*, claims: Mapping[str, Any], expected: Any) -> None:
    """The id_token must carry the nonce this browser's login started with."""
    nonce = claims.get("nonce")
    if not isinstance(expected, str) or not expected:
        raise BadNonce("no nonce was stored for this sign-in")
    if not isinstance(nonce, str) or not constant_time_compare(nonce, expected):
        raise BadNonce(f"id_token nonce {str(nonce)[:40]!r} is not the one this sign-in sent")
