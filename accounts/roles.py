"""The default roles: slug -> (name, description, grants as (resource, action) with scope `all`).

accounts/migrations/0004_seed_default_roles seeds a copy of these (a test keeps the two equal);
`accounts.services.default_roles_ensure` recreates any that are missing."""

from __future__ import annotations

from .scopes import FAMILIES


def _grants(write: tuple[str, ...] = (), read: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(family, "write") for family in write] + [(family, "read") for family in read]


DEFAULT_ROLES: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "owner": ("Owner", "Everything, including shop settings.", [("all", "write")]),
    "admin": (
        "Admin",
        "Every resource; shop settings read-only.",
        _grants(write=tuple(f for f in FAMILIES if f != "settings"), read=("settings",)),
    ),
    "staff": (
        "Staff",
        "Day-to-day catalog, customer, order and stock work.",
        _grants(
            write=("products", "customers", "orders", "inventory"),
            read=("locations", "finance", "shipping", "b2b", "markets"),
        ),
    ),
    "fulfillment": (
        "Fulfillment",
        "Ships orders and keeps stock.",
        _grants(write=("orders", "inventory"), read=("products", "locations", "shipping")),
    ),
    "support": (
        "Support",
        "Helps customers: their records, their orders, their GDPR requests.",
        _grants(write=("customers", "compliance"), read=("orders", "products", "finance")),
    ),
    "read-only": ("Read-only", "Reads every resource, changes nothing.", _grants(read=FAMILIES)),
}
