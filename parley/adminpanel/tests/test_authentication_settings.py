"""The User Authentication page: the email login switches persist."""

from django.urls import reverse

from parley.accounts import services

AUTH = reverse("adminpanel:authentication")


def test_both_switches_are_on_by_default(admin_client):
    html = admin_client.get(AUTH).content.decode()
    assert 'name="enabled" id="id_enabled" checked' in html
    assert 'name="signup_allowed" id="id_signup_allowed" checked' in html


def test_switching_email_login_off_persists(admin_client):
    response = admin_client.post(AUTH, {"signup_allowed": "on"}, follow=True)
    settings_row = services.get_instance_settings()
    assert settings_row.email_login_enabled is False
    assert settings_row.email_signup_allowed is True
    html = response.content.decode()
    assert "Email login settings saved." in html
    assert 'name="enabled" id="id_enabled">' in html


def test_switching_both_off_and_on_again(admin_client):
    admin_client.post(AUTH, {})
    row = services.get_instance_settings()
    assert (row.email_login_enabled, row.email_signup_allowed) == (False, False)
    admin_client.post(AUTH, {"enabled": "on", "signup_allowed": "on"})
    row = services.get_instance_settings()
    assert (row.email_login_enabled, row.email_signup_allowed) == (True, True)


def test_update_email_login_settings_service_stores_every_flag(db):
    services.update_email_login_settings(
        enabled=False, signup_allowed=False, signup_needs_approval=True
    )
    row = services.get_instance_settings()
    assert not row.email_login_enabled
    assert not row.email_signup_allowed
    assert row.signup_needs_approval


def test_the_jwt_card_shows_whether_jwt_login_is_on(admin_client):
    from parley.external_auth.services import enable_jwt

    assert b'badge off">Off' in admin_client.get("/admin/authentication/").content
    enable_jwt()
    assert b'badge ok">On' in admin_client.get("/admin/authentication/").content
