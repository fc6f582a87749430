"""The SCIM 2.0 endpoints under /scim/v2/ (RFC 7644): each checks the SCIM token, reads the
request through scim2-models and answers application/scim+json, errors included."""

import json
from functools import wraps

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from scim2_models import Context, ListResponse, SearchRequest
from scim2_models import Group as GroupResource
from scim2_models import User as UserResource

from parley.accounts.tokens import bearer_credential
from parley.errors import ParleyError, RateLimited
from parley.web.json_body import request_json

from . import discovery, groups, tokens, users
from .auditing import record_refusal
from .protocol import (
    CONTENT_TYPE,
    DEFAULT_COUNT,
    MAX_BODY_BYTES,
    MAX_COUNT,
    ScimError,
    from_parley_error,
    not_found,
    validated,
)

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_KINDS = {
    "Users": (users, UserResource),
    "Groups": (groups, GroupResource),
}


def scim_json(payload, *, status: int = 200, location: str | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), status=status, content_type=CONTENT_TYPE)
    if location:
        response["Location"] = location
    return response


def error_response(error: ScimError) -> HttpResponse:
    response = scim_json(error.to_error().model_dump(scim_ctx=Context.DEFAULT), status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    return response


def scim_endpoint(handler):
    """Authenticate the token, run `handler(request, token, base_url, ...)`, and answer
    every refusal as a SCIM error, audited when it refused a change or a token."""

    @csrf_exempt
    @wraps(handler)
    def view(request, *args, **kwargs):
        token = None
        try:
            credential = bearer_credential(request.META.get("HTTP_AUTHORIZATION", ""))
            try:
                token = tokens.authenticate_token(secret=credential)
            except tokens.ScimTokenInvalid as refused:
                tokens.count_refused_token(request=request, refused=refused)
                record_refusal(
                    token=None, reason=refused.code, detail=refused.reason, request=request
                )
                raise ScimError(status=401, detail=refused.user_message) from None
            except RateLimited as limited:
                # Not audited again: a flood of guesses must not become a flood of rows.
                raise ScimError(
                    status=429,
                    detail="Too many requests with a wrong SCIM token from this address. "
                    "Try again in a few minutes.",
                    reason=limited.reason,
                ) from None
            base_url = request.build_absolute_uri(reverse("scim:root"))
            return handler(request, token, base_url, *args, **kwargs)
        except ParleyError as error:
            scim_error = from_parley_error(error)
        except ScimError as error:
            scim_error = error
        if token is not None and request.method in _WRITES:
            record_refusal(
                token=token,
                reason="scim_request_refused",
                detail=f"{request.method} {request.path}: {scim_error.status} {scim_error.reason}",
                request=request,
            )
        return error_response(scim_error)

    return view


def _body(request):
    return request_json(request, max_bytes=MAX_BODY_BYTES)


def _method_not_allowed(request) -> ScimError:
    return ScimError(status=405, detail=f"{request.method} is not allowed here.")


@scim_endpoint
def service_provider_config(request, token, base_url):
    _require_get(request)
    config = discovery.service_provider_config(base_url=base_url)
    return scim_json(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_endpoint
def resource_types(request, token, base_url, name=None):
    return _discovered(request, discovery.resource_types(base_url=base_url), name, "ResourceType")


@scim_endpoint
def schemas(request, token, base_url, name=None):
    return _discovered(request, discovery.schemas(base_url=base_url), name, "Schema")


def _require_get(request) -> None:
    """The discovery endpoints only answer GET (RFC 7644 §4)."""
    if request.method != "GET":
        raise _method_not_allowed(request)


def _discovered(request, found, name, what):
    _require_get(request)
    if name is not None:
        match = next((item for item in found if item.id == name), None)
        if match is None:
            raise not_found(f"{what} {name[:80]}")
        return scim_json(match.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    listed = ListResponse[type(found[0])](
        total_results=len(found), start_index=1, items_per_page=len(found), resources=found
    )
    return scim_json(listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


@scim_endpoint
def collection(request, token, base_url, kind):
    module, model = _KINDS[kind]
    if request.method == "GET":
        search = validated(SearchRequest[model], request.GET.dict(), context=Context.SEARCH_REQUEST)
        return _listed(module, model, search, base_url)
    if request.method == "POST":
        created = module.create(payload=_body(request), token=token, request=request)
        resource = module.as_resource(created, base_url=base_url)
        return scim_json(
            resource.model_dump(scim_ctx=Context.RESOURCE_CREATION_RESPONSE),
            status=201,
            location=resource.meta.location,
        )
    raise _method_not_allowed(request)


@scim_endpoint
def search(request, token, base_url, kind):
    module, model = _KINDS[kind]
    if request.method != "POST":
        raise _method_not_allowed(request)
    found = validated(SearchRequest[model], _body(request), context=Context.SEARCH_REQUEST)
    return _listed(module, model, found, base_url)


def _listed(module, model, search, base_url):
    matching = module.search(expression=search.filter)
    total = matching.count()
    start = search.start_index_0 or 0
    count = DEFAULT_COUNT if search.count is None else min(search.count, MAX_COUNT)
    page = [module.as_resource(item, base_url=base_url) for item in matching[start : start + count]]
    listed = ListResponse[model](
        total_results=total, start_index=start + 1, items_per_page=len(page), resources=page
    )
    return scim_json(
        listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search)
    )


@scim_endpoint
def resource(request, token, base_url, kind, scim_id):
    module, model = _KINDS[kind]
    found = module.get(scim_id=scim_id)
    if request.method == "GET":
        parameters = validated(
            SearchRequest[model], request.GET.dict(), context=Context.SEARCH_REQUEST
        )
        shown = module.as_resource(found, base_url=base_url)
        return scim_json(
            shown.model_dump(
                scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=parameters
            )
        )
    if request.method == "DELETE":
        module.delete(**{_ARGUMENT[kind]: found}, token=token, request=request)
        return HttpResponse(status=204)
    if request.method in ("PUT", "PATCH"):
        change = module.replace if request.method == "PUT" else module.patch
        changed = change(
            **{_ARGUMENT[kind]: found}, payload=_body(request), token=token, request=request
        )
        context = (
            Context.RESOURCE_REPLACEMENT_RESPONSE
            if request.method == "PUT"
            else Context.RESOURCE_PATCH_RESPONSE
        )
        shown = module.as_resource(changed, base_url=base_url)
        return scim_json(shown.model_dump(scim_ctx=context))
    raise _method_not_allowed(request)


_ARGUMENT = {"Users": "user", "Groups": "group"}


@scim_endpoint
def root_search(request, token, base_url):
    raise ScimError(status=501, detail="Searching several resource types at once is not supported.")


@scim_endpoint
def unknown(request, token, base_url, rest=""):
    raise not_found(f"/scim/v2/{rest[:80]}")
