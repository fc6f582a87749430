"""Strict-Transport-Security: sent on https when PARLEY_PUBLIC_URL is https, for one year
by default, this host only; PARLEY_HSTS_SECONDS changes the age, 0 turns it off."""

from parley.tests.serving import parley_env, settings_under


def _hsts(tmp_path, **env):
    return settings_under(parley_env(tmp_path, **env), "SECURE_HSTS_SECONDS")


def test_an_https_public_url_turns_hsts_on_for_a_year(tmp_path):
    assert _hsts(tmp_path, PARLEY_PUBLIC_URL="https://chat.example.com") == {
        "SECURE_HSTS_SECONDS": 31_536_000
    }


def test_hsts_seconds_are_a_setting_and_zero_turns_it_off(tmp_path):
    https = {"PARLEY_PUBLIC_URL": "https://chat.example.com"}
    assert _hsts(tmp_path, **https, PARLEY_HSTS_SECONDS="300")["SECURE_HSTS_SECONDS"] == 300
    assert _hsts(tmp_path, **https, PARLEY_HSTS_SECONDS="0")["SECURE_HSTS_SECONDS"] == 0
    assert (
        "PARLEY_HSTS_SECONDS must be 0"
        in _hsts(tmp_path, **https, PARLEY_HSTS_SECONDS="-1")["error"]
    )


def test_an_http_public_url_never_sends_hsts(tmp_path):
    assert _hsts(tmp_path, PARLEY_PUBLIC_URL="http://127.0.0.1:8000")["SECURE_HSTS_SECONDS"] == 0


def test_https_pages_carry_the_header_without_subdomains_or_preload(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000  # what an https public URL sets (above)
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")
