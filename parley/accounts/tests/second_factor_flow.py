"""Second factors for tests: enrolled through allauth's own activation, with the code an
authenticator app would show computed by pyotp."""

import pyotp
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

AUTHENTICATE = "/accounts/2fa/authenticate/"
LINK_SECOND_FACTOR = "/login/link/second-factor/"


def enrol_authenticator_app(user) -> pyotp.TOTP:
    """TOTP and recovery codes for `user`, as the enrol page leaves them; returns the app."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return pyotp.TOTP(secret)


def recovery_codes(user) -> list[str]:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()


def wrong_code(app: pyotp.TOTP) -> str:
    return f"{(int(app.now()) + 1) % 1_000_000:06d}"
