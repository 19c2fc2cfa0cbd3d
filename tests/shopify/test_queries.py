"""Every document the connector sends is valid against Shopify's real 2026-10 Admin schema."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_client_schema, parse, validate

from shopify import queries

SCHEMA = Path(queries.__file__).parent / "simulator" / "schema" / "admin_2026-10.json.gz"


@cache
def admin_schema() -> GraphQLSchema:
    with gzip.open(SCHEMA, "rt", encoding="utf-8") as file:
        data = json.load(file)
    schema = build_client_schema(data["data"])
    # Shopify's schema trips one deprecation rule of graphql-core's schema validation.
    schema._validation_errors = []  # type: ignore[attr-defined]
    return schema


def errors_of(document: str) -> list[str]:
    return [error.message for error in validate(admin_schema(), parse(document))]


@pytest.mark.parametrize("name", sorted(queries.PAGED_DOCUMENTS))
def test_paged_documents_are_valid(name: str) -> None:
    assert errors_of(queries.PAGED_DOCUMENTS[name]) == []


@pytest.mark.parametrize("name", sorted(queries.BULK_DOCUMENTS))
@pytest.mark.parametrize("search", [None, "updated_at:>='2026-01-01T00:00:00Z'"])
def test_bulk_documents_are_valid(name: str, search: str | None) -> None:
    assert errors_of(queries.bulk_query(queries.BULK_DOCUMENTS[name], search)) == []


def test_a_wrong_field_is_refused() -> None:
    assert errors_of("{ shop { nameOfTheShop } }") == [
        "Cannot query field 'nameOfTheShop' on type 'Shop'."
    ]
