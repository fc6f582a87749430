"""Why the REST API refused a request's credentials: one error, and one code, per cause."""

from parley.errors import AuthError


class ApiKeyInvalid(AuthError):
    code = "api_key_invalid"
    status = 401
    user_message = "This API key is not valid."


class ApiKeyRevoked(AuthError):
    code = "api_key_revoked"
    status = 401
    user_message = "This API key has been revoked."


class AdminKeyRequired(AuthError):
    code = "admin_key_required"
    status = 403
    user_message = "This endpoint needs an admin API key; a user's token is not enough."
