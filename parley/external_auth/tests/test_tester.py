"""The token tester: each check of DESIGN §4.2 with its result, what a login would do, and
that testing a code changes nothing at all."""

import json
import time

import jwt
import pytest
from django.core.cache import cache

from parley.accounts import services as accounts
from parley.accounts.models import CreatedVia, Role, User
from parley.audit.models import AuthEvent
from parley.errors import AuthError
from parley.external_auth import config, ratelimit, services, tester
from parley.external_auth.errors import MalformedToken, Step
from parley.external_auth.models import JwtLink, JwtSettings, UsedJti
from parley.external_auth.replay import consume_jti
from parley.external_auth.verify import verify_token

from .factories import b64url, compact

WEEK = 7 * 24 * 3600


def _state():
    """Everything a login could change: users, links, audit, used jtis, cache entries."""
    cached = {key: value for key, value in getattr(cache, "_cache", {}).items()}
    users = list(User.objects.order_by("pk").values_list("pk", "public_id", "email", "metadata"))
    return (
        users,
        JwtLink.objects.count(),
        AuthEvent.objects.count(),
        UsedJti.objects.count(),
        JwtSettings.objects.count(),
        cached,
    )


def _test(token: str):
    """Run the tester and assert that it changed nothing."""
    before = _state()
    report = tester.test_code(code=token)
    assert _state() == before, "testing a code changed something"
    return report


def _check(report, name):
    return next(check for check in report.checks if check.name == name)


def _statuses(report):
    return {check.name: check.status for check in report.checks}


def test_a_valid_code_for_an_existing_user_would_log_them_in(code, make_user):
    user = make_user(email="kim@example.com", metadata={"name": "Kim"})
    token = code({"id": user.public_id})
    before = _state()
    report = _test(token)
    assert _state() == before
    assert report.outcome.kind == "login"
    assert report.outcome.summary == (f"Log in user Kim (kim@example.com, id {user.public_id}).")
    assert _statuses(report) == {
        tester.ENABLED: "pass",
        tester.STRUCTURE: "pass",
        tester.ALGORITHM: "pass",
        tester.SIGNATURE: "pass",
        tester.TIME: "pass",
        tester.ISSUER_AUDIENCE: "pass",
        tester.ONE_TIME: "skipped",
        tester.IDENTITY: "pass",
    }
    assert _check(report, tester.SIGNATURE).detail == "Signed with the current secret."
    assert _check(report, tester.ONE_TIME).detail == "Not checked: one-time use is off."
    assert "leeway 60 s" in _check(report, tester.TIME).detail
    assert json.loads(report.payload.text)["id"] == user.public_id
    assert json.loads(report.header.text) == {"alg": "HS256", "typ": "JWT"}
    assert report.verified


def test_a_new_user_code_would_create_the_user_and_take_a_seat(code, make_user):
    make_user()
    accounts.set_seat_limit(limit=5)
    report = _test(code({"user": {"id": "crm-9", "email": "new@example.com"}}))
    assert report.outcome.kind == "create"
    assert report.outcome.summary == (
        "Create a new user with id 'crm-9', email new@example.com (takes a seat; 4 free)."
    )


def test_with_unlimited_seats_the_tester_says_so(code):
    report = _test(code({"user": {"id": "crm-9"}}))
    assert report.outcome.summary.endswith("(takes a seat; seats are unlimited).")


def test_a_new_user_code_with_no_seat_free_would_be_refused(code, make_user):
    make_user()
    accounts.set_seat_limit(limit=1)
    report = _test(code({"user": {"id": "crm-9"}}))
    assert report.outcome.kind == "refused"
    assert report.outcome.error_code == "seat_limit_reached"
    assert report.outcome.summary.startswith("Refused: seat_limit_reached — ")
    assert "All seats" in report.outcome.user_message


def test_an_email_user_would_be_linked_by_email_when_linking_is_on(code, make_user):
    services.update_policy(link_by_email=True)
    holder = make_user(email="sam@example.com")
    report = _test(code({"user": {"id": "crm-1", "email": "SAM@example.com"}}))
    assert report.outcome.kind == "link"
    assert f"Link to existing email user sam@example.com (id {holder.public_id})" in (
        report.outcome.summary
    )


def test_an_email_user_would_be_a_conflict_while_linking_is_off(code, make_user):
    make_user(email="sam@example.com")
    report = _test(code({"user": {"id": "crm-1", "email": "sam@example.com"}}))
    assert report.outcome.error_code == "identity_conflict"
    assert "linking by email is off" in report.outcome.summary


def test_an_admins_email_would_never_be_linked(code, make_user):
    services.update_policy(link_by_email=True, admins_may_use_jwt=True)
    make_user(email="boss@example.com", role=Role.ADMIN)
    report = _test(code({"user": {"id": "crm-1", "email": "BOSS@example.com"}}))
    assert report.outcome.error_code == "identity_conflict"
    assert "linking never takes over an admin" in report.outcome.summary


def test_a_code_naming_an_admin_would_be_refused_unless_admins_may_use_jwt(code, make_user):
    admin = make_user(role=Role.ADMIN)
    report = _test(code({"id": admin.public_id}))
    assert report.outcome.error_code == "admin_jwt_not_allowed"
    assert "Administrator accounts cannot sign in" in report.outcome.user_message
    services.update_policy(admins_may_use_jwt=True)
    assert _test(code({"id": admin.public_id})).outcome.kind == "login"


def test_an_email_held_by_a_jwt_user_would_be_a_conflict(code, make_user):
    make_user(email="sam@example.com", created_via=CreatedVia.JWT, public_id="crm-1")
    report = _test(code({"user": {"id": "crm-2", "email": "sam@example.com"}}))
    assert report.outcome.error_code == "identity_conflict"


def test_unknown_id_and_deactivated_user_would_be_refused(code, make_user):
    assert _test(code({"id": "nobody"})).outcome.error_code == "user_not_found"
    user = make_user()
    accounts.deactivate_user(user=user)
    report = _test(code({"email": user.email}))
    assert report.outcome.error_code == "user_deactivated"


def test_a_returning_user_with_changed_details_gets_notes(code, make_user):
    make_user(email="old@example.com", created_via=CreatedVia.JWT, public_id="crm-5")
    report = tester.test_code(
        code=code({"user": {"id": "crm-5", "email": "new@example.com", "plan": "pro"}})
    )
    assert report.outcome.kind == "login"
    assert report.outcome.notes == (
        "Their metadata would be replaced with the token's.",
        "Their email would change to new@example.com.",
    )


def test_an_expired_code_fails_the_time_check(code, make_user):
    user = make_user()
    token = code({"id": user.public_id, "iat": int(time.time()) - 7200}, expires_in=3600)
    report = _test(token)
    assert _check(report, tester.TIME).status == "fail"
    assert "in the past (leeway 60 s)" in _check(report, tester.TIME).detail
    assert _check(report, tester.SIGNATURE).status == "pass"
    assert _check(report, tester.ISSUER_AUDIENCE).status == "skipped"
    assert report.outcome.error_code == "token_expired"
    assert json.loads(report.payload.text)["id"] == user.public_id


def test_a_bad_signature_still_shows_header_and_payload(code):
    token = code({"user": {"id": "crm-1"}}, key="another-secret-that-is-long-enough-32b")
    report = _test(token)
    assert _statuses(report)[tester.STRUCTURE] == "pass"
    assert _statuses(report)[tester.ALGORITHM] == "pass"
    assert _check(report, tester.SIGNATURE).status == "fail"
    assert "matches none of 1 usable secret" in _check(report, tester.SIGNATURE).detail
    assert _statuses(report)[tester.TIME] == "skipped"
    assert report.outcome.error_code == "invalid_signature"
    assert json.loads(report.payload.text) == json.loads(
        json.dumps(jwt.decode(token, options={"verify_signature": False}))
    )
    assert not report.verified


def test_alg_none_fails_the_algorithm_check(secret):
    header = b64url(b'{"alg":"none","typ":"JWT"}')
    payload = b64url(b'{"id":"1"}')
    report = _test(f"{header}.{payload}.")
    assert _check(report, tester.ALGORITHM).status == "fail"
    assert "unsigned codes are never accepted" in _check(report, tester.ALGORITHM).detail
    assert report.outcome.error_code == "unsupported_algorithm"
    assert json.loads(report.header.text)["alg"] == "none"


def test_garbage_fails_the_structure_check_and_decodes_to_nothing(secret):
    report = _test("this is not a token at all")
    assert _check(report, tester.STRUCTURE).status == "fail"
    assert report.outcome.error_code == "malformed_token"
    assert report.payload.text is None
    assert "Not a JWT" in report.payload.note
    assert all(
        check.status == "skipped"
        for check in report.checks
        if check.name not in (tester.ENABLED, tester.STRUCTURE)
    )


def test_a_two_segment_code_fails_structure_but_its_parts_are_shown(code):
    token = code({"id": "1"})
    report = _test(token.rsplit(".", 1)[0])
    assert _check(report, tester.STRUCTURE).status == "fail"
    assert "2 dot-separated segments, not 3" in _check(report, tester.STRUCTURE).detail
    assert json.loads(report.payload.text)["id"] == "1"


def test_a_signed_json_array_payload_fails_structure_after_the_signature(secret):
    token = compact({"alg": "HS256"}, '[{"id": "1"}]', key=secret.encode())
    report = _test(token)
    assert _check(report, tester.SIGNATURE).status == "pass"
    assert _check(report, tester.STRUCTURE).status == "fail"
    assert "payload is an array, not a JSON object" in _check(report, tester.STRUCTURE).detail
    assert json.loads(report.payload.text) == [{"id": "1"}]
    assert report.payload.note == "The payload is JSON but not an object."
    assert report.outcome.error_code == "malformed_token"


def test_a_non_json_payload_is_shown_as_text(secret):
    token = compact({"alg": "HS256"}, "<script>alert(1)</script>", key=secret.encode())
    report = _test(token)
    assert report.payload.text == "<script>alert(1)</script>"
    assert report.payload.note == "The payload is not JSON; shown as text."


def test_a_non_numeric_exp_fails_the_time_check(secret):
    token = compact({"alg": "HS256"}, {"id": "1", "exp": "tomorrow"}, key=secret.encode())
    report = _test(token)
    assert _check(report, tester.STRUCTURE).status == "pass"
    assert _check(report, tester.TIME).status == "fail"
    assert report.outcome.error_code == "malformed_token"


def test_a_wrong_issuer_fails_the_issuer_check(code, make_user):
    services.update_policy(issuer="https://crm.example.com")
    report = _test(code({"id": make_user().public_id, "iss": "https://evil"}))
    assert _check(report, tester.TIME).status == "pass"
    assert _check(report, tester.ISSUER_AUDIENCE).status == "fail"
    assert report.outcome.error_code == "invalid_issuer"


def test_missing_identity_claims_fail_the_identity_check(code):
    report = _test(code({"name": "Kim"}))
    assert _check(report, tester.IDENTITY).status == "fail"
    assert report.outcome.error_code == "invalid_claims"


def test_a_code_signed_with_a_secret_in_grace_says_so(code, make_user):
    old_code = code({"id": make_user().public_id})
    services.rotate_secret()
    report = _test(old_code)
    assert "a previous secret that is still in its grace period" in (
        _check(report, tester.SIGNATURE).detail
    )
    assert report.outcome.kind == "login"


def test_with_jwt_switched_off_every_code_would_be_refused_but_checks_still_run(code, make_user):
    token = code({"id": make_user().public_id})
    services.disable_jwt()
    report = _test(token)
    assert _check(report, tester.ENABLED).status == "fail"
    assert _check(report, tester.SIGNATURE).status == "pass"
    assert report.outcome.error_code == "jwt_disabled"


def test_on_a_fresh_instance_the_tester_refuses_and_creates_no_settings_row(db):
    report = _test("a.b.c")
    assert report.outcome.error_code == "jwt_disabled"
    assert not JwtSettings.objects.exists()


def test_one_time_use_unused_jti_passes_and_is_not_used_up(code, make_user):
    services.update_policy(one_time_jti=True)
    token = code({"id": make_user().public_id, "jti": "abc-1"})
    report = _test(token)
    assert _check(report, tester.ONE_TIME).status == "pass"
    assert "has not been used" in _check(report, tester.ONE_TIME).detail
    assert _test(token).outcome.kind == "login"


def test_one_time_use_already_used_jti_would_be_refused(code, make_user):
    services.update_policy(one_time_jti=True)
    token = code({"id": make_user().public_id, "jti": "abc-2"})
    consume_jti(jti="abc-2", exp=time.time() + 3600, now=time.time())
    before = _state()
    report = _test(token)
    assert _state() == before
    assert _check(report, tester.ONE_TIME).status == "fail"
    assert _check(report, tester.ONE_TIME).detail == "Would be refused: already used."
    assert report.outcome.error_code == "token_replayed"


def test_one_time_use_does_not_apply_to_a_code_without_jti(code, make_user):
    services.update_policy(one_time_jti=True)
    report = _test(code({"id": make_user().public_id}))
    assert _check(report, tester.ONE_TIME).status == "skipped"
    assert "no jti" in _check(report, tester.ONE_TIME).detail


def test_the_tester_does_not_touch_the_rate_limit(code):
    cache.clear()
    for _ in range(50):
        _test(code({"id": "1"}, key="wrong-secret-wrong-secret-wrong-secret"))
    # Over a limit of one, a single counted failure would refuse the next forged code.
    ratelimit.refuse_if_over_limit(
        ip="127.0.0.1",
        limit=1,
        window_seconds=JwtSettings().failure_window_seconds,
        now=time.time(),
        refused=AuthError("forged"),
    )


def _garbled_signature(token: str) -> str:
    head, body, signature = token.split(".")
    return f"{head}.{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


# Each refusal carries the check it failed (error.step); the tester reports on that row and
# passes every row a login runs before it. Nothing here reads the reason text.
@pytest.mark.parametrize(
    ("make_token", "step", "passed"),
    [
        (lambda c, s: "not.a.jwt", tester.STRUCTURE, []),
        (
            lambda c, s: b64url(b'{"alg":"none"}') + "." + b64url(b"{}") + ".",
            tester.ALGORITHM,
            [tester.STRUCTURE],
        ),
        (
            lambda c, s: _garbled_signature(c({"id": "1"})),
            tester.SIGNATURE,
            [tester.STRUCTURE, tester.ALGORITHM],
        ),
        (
            lambda c, s: compact({"alg": "HS256"}, "[1]", key=s.encode()),
            tester.STRUCTURE,
            [tester.ALGORITHM, tester.SIGNATURE],
        ),
        (
            lambda c, s: c({"id": "1", "exp": "soon"}, expires_in=None),
            tester.TIME,
            [tester.STRUCTURE, tester.SIGNATURE],
        ),
        (
            lambda c, s: c({"id": "1", "nbf": int(time.time()) + 3600}),
            tester.TIME,
            [tester.STRUCTURE, tester.SIGNATURE],
        ),
        (
            lambda c, s: c({"id": "1", "aud": 5}),
            tester.ISSUER_AUDIENCE,
            [tester.TIME],
        ),
        (
            lambda c, s: c({"id": "1", "aud": "someone-else"}),
            tester.ISSUER_AUDIENCE,
            [tester.TIME],
        ),
        (
            lambda c, s: c({"id": "1", "jti": 7}),
            tester.ONE_TIME,
            [tester.TIME, tester.ISSUER_AUDIENCE],
        ),
        (
            lambda c, s: c({"user": {"id": "a\u200bb"}}),
            tester.IDENTITY,
            [tester.TIME, tester.ISSUER_AUDIENCE],
        ),
    ],
    ids=[
        "structure",
        "alg none",
        "signature",
        "payload array",
        "exp not a number",
        "nbf in the future",
        "aud not a string",
        "aud elsewhere",
        "jti not a string",
        "invisible id",
    ],
)
def test_each_refusal_lands_on_the_check_it_failed(code, secret, make_token, step, passed):
    report = _test(make_token(code, secret))
    failed = [check.name for check in report.checks if check.status == "fail"]
    assert failed == [step]
    assert all(_check(report, name).status == "pass" for name in passed)
    later = set(tester.STEPS[tester.STEPS.index(step) + 1 :]) - set(passed)
    assert all(_check(report, name).status == "skipped" for name in later)


@pytest.mark.parametrize(
    ("payload", "step"),
    [
        ({"id": "1", "exp": "soon"}, Step.TIME),
        ({"id": "1", "iat": 10**12}, Step.TIME),
        ({"id": "1", "iss": 5}, Step.ISSUER_AUDIENCE),
        ({"id": "1", "aud": [5]}, Step.ISSUER_AUDIENCE),
        ({"id": "1", "jti": ["x"]}, Step.ONE_TIME),
    ],
)
def test_a_malformed_claim_says_which_check_it_belongs_to(secret, payload, step):
    keys, policy = config.verification_config(now=time.time())[1:]
    token = compact({"alg": "HS256"}, payload, key=secret.encode())
    with pytest.raises(MalformedToken) as refused:
        verify_token(token=token, keys=keys, policy=policy)
    assert refused.value.step == step
