"""The admin's token tester (DESIGN §5): every check of §4.2 on a pasted code, and what a
login with it would do — predicted from read-only look-ups, so testing changes nothing."""

import base64
import binascii
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from parley.accounts import services as accounts
from parley.accounts.models import User
from parley.errors import AuthError

from .admin_services import jti_already_used
from .claims import LookupById, Upsert, parse_identity
from .config import verification_config
from .errors import (
    InvalidAudience,
    InvalidClaims,
    InvalidIssuer,
    InvalidSignature,
    JwtDisabled,
    LifetimeTooLong,
    MalformedToken,
    TokenExpired,
    TokenNotYetValid,
    TokenReplayed,
    UnsupportedAlgorithm,
)
from .provisioning import LINK, LOGIN, Rules, resolve
from .verify import MAX_TOKEN_CHARS, VerifiedToken, verify_jws, verify_token

PASS, FAIL, SKIPPED = "pass", "fail", "skipped"
MAX_DISPLAY_CHARS = 20_000

ENABLED = "JWT login switched on"
STRUCTURE = "Size and structure"
ALGORITHM = "Algorithm"
SIGNATURE = "Signature"
TIME = "Time claims (exp, nbf, iat)"
ISSUER_AUDIENCE = "Issuer and audience (iss, aud)"
ONE_TIME = "One-time use (jti)"
IDENTITY = "Who the code names (user, id, email)"
STEPS = (ENABLED, STRUCTURE, ALGORITHM, SIGNATURE, TIME, ISSUER_AUDIENCE, ONE_TIME, IDENTITY)

# A MalformedToken raised after the signature checked out is about one claim; its reason
# starts with that claim's name.
_STEP_BY_CLAIM = {
    "exp": TIME,
    "nbf": TIME,
    "iat": TIME,
    "iss": ISSUER_AUDIENCE,
    "aud": ISSUER_AUDIENCE,
    "jti": ONE_TIME,
}
_CLAIM_STEPS = (TIME, ISSUER_AUDIENCE, ONE_TIME)


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


@dataclass(frozen=True)
class DecodedPart:
    """A header or payload segment decoded for display only: never trusted, never used."""

    text: str | None
    note: str = ""


@dataclass(frozen=True)
class TesterReport:
    header: DecodedPart
    payload: DecodedPart
    checks: tuple[Check, ...]
    outcome: Prediction
    verified: bool


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
    header, payload = _decode_for_display(code)
    jwt_settings, keys, policy = verification_config(now=now)
    checks: dict[str, Check] = {}
    refusal: AuthError | None = None

    if jwt_settings.enabled:
        checks[ENABLED] = Check(ENABLED, PASS, "JWT login is on.")
    else:
        refusal = JwtDisabled("JWT login is switched off")
        checks[ENABLED] = Check(
            ENABLED,
            FAIL,
            "JWT login is off, so every code is refused. The checks below show what would "
            "happen once it is on.",
        )

    verified = None
    try:
        jws = verify_jws(token=code, keys=keys, now=now)
    except JwtDisabled as error:
        checks[ENABLED] = Check(
            ENABLED, FAIL, f"No secret or public key is configured ({error.reason})."
        )
        refusal = refusal or error
    except MalformedToken as error:
        checks[STRUCTURE] = Check(STRUCTURE, FAIL, error.reason)
        refusal = refusal or error
    except UnsupportedAlgorithm as error:
        checks[STRUCTURE] = _structure_passed(code, payload_checked=False)
        checks[ALGORITHM] = Check(ALGORITHM, FAIL, error.reason)
        refusal = refusal or error
    except InvalidSignature as error:
        checks[STRUCTURE] = _structure_passed(code, payload_checked=False)
        checks[ALGORITHM] = Check(ALGORITHM, PASS, f"{_header_alg(code)} fits the key type.")
        checks[SIGNATURE] = Check(SIGNATURE, FAIL, error.reason)
        refusal = refusal or error
    else:
        checks[ALGORITHM] = Check(ALGORITHM, PASS, f"{jws.algorithm} fits the key type.")
        checks[SIGNATURE] = Check(SIGNATURE, PASS, f"Signed with {_describe_key(jws.verified_by)}.")
        try:
            verified = verify_token(token=code, keys=keys, policy=policy, now=now)
        except MalformedToken as error:
            step = _STEP_BY_CLAIM.get(error.reason.split(" ", 1)[0], STRUCTURE)
            if step != STRUCTURE:
                checks[STRUCTURE] = _structure_passed(code, payload_checked=True)
                # verify_token checks times, then iss and aud, then the jti's type.
                for earlier in _CLAIM_STEPS[: _CLAIM_STEPS.index(step)]:
                    checks[earlier] = Check(earlier, PASS, "Fine.")
            checks[step] = Check(step, FAIL, error.reason)
            refusal = refusal or error
        except (TokenExpired, TokenNotYetValid, LifetimeTooLong, InvalidClaims) as error:
            checks[STRUCTURE] = _structure_passed(code, payload_checked=True)
            checks[TIME] = Check(TIME, FAIL, error.reason)
            refusal = refusal or error
        except (InvalidIssuer, InvalidAudience) as error:
            checks[STRUCTURE] = _structure_passed(code, payload_checked=True)
            checks[TIME] = Check(TIME, PASS, _describe_times(None, policy, now))
            checks[ISSUER_AUDIENCE] = Check(ISSUER_AUDIENCE, FAIL, error.reason)
            refusal = refusal or error
        else:
            checks[STRUCTURE] = _structure_passed(code, payload_checked=True)
            checks[TIME] = Check(TIME, PASS, _describe_times(verified, policy, now))
            checks[ISSUER_AUDIENCE] = Check(
                ISSUER_AUDIENCE, PASS, _describe_issuer_audience(verified, policy)
            )

    identity = None
    if verified is not None:
        # The login order: identity claims, then the one-time jti, then the user.
        try:
            identity = parse_identity(payload=verified.payload)
        except InvalidClaims as error:
            checks[IDENTITY] = Check(IDENTITY, FAIL, error.reason)
            refusal = refusal or error
        else:
            checks[IDENTITY] = Check(IDENTITY, PASS, _describe_identity(identity))

    if not jwt_settings.one_time_jti:
        checks.setdefault(ONE_TIME, Check(ONE_TIME, SKIPPED, "Not checked: one-time use is off."))
    elif verified is not None and ONE_TIME not in checks:
        checks[ONE_TIME] = _one_time_check(verified, now)
        if checks[ONE_TIME].status == FAIL:
            refusal = refusal or TokenReplayed(f"jti {verified.jti[:80]!r} was already used")

    if refusal is None and identity is not None:
        rules = Rules(
            link_by_email=jwt_settings.link_by_email,
            admins_may_use_jwt=jwt_settings.admins_may_use_jwt,
        )
        outcome = _predict(identity, rules=rules)
    else:
        outcome = _refused(refusal or MalformedToken("nothing to test"))

    ordered = tuple(
        checks.get(step) or Check(step, SKIPPED, "Not checked: an earlier check failed.")
        for step in STEPS
    )
    return TesterReport(
        header=header,
        payload=payload,
        checks=ordered,
        outcome=outcome,
        verified=verified is not None,
    )


def _structure_passed(code: str, *, payload_checked: bool) -> Check:
    parts = (
        f"{len(code)} characters (at most {MAX_TOKEN_CHARS}), three base64url segments, JSON header"
    )
    if payload_checked:
        return Check(STRUCTURE, PASS, f"{parts} and payload.")
    return Check(
        STRUCTURE, PASS, f"{parts}. The payload is read only once the signature checks out."
    )


def _one_time_check(verified: VerifiedToken, now: float) -> Check:
    if verified.jti is None:
        return Check(
            ONE_TIME,
            SKIPPED,
            "The code has no jti, so one-time use does not apply: it works until it expires.",
        )
    if jti_already_used(jti=verified.jti, now=now):
        return Check(ONE_TIME, FAIL, "Would be refused: already used.")
    return Check(
        ONE_TIME,
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
        )
    if found.action == LINK:
        return Prediction(
            kind="link",
            summary=(
                f"Link to existing email user {user.email} (id {user.public_id}): their id "
                f"becomes {identity.user_id!r} and they are logged in. No new seat is taken."
            ),
            notes=_metadata_note(identity.metadata),
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
    if identity.email and accounts.clean_email(identity.email) != user.email:
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


def _header_alg(code: str) -> str:
    header = _parse_json(_b64decode(code.split(".", 1)[0]))
    alg = header.get("alg") if isinstance(header, dict) else None
    return alg if isinstance(alg, str) else "The algorithm"


def _decode_for_display(code: str) -> tuple[DecodedPart, DecodedPart]:
    """Header and payload as readable text, decoded leniently for display only; the
    checks above never use what this returns."""
    segments = code[: MAX_TOKEN_CHARS * 4].split(".")
    if len(segments) < 2:
        missing = DecodedPart(None, "Not a JWT: there is no “.” separating header and payload.")
        return _display(segments[0], "header"), missing
    return _display(segments[0], "header"), _display(segments[1], "payload")


def _display(segment: str, part: str) -> DecodedPart:
    raw = _b64decode(segment)
    if raw is None:
        return DecodedPart(None, f"The {part} is not base64url.")
    text = raw.decode("utf-8", errors="replace")
    value = _parse_json(raw)
    if value is _NOT_JSON:
        return DecodedPart(_cut(text), f"The {part} is not JSON; shown as text.")
    try:
        pretty = json.dumps(value, indent=2, ensure_ascii=False)
    except (RecursionError, ValueError):
        return DecodedPart(_cut(text), f"The {part} nests too deeply to lay out; shown as text.")
    note = "" if isinstance(value, dict) else f"The {part} is JSON but not an object."
    return DecodedPart(_cut(pretty), note)


_NOT_JSON = object()


def _parse_json(raw: bytes | None):
    if raw is None:
        return _NOT_JSON
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _NOT_JSON


def _b64decode(segment: str) -> bytes | None:
    cleaned = segment.strip().rstrip("=").replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        return None


def _cut(text: str) -> str:
    if len(text) <= MAX_DISPLAY_CHARS:
        return text
    return text[:MAX_DISPLAY_CHARS] + "\n… (cut)"
