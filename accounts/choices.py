from django.db import models


class UserType(models.TextChoices):
    REGULAR = "regular", "regular"
    RESTRICTED = "restricted", "restricted"
    PLUS = "plus", "plus"
    COLLABORATOR = "collaborator", "collaborator"


class PermissionAction(models.TextChoices):
    READ = "read", "read"
    WRITE = "write", "write"
    DELETE = "delete", "delete"


class PermissionResource(models.TextChoices):
    PRODUCTS = "products", "products"
    COLLECTIONS = "collections", "collections"
    CUSTOMERS = "customers", "customers"
    ORDERS = "orders", "orders"
    INVENTORY = "inventory", "inventory"
    LOCATIONS = "locations", "locations"
    FINANCE = "finance", "finance"
    SHIPPING = "shipping", "shipping"
    B2B = "b2b", "b2b"
    MARKETS = "markets", "markets"
    COMPLIANCE = "compliance", "compliance"
    WEBHOOKS = "webhooks", "webhooks"
    SETTINGS = "settings", "settings"
    ALL = "all", "all"


class PermissionScope(models.TextChoices):
    ALL = "all", "all records"
    OWN = "own", "own records"
    LOCATION = "location", "assigned locations"
    COMPANY = "company", "assigned company"
