"""A verified assertion's attributes → the claims every SSO login provisions from: the
admin's attribute names, the NameID as the id unless an id attribute is named, an
email-format NameID as the email, every value of the groups attribute, single values for
the role attribute, and a missing id refused."""

import pytest

from parley.external_auth.errors import InvalidClaims
from parley.external_auth.token_groups import read_claimed_groups
from parley.sso.models import Kind, Provider
from parley.sso.saml import EMAIL_NAME_ID, claims_from_saml

PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"


def provider(**mapping) -> Provider:
    groups = mapping.pop("groups", "")
    return Provider(kind=Kind.SAML, name="Corp", attribute_map=mapping, groups_claim=groups)


def test_the_mapped_attributes_give_email_name_and_groups_and_the_name_id_the_subject():
    corp = provider(email="mail", name="cn", groups="memberOf")
    attributes = {"mail": ["ann@corp.test"], "cn": ["Ann Lee"], "memberOf": ["staff"]}
    claims = claims_from_saml(
        provider=corp, attributes=attributes, name_id="n-42", name_id_format=PERSISTENT
    )
    assert (claims.subject, claims.email, claims.name) == ("n-42", "ann@corp.test", "Ann Lee")
    assert not claims.email_verified
    assert read_claimed_groups(payload=claims.raw, claim="memberOf") == ["staff"]


def test_an_id_attribute_replaces_the_name_id_and_an_email_name_id_gives_the_email():
    corp = provider(id="uid", email="mail", email_verified="verified")
    claims = claims_from_saml(
        provider=corp,
        attributes={"uid": ["u-7"], "verified": ["true"]},
        name_id="ann@corp.test",
        name_id_format=EMAIL_NAME_ID,
    )
    assert (claims.subject, claims.email, claims.email_verified) == ("u-7", "ann@corp.test", True)


def test_a_role_attribute_with_one_value_reads_as_that_value():
    claims = claims_from_saml(
        provider=provider(),
        attributes={"role": ["user_manager"], "tags": ["a", "b"]},
        name_id="n",
        name_id_format=PERSISTENT,
    )
    assert claims.raw["role"] == "user_manager" and claims.raw["tags"] == ["a", "b"]


@pytest.mark.parametrize("name_id", [None, "", "x" * 256])
def test_a_missing_or_oversized_subject_is_refused(name_id):
    with pytest.raises(InvalidClaims, match="NameID"):
        claims_from_saml(
            provider=provider(), attributes={}, name_id=name_id, name_id_format=PERSISTENT
        )
    with pytest.raises(InvalidClaims, match="attribute 'uid'"):
        claims_from_saml(
            provider=provider(id="uid"), attributes={}, name_id="n", name_id_format=PERSISTENT
        )
