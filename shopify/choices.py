from django.db import models


class SyncResource(models.TextChoices):
    LOCATIONS = "locations", "locations"
    PRODUCTS = "products", "products"
    COLLECTIONS = "collections", "collections"
    CUSTOMERS = "customers", "customers"
    ORDERS = "orders", "orders"
    INVENTORY = "inventory", "inventory"


class SyncMode(models.TextChoices):
    FULL = "full", "full (bulk operation)"
    INCREMENTAL = "incremental", "incremental (updated_at window)"


class SyncStatus(models.TextChoices):
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "succeeded"
    FAILED = "failed", "failed"
    INTERRUPTED = "interrupted", "interrupted (resumable)"


class CircuitState(models.TextChoices):
    CLOSED = "closed", "closed"
    OPEN = "open", "open"
    HALF_OPEN = "half_open", "half open"


class LedgerKind(models.IntegerChoices):
    SEEN = 1, "id seen"
    CHILD = 2, "child of a parent"
    ORDER_WITH_CHILDREN = 3, "order with fulfillment or refund lines"
