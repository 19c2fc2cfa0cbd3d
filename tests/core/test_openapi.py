"""The OpenAPI schema is part of the contract: it generates without warnings and validates."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_the_schema_generates_validates_and_documents_both_credentials(tmp_path: Path) -> None:
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    assert set(schema["components"]["securitySchemes"]) == {"ApiKeyAuth", "jwtAuth"}
    assert "/api/v1/products" in schema["paths"]
    assert "/api/v1/products/{product_pk}/variants/{id}" in schema["paths"]
