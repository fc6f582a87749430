"""Chat errors: what a person sees when a model cannot answer or a limit is reached."""

from parley.errors import NotFound, ParleyError


class ConversationNotFound(NotFound):
    code = "conversation_not_found"
    user_message = "That conversation could not be found."


class BadRequest(ParleyError):
    code = "bad_request"
    user_message = "The request was not valid."


class ModelUnavailable(ParleyError):
    code = "model_unavailable"
    status = 409
    user_message = "That model is not available. Pick another one."


class ModelNotAllowed(ParleyError):
    code = "model_not_allowed"
    status = 403
    user_message = (
        "You don't have access to that model. Pick another one, or ask your Parley "
        "administrators to give you access."
    )


class NoModelAvailable(ParleyError):
    code = "no_model_available"
    status = 403
    user_message = (
        "No AI model is available to you yet. Please ask your Parley administrators "
        "to give you access to one."
    )


class UsageLimitReached(ParleyError):
    code = "usage_limit_reached"
    status = 429
    user_message = "You have reached a usage limit; ask your administrators if you need more."


class ProviderError(ParleyError):
    """The model's provider did not give a (whole) answer."""

    code = "provider_error"
    status = 502
    user_message = "The model's provider returned an error. Try again in a moment."


class ProviderUnavailable(ProviderError):
    code = "provider_unavailable"
    user_message = "The model's provider could not be reached. Try again in a moment."


class ProviderTimeout(ProviderError):
    code = "provider_timeout"
    status = 504
    user_message = "The model's provider took too long to answer. Try again in a moment."


class ProviderAuthFailed(ProviderError):
    code = "provider_auth_failed"
    user_message = (
        "The model's provider refused this instance's API key. Please tell your administrator."
    )


class ProviderRateLimited(ProviderError):
    code = "provider_rate_limited"
    status = 503
    user_message = "The model's provider is busy (rate limited). Wait a little and try again."


class ProviderStreamCut(ProviderError):
    code = "provider_stream_cut"
    user_message = "The answer was cut off by the model's provider. Try regenerating it."


class EditNotAllowed(ParleyError):
    code = "edit_not_allowed"
    status = 409
    user_message = "That message can no longer be edited. Reload the page and try again."
