"""Fixtures for the accounts tests."""

import pytest
from django.core.cache import cache


@pytest.fixture
def fresh_rate_limits():
    # allauth keeps rate limits in the cache; every test client comes from 127.0.0.1.
    cache.clear()
    yield
    cache.clear()
