"""Widget test factories: the API tests' code minting, and allowed embedding origins."""

import pytest

HOST_ORIGIN = "https://shop.example.com"


@pytest.fixture
def allow_origins(db):
    from parley.widget import services

    def allow(*origins):
        return services.update_widget_settings(
            allowed_origins=list(origins),
            title="Help",
            accent_color="#2563eb",
            position="bottom-right",
            open_on_load=False,
        )

    return allow
