"""The W1 ceiling: the same product page as `GET /api/v1/products?status=active&limit=25`,
served by one raw SQL query and orjson in a bare WSGI app — what Python + PostgreSQL can do
on this machine with no framework at all. Run by bench/api.py under the same server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

import orjson
import psycopg

SQL = """
SELECT p.id, p.title, p.handle, p.vendor, p.product_type, p.status, p.tags, p.published_at,
       p.created_at, p.updated_at, s.variants_count, s.price_min, s.price_max, s.inventory
FROM catalog_product p
CROSS JOIN LATERAL (
    SELECT count(*) AS variants_count, min(v.price)::text AS price_min,
           max(v.price)::text AS price_max, coalesce(sum(v.inventory_quantity), 0) AS inventory
    FROM catalog_productvariant v WHERE v.product_id = p.id AND v.deleted_at IS NULL
) s
WHERE p.status = 'active' AND p.deleted_at IS NULL
ORDER BY p.id DESC LIMIT 25
"""
KEYS = (
    "id", "title", "handle", "vendor", "productType", "status", "tags", "publishedAt",
    "createdAt", "updatedAt", "variantsCount", "priceMin", "priceMax", "inventoryQuantity",
)  # fmt: skip
_connection: dict[int, psycopg.Connection[Any]] = {}


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    import threading

    ident = threading.get_ident()
    if ident not in _connection:
        url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        _connection[ident] = psycopg.connect(url, autocommit=True)
    rows = _connection[ident].execute(SQL).fetchall()
    body = orjson.dumps({"results": [dict(zip(KEYS, row, strict=True)) for row in rows]})
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
