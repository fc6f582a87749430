"""After a URL login the person stays on this host, on the same page, minus the code."""

import pytest

from parley.external_auth.urls_cleaning import code_values, target_without_code


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/", "externalAuthCode=abc", "/"),
        ("/chat/42", "externalAuthCode=abc&tab=files", "/chat/42?tab=files"),
        ("/chat", "lang=de&externalAuthCode=abc&x=", "/chat?lang=de&x="),
        ("/a b/ü", "externalAuthCode=abc", "/a%20b/%C3%BC"),
        # open-redirect attempts: always a path on this host
        ("//evil.example/", "externalAuthCode=abc", "/evil.example/"),
        ("/\\evil.example", "externalAuthCode=abc", "/evil.example"),
        ("\\\\evil.example", "externalAuthCode=abc", "/evil.example"),
        ("/%2F/evil.example", "externalAuthCode=abc", "/%2F/evil.example"),
        (
            "///evil.example/x",
            "next=//evil.example&externalAuthCode=a",
            "/evil.example/x?next=%2F%2Fevil.example",
        ),
    ],
)
def test_the_redirect_target_is_the_same_path_on_this_host_without_the_code(path, query, expected):
    target = target_without_code(path=path, query_string=query)
    assert target == expected
    assert target.startswith("/") and not target.startswith(("//", "/\\"))
    assert "externalAuthCode" not in target


def test_every_code_parameter_is_found():
    assert code_values("externalAuthCode=a&externalAuthCode=b") == ["a", "b"]
    assert code_values("externalauthcode=a") == []
    assert code_values("x=1") == []
