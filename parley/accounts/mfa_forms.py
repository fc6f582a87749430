"""allauth's passkey forms, refusing a malformed credential as an incorrect code. fido2
raises KeyError (or AttributeError) for a credential missing a field, which allauth only
expects as TypeError/ValueError and so lets through as a server error."""

from allauth.mfa.adapter import get_adapter
from allauth.mfa.webauthn import forms as allauth_forms
from fido2.webauthn import AuthenticationResponse, RegistrationResponse

MALFORMED = (KeyError, TypeError, ValueError, AttributeError)


def _require_well_formed(credential, response_class) -> None:
    try:
        response_class.from_dict(credential)
    except MALFORMED:
        raise get_adapter().validation_error("incorrect_code") from None


class AuthenticateWebAuthnForm(allauth_forms.AuthenticateWebAuthnForm):
    def clean_credential(self):
        _require_well_formed(self.cleaned_data["credential"], AuthenticationResponse)
        return super().clean_credential()


class ReauthenticateWebAuthnForm(allauth_forms.ReauthenticateWebAuthnForm):
    def clean_credential(self):
        _require_well_formed(self.cleaned_data["credential"], AuthenticationResponse)
        return super().clean_credential()


class AddWebAuthnForm(allauth_forms.AddWebAuthnForm):
    def clean(self):
        credential = self.cleaned_data.get("credential")
        if credential:
            _require_well_formed(credential, RegistrationResponse)
        return super().clean()
