"""The six default roles and their grants (resource, action, scope). Editable in the admin
afterwards: this migration only creates roles that do not exist yet."""

from django.db import migrations

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


def _grants(write: tuple[str, ...] = (), read: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(family, "write") for family in write] + [(family, "read") for family in read]


ROLES = {
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


def seed_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    AccessPermission = apps.get_model("accounts", "AccessPermission")
    for slug, (name, description, grants) in ROLES.items():
        role, created = Role.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        if not created:
            continue
        AccessPermission.objects.bulk_create(
            AccessPermission(role=role, resource=resource, action=action, scope="all")
            for resource, action in grants
        )


def unseed_roles(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(slug__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_add_roles_and_customer_login")]

    operations = [migrations.RunPython(seed_roles, unseed_roles)]
