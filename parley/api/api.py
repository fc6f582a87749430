"""The REST API (DESIGN §8): the NinjaAPI instance, its error handling and its routers.

Every error is JSON `{"code", "message"}` with a stable code per cause: the same codes as
the audit reasons and parley.errors. Never an HTML page, never a traceback.
"""

import json
import logging

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.http import Http404
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import _csrf_needed
from ninja.parser import Parser

from parley.accounts import roles
from parley.accounts import services as accounts
from parley.errors import ParleyError, SeatLimitReached
from parley.web.json_body import request_json
from parley.web.security_headers import page_policy

from .models import ApiKey
from .routers import auth, branding, groups, instance, users
from .security import key_with

logger = logging.getLogger("parley.api")

DESCRIPTION = """
Manage users, groups, seats, branding and audit events from your own systems, make one-time
login links, and log in clients that are not browsers with an `externalAuthCode`.

Authenticate with an admin API key (Admin Panel → API keys, or `parley apikey create`):
`Authorization: Bearer pk_live_…`. `/auth/external` needs no key; `/me` and `/auth/logout`
take the user's token it returns (`pu_sess_…`). Errors are JSON `{"code", "message"}`.
Guide with curl examples: docs/api.md.
"""


# Users with their metadata, seats, a code to exchange: small bodies, however many fields.
MAX_BODY = 1024 * 1024


class BoundedJsonParser(Parser):
    """Request bodies through Parley's one bounded JSON parser (parley/web/json_body.py).

    ninja wraps whatever the parser raises in HttpError(400); http_error below answers
    with the parser's own error (invalid_json, request_too_large) and its message.
    """

    def parse_body(self, request):
        return request_json(request, max_bytes=MAX_BODY, object_only=False)


class OfflineSwagger(Swagger):
    """Swagger UI from ninja's own templates and static files, never a CDN. ninja chooses
    that only when "ninja" is in INSTALLED_APPS, which would import it (and pydantic) in
    every process; settings.py adds its template and static directories instead."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        settings = json.dumps(self.settings, indent=1)
        context = {"swagger_settings": settings, "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, self.template, context)


class ParleyAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__  # "list_users", not the module path


api = ParleyAPI(
    title="Parley API",
    version="1",
    description=DESCRIPTION.strip(),
    # Every admin route names the capability it needs (routers/*.py); one that forgot is for
    # owner keys only, never open.
    auth=key_with(roles.MANAGE_JWT_SECRETS),
    urls_namespace="api-v1",
    parser=BoundedJsonParser(),
    # Swagger UI's stylesheet draws its icons as data: images.
    docs=OfflineSwagger(),
    docs_decorator=page_policy("img-src 'self' data:"),
)
api.add_router("", users.router)
api.add_router("", groups.router)
api.add_router("", instance.router)
api.add_router("", branding.router)
api.add_router("", auth.router)

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    429: "rate_limited",
}


def error_response(request, *, status: int, code: str, message: str, **extra):
    response = api.create_response(
        request, {"code": code, "message": message, **extra}, status=status
    )
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    response["Cache-Control"] = "no-store"
    return response


@api.exception_handler(ParleyError)
def parley_error(request, error: ParleyError):
    message = error.user_message
    if isinstance(error, SeatLimitReached) and isinstance(getattr(request, "auth", None), ApiKey):
        message = accounts.no_free_seat_message()  # not "ask your administrator"
    extra = {"reference": error.reference} if getattr(error, "reference", "") else {}
    return error_response(request, status=error.status, code=error.code, message=message, **extra)


@api.exception_handler(ValidationError)
def validation_error(request, error: ValidationError):
    details = [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in item.get("loc", ())],
            "msg": str(item.get("msg", "")),
            "type": str(item.get("type", "")),
        }
        for item in error.errors
    ]
    summary = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in details[:5])
    return error_response(
        request,
        status=422,
        code="validation_failed",
        message=f"The request is not valid: {summary}" if summary else "The request is not valid.",
        errors=details,
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, error: AuthenticationError):
    return error_response(
        request,
        status=401,
        code="unauthorized",
        message="Send a key or token as `Authorization: Bearer …`.",
    )


@api.exception_handler(HttpError)
def http_error(request, error: HttpError):
    if isinstance(error.__cause__, ParleyError):  # the body parser's refusal, see above
        return parley_error(request, error.__cause__)
    code = STATUS_CODES.get(error.status_code, "error")
    return error_response(request, status=error.status_code, code=code, message=str(error))


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def not_found(request, error: Exception):
    return error_response(request, status=404, code="not_found", message="Not found.")


@api.exception_handler(RequestDataTooBig)
def too_large(request, error: RequestDataTooBig):
    return error_response(
        request, status=413, code="request_too_large", message="The request body is too large."
    )


@api.exception_handler(Exception)
def server_error(request, error: Exception):
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(
        request,
        status=500,
        code="server_error",
        message="Something went wrong on our side; it has been logged.",
    )
