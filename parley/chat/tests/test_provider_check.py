"""Testing a provider's connection (Admin panel → Models → Test connection): every way the
test can end, each against a real endpoint (the fake provider, or a port or host that is not
there), and the key never in what the admin is shown."""

import pytest

from parley.chat import provider_check
from parley.chat.provider_check import (
    ConnectionRefused,
    HostNotFound,
    KeyRefused,
    KeyUnreadable,
    TimedOut,
    TlsFailed,
    UnexpectedStatus,
)
from parley.tests.serving import free_port


def _shown(check) -> str:
    """Everything the result block can show the admin."""
    return " ".join([check.summary, check.note, check.failure.reason if check.failure else ""])


def test_a_good_provider_accepts_the_key_and_lists_which_configured_models_it_serves(
    make_provider,
):
    check = provider_check.check_provider(provider=make_provider())
    assert check.ok and check.reachable and check.key_accepted
    assert (check.listed, check.unlisted) == (["normal"], ["gpt-typo"])
    assert check.summary == f"Connected in {check.milliseconds} ms; the API key was accepted."
    assert 0 < check.seconds < 5


def test_a_local_server_without_a_key_is_fine(make_provider):
    check = provider_check.check_provider(provider=make_provider(key=""))
    assert check.ok and not check.key_sent
    assert "answered without an API key" in check.summary


@pytest.mark.parametrize(("key", "status"), [("sk-wrong", "401"), ("sk-forbidden", "403")])
def test_a_refused_key_is_reported_as_refused(make_provider, key, status):
    check = provider_check.check_provider(provider=make_provider(key=key))
    assert isinstance(check.failure, KeyRefused)
    assert check.reachable and check.key_accepted is False and not check.models
    assert f"The provider refused the API key (HTTP {status}" in check.summary
    assert key not in _shown(check)


def test_a_port_nobody_listens_on_is_reported_as_a_refused_connection(make_provider):
    check = provider_check.check_provider(
        provider=make_provider(base_url=f"http://127.0.0.1:{free_port()}/v1")
    )
    assert isinstance(check.failure, ConnectionRefused)
    assert not check.reachable and check.key_accepted is None
    assert check.summary.startswith("Could not reach the provider: the connection was refused")


def test_a_host_name_that_does_not_resolve_is_reported_as_not_found(make_provider):
    check = provider_check.check_provider(
        provider=make_provider(base_url="http://parley-provider-check.invalid/v1")
    )
    assert isinstance(check.failure, HostNotFound)
    assert "host name could not be found (DNS)" in check.summary


def test_https_to_a_plain_http_server_is_reported_as_a_tls_failure(make_provider, fake_provider):
    https_url = fake_provider.url.replace("http://", "https://") + "/v1"
    check = provider_check.check_provider(provider=make_provider(base_url=https_url))
    assert isinstance(check.failure, TlsFailed)
    assert "the secure connection (TLS) failed" in check.summary
    assert "https:// versus http://" in check.summary


def test_a_provider_that_does_not_answer_is_given_up_on_in_time(make_provider, monkeypatch):
    monkeypatch.setattr(provider_check, "MAX_SECONDS", 0.3)
    check = provider_check.check_provider(provider=make_provider(key="sk-timeout"))
    assert isinstance(check.failure, TimedOut)
    assert check.summary == "The provider did not answer within 0.3 seconds."
    assert check.seconds < 2


def test_the_test_waits_the_providers_timeout_but_never_more_than_15_seconds(make_provider):
    assert provider_check.wait_seconds(provider=make_provider(timeout=5)) == 5
    assert provider_check.wait_seconds(provider=make_provider(timeout=600)) == 15


def test_a_server_without_a_model_list_is_fine_but_says_what_was_not_checked(make_provider):
    check = provider_check.check_provider(provider=make_provider(key="sk-no-models"))
    assert check.ok and check.reachable
    assert not check.listing_offered and check.key_accepted is None and not check.models
    assert check.summary == f"Connected in {check.milliseconds} ms."
    assert "offers no model list (GET /models answered HTTP 404). That is fine" in check.note


def test_a_web_page_instead_of_a_model_list_hints_at_the_base_url(make_provider):
    check = provider_check.check_provider(provider=make_provider(key="sk-html"))
    assert check.ok and not check.listing_offered
    assert "not with a model list" in check.note and "ends in /v1" in check.note


def test_another_http_error_shows_the_status_and_the_providers_words_without_the_key(
    make_provider,
):
    check = provider_check.check_provider(provider=make_provider(key="sk-500"))
    assert isinstance(check.failure, UnexpectedStatus) and check.reachable
    # The fake repeats the key in its error message; it is blanked out.
    assert check.summary == (
        "The provider answered GET /models with HTTP 500 Internal Server Error: "
        "“fake 500 for key [API key]”."
    )
    assert "sk-500" not in _shown(check)


def test_a_key_that_cannot_be_decrypted_is_reported_without_contacting_the_provider(
    make_provider,
):
    provider = make_provider()
    provider.api_key_encrypted = "encrypted-under-another-secret-key"
    check = provider_check.check_provider(provider=provider)
    assert isinstance(check.failure, KeyUnreadable)
    assert check.seconds == 0
    assert "can no longer be decrypted" in check.summary
