"""One provisioning run through scim2-client, as an identity provider makes it: create,
find by filter, deactivate, group member add and remove, delete. Shared by the SQLite test
and the PostgreSQL one."""

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import (
    Email,
    Group,
    GroupMember,
    Name,
    PatchOp,
    PatchOperation,
    SearchRequest,
    User,
)


def run_provisioning(base_url: str, secret: str) -> dict:
    """Drive /scim/v2 at `base_url`; returns what the checks saw."""
    with httpx2.Client(
        base_url=f"{base_url}/scim/v2", headers={"Authorization": f"Bearer {secret}"}, timeout=30
    ) as http:
        client = SyncSCIMClient(http)
        client.discover()
        ann = client.create(
            User(
                user_name="ann@example.com",
                external_id="emp-1",
                name=Name(given_name="Ann", family_name="Lee"),
                emails=[Email(value="ann@example.com", type="work", primary=True)],
                active=True,
            )
        )
        bob = client.create(User(user_name="bob@example.com", display_name="Bob"))
        found = client.query(
            User, query_parameters=SearchRequest(filter='userName eq "ann@example.com"')
        )
        client.modify(
            User,
            ann.id,
            PatchOp[User](operations=[PatchOperation(op="replace", path="active", value=False)]),
        )
        deactivated = client.query(User, ann.id)
        sales = client.create(Group(display_name="Sales", members=[GroupMember(value=ann.id)]))
        client.modify(
            Group,
            sales.id,
            PatchOp[Group](
                operations=[
                    PatchOperation(op="add", path="members", value=[GroupMember(value=bob.id)]),
                    PatchOperation(op="remove", path=f'members[value eq "{ann.id}"]'),
                ]
            ),
        )
        members = [m.value for m in client.query(Group, sales.id).members or []]
        client.delete(User, bob.id)
        after_delete = client.query(
            User, query_parameters=SearchRequest(filter='userName sw "bob"')
        )
        return {
            "found": [u.id for u in found.resources or []],
            "ann": ann,
            "bob": bob,
            "deactivated_active": deactivated.active,
            "members": members,
            "bob_left": after_delete.total_results,
        }
