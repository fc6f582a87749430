"""schemathesis generates requests from the OpenAPI schema and checks every response against
it: no 500s, only documented status codes, bodies of the documented shapes, invalid input
refused and valid input accepted."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from parley.api.keys import hash_secret
from parley.api.models import ApiKey
from parley.wsgi import application

ADMIN_KEY = "pk_live_schemathesis-key-for-this-test-run-only"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.auth()
class AdminKeyAuth:
    """Tells schemathesis how requests authenticate, so it also tries them without a key."""

    def get(self, case, context):
        return ADMIN_KEY

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def admin_key(db):
    ApiKey.objects.create(
        name="schemathesis", prefix=ADMIN_KEY[:16], key_hash=hash_secret(ADMIN_KEY)
    )
    # As Django's test client does: a request must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_api_conforms_to_its_schema(case, admin_key):
    case.call_and_validate()
