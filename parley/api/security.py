"""How API requests prove who they are: an admin API key or a user's token, both as
`Authorization: Bearer …`. Session cookies are never accepted, so the API needs no CSRF."""

from ninja.security import HttpBearer

from . import keys, tokens


class AdminKey(HttpBearer):
    """An admin API key (`pk_live_…`) from Admin Panel → API keys or `parley apikey create`."""

    def authenticate(self, request, token):
        return keys.authenticate_api_key(secret=token)


class UserToken(HttpBearer):
    """A user's token (`pu_sess_…`) from `POST /api/v1/auth/external`."""

    def authenticate(self, request, token):
        return tokens.authenticate_user_token(secret=token)


admin_key = AdminKey()
user_token = UserToken()
