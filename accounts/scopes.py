"""API scopes: `read_<family>` / `write_<family>` per resource family, or `all`.

A write scope includes the read scope of its family."""

from __future__ import annotations

FAMILIES = (
    "products",
    "customers",
    "orders",
    "inventory",
    "locations",
    "finance",
    "shipping",
    "b2b",
    "markets",
    "compliance",
    "webhooks",
    "settings",
)
ALL = "all"
SCOPES = (ALL, *(f"{verb}_{family}" for family in FAMILIES for verb in ("read", "write")))


def scope_allows(granted: set[str] | frozenset[str], *, family: str, write: bool) -> bool:
    if ALL in granted or f"write_{family}" in granted:
        return True
    return not write and f"read_{family}" in granted


def invalid_scopes(scopes: list[str]) -> list[str]:
    return [scope for scope in scopes if scope not in SCOPES]
