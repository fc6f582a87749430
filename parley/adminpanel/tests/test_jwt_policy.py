"""The JWT policy form: leeway, exp, lifetime, iss/aud, one-time use, link by email and
session maximum are saved through services.update_policy; bad values are form errors."""

import pytest
from django.urls import reverse

from parley.external_auth import services

POLICY = reverse("adminpanel:jwt_policy")
VALID = {
    "leeway_seconds": "30",
    "require_exp": "on",
    "max_lifetime": "7",
    "max_lifetime_unit": "days",
    "issuer": " https://crm.example.com ",
    "audience": "parley",
    "one_time_jti": "on",
    "session_max": "12",
    "session_max_unit": "hours",
}


def test_the_form_shows_the_defaults(admin_client):
    form = admin_client.get(reverse("adminpanel:jwt")).context["policy_form"]
    assert form.initial["leeway_seconds"] == 60
    assert form.initial["max_lifetime"] is None
    assert form.initial["link_by_email"] is True
    assert form.initial["require_exp"] is False
    assert (form.initial["session_max"], form.initial["session_max_unit"]) == (14, "days")


def test_valid_values_are_saved_and_shown_again(admin_client):
    response = admin_client.post(POLICY, VALID, follow=True)
    assert "JWT policy saved." in response.content.decode()
    row = services.get_jwt_settings()
    assert row.leeway_seconds == 30
    assert row.require_exp is True
    assert row.max_lifetime_seconds == 7 * 24 * 3600
    assert (row.issuer, row.audience) == ("https://crm.example.com", "parley")
    assert row.one_time_jti is True
    assert row.link_by_email is False  # unticked
    assert row.session_max_age_seconds == 12 * 3600
    form = response.context["policy_form"]
    assert (form.initial["max_lifetime"], form.initial["max_lifetime_unit"]) == (7, "days")
    assert (form.initial["session_max"], form.initial["session_max_unit"]) == (12, "hours")


def test_saved_policy_applies_to_verification(admin_client):
    admin_client.post(POLICY, VALID)
    _, _, policy = services.verification_config(now=0)
    assert policy.leeway_seconds == 30
    assert policy.require_exp is True
    assert policy.max_lifetime_seconds == 7 * 24 * 3600
    assert (policy.issuer, policy.audience) == ("https://crm.example.com", "parley")


def test_an_empty_maximum_lifetime_means_none(admin_client):
    admin_client.post(POLICY, {**VALID, "max_lifetime": "7"})
    admin_client.post(POLICY, {**VALID, "max_lifetime": ""})
    assert services.get_jwt_settings().max_lifetime_seconds is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"leeway_seconds": "-1"}, "leeway_seconds"),
        ({"leeway_seconds": "3601"}, "leeway_seconds"),
        ({"leeway_seconds": "sixty"}, "leeway_seconds"),
        ({"leeway_seconds": ""}, "leeway_seconds"),
        ({"max_lifetime": "0"}, "max_lifetime"),
        ({"max_lifetime": "400", "max_lifetime_unit": "days"}, "max_lifetime"),
        ({"max_lifetime": "99999999999999999999"}, "max_lifetime"),
        ({"max_lifetime_unit": "weeks"}, "max_lifetime_unit"),
        ({"issuer": "x" * 256}, "issuer"),
        ({"audience": "y" * 256}, "audience"),
        ({"session_max": "0"}, "session_max"),
        ({"session_max": ""}, "session_max"),
        ({"session_max": "366", "session_max_unit": "days"}, "session_max"),
        ({"session_max": "1.5"}, "session_max"),
    ],
)
def test_invalid_values_are_form_errors_and_change_nothing(admin_client, changes, field):
    before = services.get_jwt_settings()
    response = admin_client.post(POLICY, {**VALID, **changes})
    assert response.status_code == 200
    assert field in response.context["policy_form"].errors
    assert 'class="errorlist"' in response.content.decode()
    after = services.get_jwt_settings()
    assert after.leeway_seconds == before.leeway_seconds
    assert after.max_lifetime_seconds == before.max_lifetime_seconds
    assert after.session_max_age_seconds == before.session_max_age_seconds
