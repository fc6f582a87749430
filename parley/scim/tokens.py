"""SCIM tokens: made (shown once), checked on every SCIM request, revoked."""

import hmac
import time

from django.db.models import Q, QuerySet
from django.utils import timezone

from parley.accounts.credentials import clean_credential_name, mint_credential, note_use
from parley.accounts.tokens import MAX_CREDENTIAL_LENGTH, hash_secret
from parley.audit.models import Method, Outcome
from parley.audit.services import record_event
from parley.errors import AuthError, NotFound
from parley.external_auth import ratelimit
from parley.web.proxy import client_address

from .models import ScimToken

TOKEN_PREFIX = "pscim_"
NAME_MAX_LENGTH = ScimToken._meta.get_field("name").max_length


class ScimTokenInvalid(AuthError):
    code = "scim_token_invalid"
    status = 401
    user_message = "This SCIM request has no valid token. Send 'Authorization: Bearer pscim_…'."


class ScimTokenRevoked(ScimTokenInvalid):
    code = "scim_token_revoked"
    user_message = "This SCIM token has been revoked. Ask a Parley admin for a new one."


def clean_token_name(name) -> str:
    return clean_credential_name(name, what="token", max_length=NAME_MAX_LENGTH)


def create_token(*, name: str, created_by: str, request=None) -> tuple[ScimToken, str]:
    """Make a token; returns it with the secret, which is never stored and never shown again."""
    name = clean_token_name(name)
    token, secret = mint_credential(
        prefix=TOKEN_PREFIX,
        create=lambda shown, digest: ScimToken.objects.create(
            name=name, prefix=shown, token_hash=digest, created_by=created_by[:64]
        ),
    )
    record_event(
        method=Method.SCIM,
        outcome=Outcome.SUCCESS,
        reason="scim_token_created",
        detail=f"SCIM token “{name}” ({token.prefix}…) created by {created_by}",
        request=request,
    )
    return token, secret


# Wrong tokens from one address: after this many in a window, its requests are refused with
# 429 before the token is looked up or an audit row written (a guesser cannot fill the log).
FAILURE_LIMIT = 20
FAILURE_WINDOW_SECONDS = 300


def count_refused_token(*, request, refused: ScimTokenInvalid) -> None:
    """Count a refused token from the request's address; raise RateLimited when the address
    is over the limit already."""
    ip, now = client_address(request), time.time()
    ratelimit.refuse_if_over_limit(
        ip=ip,
        limit=FAILURE_LIMIT,
        window_seconds=FAILURE_WINDOW_SECONDS,
        now=now,
        refused=refused,
        scope="scim",
    )
    ratelimit.count_failure(ip=ip, window_seconds=FAILURE_WINDOW_SECONDS, now=now, scope="scim")


def authenticate_token(*, secret: str | None) -> ScimToken:
    """The token `secret` is, or ScimTokenInvalid/ScimTokenRevoked. The lookup is by hash,
    so it reveals nothing of how close a guess was; the stored hash is compared again in
    constant time all the same."""
    if not secret:
        raise ScimTokenInvalid("no bearer token")
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > MAX_CREDENTIAL_LENGTH:
        raise ScimTokenInvalid("not a SCIM token")
    digest = hash_secret(secret)
    token = ScimToken.objects.filter(token_hash=digest).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        raise ScimTokenInvalid("unknown SCIM token")
    if token.revoked_at is not None:
        raise ScimTokenRevoked(f"SCIM token “{token.name}” ({token.prefix}…) is revoked")
    note_use(token)
    return token


def list_tokens() -> QuerySet[ScimToken]:
    return ScimToken.objects.all()


def get_token(*, token_id: int) -> ScimToken:
    token = ScimToken.objects.filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"no SCIM token {token_id}", user_message="There is no such SCIM token.")
    return token


def find_token(*, reference: str) -> ScimToken:
    """A token by its id, its shown prefix (`pscim_AbCd1234`) or its name (the newest of
    that name that is not revoked)."""
    reference = (reference or "").strip()
    match = Q(prefix=reference) | Q(name=reference, revoked_at__isnull=True)
    if reference.isdigit():
        match |= Q(pk=int(reference))
    token = ScimToken.objects.filter(match).first() if reference else None
    if token is None:
        raise NotFound(
            f"no SCIM token {reference!r}",
            user_message=f"There is no SCIM token “{reference[:40]}”.",
        )
    return token


def revoke_token(*, token: ScimToken, revoked_by: str, request=None) -> ScimToken:
    """Revoke a token; it stops working at once. Revoking twice keeps the first time."""
    if token.revoked_at is None:
        ScimToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        token.refresh_from_db(fields=["revoked_at"])
        record_event(
            method=Method.SCIM,
            outcome=Outcome.SUCCESS,
            reason="scim_token_revoked",
            detail=f"SCIM token “{token.name}” ({token.prefix}…) revoked by {revoked_by}",
            request=request,
        )
    return token
