"""The admin's token tester (DESIGN §5): every check of §4.2 on a pasted code, and what a
login with it would do — predicted from read-only look-ups, so testing changes nothing."""

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from parley.accounts import services as accounts
from parley.accounts.models import User
from parley.errors import AuthError

from .admin_services import jti_already_used
from .claims import LookupById, Upsert, parse_identity
from .config import verification_config
from .errors import CodeRefused, InvalidClaims, JwtDisabled, MalformedToken, Step, TokenReplayed
from .login import session_seconds
from .models import SessionLength
from .provisioning import LINK, LOGIN, Rules, resolve
from .tester_display import DecodedPart, TimeClaim, decode_for_display, header_alg, time_claims
from .token_groups import predict_token_groups, read_token_groups
from .token_roles import predict_token_role
from .verify import MAX_TOKEN_CHARS, VerifiedJws, VerifiedToken, verify_claims, verify_jws

PASS, FAIL, SKIPPED = "pass", "fail", "skipped"

LABELS = {
    Step.ENABLED: "JWT login switched on",
    Step.STRUCTURE: "Size and structure",
    Step.ALGORITHM: "Algorithm",
    Step.SIGNATURE: "Signature",
    Step.TIME: "Time claims (exp, nbf, iat)",
    Step.ISSUER_AUDIENCE: "Issuer and audience (iss, aud)",
    Step.ONE_TIME: "One-time use (jti)",
    Step.IDENTITY: "Who the code names (user, id, email)",
}
ENABLED, STRUCTURE, ALGORITHM, SIGNATURE, TIME, ISSUER_AUDIENCE, ONE_TIME, IDENTITY = (
    LABELS[step] for step in Step
)
STEPS = tuple(LABELS.values())

# The order verify_jws, then verify_claims, run their checks: a refusal at one step means
# every step before it passed. The payload is parsed (STRUCTURE) only after the signature.
_JWS_ORDER = (Step.ENABLED, Step.STRUCTURE, Step.ALGORITHM, Step.SIGNATURE)
_CLAIMS_ORDER = (*_JWS_ORDER[:1], *_JWS_ORDER[2:], Step.STRUCTURE, Step.TIME, Step.ISSUER_AUDIENCE)


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # PASS, FAIL or SKIPPED
    detail: str


@dataclass(frozen=True)
class Prediction:
    """What presenting the code would do: "login", "create", "link" or "refused"."""

    kind: str
    summary: str
    error_code: str = ""
    user_message: str = ""  # what the person would see on the error page
    notes: tuple[str, ...] = ()
    user: User | None = None  # who would be logged in; None for a new user or a refusal


@dataclass(frozen=True)
class TesterReport:
    header: DecodedPart
    payload: DecodedPart
    checks: tuple[Check, ...]
    outcome: Prediction
    verified: bool
    times: tuple[TimeClaim, ...] = ()
    session: str = ""  # how long the session a login starts would last


def test_code(*, code: str, now: float | None = None) -> TesterReport:
    """Check `code` the way a login would, without logging anyone in: no user is created
    or changed, no `jti` is used up, no audit event or rate-limit count is written."""
    now = time.time() if now is None else now
    code = code.strip()
    with transaction.atomic():
        report = _run(code, now)
        # Belt and braces: even a settings row a read creates on a fresh instance is undone.
        transaction.set_rollback(True)
    return report


test_code.__test__ = False  # a function named test_*, but not a test for pytest to collect


def _run(code: str, now: float) -> TesterReport:
    header, payload = decode_for_display(code)
    jwt_settings, keys, policy = verification_config(now=now)
    checks: dict[Step, Check] = {}
    refusal: AuthError | None = None
    if not jwt_settings.enabled:
        refusal = JwtDisabled("JWT login is switched off")
        checks[Step.ENABLED] = _check(
            Step.ENABLED,
            FAIL,
            "JWT login is off, so every code is refused. The checks below show what would "
            "happen once it is on.",
        )

    jws = verified = None
    try:
        jws = verify_jws(token=code, keys=keys, now=now)
        verified = verify_claims(jws=jws, policy=policy, now=now)
    except CodeRefused as error:
        refusal = refusal or error
        order = _JWS_ORDER if jws is None else _CLAIMS_ORDER
        _passed_until(checks, order, error.step, _pass_details(code, jws, None, policy, now))
        checks[error.step] = _check(error.step, FAIL, error.reason)
    else:
        details = _pass_details(code, jws, verified, policy, now)
        _passed_until(checks, _CLAIMS_ORDER, None, details)

    identity = group_names = None
    if verified is not None:
        # The login order: identity claims, then the one-time jti, then the user.
        try:
            identity = parse_identity(payload=verified.payload)
            group_names = read_token_groups(payload=verified.payload, jwt_settings=jwt_settings)
        except InvalidClaims as error:
            checks[Step.IDENTITY] = _check(Step.IDENTITY, FAIL, error.reason)
            refusal = refusal or error
        else:
            checks[Step.IDENTITY] = _check(Step.IDENTITY, PASS, _describe_identity(identity))

    if not jwt_settings.one_time_jti:
        checks.setdefault(
            Step.ONE_TIME, _check(Step.ONE_TIME, SKIPPED, "Not checked: one-time use is off.")
        )
    elif verified is not None and Step.ONE_TIME not in checks:
        checks[Step.ONE_TIME] = _one_time_check(verified, now)
        if checks[Step.ONE_TIME].status == FAIL:
            refusal = refusal or TokenReplayed(f"jti {verified.jti[:80]!r} was already used")

    if refusal is None and identity is not None:
        rules = Rules(
            link_by_email=jwt_settings.link_by_email,
            admins_may_use_jwt=jwt_settings.admins_may_use_jwt,
        )
        outcome = _predict(identity, rules=rules)
        if outcome.kind != "refused":
            groups = predict_token_groups(
                user=outcome.user, names=group_names, jwt_settings=jwt_settings
            )
            try:
                role = predict_token_role(
                    user=outcome.user,
                    public_id=outcome.user.public_id if outcome.user else identity.user_id,
                    payload=verified.payload,
                    jwt_settings=jwt_settings,
                )
            except AuthError as error:
                outcome = _refused(error)
            else:
                outcome = replace(outcome, notes=(*outcome.notes, *role, *groups))
    else:
        outcome = _refused(refusal or MalformedToken("nothing to test"))

    ordered = tuple(
        checks.get(step) or _check(step, SKIPPED, "Not checked: an earlier check failed.")
        for step in Step
    )
    return TesterReport(
        header=header,
        payload=payload,
        checks=ordered,
        outcome=outcome,
        verified=verified is not None,
        times=time_claims(code),
        session=_describe_session(verified, jwt_settings, now) if outcome.kind != "refused" else "",
    )


def _describe_session(verified: VerifiedToken, jwt_settings, now: float) -> str:
    seconds = session_seconds(exp=verified.exp, jwt_settings=jwt_settings, now=now)
    ends = _when(now + seconds, now)
    if jwt_settings.session_length == SessionLength.FIXED:
        why = "the fixed session length, whatever the code's exp"
    elif verified.exp is None or verified.exp - now >= jwt_settings.session_max_age_seconds:
        why = "the session maximum"
    else:
        why = "until the code's exp (policy: until the code expires)"
    return f"The session would last {_duration(seconds)}, until {ends}: {why}."


def _check(step: Step, status: str, detail: str) -> Check:
    return Check(LABELS[step], status, detail)


def _passed_until(
    checks: dict[Step, Check],
    order: tuple[Step, ...],
    failed: Step | None,
    details: dict[Step, Callable[[], str]],
) -> None:
    """Mark each step of `order` before `failed` (all of them when None) as passed, unless
    it already has a result (JWT login switched off)."""
    for step in order:
        if step == failed:
            return
        checks.setdefault(step, _check(step, PASS, details[step]()))


def _pass_details(
    code: str,
    jws: VerifiedJws | None,
    verified: VerifiedToken | None,
    policy,
    now: float,
) -> dict[Step, Callable[[], str]]:
    """What each passed step says; the best the tester knows at the step that failed."""
    return {
        Step.ENABLED: lambda: "JWT login is on.",
        Step.STRUCTURE: lambda: _structure_passed(code, payload_checked=jws is not None),
        Step.ALGORITHM: lambda: f"{jws.algorithm if jws else header_alg(code)} fits the key type.",
        Step.SIGNATURE: lambda: f"Signed with {_describe_key(jws.verified_by)}.",
        Step.TIME: lambda: _describe_times(verified, policy, now),
        Step.ISSUER_AUDIENCE: lambda: (
            _describe_issuer_audience(verified, policy) if verified else "Fine."
        ),
    }


def _structure_passed(code: str, *, payload_checked: bool) -> str:
    parts = (
        f"{len(code)} characters (at most {MAX_TOKEN_CHARS}), three base64url segments, JSON header"
    )
    if payload_checked:
        return f"{parts} and payload."
    return f"{parts}. The payload is read only once the signature checks out."


def _one_time_check(verified: VerifiedToken, now: float) -> Check:
    if verified.jti is None:
        return _check(
            Step.ONE_TIME,
            SKIPPED,
            "The code has no jti, so one-time use does not apply: it works until it expires.",
        )
    if jti_already_used(jti=verified.jti, now=now):
        return _check(Step.ONE_TIME, FAIL, "Would be refused: already used.")
    return _check(
        Step.ONE_TIME,
        PASS,
        f"jti {verified.jti[:80]!r} has not been used. A login would use it up; this test "
        "does not.",
    )


def _predict(identity, *, rules: Rules) -> Prediction:
    """What provisioning.provision_user would do: the same `resolve`, which only reads."""
    try:
        found = resolve(identity=identity, rules=rules)
    except AuthError as error:
        return _refused(error)
    user = found.user
    if found.action == LOGIN:
        notes = _refresh_notes(user, identity) if isinstance(identity, Upsert) else ()
        return Prediction(
            kind="login",
            summary=(
                f"Log in user {user.display_name} ({user.email or 'no email'}, "
                f"id {user.public_id})."
            ),
            notes=notes,
            user=user,
        )
    if found.action == LINK:
        return Prediction(
            kind="link",
            summary=(
                f"Link to existing email user {user.email} (id {user.public_id}): their id "
                f"becomes {identity.user_id!r} and they are logged in. No new seat is taken."
            ),
            notes=_metadata_note(identity.metadata),
            user=user,
        )
    usage = accounts.seat_usage()
    seats = "seats are unlimited" if usage.free is None else f"{usage.free} free"
    email = f", email {identity.email}" if identity.email else ", no email"
    return Prediction(
        kind="create",
        summary=f"Create a new user with id {identity.user_id!r}{email} (takes a seat; {seats}).",
        notes=_metadata_note(identity.metadata),
    )


def _refresh_notes(user: User, identity: Upsert) -> tuple[str, ...]:
    notes = []
    if identity.metadata != user.metadata:
        notes.append("Their metadata would be replaced with the token's.")
    if identity.email and identity.email != user.email:
        if accounts.email_in_use(identity.email, exclude=user):
            notes.append(
                f"Their email stays {user.email or 'empty'}: {identity.email} belongs to "
                "another user."
            )
        else:
            notes.append(f"Their email would change to {identity.email}.")
    return tuple(notes)


def _metadata_note(metadata: dict[str, Any]) -> tuple[str, ...]:
    if not metadata:
        return ()
    return (f"Metadata stored: {', '.join(sorted(metadata))}.",)


def _refused(error: AuthError) -> Prediction:
    return Prediction(
        kind="refused",
        summary=f"Refused: {error.code} — {error.reason}",
        error_code=error.code,
        user_message=error.user_message,
    )


def _describe_key(verified_by: str) -> str:
    kind, _, name = verified_by.partition(":")
    if verified_by == "secret:current":
        return "the current secret"
    if verified_by == "secret:previous":
        return "a previous secret that is still in its grace period"
    if kind == "kid":
        return f"the public key with kid {name!r}"
    return f"the public key with fingerprint {name}"


def _describe_identity(identity) -> str:
    if isinstance(identity, Upsert):
        email = f" (email {identity.email})" if identity.email else ""
        return f"user object: find or create the user with id {identity.user_id!r}{email}."
    if isinstance(identity, LookupById):
        return f"id: an existing user with id {identity.public_id!r}."
    return f"email: an existing user with email {identity.email}."


def _describe_times(verified: VerifiedToken | None, policy, now: float) -> str:
    leeway = f"leeway {policy.leeway_seconds:g} s"
    if verified is None:
        return f"exp, nbf and iat are fine ({leeway})."
    parts = []
    for name, value in (("exp", verified.exp), ("iat", verified.iat)):
        if value is not None:
            parts.append(f"{name} {_when(value, now)}")
    nbf = verified.payload.get("nbf")
    if nbf is not None:
        parts.append(f"nbf {_when(nbf, now)}")
    if verified.exp is None:
        parts.append("no exp, so it never expires (require exp is off)")
    if policy.max_lifetime_seconds is not None:
        parts.append(f"within the maximum lifetime of {_duration(policy.max_lifetime_seconds)}")
    return "; ".join(parts) + f" ({leeway})."


def _describe_issuer_audience(verified: VerifiedToken, policy) -> str:
    if policy.issuer is None and policy.audience is None:
        return "No issuer or audience is expected, and the code names no audience."
    parts = []
    if policy.issuer is not None:
        parts.append(f"iss is {verified.iss!r} as expected")
    if policy.audience is not None:
        parts.append(f"aud includes {policy.audience!r}")
    return "; ".join(parts).capitalize() + "."


def _when(timestamp: float, now: float) -> str:
    moment = datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    delta = timestamp - now
    if abs(delta) < 1:
        return f"{moment} (now)"
    relative = f"in {_duration(delta)}" if delta > 0 else f"{_duration(-delta)} ago"
    return f"{moment} ({relative})"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} s"
