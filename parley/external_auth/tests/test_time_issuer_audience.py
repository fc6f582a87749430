"""Time claims with leeway, the lifetime policy, and exact issuer and audience matching."""

import pytest

from parley.external_auth.errors import (
    InvalidAudience,
    InvalidClaims,
    InvalidIssuer,
    LifetimeTooLong,
    MalformedToken,
    TokenExpired,
    TokenNotYetValid,
)
from parley.external_auth.verify import VerifyPolicy, verify_token

from .factories import NOW, SECRET, compact, secret_keys

DAY = 86400
DEFAULT_POLICY = VerifyPolicy()


def verify(payload, policy=DEFAULT_POLICY, now=NOW):
    token = compact({"alg": "HS256", "typ": "JWT"}, payload, key=SECRET.encode())
    return verify_token(token=token, keys=secret_keys(), policy=policy, now=now)


def test_an_expired_code_is_refused_with_the_exact_reason():
    with pytest.raises(TokenExpired) as refused:
        verify({"id": 1, "exp": NOW - 3605})
    assert refused.value.reason == f"exp {NOW - 3605} is 3605 s in the past (leeway 60 s)"
    assert refused.value.status == 401


def test_a_code_expired_within_the_leeway_is_accepted():
    assert verify({"id": 1, "exp": NOW - 59}).exp == NOW - 59


def test_a_code_is_expired_at_exactly_exp_plus_leeway():
    with pytest.raises(TokenExpired):
        verify({"id": 1, "exp": NOW - 60})


def test_a_fractional_exp_is_a_number_like_any_other():
    assert verify({"id": 1, "exp": NOW + 0.5}).exp == NOW + 0.5


def test_with_zero_leeway_a_code_expires_the_second_it_says():
    with pytest.raises(TokenExpired):
        verify({"id": 1, "exp": NOW}, policy=VerifyPolicy(leeway_seconds=0))


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_nbf_or_iat_beyond_the_leeway_in_the_future_is_not_yet_valid(claim):
    with pytest.raises(TokenNotYetValid) as refused:
        verify({"id": 1, claim: NOW + 61})
    assert refused.value.reason == f"{claim} {NOW + 61} is 61 s in the future (leeway 60 s)"


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_nbf_or_iat_within_the_leeway_in_the_future_is_accepted(claim):
    assert verify({"id": 1, claim: NOW + 60}).payload[claim] == NOW + 60


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", [str(NOW + 100), "soon", True, False, None, [NOW], {"t": NOW}])
def test_time_claims_that_are_not_numbers_are_malformed(claim, value):
    with pytest.raises(MalformedToken, match=f"{claim} .* is not a number"):
        verify({"id": 1, claim: value})


def test_a_code_without_exp_is_accepted_by_default_as_the_guide_shows():
    assert verify({"id": 1}).exp is None


def test_a_code_without_exp_is_refused_when_the_admin_requires_exp():
    with pytest.raises(InvalidClaims, match="exp is required"):
        verify({"id": 1}, policy=VerifyPolicy(require_exp=True))


def test_a_lifetime_over_the_cap_is_refused_measured_as_exp_minus_iat():
    policy = VerifyPolicy(max_lifetime_seconds=DAY)
    with pytest.raises(LifetimeTooLong) as refused:
        verify({"id": 1, "iat": NOW, "exp": NOW + 7 * DAY}, policy=policy)
    assert refused.value.reason == "lifetime 604800 s (exp - iat) exceeds the maximum 86400 s"
    assert verify({"id": 1, "iat": NOW, "exp": NOW + DAY}, policy=policy).exp == NOW + DAY


def test_without_iat_the_lifetime_is_measured_from_now():
    policy = VerifyPolicy(max_lifetime_seconds=DAY)
    with pytest.raises(LifetimeTooLong, match=r"\(exp - now\)"):
        verify({"id": 1, "exp": NOW + DAY + 1}, policy=policy)
    assert verify({"id": 1, "exp": NOW + DAY}, policy=policy)


def test_a_lifetime_cap_refuses_codes_that_never_expire():
    with pytest.raises(LifetimeTooLong, match="no exp"):
        verify({"id": 1}, policy=VerifyPolicy(max_lifetime_seconds=DAY))


@pytest.mark.parametrize(
    "kwargs", [{"leeway_seconds": -1}, {"max_lifetime_seconds": 0}, {"issuer": ""}, {"audience": 5}]
)
def test_an_impossible_policy_is_a_programming_error(kwargs):
    with pytest.raises(ValueError):
        VerifyPolicy(**kwargs)


ISSUER = "https://crm.example.com"


def test_the_expected_issuer_matches_exactly():
    assert verify({"id": 1, "iss": ISSUER}, policy=VerifyPolicy(issuer=ISSUER)).iss == ISSUER


@pytest.mark.parametrize(
    "iss",
    [
        "https://crm.example.com.evil.example",  # merely contains the expected issuer
        "evil https://crm.example.com",
        "https://crm.example.com/",
        "HTTPS://CRM.EXAMPLE.COM",
        "https://crm.example.co",
    ],
)
def test_an_issuer_that_is_not_exactly_the_expected_one_is_refused(iss):
    with pytest.raises(InvalidIssuer):
        verify({"id": 1, "iss": iss}, policy=VerifyPolicy(issuer=ISSUER))


def test_a_missing_issuer_is_refused_when_one_is_expected():
    with pytest.raises(InvalidIssuer, match="iss missing"):
        verify({"id": 1}, policy=VerifyPolicy(issuer=ISSUER))


@pytest.mark.parametrize("iss", [[ISSUER], 1, {"iss": ISSUER}, None])
def test_an_issuer_that_is_not_a_string_is_malformed(iss):
    with pytest.raises(MalformedToken):
        verify({"id": 1, "iss": iss}, policy=VerifyPolicy(issuer=ISSUER))


@pytest.mark.parametrize("aud", ["parley", ["other", "parley"], ["parley"]])
def test_the_audience_may_be_a_string_or_a_list_containing_it(aud):
    assert verify({"id": 1, "aud": aud}, policy=VerifyPolicy(audience="parley"))


@pytest.mark.parametrize("aud", ["parley-evil", "xparley", ["other"], [], "Parley", ["parley "]])
def test_an_audience_without_an_exact_match_is_refused(aud):
    with pytest.raises(InvalidAudience):
        verify({"id": 1, "aud": aud}, policy=VerifyPolicy(audience="parley"))


def test_a_missing_audience_is_refused_when_one_is_expected():
    with pytest.raises(InvalidAudience, match="aud missing"):
        verify({"id": 1}, policy=VerifyPolicy(audience="parley"))


def test_a_code_meant_for_some_audience_is_refused_when_none_is_configured():
    with pytest.raises(InvalidAudience, match="no audience is configured"):
        verify({"id": 1, "aud": "billing-service"})


@pytest.mark.parametrize("aud", [1, None, ["parley", 2], {"aud": "parley"}])
def test_an_audience_that_is_not_text_is_malformed(aud):
    with pytest.raises(MalformedToken):
        verify({"id": 1, "aud": aud}, policy=VerifyPolicy(audience="parley"))


@pytest.mark.parametrize("jti", [1, None, ["a"]])
def test_a_jti_that_is_not_a_string_is_malformed(jti):
    with pytest.raises(MalformedToken):
        verify({"id": 1, "jti": jti})
