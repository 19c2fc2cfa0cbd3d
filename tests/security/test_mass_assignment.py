"""Mass assignment: every write endpoint (POST, PUT, PATCH of every URL pattern the policy
lists) gets bodies that try to set protected fields — ids, Shopify identity, timestamps,
server-computed totals and statuses, owners, scopes and staff flags. None may stick: the rows
they target keep their values, created rows carry server values, and no row anywhere holds a
planted value afterwards."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import override_settings
from django.urls import reverse

from accounts.models import ApiKey, User
from compliance.models import DataSubjectRequest
from tests.accounts.factories import UserFactory
from tests.security.policy import POLICY
from tests.security.report import AttackReport
from tests.security.world import World, build_world, client_for

pytestmark = pytest.mark.django_db

CANARY_ID = 987654321
CANARY_SHOPIFY_ID = 987654321987
CANARY_GID = "gid://shopify/Canary/987654321"
CANARY_TIME = "2001-02-03T04:05:06Z"
CANARY_DATETIME = datetime.datetime(2001, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
CANARY_MONEY = "987654.32"
CANARY_COUNT = 987654
UNLIMITED = "1000000/minute"

# Columns a client never sets on any model (compared before/after on the row a write targets).
PROTECTED_COLUMNS = {
    "id",
    "shopify_id",
    "admin_graphql_api_id",
    "shopify_updated_at",
    "created_at",
    "deleted_at",
    "user_id",
    "created_by_id",
    "requested_by_id",
    "scopes",
    "key_digest",
    "is_staff",
    "is_superuser",
}
# Columns the server computes on these models.
SERVER_COLUMNS: dict[str, set[str]] = {
    "orders.Order": {
        "customer_id",
        "status",
        "financial_status",
        "fulfillment_status",
        "total_price",
        "subtotal_price",
        "total_tax",
        "total_discounts",
        "total_line_items_price",
        "total_weight",
        "cancelled_at",
        "closed_at",
        "number",
        "order_number",
        "name",
        "token",
    },
    "customers.Customer": {"orders_count", "total_spent", "last_order_id", "last_order_name"},
    "customers.CustomerAddress": {"customer_id"},
    "finance.GiftCard": {"balance", "code_digest", "last_characters", "disabled_at"},
    "compliance.DataSubjectRequest": {"customer_id", "status", "completed_at", "evidence"},
    "inventory.InventoryLevel": {"inventory_item_id", "location_id"},
    "catalog.ProductVariant": {"product_id", "inventory_item_id"},
    "shipping.ShippingRate": {"shipping_zone_id"},
    "b2b.CompanyLocation": {"company_id"},
    "b2b.CompanyContact": {"company_id", "customer_id"},
    "markets.MarketRegion": {"market_id"},
    "catalog.SellingPlan": {"group_id"},
}


def protected_body(world: World, *, me: bool) -> dict[str, Any]:
    other = world.users["role:owner"].pk
    body: dict[str, Any] = {
        "id": CANARY_ID,
        "pk": CANARY_ID,
        "shopifyId": CANARY_SHOPIFY_ID,
        "adminGraphqlApiId": CANARY_GID,
        "createdAt": CANARY_TIME,
        "updatedAt": CANARY_TIME,
        "deletedAt": CANARY_TIME,
        "shopifyUpdatedAt": CANARY_TIME,
        "cancelledAt": CANARY_TIME,
        "closedAt": CANARY_TIME,
        "completedAt": CANARY_TIME,
        "totalPrice": CANARY_MONEY,
        "subtotalPrice": CANARY_MONEY,
        "totalTax": CANARY_MONEY,
        "totalDiscounts": CANARY_MONEY,
        "totalLineItemsPrice": CANARY_MONEY,
        "totalSpent": CANARY_MONEY,
        "balance": CANARY_MONEY,
        "ordersCount": CANARY_COUNT,
        "orderNumber": CANARY_COUNT,
        "number": CANARY_COUNT,
        "scopes": ["all"],
        "isStaff": True,
        "isSuperuser": True,
        "keyDigest": "0" * 64,
        "user": other,
        "userId": other,
        "createdBy": other,
        "createdById": other,
        "owner": other,
        "requestedBy": other,
        "evidence": {"planted": True},
    }
    if me:
        victim = world.ids["customer"]
        body.update(customerId=victim, customer=victim, companyId=world.ids["company"])
    return body


def with_status(body: dict[str, Any]) -> dict[str, Any]:
    return {
        **body,
        "status": "completed",
        "financialStatus": "refunded",
        "fulfillmentStatus": "fulfilled",
    }


def valid_creates(world: World) -> dict[str, dict[str, Any]]:
    """Minimal valid bodies, so creates succeed and their rows can be checked."""
    suffix = "mass-assignment"
    return {
        "product-list": {"title": "Planted product"},
        "collection-list": {"title": "Planted collection"},
        "customer-list": {"email": f"{suffix}@example.com", "firstName": "Mallory"},
        "customer-address-list": {
            "address1": "1 Planted Road",
            "city": "Ottawa",
            "countryCode": "CA",
        },
        "customer-group-list": {"name": "Planted group", "query": "orders_count > 1"},
        "me-address-list": {"address1": "2 Planted Road", "city": "Ottawa", "countryCode": "CA"},
        "me-gdpr-request-list": {"requestType": "erasure"},
        "company-list": {"name": "Planted Co"},
        "market-list": {"name": "Planted market", "handle": "planted-market"},
        "shipping-zone-list": {"name": "Planted zone"},
        "webhook-subscription-list": {
            "topic": "orders/create",
            "address": "https://hooks.example.com/planted",
        },
    }


def snapshot(row: models.Model, *, action: bool = False) -> dict[str, Any]:
    """The protected columns of `row`. An action (cancel, disable, …) changes server columns
    by design, so for actions only the columns no write ever sets are compared."""
    label = row._meta.label
    columns = PROTECTED_COLUMNS | (set() if action else SERVER_COLUMNS.get(label, set()))
    fresh = type(row)._base_manager.filter(pk=row.pk).values().first() or {}
    return {key: value for key, value in fresh.items() if key in columns}


def target_row(world: World, name: str) -> models.Model | None:
    route = POLICY[name]
    if "pk" in route.ids:
        return world.rows[route.ids["pk"]]
    if name == "me-profile":
        return world.rows["attacker_customer"]
    return None


def planted_rows() -> list[str]:
    """Every row, in every model of ours, that holds a planted value."""
    found: list[str] = []
    for model in apps.get_models():
        if model._meta.app_label not in {
            "accounts",
            "catalog",
            "customers",
            "orders",
            "inventory",
            "finance",
            "shipping",
            "b2b",
            "markets",
            "compliance",
            "webhooks",
            "core",
        }:
            continue
        condition = models.Q(pk=CANARY_ID)
        for field in model._meta.concrete_fields:
            if field.name == "shopify_id":
                condition |= models.Q(shopify_id=CANARY_SHOPIFY_ID)
            elif field.name == "admin_graphql_api_id":
                condition |= models.Q(admin_graphql_api_id=CANARY_GID)
            elif isinstance(field, models.DateTimeField):
                condition |= models.Q(**{field.name: CANARY_DATETIME})
            elif isinstance(field, models.DecimalField):
                condition |= models.Q(**{field.name: Decimal(CANARY_MONEY)})
            elif isinstance(field, (models.IntegerField, models.BigIntegerField)) and not (
                field.is_relation
            ):
                condition |= models.Q(**{field.name: CANARY_COUNT})
        rows = model._base_manager.filter(condition)
        found += [f"{model._meta.label}:{pk}" for pk in rows.values_list("pk", flat=True)]
    return found


@override_settings(
    API_KEY_RATE_LIMIT=UNLIMITED, API_USER_RATE_LIMIT=UNLIMITED, API_ANON_RATE_LIMIT=UNLIMITED
)
def test_no_protected_field_can_be_set_through_any_write_endpoint() -> None:
    world = build_world()
    report = AttackReport("mass_assignment")
    staff_flags = sorted(User.objects.values_list("pk", "is_staff", "is_superuser"))
    key_scopes = sorted(ApiKey.objects.values_list("pk", "scopes"))
    bystander = UserFactory.create(email="bystander@example.com")
    creates = valid_creates(world)
    created_ok: set[str] = set()
    writes = 0
    statuses: Counter[int] = Counter()
    for name in sorted(POLICY):
        route = POLICY[name]
        if route.kind not in ("scoped", "me"):
            continue
        client = client_for(world, "customer" if route.kind == "me" else "role:owner")
        me = route.kind == "me"
        ids = dict(route.ids)
        if me and "pk" in ids:
            ids["pk"] = f"attacker_{ids['pk']}"  # the caller's own rows
        url = reverse(name, kwargs={key: world.ids[row] for key, row in ids.items()})
        row = (
            target_row(world, name)
            if not me
            else (world.rows[ids["pk"]] if "pk" in ids else target_row(world, name))
        )
        for method in ("POST", "PUT", "PATCH"):
            if method not in route.methods.split():
                continue
            base = protected_body(world, me=me)
            bodies = [base, with_status(base)]
            if method == "POST" and name in creates:
                bodies += [{**creates[name], **base}]
            action = method == "POST"
            for body in bodies:
                before = snapshot(row, action=action) if row is not None else None
                response = getattr(client, method.lower())(url, body, format="json")
                writes += 1
                statuses[response.status_code] += 1
                after = snapshot(row, action=action) if row is not None else None
                changed = before != after
                report.tried(
                    f"{method} {name} {sorted(set(body) - set(base)) or 'protected only'}",
                    got_through=changed or response.status_code >= 500,
                    status=response.status_code,
                    before=before,
                    after=after if changed else None,
                )
                if response.status_code == 201 and method == "POST" and name in creates:
                    created_ok.add(name)
                    data = response.json()
                    report.tried(
                        f"{method} {name} created row shows server values",
                        got_through=data.get("id") == CANARY_ID
                        or data.get("shopifyId") == CANARY_SHOPIFY_ID
                        or data.get("createdAt", "").startswith("2001")
                        or (
                            me
                            and "customerId" in data
                            and data["customerId"] != world.ids["attacker_customer"]
                        ),
                        data=data,
                    )
    victim = world.rows["customer"]
    report.tried(
        "nothing was created for the other customer",
        got_through=victim.addresses.filter(address1="2 Planted Road").exists()
        or DataSubjectRequest.objects.filter(customer=victim).count() != 1,
    )
    planted = planted_rows()
    report.tried("no row anywhere holds a planted value", got_through=bool(planted), rows=planted)
    report.tried(
        "no staff flag changed",
        got_through=sorted(
            User.objects.exclude(pk=bystander.pk).values_list("pk", "is_staff", "is_superuser")
        )
        != staff_flags,
    )
    report.tried(
        "no API key scope changed",
        got_through=sorted(ApiKey.objects.values_list("pk", "scopes")) != key_scopes,
    )
    # The valid creates did create (so their rows were really checked).
    assert created_ok == set(creates), sorted(set(creates) - created_ok)
    assert writes > 150
    print(f"[mass assignment] responses by status: {dict(sorted(statuses.items()))}")
    # Most writes were accepted (the protected fields were ignored, not merely refused).
    assert statuses[200] + statuses[201] > writes / 3, statuses
    report.assert_none_got_through()
