"""Allowed embedding origins are exact browser origins: scheme://host[:port], nothing else."""

import pytest

from parley.errors import ValidationFailed
from parley.widget import services


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://shop.example.com", "https://shop.example.com"),
        ("HTTPS://Shop.Example.COM/", "https://shop.example.com"),
        ("https://shop.example.com:443", "https://shop.example.com"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://[::1]:3000", "http://[::1]:3000"),
    ],
)
def test_an_origin_is_stored_as_the_browser_writes_it(given, stored):
    assert services.normalize_origin(given) == stored


@pytest.mark.parametrize(
    "bad",
    [
        "https://shop.example.com/path",
        "https://shop.example.com/?q=1",
        "https://shop.example.com#x",
        "https://*.example.com",
        "*",
        "shop.example.com",
        "ftp://shop.example.com",
        "javascript:alert(1)",
        "null",
        "https://user@shop.example.com",
        "https://shop_example.com",
        "https://",
        "https://shop.example.com:99999",
    ],
)
def test_paths_wildcards_and_non_origins_are_refused(bad):
    with pytest.raises(ValidationFailed):
        services.normalize_origin(bad)


def test_origins_are_parsed_one_per_line_and_deduplicated():
    text = "https://a.example\nhttps://A.example/\n\nhttp://b.example:8000, https://c.example"
    assert services.parse_origins(text) == [
        "https://a.example",
        "http://b.example:8000",
        "https://c.example",
    ]


def test_settings_are_saved_only_when_all_are_valid(db):
    services.update_widget_settings(
        allowed_origins=["https://a.example"],
        title="Help",
        accent_color="#112233",
        position="bottom-left",
        open_on_load=True,
    )
    with pytest.raises(ValidationFailed):
        services.update_widget_settings(
            allowed_origins=["https://b.example/path"],
            title="Other",
            accent_color="#112233",
            position="bottom-left",
            open_on_load=True,
        )
    found = services.widget_settings()
    assert (found.allowed_origins, found.title) == (["https://a.example"], "Help")
    assert services.frame_ancestors(found=found) == "frame-ancestors https://a.example"
