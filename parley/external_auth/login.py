"""The one JWT login path: URL, widget and API all log people in through here, so they
share verification, provisioning, seats, audit and rate limits."""

import time
from dataclasses import dataclass

from django.contrib.auth import logout
from django.contrib.auth.models import update_last_login
from django.db import transaction

from parley.accounts import tokens
from parley.accounts.models import LoginMethod, User, UserToken
from parley.accounts.sessions import log_user_in, write_session_now
from parley.audit import services as audit
from parley.audit.models import Method, Outcome
from parley.errors import AuthError, ParleyError, RateLimited, ServiceUnavailable
from parley.web.proxy import client_address

from . import ratelimit
from .claims import LookupByEmail, LookupById, Upsert, parse_identity
from .config import verification_config
from .errors import JwtDisabled
from .models import SessionLength
from .provisioning import CREATE, LINK, LOGIN, Resolution, Rules, provision_user, resolve
from .replay import consume_jti
from .token_groups import apply_token_groups, read_token_groups
from .token_roles import apply_token_role
from .verify import VerifiedToken, verify_claims, verify_jws


@dataclass(frozen=True)
class JwtLogin:
    user: User
    created: bool
    reference: str
    session_seconds: int


@dataclass(frozen=True)
class TokenLogin:
    user: User
    created: bool
    reference: str
    token: UserToken
    secret: str  # the bearer token itself: only its hash is stored
    lifetime_seconds: int


class SwitchNeedsConfirmation(Exception):
    """A valid code for someone other than the person signed in: ask them before switching
    (DESIGN §4.4). Nothing is kept: no jti used, no user made or changed, no audit event."""

    def __init__(self, *, current: User, identity, found: Resolution):
        super().__init__(f"switch from user {current.public_id} needs confirmation")
        self.current = current
        self.identity = identity
        self.found = found


def log_in_with_code(
    request,
    *,
    code: str,
    start_session: bool = True,
    session_response=None,
    switch_confirmed: bool = False,
) -> JwtLogin:
    """Verify `code`, find or create its user, and (for browsers) start their session.

    With `session_response` (the response that will answer this request), the new session
    is written inside the login's own transaction and its cookie set on that response, so
    a login is one write transaction: the session middleware has nothing left to save.

    On failure the AuthError is re-raised with `.reference` set to its audit event, and any
    session on `request` is ended: an invalid code never keeps or creates a session. A
    backing service that is gone (ServiceUnavailable, 503) is audited and raised the same way.
    Over the failure limit, only codes that do not verify are refused (RateLimited).

    A valid code for another user than the one signed in on `request` raises
    SwitchNeedsConfirmation unless `switch_confirmed` (the person said yes to the switch).
    """
    now = time.time()
    ip = client_address(request)
    jwt_settings = verified = identity = None
    signed = False
    try:
        jwt_settings, keys, policy = verification_config(now=now)
        try:
            if not jwt_settings.enabled:
                raise JwtDisabled("External Authentication (JWT) is switched off")
            jws = verify_jws(token=code, keys=keys, now=now)
        except AuthError as error:
            ratelimit.refuse_if_over_limit(
                ip=ip,
                limit=jwt_settings.failure_limit,
                window_seconds=jwt_settings.failure_window_seconds,
                now=now,
                refused=error,
            )
            raise
        signed = True
        verified = verify_claims(jws=jws, policy=policy, now=now)
        identity = parse_identity(payload=verified.payload)
        group_names = read_token_groups(payload=verified.payload, jwt_settings=jwt_settings)
        rules = Rules(
            link_by_email=jwt_settings.link_by_email,
            admins_may_use_jwt=jwt_settings.admins_may_use_jwt,
        )
        if start_session and not switch_confirmed:
            _ask_before_switching(request, identity=identity, rules=rules)
        with transaction.atomic():
            if jwt_settings.one_time_jti and verified.jti is not None:
                consume_jti(jti=verified.jti, exp=verified.exp, now=now)
            provisioned = provision_user(identity=identity, rules=rules)
            user = provisioned.user
            session_seconds = _session_seconds(verified, jwt_settings, now)
            notes = [provisioned.note] if provisioned.note else []
            role_note = apply_token_role(
                user=user, payload=verified.payload, jwt_settings=jwt_settings
            )
            if role_note:
                notes.append(role_note)
            if provisioned.created:
                notes.append("user created")
            if provisioned.linked:
                notes.append("linked by email")
            groups = apply_token_groups(user=user, names=group_names, jwt_settings=jwt_settings)
            if groups:
                notes.append(groups.describe())
            if start_session:
                current = _signed_in(request)
                if current is not None and current.pk != user.pk:
                    if not switch_confirmed:
                        # The code's user changed since _ask_before_switching looked (a
                        # concurrent first login or link): still ask, and undo this work.
                        raise SwitchNeedsConfirmation(
                            current=current, identity=identity, found=_as_found(provisioned)
                        )
                    notes.append(f"switched from user {current.public_id}")
                log_user_in(request, user=user, method=LoginMethod.JWT)
                request.session.set_expiry(session_seconds)
            else:
                # A login without a session (the widget frame, the API) is a login all the
                # same: the admin panel's "last login" must not stay "Never".
                update_last_login(None, user)
            event = _record(request, verified, Outcome.SUCCESS, "ok", user.public_id, notes)
            if start_session and session_response is not None:
                write_session_now(request, session_response)  # last: nothing can fail after
    except (AuthError, ServiceUnavailable) as error:
        if start_session and getattr(request, "user", None) is not None:
            if request.user.is_authenticated:
                logout(request)
        # Only codes whose signature did not verify count: they are what guessing produces.
        # A genuine code refused for want of a seat says nothing about the sender.
        guessed = isinstance(error, AuthError) and not signed and not isinstance(error, RateLimited)
        failure = _audit_failure(
            request,
            error,
            verified=verified,
            public_user_id=_named_id(identity),
            count_for=(ip, jwt_settings.failure_window_seconds, now) if guessed else None,
        )
        if failure is error:
            raise
        raise failure from error
    return JwtLogin(
        user=user,
        created=provisioned.created,
        reference=event.reference,
        session_seconds=session_seconds,
    )


def exchange_code_for_token(request, *, code: str) -> TokenLogin:
    """Log in with `code` for a client that keeps no cookie (an API client, the widget frame):
    the URL login's checks, provisioning, seats and audit, no session, and a bearer token
    that lives as a session would (the code's `exp`, capped by the session maximum)."""
    login = log_in_with_code(request, code=code, start_session=False)
    token, secret = tokens.issue_user_token(user=login.user, lifetime_seconds=login.session_seconds)
    return TokenLogin(
        user=login.user,
        created=login.created,
        reference=login.reference,
        token=token,
        secret=secret,
        lifetime_seconds=login.session_seconds,
    )


def record_rejection(request, error: AuthError) -> ParleyError:
    """Audit a code refused before verification (e.g. two codes in one URL); it counts as a
    failed guess. Returns the error to raise (a 503 when the count cannot be kept)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)
    now = time.time()
    window = verification_config(now=now)[0].failure_window_seconds
    return _audit_failure(
        request,
        error,
        verified=None,
        public_user_id="",
        count_for=(client_address(request), window, now),
    )


def _audit_failure(request, error, *, verified, public_user_id, count_for) -> ParleyError:
    """Count the failure when `count_for` (ip, window, now) is given, and write its audit
    event; the error, with `.reference` set, is the one to answer with.

    Every attempt is on record, also when counting it fails: Redis down makes the count a
    503 (parley/ops/cache.py), and that 503 is the attempt's outcome and audit reason."""
    notes = [error.reason]
    if count_for is not None:
        ip, window_seconds, now = count_for
        try:
            ratelimit.count_failure(ip=ip, window_seconds=window_seconds, now=now)
        except ServiceUnavailable as unavailable:
            notes.append(f"not counted: {unavailable.reason}")
            error = unavailable
    event = _record(request, verified, Outcome.FAILURE, error.code, public_user_id, notes)
    error.reference = event.reference
    return error


def _signed_in(request) -> User | None:
    current = getattr(request, "user", None)
    return current if current is not None and current.is_authenticated else None


def _ask_before_switching(request, *, identity, rules: Rules) -> None:
    """Raise SwitchNeedsConfirmation if the code would sign in someone else than the person
    signed in now. Reads only: the question must not use up the code or create anyone."""
    current = _signed_in(request)
    if current is None:
        return
    try:
        found = resolve(identity=identity, rules=rules)
    except AuthError:
        return  # the login itself refuses the code: audited, and the session ends
    if found.user is None or found.user.pk != current.pk:
        raise SwitchNeedsConfirmation(current=current, identity=identity, found=found)


def _as_found(provisioned) -> Resolution:
    if provisioned.created:
        return Resolution(CREATE)
    return Resolution(LINK if provisioned.linked else LOGIN, provisioned.user)


def _session_seconds(verified: VerifiedToken, jwt_settings, now: float) -> int:
    return session_seconds(exp=verified.exp, jwt_settings=jwt_settings, now=now)


def session_seconds(*, exp: float | None, jwt_settings, now: float) -> int:
    """How long a JWT login lasts (JwtSettings.session_length): a fixed length, or until the
    code's `exp` capped by the session maximum (the maximum when the code has no `exp`)."""
    maximum = jwt_settings.session_max_age_seconds
    if jwt_settings.session_length == SessionLength.FIXED or exp is None:
        return maximum
    return max(1, min(int(exp - now), maximum))


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
