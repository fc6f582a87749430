"""The SCIM protocol's shared pieces (RFC 7644): its error, how Parley's errors become
one, request parsing through scim2-models, and the limits this service announces."""

from typing import Any

from pydantic import ValidationError
from scim2_models import Context, Error, SCIMException

from parley.errors import (
    EmailTaken,
    LastOwner,
    NotFound,
    ParleyError,
    SeatLimitReached,
    UserIdTaken,
    ValidationFailed,
)
from parley.groups.services import GroupNameTaken
from parley.web.json_body import BodyTooLarge, InvalidJson

CONTENT_TYPE = "application/scim+json"
# A group's full member list is the largest body an identity provider sends.
MAX_BODY_BYTES = 512 * 1024
DEFAULT_COUNT = 100
MAX_COUNT = 500
MAX_PATCH_OPERATIONS = 1000


class ScimError(Exception):
    """A request SCIM refuses, answered as an RFC 7644 §3.12 error. `reason` is the audit
    log's exact cause (never shown to the client beyond `detail`)."""

    def __init__(self, *, status: int, detail: str, scim_type: str | None = None, reason=""):
        self.status = status
        self.detail = detail
        self.scim_type = scim_type
        self.reason = reason or detail
        super().__init__(self.reason)

    def to_error(self) -> Error:
        return Error(status=self.status, scim_type=self.scim_type, detail=self.detail)


def parse_id(value: str) -> int | None:
    """A SCIM `id` (an internal number) as a number, or None when it cannot be one: not
    digits, or past what a database integer holds."""
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def not_found(what: str) -> ScimError:
    return ScimError(status=404, detail=f"{what} not found.")


def from_parley_error(error: ParleyError) -> ScimError:
    """The SCIM form of one of Parley's errors: its message for the client, its exact reason
    for the audit log."""
    if isinstance(error, SeatLimitReached):
        # 403: the request is well formed, and the service refuses it as the instance stands
        # (RFC 7644 §3.12 "Operation is not permitted"); no scimType names a quota.
        from parley.accounts.services import no_free_seat_message

        return ScimError(status=403, detail=no_free_seat_message(), reason=error.reason)
    if isinstance(error, EmailTaken | UserIdTaken | GroupNameTaken):
        return ScimError(
            status=409, scim_type="uniqueness", detail=error.user_message, reason=error.reason
        )
    if isinstance(error, LastOwner):
        return ScimError(status=409, detail=error.user_message, reason=error.reason)
    if isinstance(error, NotFound):
        return ScimError(status=404, detail=error.user_message, reason=error.reason)
    if isinstance(error, BodyTooLarge):
        return ScimError(status=413, detail=error.user_message, reason=error.reason)
    if isinstance(error, InvalidJson):
        return ScimError(
            status=400, scim_type="invalidSyntax", detail=error.user_message, reason=error.reason
        )
    if isinstance(error, ValidationFailed):
        return ScimError(
            status=400, scim_type="invalidValue", detail=error.user_message, reason=error.reason
        )
    return ScimError(status=error.status, detail=error.user_message, reason=error.reason)


def from_scim_exception(exc: SCIMException) -> ScimError:
    error = exc.to_error()
    return ScimError(
        status=int(error.status or 400), scim_type=error.scim_type, detail=error.detail or ""
    )


def validated(model, payload: Any, *, context: Context):
    """`payload` as the scim2-models `model` reads it in `context`, or a SCIM 400 error that
    names the first problem."""
    try:
        return model.model_validate(payload, scim_ctx=context)
    except ValidationError as exc:
        errors = exc.errors()
        error = Error.from_validation_error(errors[0])
        raise ScimError(
            status=int(error.status or 400),
            scim_type=error.scim_type or "invalidValue",
            detail=error.detail or str(exc),
            reason=f"{model.__name__}: {'; '.join(e['msg'] for e in errors)}"[:500],
        ) from None
    except SCIMException as exc:
        raise from_scim_exception(exc) from None


def apply_patch(operations, resource) -> None:
    """Apply a validated PatchOp to `resource` (scim2-models does RFC 7644 §3.5.2), or a
    SCIM 400 naming what cannot be applied."""
    if len(operations.operations or []) > MAX_PATCH_OPERATIONS:
        raise ScimError(
            status=400,
            scim_type="tooMany",
            detail=f"A PATCH may carry at most {MAX_PATCH_OPERATIONS} operations.",
        )
    try:
        operations.patch(resource)
    except SCIMException as exc:
        raise from_scim_exception(exc) from None
    except ValueError as exc:  # pydantic's ValidationError among them
        raise ScimError(status=400, scim_type="invalidValue", detail=str(exc)[:500]) from None
