"""Errors of the sync engine (the client's own errors live in shopify.client)."""

from __future__ import annotations


class SyncError(Exception):
    """A sync pass cannot go on (Shopify refused or failed a bulk operation, a page query came
    back with errors)."""


class BulkResultGoneError(SyncError):
    """The bulk operation or its result file is no longer available: run the operation again."""
