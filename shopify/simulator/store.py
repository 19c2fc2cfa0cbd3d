"""The simulator's in-memory store: records as GraphQL-shaped dicts, indexed by legacy id.

Every top-level record carries `__typename`, `id` (GID), `legacyResourceId` (UnsignedInt64 as a
string) and `_id` (the numeric id, for the simulator's own use; fields starting with `_` are never
served). Child connections are plain lists of child records under the connection's field name
(`product["variants"]`), references are the referenced record itself (`variant["product"]`), so
any selection resolves without joins. Root connections are served from sorted indexes kept per
(kind, sort key) and rebuilt lazily after a change.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from shopify.simulator.values import Record, gid_parts

# GraphQL type name -> store kind.
KIND_BY_TYPE: dict[str, str] = {
    "Product": "products",
    "ProductVariant": "variants",
    "Collection": "collections",
    "Customer": "customers",
    "Order": "orders",
    "Location": "locations",
    "InventoryItem": "inventory_items",
    "BasicEvent": "events",
    "WebhookSubscription": "webhook_subscriptions",
    "BulkOperation": "bulk_operations",
    "MediaImage": "media",
    "Metafield": "metafields",
}
KINDS: tuple[str, ...] = tuple(KIND_BY_TYPE.values())

# sortKey enum value -> the record field it orders by (None, or a key not listed: the id alone).
SORT_FIELDS: dict[str, str | None] = {
    "ID": None,
    "UPDATED_AT": "updatedAt",
    "CREATED_AT": "createdAt",
    "TITLE": "title",
    "NAME": "name",
    "ORDER_NUMBER": "number",
    "PROCESSED_AT": "processedAt",
    "PUBLISHED_AT": "publishedAt",
    "VENDOR": "vendor",
    "PRODUCT_TYPE": "productType",
    "SKU": "sku",
    "POSITION": "position",
    "RELEVANCE": None,
}

SortKey = tuple[Any, int]


@dataclass
class _Index:
    version: int
    keys: list[SortKey]
    records: list[Record]


@dataclass
class Store:
    """All records of one simulated shop. `lock` guards every read of a request and every write."""

    shop: Record
    tables: dict[str, dict[int, Record]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )
    lock: threading.RLock = field(default_factory=threading.RLock)
    _versions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    _indexes: dict[tuple[str, str], _Index] = field(default_factory=dict)

    def add(self, kind: str, record: Record) -> Record:
        self.tables[kind][record["_id"]] = record
        self.touch(kind)
        return record

    def remove(self, kind: str, legacy_id: int) -> Record:
        record = self.tables[kind].pop(legacy_id)
        self.touch(kind)
        return record

    def touch(self, kind: str) -> None:
        """A record of `kind` changed: sorted indexes of that kind are rebuilt on next use."""
        self._versions[kind] += 1

    def get(self, kind: str, legacy_id: int) -> Record | None:
        return self.tables[kind].get(legacy_id)

    def require(self, kind: str, legacy_id: int) -> Record:
        record = self.tables[kind].get(legacy_id)
        if record is None:
            raise KeyError(f"no {kind} with id {legacy_id}")
        return record

    def by_gid(self, value: str) -> Record | None:
        try:
            type_name, legacy_id = gid_parts(value)
        except ValueError:
            return None
        kind = KIND_BY_TYPE.get(type_name)
        if kind is None:
            return None
        record = self.tables[kind].get(legacy_id)
        if record is None or record["__typename"] != type_name:
            return None
        return record

    def records(self, kind: str) -> Iterator[Record]:
        return iter(self.tables[kind].values())

    def ordered(self, kind: str, sort_key: str) -> tuple[list[SortKey], list[Record]]:
        """Records of `kind` in (sort value, id) order, and their keys (for bisecting cursors)."""
        version = self._versions[kind]
        index = self._indexes.get((kind, sort_key))
        if index is None or index.version != version:
            sort_field = SORT_FIELDS.get(sort_key)
            if sort_field is None:
                keyed = sorted(
                    (record["_id"], record["_id"], record) for record in self.tables[kind].values()
                )
                pairs = [((key, legacy_id), record) for key, legacy_id, record in keyed]
            else:
                fold = sort_field in {"title", "name"}
                pairs = sorted(
                    (
                        ((sort_value(record.get(sort_field), fold), record["_id"]), record)
                        for record in self.tables[kind].values()
                    ),
                    key=lambda pair: pair[0],
                )
            index = _Index(version, [key for key, _ in pairs], [record for _, record in pairs])
            self._indexes[(kind, sort_key)] = index
        return index.keys, index.records


def sort_value(value: Any, fold: bool) -> Any:
    """None sorts first; titles and names compare case-insensitively (like Shopify's)."""
    if value is None:
        return ""
    if fold and isinstance(value, str):
        return value.lower()
    return value
