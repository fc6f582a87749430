"""Each refusal has a stable code, the documented status and a message fit for people."""

import pytest

from parley.errors import AuthError, ParleyError, RateLimited, shown
from parley.external_auth import errors

EXPECTED = {
    errors.JwtDisabled: ("jwt_disabled", 403),
    errors.MalformedToken: ("malformed_token", 401),
    errors.UnsupportedAlgorithm: ("unsupported_algorithm", 401),
    errors.InvalidSignature: ("invalid_signature", 401),
    errors.TokenExpired: ("token_expired", 401),
    errors.TokenNotYetValid: ("token_not_yet_valid", 401),
    errors.InvalidIssuer: ("invalid_issuer", 401),
    errors.InvalidAudience: ("invalid_audience", 401),
    errors.TokenReplayed: ("token_replayed", 401),
    errors.InvalidClaims: ("invalid_claims", 401),
    errors.UserNotFound: ("user_not_found", 401),
    errors.IdentityConflict: ("identity_conflict", 409),
    errors.LifetimeTooLong: ("lifetime_too_long", 401),
    RateLimited: ("rate_limited", 429),
}


@pytest.mark.parametrize("error", list(EXPECTED), ids=lambda e: e.__name__)
def test_each_auth_error_has_its_code_status_and_a_friendly_message(error):
    assert issubclass(error, AuthError)
    assert (error.code, error.status) == EXPECTED[error]
    refused = error("exp 1712345678 is 3605 s in the past (leeway 60 s)")
    assert refused.reason == "exp 1712345678 is 3605 s in the past (leeway 60 s)"
    assert refused.user_message.endswith(".") and "1712345678" not in refused.user_message


def test_codes_are_unique():
    codes = [error.code for error in EXPECTED] + [errors.KeyRejected.code]
    assert len(set(codes)) == len(codes)


def test_a_rejected_admin_key_is_a_validation_error_not_a_login_failure():
    assert issubclass(errors.KeyRejected, ParleyError)
    assert not issubclass(errors.KeyRejected, AuthError)
    assert errors.KeyRejected.status == 422


def test_values_in_reasons_are_escaped_and_cut_short():
    assert shown("a\nb") == "'a\\nb'"
    assert len(shown("x" * 500)) == 80
