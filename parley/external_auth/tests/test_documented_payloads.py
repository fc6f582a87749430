"""Every payload the integrator guide shows logs in exactly as written."""

import jwt
import pytest

from parley.external_auth.claims import LookupByEmail, LookupById, Upsert, parse_identity
from parley.external_auth.errors import TokenExpired
from parley.external_auth.key_input import validate_admin_secret
from parley.external_auth.keys import generate_secret, load_verification_keys
from parley.external_auth.verify import VerifyPolicy, verify_token

from .factories import NOW, SECRET, hs256, secret_keys

SEVEN_DAYS = 7 * 24 * 3600
DEFAULT_POLICY = VerifyPolicy()


def identity_of(token, *, policy=DEFAULT_POLICY, now=NOW, keys=None):
    verified = verify_token(token=token, keys=keys or secret_keys(), policy=policy, now=now)
    return parse_identity(payload=verified.payload)


def test_example_1_email_payload_looks_up_the_user_by_email():
    token = hs256({"email": "user-1@yourcompany.com"})
    assert identity_of(token) == LookupByEmail(email="user-1@yourcompany.com")


def test_example_2_numeric_id_payload_looks_up_the_user_by_its_decimal_id():
    assert identity_of(hs256({"id": 1234})) == LookupById(public_id="1234")


def test_when_id_and_email_are_both_given_the_id_wins():
    token = hs256({"id": 1234, "email": "user-1@yourcompany.com"})
    assert identity_of(token) == LookupById(public_id="1234")


def test_create_user_payload_upserts_with_email_and_keeps_other_fields_as_metadata():
    token = hs256(
        {
            "user": {
                "id": "unique string to identify your user",
                "email": "abc@example.com",
                "other": "anything",
            }
        }
    )
    assert identity_of(token) == Upsert(
        user_id="unique string to identify your user",
        email="abc@example.com",
        metadata={"other": "anything"},
    )


def node_style_code(*, issued_at):
    # jwt.sign(payload, secret, {expiresIn: '7 days'}) adds iat and exp = iat + 604800
    # and the header {"alg": "HS256", "typ": "JWT"}.
    payload = {
        "user": {"id": "u-42", "email": "dana@example.com"},
        "iat": issued_at,
        "exp": issued_at + SEVEN_DAYS,
    }
    return jwt.encode(payload, SECRET, algorithm="HS256", headers={"typ": "JWT"})


def test_node_example_with_expires_in_7_days_logs_in_during_the_week():
    token = node_style_code(issued_at=NOW)
    for moment in (NOW, NOW + 1, NOW + SEVEN_DAYS - 1):
        assert identity_of(token, now=moment).user_id == "u-42"


def test_node_example_passes_a_policy_that_requires_exp_and_caps_it_at_7_days():
    policy = VerifyPolicy(require_exp=True, max_lifetime_seconds=SEVEN_DAYS)
    verified = verify_token(
        token=node_style_code(issued_at=NOW), keys=secret_keys(), policy=policy, now=NOW
    )
    assert verified.exp == NOW + SEVEN_DAYS
    assert verified.iat == NOW
    assert verified.verified_by == "secret:current"
    assert verified.algorithm == "HS256"


def test_node_example_is_refused_once_the_week_and_the_leeway_are_over():
    token = node_style_code(issued_at=NOW)
    with pytest.raises(TokenExpired) as refused:
        identity_of(token, now=NOW + SEVEN_DAYS + 61)
    assert refused.value.reason == f"exp {NOW + SEVEN_DAYS} is 61 s in the past (leeway 60 s)"


def test_a_generated_secret_signs_codes_exactly_as_an_integrator_copies_it():
    secret_text = validate_admin_secret(generate_secret())
    keys = load_verification_keys(current_secret=secret_text)
    token = jwt.encode({"id": "7"}, secret_text, algorithm="HS256")
    verified = verify_token(token=token, keys=keys, policy=VerifyPolicy(), now=NOW)
    assert verified.payload == {"id": "7"}


def test_a_verified_code_exposes_jti_iss_and_kid_for_the_audit_log():
    token = hs256({"id": 1, "jti": "abc-1", "iss": "crm"}, headers={"kid": "k1"})
    verified = verify_token(token=token, keys=secret_keys(), policy=VerifyPolicy(), now=NOW)
    assert (verified.jti, verified.iss, verified.kid, verified.exp) == ("abc-1", "crm", "k1", None)
