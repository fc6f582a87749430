"""PATCH requests as Okta and Microsoft Entra ID send them, made into the RFC 7644 §3.5.2
form that scim2-models applies."""

from typing import Any

from scim2_models import ScimFilter


def normalized_operations(payload: Any) -> Any:
    """Entra removes group members with `{"op": "Remove", "path": "members", "value":
    [{"value": id}]}`, a value RFC 7644 §3.5.2.2 does not define for remove; each such
    member becomes the filtered path `members[value eq "id"]` the RFC does define. Every
    other operation is left as sent."""
    if not isinstance(payload, dict) or not isinstance(payload.get("Operations"), list):
        return payload
    operations = []
    for operation in payload["Operations"]:
        if _is_valued_member_removal(operation):
            operations.extend(
                {"op": "remove", "path": f"members[value eq {ScimFilter.quote(member['value'])}]"}
                for member in operation["value"]
            )
        else:
            operations.append(operation)
    return {**payload, "Operations": operations}


def _is_valued_member_removal(operation: Any) -> bool:
    return (
        isinstance(operation, dict)
        and str(operation.get("op", "")).lower() == "remove"
        and str(operation.get("path", "")).lower() == "members"
        and isinstance(operation.get("value"), list)
        and all(
            isinstance(member, dict) and isinstance(member.get("value"), str)
            for member in operation["value"]
        )
    )
