"""The JWT policy form: leeway, exp, lifetime, iss/aud, one-time use, link by email, admins
by JWT, session maximum and the failure limit are saved through services.update_policy; bad
values are form errors."""

import re

import pytest
from django.urls import reverse

from parley.external_auth import config, services

POLICY = reverse("adminpanel:jwt_policy")
VALID = {
    "leeway_seconds": "30",
    "require_exp": "on",
    "max_lifetime": "7",
    "max_lifetime_unit": "days",
    "issuer": " https://crm.example.com ",
    "audience": "parley",
    "one_time_jti": "on",
    "session_length": "code",
    "session_max": "12",
    "session_max_unit": "hours",
    "failure_limit": "10",
    "failure_window": "90",
    "failure_window_unit": "seconds",
    "groups_claim": "user.groups",
    "groups_mode": "sync",
    "unknown_groups": "ignore",
}


def test_the_form_shows_the_defaults(admin_client):
    form = admin_client.get(reverse("adminpanel:jwt")).context["policy_form"]
    assert form.initial["leeway_seconds"] == 60
    assert form.initial["max_lifetime"] is None
    assert form.initial["link_by_email"] is False
    assert form.initial["admins_may_use_jwt"] is False
    assert form.initial["require_exp"] is False
    assert (form.initial["session_max"], form.initial["session_max_unit"]) == (14, "days")
    assert form.initial["failure_limit"] == 30
    assert (form.initial["failure_window"], form.initial["failure_window_unit"]) == (5, "minutes")


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
    assert row.admins_may_use_jwt is False  # unticked
    assert row.session_max_age_seconds == 12 * 3600
    assert (row.failure_limit, row.failure_window_seconds) == (10, 90)
    form = response.context["policy_form"]
    assert (form.initial["max_lifetime"], form.initial["max_lifetime_unit"]) == (7, "days")
    assert (form.initial["session_max"], form.initial["session_max_unit"]) == (12, "hours")
    assert (form.initial["failure_window"], form.initial["failure_window_unit"]) == (90, "seconds")


def test_saved_policy_applies_to_verification(admin_client):
    admin_client.post(POLICY, VALID)
    _, _, policy = config.verification_config(now=0)
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
        ({"failure_limit": "0"}, "failure_limit"),
        ({"failure_limit": "100001"}, "failure_limit"),
        ({"failure_limit": ""}, "failure_limit"),
        ({"failure_window": "9", "failure_window_unit": "seconds"}, "failure_window"),
        ({"failure_window": "25", "failure_window_unit": "hours"}, "failure_window"),
        ({"failure_window": ""}, "failure_window"),
        ({"failure_window_unit": "days"}, "failure_window_unit"),
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
    assert after.failure_limit == before.failure_limit
    assert after.failure_window_seconds == before.failure_window_seconds


def test_turning_link_by_email_on_warns_that_it_trusts_the_integrators_emails(admin_client):
    page = admin_client.get(reverse("adminpanel:jwt")).content.decode()
    assert "Trusts your systems’ emails" in page
    response = admin_client.post(POLICY, {**VALID, "link_by_email": "on"}, follow=True)
    assert services.get_jwt_settings().link_by_email is True
    assert "Link by email is on: it trusts your systems&#x27; emails." in response.content.decode()
    again = admin_client.post(POLICY, {**VALID, "link_by_email": "on"}, follow=True)
    assert "Link by email is on" not in again.content.decode()  # only when switched on


def test_admins_may_use_jwt_is_a_switch_that_warns_when_turned_on(admin_client):
    page = admin_client.get(reverse("adminpanel:jwt")).content.decode()
    assert 'name="admins_may_use_jwt"' in page
    assert "Admins may log in with a JWT" in page
    response = admin_client.post(POLICY, {**VALID, "admins_may_use_jwt": "on"}, follow=True)
    assert services.get_jwt_settings().admins_may_use_jwt is True
    assert "Admins may now log in with a JWT" in response.content.decode()


def test_every_policy_input_and_select_has_an_accessible_name(admin_client):
    page = admin_client.get(reverse("adminpanel:jwt")).content.decode()
    start = page.index('id="jwt-policy"')
    policy = page[start : page.index("</form>", start)]
    controls = re.findall(r"<(?:input|select)\b[^>]*>", policy)
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', policy))
    for control in controls:
        if 'type="hidden"' in control:
            continue
        control_id = re.search(r'\bid="([^"]+)"', control)
        wrapped = re.search(r'<label class="switch">' + re.escape(control), policy)
        assert (
            "aria-label=" in control or wrapped or (control_id and control_id.group(1) in labelled)
        ), f"no accessible name: {control}"
