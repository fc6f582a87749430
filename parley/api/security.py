"""How API requests prove who they are: an admin API key or a user's token, both as
`Authorization: Bearer …`. Session cookies are never accepted, so the API needs no CSRF."""

from ninja.security.http import HttpAuthBase

from parley.accounts import roles, tokens

from . import keys


class _Bearer(HttpAuthBase):
    """`Authorization: Bearer …`, read by the same rule as the widget and the chat stream
    (parley.accounts.tokens.bearer_credential), not by ninja's own parsing."""

    openapi_scheme = "bearer"


class AdminKey(_Bearer):
    """An admin API key (`pk_live_…`) from Admin Panel → API keys or `parley apikey create`,
    whose role has `capability` (parley.accounts.roles): every admin route names its own."""

    def __init__(self, capability: str):
        if capability not in roles.ALL_CAPABILITIES:
            raise ValueError(f"unknown capability {capability!r}")
        self.capability = capability
        super().__init__()

    def __call__(self, request):
        secret = tokens.bearer_credential(request.headers.get("Authorization", ""))
        if secret is None:
            return None
        key = keys.authenticate_api_key(secret=secret)
        roles.require(key.role, self.capability)
        return key


def key_with(capability: str) -> AdminKey:
    return AdminKey(capability)


class UserToken(_Bearer):
    """A user's token (`pu_sess_…`) from `POST /api/v1/auth/external`."""

    def __call__(self, request):
        return tokens.authenticate_bearer(authorization=request.headers.get("Authorization", ""))


user_token = UserToken()
