"""The JWT policy service refuses values that would break verification for everyone."""

import pytest

from parley.errors import ValidationFailed
from parley.external_auth import services


@pytest.mark.parametrize(
    "changes",
    [
        {"max_lifetime_seconds": 0},
        {"max_lifetime_seconds": 10**9},
        {"leeway_seconds": 7200},
        {"session_max_age_seconds": 5},
        {"issuer": "i" * 256},
        {"audience": "a" * 256},
        {"no_such_setting": 1},
    ],
)
def test_out_of_range_policy_values_are_refused_and_nothing_changes(db, changes):
    before = services.get_jwt_settings()
    with pytest.raises(ValidationFailed):
        services.update_policy(**changes)
    after = services.get_jwt_settings()
    assert (after.max_lifetime_seconds, after.leeway_seconds, after.issuer) == (
        before.max_lifetime_seconds,
        before.leeway_seconds,
        before.issuer,
    )


def test_a_valid_policy_is_saved(db):
    services.update_policy(max_lifetime_seconds=3600, issuer="crm", leeway_seconds=5)
    row = services.get_jwt_settings()
    assert (row.max_lifetime_seconds, row.issuer, row.leeway_seconds) == (3600, "crm", 5)
