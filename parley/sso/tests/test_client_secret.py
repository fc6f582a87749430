"""A provider's client secret is stored encrypted (Fernet, keyed from SECRET_KEY for this
purpose alone), used decrypted by the login, and never shown again."""

from django.test import override_settings

from parley import encryption
from parley.chat import crypto
from parley.sso import services
from parley.sso.models import Provider

from .conftest import CLIENT_ID

SECRET = "very-secret-client-secret-0123456789"


def add(issuer, **changes):
    fields = {
        "name": "Acme",
        "issuer": issuer.origin,
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "allow_private_network": True,
        **changes,
    }
    return services.add_oidc_provider(fields=services.OidcFields(**fields))


def test_the_secret_is_not_stored_in_the_clear_and_decrypts_for_the_login(db, issuer):
    provider = add(issuer)
    stored = Provider.objects.filter(pk=provider.pk).values()[0]
    assert SECRET not in str(stored)
    assert services.client_secret(Provider.objects.get()) == SECRET


def test_a_secret_encrypted_for_provider_api_keys_does_not_decrypt_as_an_sso_secret():
    token = crypto.encrypt(SECRET)
    assert encryption.decrypt(token, purpose=services.SECRET_PURPOSE) is None
    assert crypto.decrypt(token) == SECRET


def test_after_secret_key_changes_the_secret_is_unreadable_and_the_test_says_so(db, issuer):
    provider = add(issuer)
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only"):
        assert services.client_secret(provider) is None
        result = services.check_provider(provider=provider)
    assert not result.ok
    assert "set it again" in result.lines[-1]


def test_editing_with_an_empty_secret_keeps_the_stored_one(db, issuer):
    provider = add(issuer)
    fields = services.OidcFields(
        name="Acme renamed",
        issuer=issuer.origin,
        client_id=CLIENT_ID,
        client_secret="",
        allow_private_network=True,
    )
    services.update_oidc_provider(provider=provider, fields=fields)
    provider.refresh_from_db()
    assert (provider.name, services.client_secret(provider)) == ("Acme renamed", SECRET)
