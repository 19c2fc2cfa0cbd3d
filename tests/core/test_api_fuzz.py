"""A bounded schemathesis run against the live API: no 5xx, responses match the schema.

Every operation of /api/schema/ is exercised with generated requests (valid and invalid), on
the real PostgreSQL with a small store in it, authenticated with an `all` API key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis import checks

from accounts.services import api_key_create
from config.wsgi import application
from tests.catalog.factories import ProductVariantFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
EXAMPLES = 8
# Schema-valid data may still break a business rule (an unknown variant id, a used code), so the
# "positive data acceptance" check does not apply; everything about the contract does.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def api_key(db: Any) -> Iterator[str]:
    ProductVariantFactory.create_batch(2)
    # Like django.test.Client: WSGI requests must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield api_key_create(name="fuzz", scopes=["all"])[1]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@override_settings(API_KEY_RATE_LIMIT="1000000/hour")
def test_no_input_gives_a_5xx_or_breaks_the_schema(case: Any, api_key: str) -> None:
    case.call_and_validate(headers={"X-API-Key": api_key}, checks=CHECKS)
