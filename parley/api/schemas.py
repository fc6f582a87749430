"""The shapes the REST API reads and writes; the OpenAPI schema is made from these."""

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    model_validator,
)
from typing_extensions import TypeAliasType

from parley.accounts.login_links import MAX_LIFETIME
from parley.accounts.models import User
from parley.accounts.validation import (
    EMAIL_MAX_LENGTH,
    METADATA_MAX_BYTES,
    PUBLIC_ID_MAX_LENGTH,
    clean_email,
    clean_metadata,
    clean_public_id,
    public_id_pattern,
)
from parley.audit.models import AuthEvent
from parley.errors import ValidationFailed
from parley.groups import selectors as group_selectors
from parley.groups.models import Group, Membership
from parley.groups.services import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, clean_group_name

# Query text: some databases refuse NUL characters, so they are refused here.
SearchText = Annotated[str, StringConstraints(max_length=255, pattern=r"^[^\x00]*$")]


def _accounts_rule(clean):
    """A parley.accounts.validation rule as a field validator, so a refusal names the field."""

    def check(value):
        try:
            return clean(value)
        except ValidationFailed as refused:
            raise ValueError(refused.user_message) from None

    return AfterValidator(check)


PublicId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=PUBLIC_ID_MAX_LENGTH,
        # Documented, not matched here: clean_public_id refuses with a clearer message.
        json_schema_extra=lambda schema: schema.update(pattern=public_id_pattern()),
    ),
    _accounts_rule(clean_public_id),
]


class _NulFree:
    """Documents in the JSON Schema that text holds no U+0000 (keys too, on an object);
    clean_metadata is what refuses it."""

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        no_nul = {"type": "string", "pattern": "^[^\\u0000]*$"}
        schema.update(no_nul if schema.get("type") == "string" else {"propertyNames": no_nul})
        return schema


MetadataValue = TypeAliasType(
    "MetadataValue",
    Annotated[str, _NulFree()]
    | int
    | float
    | bool
    | None
    | list["MetadataValue"]
    | Annotated[dict[str, "MetadataValue"], _NulFree()],
)
Metadata = Annotated[dict[str, MetadataValue], _NulFree(), _accounts_rule(clean_metadata)]


def _json_integer(value):
    # A JSON number with no fraction (5 or 5.0), never a string or a boolean.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("must be a whole number")
    return int(value)


Email = Annotated[
    str,
    Field(max_length=EMAIL_MAX_LENGTH, json_schema_extra={"format": "email"}),
    _accounts_rule(lambda value: clean_email(value, required=True)),
]


def whole_number(*, ge: int, le: int):
    """An integer field in [ge, le] that takes JSON 5 or 5.0 but not "5" or true."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_json_integer)]


Role = Literal["owner", "admin", "user_manager", "auditor", "member"]
Status = Literal["active", "deactivated"]
CreatedVia = Literal["email", "jwt", "admin", "api", "cli"]
LoginMethod = Literal["email", "jwt", "link"]
AuditMethod = Literal["email", "jwt", "link", "api", "admin"]
AuditOutcome = Literal["success", "failure"]

MAX_LINK_MINUTES = int(MAX_LIFETIME.total_seconds() // 60)


class Input(Schema):
    # Unknown fields are refused so a misspelt one ("emial") is not silently ignored.
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Error(Schema):
    code: str = Field(description="Stable error code, e.g. `seat_limit_reached`.")
    message: str = Field(description="What went wrong, for people.")
    reference: str | None = Field(None, description="Audit event reference, when one was written.")
    errors: list[ErrorDetail] | None = Field(None, description="Each invalid field (422 only).")


# What every endpoint with a JSON body may answer: `invalid_json`, `request_too_large`.
BODY_ERRORS = {400: Error, 413: Error}


class UserOut(Schema):
    id: str = Field(description="The user's public ID, the `id` / `user.id` of a JWT.")
    email: str | None
    status: str
    role: str
    created_via: str
    metadata: dict[str, Any]
    created_at: datetime
    last_login_at: datetime | None
    last_login_method: str | None
    groups: list[str] = Field(description="Names of the user's groups, by name.")

    @staticmethod
    def of(user: User) -> "UserOut":
        return UserOut(
            id=user.public_id,
            email=user.email,
            status=user.status,
            role=user.role,
            created_via=user.created_via,
            metadata=user.metadata if isinstance(user.metadata, dict) else {},
            created_at=user.created_at,
            last_login_at=user.last_login_at,
            last_login_method=user.last_login_method or None,
            groups=group_selectors.group_names(user=user),
        )


class UserPage(Schema):
    items: list[UserOut]
    total: int
    limit: int
    offset: int


class UserCreate(Input):
    id: PublicId | None = Field(
        None, description="Public ID; Parley assigns a numeric one if omitted."
    )
    email: Email | None = None
    role: Role = "member"
    metadata: Metadata = Field(
        default_factory=dict, description=f"At most {METADATA_MAX_BYTES // 1024} KiB of JSON."
    )


class UserUpdate(Input):
    email: Email | None = Field(None, description="null removes the email.")
    metadata: Metadata | None = Field(None, description="Replaces the metadata.")
    role: Role | None = None
    status: Status | None = Field(
        None, description="`deactivated` frees the seat; `active` takes one (409 when none)."
    )


class Seats(Schema):
    used: int
    limit: int | None = Field(description="null: unlimited.")
    free: int | None


class SeatsUpdate(Input):
    limit: whole_number(ge=0, le=1_000_000) | None = Field(..., description="null: unlimited.")


class AuditEventOut(Schema):
    reference: str
    created_at: datetime
    method: str
    outcome: str
    reason: str
    detail: str
    user_id: str
    client_ip: str | None
    user_agent: str
    jti: str
    iss: str
    kid: str

    @staticmethod
    def of(event: AuthEvent) -> "AuditEventOut":
        return AuditEventOut(
            reference=event.reference,
            created_at=event.created_at,
            method=event.method,
            outcome=event.outcome,
            reason=event.reason,
            detail=event.detail,
            user_id=event.public_user_id,
            client_ip=event.client_ip,
            user_agent=event.user_agent,
            jti=event.jti,
            iss=event.iss,
            kid=event.kid,
        )


class AuditEventPage(Schema):
    items: list[AuditEventOut]
    total: int
    limit: int
    offset: int


class ExternalAuthIn(Input):
    externalAuthCode: str = Field(description="The JWT your systems signed (DESIGN §4).")


class UserSession(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; shown only here.")
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: datetime
    expires_in: int = Field(description="Seconds until `expires_at`.")
    created: bool = Field(description="Whether this login created the user.")
    reference: str = Field(description="The audit event of this login.")
    user: UserOut


class LoginLinkIn(Input):
    # Not nullable, and exactly one of the two (the "oneOf" below says so in the schema).
    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["user_id"]}, {"required": ["email"]}]}
    )

    user_id: str = Field(
        None, max_length=PUBLIC_ID_MAX_LENGTH, description="The user's public ID …"
    )
    email: str = Field(
        None, max_length=EMAIL_MAX_LENGTH, description="… or their email: one of the two."
    )
    lifetime_minutes: whole_number(ge=1, le=MAX_LINK_MINUTES) = 10

    @model_validator(mode="after")
    def one_way_to_name_the_user(self):
        if (self.user_id is None) == (self.email is None):
            raise ValueError("give exactly one of user_id and email")
        return self


class LoginLinkOut(Schema):
    url: str = Field(description="One-time link; opening it logs the user in.")
    expires_at: datetime
    user: UserOut


GroupName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=NAME_MAX_LENGTH,
        # The characters rule of user ids (no control or invisible ones, not only spaces);
        # clean_group_name refuses with the clearer message.
        json_schema_extra=lambda schema: schema.update(pattern=public_id_pattern()),
    ),
    _accounts_rule(clean_group_name),
]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH, pattern=r"^[^\x00]*$")]
GroupId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class GroupOut(Schema):
    id: int
    name: str
    description: str
    member_count: int
    created_at: datetime

    @staticmethod
    def of(group: Group, *, member_count: int | None = None) -> "GroupOut":
        if member_count is None:
            member_count = getattr(group, "member_count", None)
        if member_count is None:
            member_count = group_selectors.member_count(group=group)
        return GroupOut(
            id=group.pk,
            name=group.name,
            description=group.description,
            member_count=member_count,
            created_at=group.created_at,
        )


class GroupPage(Schema):
    items: list[GroupOut]
    total: int
    limit: int
    offset: int


class GroupCreate(Input):
    name: GroupName = Field(description="Unique, compared ignoring case.")
    description: Description = ""


class GroupUpdate(Input):
    name: GroupName | None = None
    description: Description | None = None


class MembershipOut(Schema):
    group: GroupOut
    user: UserOut
    source: Literal["manual", "token", "scim"] = Field(
        description="Who manages it: an admin (`manual`), the JWT (`token`) or SCIM."
    )

    @staticmethod
    def of(membership: Membership) -> "MembershipOut":
        return MembershipOut(
            group=GroupOut.of(membership.group),
            user=UserOut.of(membership.user),
            source=membership.source,
        )
