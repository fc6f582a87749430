"""The one JWT login path: URL, widget and API all log people in through here, so they
share verification, provisioning, seats, audit and rate limits."""

import time
from dataclasses import dataclass

from django.contrib.auth import logout
from django.db import transaction

from parley.accounts.models import LoginMethod, User
from parley.accounts.sessions import log_user_in, write_session_now
from parley.audit import services as audit
from parley.audit.models import Method, Outcome
from parley.errors import AuthError
from parley.web.proxy import client_address

from . import ratelimit
from .claims import LookupByEmail, LookupById, Upsert, parse_identity
from .errors import JwtDisabled, RateLimited
from .provisioning import provision_user
from .replay import consume_jti
from .services import verification_config
from .verify import VerifiedToken, verify_token


@dataclass(frozen=True)
class JwtLogin:
    user: User
    created: bool
    reference: str
    session_seconds: int


def log_in_with_code(
    request, *, code: str, start_session: bool = True, session_response=None
) -> JwtLogin:
    """Verify `code`, find or create its user, and (for browsers) start their session.

    With `session_response` (the response that will answer this request), the new session
    is written inside the login's own transaction and its cookie set on that response, so
    a login is one write transaction: the session middleware has nothing left to save.

    On failure the AuthError is re-raised with `.reference` set to its audit event, and any
    session on `request` is ended: an invalid code never keeps or creates a session.
    """
    now = time.time()
    ip = client_address(request)
    verified = identity = None
    try:
        ratelimit.check(ip)
        jwt_settings, keys, policy = verification_config(now=now)
        if not jwt_settings.enabled:
            raise JwtDisabled("External Authentication (JWT) is switched off")
        verified = verify_token(token=code, keys=keys, policy=policy, now=now)
        identity = parse_identity(payload=verified.payload)
        with transaction.atomic():
            if jwt_settings.one_time_jti and verified.jti is not None:
                consume_jti(jti=verified.jti, exp=verified.exp, now=now)
            provisioned = provision_user(
                identity=identity, link_by_email=jwt_settings.link_by_email
            )
            user = provisioned.user
            session_seconds = _session_seconds(verified, jwt_settings, now)
            notes = [provisioned.note] if provisioned.note else []
            if provisioned.created:
                notes.append("user created")
            if provisioned.linked:
                notes.append("linked by email")
            if start_session:
                current = getattr(request, "user", None)
                if current is not None and current.is_authenticated and current.pk != user.pk:
                    notes.append(f"switched from user {current.public_id}")
                log_user_in(request, user=user, method=LoginMethod.JWT)
                request.session.set_expiry(session_seconds)
            event = _record(request, verified, Outcome.SUCCESS, "ok", user.public_id, notes)
            if start_session and session_response is not None:
                write_session_now(request, session_response)  # last: nothing can fail after
    except AuthError as error:
        if start_session and getattr(request, "user", None) is not None:
            if request.user.is_authenticated:
                logout(request)
        # The audit event first: counting below can fail (a Redis outage answers 503), and
        # the attempt must be on record either way.
        event = _record(
            request, verified, Outcome.FAILURE, error.code, _named_id(identity), [error.reason]
        )
        error.reference = event.reference
        # Only codes that failed verification count: they are what guessing produces. A
        # genuine code refused for want of a seat says nothing about the sender.
        if verified is None and not isinstance(error, RateLimited):
            ratelimit.count_failure(ip)
        raise
    return JwtLogin(
        user=user,
        created=provisioned.created,
        reference=event.reference,
        session_seconds=session_seconds,
    )


def record_rejection(request, error: AuthError) -> AuthError:
    """Audit a code refused before verification (e.g. two codes in one URL)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)
    event = _record(request, None, Outcome.FAILURE, error.code, "", [error.reason])
    error.reference = event.reference
    ratelimit.count_failure(client_address(request))
    return error


def _session_seconds(verified: VerifiedToken, jwt_settings, now: float) -> int:
    maximum = jwt_settings.session_max_age_seconds
    if verified.exp is None:
        return maximum
    return max(1, min(int(verified.exp - now), maximum))


def _named_id(identity) -> str:
    if isinstance(identity, Upsert):
        return identity.user_id
    if isinstance(identity, LookupById):
        return identity.public_id
    if isinstance(identity, LookupByEmail):
        return ""
    return ""


def _record(request, verified, outcome, reason, public_user_id, notes):
    return audit.record_event(
        method=Method.JWT,
        outcome=outcome,
        reason=reason,
        request=request,
        public_user_id=public_user_id,
        detail="; ".join(notes),
        jti=(verified.jti or "") if verified else "",
        iss=(verified.iss or "") if verified else "",
        kid=(verified.kid or "") if verified else "",
    )
