"""provisioning._by_public_id reads the user with one raw SELECT (bench/shortcuts.py): it must
find exactly the User the ORM would, field for field; this fails when a Django upgrade
changes how raw() turns a row into a model."""

import pytest
from django.forms.models import model_to_dict

from parley.accounts import signups
from parley.accounts.models import CreatedVia, Status, User
from parley.external_auth.provisioning import _by_public_id

pytestmark = pytest.mark.django_db


def orm_lookup(public_id: str) -> User | None:
    return User.objects.exclude(status=Status.UNCONFIRMED).filter(public_id=public_id).first()


def as_row(user: User | None):
    if user is None:
        return None
    return {**model_to_dict(user), "created_at": user.created_at, "class": type(user)}


def test_the_raw_lookup_finds_what_the_orm_finds(make_user):
    make_user(
        email="Ann@Example.com",
        public_id="crm-1",
        created_via=CreatedVia.JWT,
        metadata={"team": "ops", "tags": ["a", 1, None], "nested": {"x": 1.5}},
    )
    gone = make_user(email="gone@example.com", public_id="crm-2")
    gone.status = Status.DEACTIVATED
    gone.save(update_fields=["status"])
    waiting = signups.create_signup(email="waiting@example.com")  # awaits its code: no user
    for public_id in ("crm-1", "crm-2", waiting.public_id, "nobody", "CRM-1"):
        assert as_row(_by_public_id(public_id)) == as_row(orm_lookup(public_id)), public_id
    assert _by_public_id("crm-1").metadata["nested"] == {"x": 1.5}
    assert _by_public_id(waiting.public_id) is None
