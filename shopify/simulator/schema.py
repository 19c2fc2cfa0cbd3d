"""Shopify's Admin GraphQL schema (vendored introspection, see schema/NOTICE.md), built once."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from graphql import GraphQLSchema, build_client_schema

API_VERSION = "2026-10"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "admin_2026-10.json.gz"


@lru_cache(maxsize=1)
def admin_schema() -> GraphQLSchema:
    with gzip.open(SCHEMA_PATH, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    schema = build_client_schema(data["data"])
    # Shopify's schema trips one of graphql-core's schema-validation rules (a deprecated
    # required argument); Shopify serves it anyway, and so do we.
    schema._validation_errors = []
    return schema
