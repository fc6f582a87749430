"""The one reading of `Authorization` that the API, the widget and the chat stream share."""

import pytest

from parley.accounts.tokens import bearer_credential


@pytest.mark.parametrize(
    ("header", "credential"),
    [
        ("Bearer pu_sess_abc", "pu_sess_abc"),
        ("bearer pu_sess_abc", "pu_sess_abc"),
        ("BEARER   pu_sess_abc  ", "pu_sess_abc"),
        ("Bearer", ""),  # a bearer request without its token: refused as an invalid token
        ("Bearer ", ""),
    ],
)
def test_a_bearer_header_gives_its_credential_whatever_the_case_and_spacing(header, credential):
    assert bearer_credential(header) == credential


@pytest.mark.parametrize("header", ["", "Basic dXNlcjpwYXNz", "Bearerpu_sess_abc", "Token x"])
def test_any_other_header_is_not_a_bearer_request(header):
    # The chat stream then treats it as a cookie request, which needs its CSRF token.
    assert bearer_credential(header) is None
