"""How API requests prove who they are: an admin API key or a user's token, both as
`Authorization: Bearer …`. Session cookies are never accepted, so the API needs no CSRF."""

from ninja.security.http import HttpAuthBase

from parley.accounts import tokens

from . import keys


class _Bearer(HttpAuthBase):
    """`Authorization: Bearer …`, read by the same rule as the widget and the chat stream
    (parley.accounts.tokens.bearer_credential), not by ninja's own parsing."""

    openapi_scheme = "bearer"


class AdminKey(_Bearer):
    """An admin API key (`pk_live_…`) from Admin Panel → API keys or `parley apikey create`."""

    def __call__(self, request):
        secret = tokens.bearer_credential(request.headers.get("Authorization", ""))
        return None if secret is None else keys.authenticate_api_key(secret=secret)


class UserToken(_Bearer):
    """A user's token (`pu_sess_…`) from `POST /api/v1/auth/external`."""

    def __call__(self, request):
        return tokens.authenticate_bearer(authorization=request.headers.get("Authorization", ""))


admin_key = AdminKey()
user_token = UserToken()
