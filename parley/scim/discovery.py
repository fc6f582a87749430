"""What this SCIM service says of itself (RFC 7644 §4): its configuration, its resource
types, and the schemas of the attributes Parley keeps. The schemas list only those, so a
client (and scim2-tester) writes nothing Parley would silently drop."""

from functools import cache

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ETag,
    Filter,
    Meta,
    Patch,
    ResourceType,
    Schema,
    ServiceProviderConfig,
    Sort,
)
from scim2_models import Group as GroupResource
from scim2_models import User as UserResource

from .protocol import MAX_BODY_BYTES, MAX_COUNT

USER_SCHEMA_ATTRIBUTES = ("userName", "name", "displayName", "emails", "active", "groups")
GROUP_SCHEMA_ATTRIBUTES = ("displayName", "members")


def service_provider_config(*, base_url: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=MAX_BODY_BYTES),
        filter=Filter(supported=True, max_results=MAX_COUNT),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A SCIM token from Admin Panel → Provisioning or "
                "`parley scim token create`, sent as 'Authorization: Bearer pscim_…'.",
                primary=True,
            )
        ],
        meta=Meta(
            resource_type="ServiceProviderConfig", location=f"{base_url}ServiceProviderConfig"
        ),
    )


def resource_types(*, base_url: str) -> list[ResourceType]:
    found = []
    for model in (UserResource, GroupResource):
        resource_type = ResourceType.from_resource(model)
        resource_type.meta = Meta(
            resource_type="ResourceType", location=f"{base_url}ResourceTypes/{resource_type.id}"
        )
        found.append(resource_type)
    return found


def schemas(*, base_url: str) -> list[Schema]:
    found = []
    for schema in _schemas():
        schema = schema.model_copy(deep=True)
        schema.meta = Meta(resource_type="Schema", location=f"{base_url}Schemas/{schema.id}")
        found.append(schema)
    return found


@cache
def _schemas() -> tuple[Schema, ...]:
    return (
        _trimmed(UserResource.to_schema(), USER_SCHEMA_ATTRIBUTES),
        _trimmed(GroupResource.to_schema(), GROUP_SCHEMA_ATTRIBUTES),
    )


def _trimmed(schema: Schema, names: tuple[str, ...]) -> Schema:
    schema.attributes = [a for a in schema.attributes or [] if a.name in names]
    for attribute in schema.attributes:
        if attribute.name == "members":
            # RFC 7643 §8.7.1 gives a member value, $ref and type; Parley names the person
            # in no member, so a client has no display to write that would be dropped.
            attribute.sub_attributes = [
                sub for sub in attribute.sub_attributes or [] if sub.name != "display"
            ]
    return schema
