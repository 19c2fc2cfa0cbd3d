"""Broken object-level authorization: every way to reach another customer's (or another
location's, another company's) rows through ids in URLs, bodies and query strings."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AccessPermission, User
from accounts.services import staff_company_assign, staff_location_assign
from b2b.models import Company, CompanyLocation
from compliance.models import DataSubjectRequest
from customers.models import Customer, CustomerAddress
from inventory.models import InventoryAdjustment, InventoryLevel, Location
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.security.report import AttackReport
from tests.security.world import World, bearer, build_world, client_for

pytestmark = pytest.mark.django_db

FOREIGN_KEYS = ("customerId", "customer_id", "customer", "owner", "ownerId", "userId", "user")


def ids(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def snapshot(world: World) -> dict[str, Any]:
    victim = world.rows["customer"]
    return {
        "customer": Customer.objects.filter(pk=victim.pk).values().get(),
        "addresses": list(CustomerAddress.objects.filter(customer=victim).order_by("id").values()),
        "orders": list(Order.objects.filter(customer=victim).order_by("id").values()),
        "requests": list(
            DataSubjectRequest.objects.filter(customer=victim).order_by("id").values()
        ),
    }


def test_a_customer_never_reaches_another_customers_rows() -> None:
    world = build_world()
    client = client_for(world, "customer")
    victim = world.rows["customer"]
    report = AttackReport("bola_customer")
    before = snapshot(world)

    foreign = {
        "me-address-detail": [world.ids["address"]],
        "me-address-default": [world.ids["address"]],
        "me-order-detail": [
            world.ids["order"],
            world.ids["company_order"],
            world.ids["attacker_company_order"] + 1000,
        ],
        "me-gdpr-request-detail": [world.ids["gdpr_request"]],
        "me-company-location-detail": [world.ids["company_location"]],
    }
    methods = {
        "me-address-detail": ("get", "put", "patch", "delete"),
        "me-address-default": ("post",),
        "me-order-detail": ("get",),
        "me-gdpr-request-detail": ("get",),
        "me-company-location-detail": ("get",),
    }
    bodies: list[dict[str, Any]] = [
        {},
        {"address1": "1 Hijack Road", "city": "Elsewhere", "countryCode": "US"},
        {"default": True},
        {"customerId": world.ids["attacker_customer"]},
    ]
    for name, row_ids in foreign.items():
        for row_id in row_ids:
            url = reverse(name, kwargs={"pk": row_id})
            for method in methods[name]:
                for body in bodies if method != "get" else [{}]:
                    response = getattr(client, method)(url, body, format="json")
                    report.tried(
                        f"{method.upper()} {name} {row_id}",
                        got_through=response.status_code != 404,
                        status=response.status_code,
                    )
                    # Query-string and encoded variants of the same id.
                    if method == "get":
                        for suffix in (f"?customerId={victim.pk}", "?pk=1", "?id=1"):
                            response = client.get(url + suffix)
                            report.tried(
                                f"GET {name} {row_id}{suffix}",
                                got_through=response.status_code != 404,
                                status=response.status_code,
                            )

    # Lists contain exactly the caller's rows, whatever the query string says.
    expected_lists = {
        "me-address-list": {world.ids["attacker_address"]},
        "me-order-list": {world.ids["attacker_order"], world.ids["attacker_company_order"]},
        "me-gdpr-request-list": {world.ids["attacker_gdpr_request"]},
        "me-company-location-list": {world.ids["attacker_company_location"]},
    }
    for name, expected in expected_lists.items():
        for query in (
            "",
            f"?customerId={victim.pk}",
            f"?customer={victim.pk}",
            f"?companyId={world.ids['company']}",
            "?limit=250",
            f"?q={victim.email}",
            f"?email={victim.email}",
        ):
            response = client.get(reverse(name) + query)
            got = ids(response) if response.status_code == 200 else {-1}
            report.tried(f"GET {name}{query}", got_through=got != expected, got=sorted(got))

    # Foreign keys in bodies pointing at the victim: the row is still the caller's.
    for key in FOREIGN_KEYS:
        body = {
            key: victim.pk,
            "address1": f"1 {key} Street",
            "city": "Ottawa",
            "countryCode": "CA",
        }
        response = client.post(reverse("me-address-list"), body, format="json")
        created = CustomerAddress.objects.filter(address1=f"1 {key} Street").first()
        report.tried(
            f"POST me-address-list with {key}=victim",
            got_through=response.status_code != 201
            or created is None
            or created.customer_id != world.ids["attacker_customer"],
            status=response.status_code,
        )
        response = client.patch(
            reverse("me-address-detail", kwargs={"pk": world.ids["attacker_address"]}),
            {key: victim.pk},
            format="json",
        )
        report.tried(
            f"PATCH own address with {key}=victim",
            got_through=CustomerAddress.objects.get(pk=world.ids["attacker_address"]).customer_id
            != world.ids["attacker_customer"],
            status=response.status_code,
        )
        response = client.patch(
            reverse("me-profile"), {key: victim.pk, "id": victim.pk}, format="json"
        )
        report.tried(
            f"PATCH me with {key}=victim",
            got_through=response.status_code != 200
            or response.json()["id"] != world.ids["attacker_customer"],
            status=response.status_code,
        )
    DataSubjectRequest.objects.filter(customer_id=world.ids["attacker_customer"]).delete()
    for request_type in ("export", "erasure"):
        for key in FOREIGN_KEYS:
            response = client.post(
                reverse("me-gdpr-request-list"),
                {"requestType": request_type, key: victim.pk},
                format="json",
            )
            report.tried(
                f"POST me-gdpr-request {request_type} with {key}=victim",
                got_through=response.status_code not in (201, 409)
                or DataSubjectRequest.objects.filter(customer=victim).count()
                != len(before["requests"]),
                status=response.status_code,
            )

    # The staff routes to the same rows are closed to a customer login.
    staff_urls = [
        reverse("customer-detail", kwargs={"pk": victim.pk}),
        reverse("customer-address-list", kwargs={"customer_pk": victim.pk}),
        reverse(
            "customer-address-detail",
            kwargs={"customer_pk": victim.pk, "pk": world.ids["address"]},
        ),
        reverse(
            "customer-address-default",
            kwargs={"customer_pk": victim.pk, "pk": world.ids["address"]},
        ),
        reverse("order-detail", kwargs={"pk": world.ids["order"]}),
        reverse("order-cancel", kwargs={"pk": world.ids["order"]}),
        reverse("order-fulfill", kwargs={"pk": world.ids["order"]}),
        reverse("order-refund-list", kwargs={"order_pk": world.ids["order"]}),
        reverse("order-transaction-list", kwargs={"order_pk": world.ids["order"]}),
        reverse("company-detail", kwargs={"pk": world.ids["attacker_company"]}),
        reverse("company-location-list", kwargs={"company_pk": world.ids["attacker_company"]}),
        reverse("customer-list"),
        reverse("order-list"),
        reverse("v2-order-detail", kwargs={"pk": world.ids["attacker_order"]}),
    ]
    for url in staff_urls:
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(url, {"customerId": victim.pk}, format="json")
            report.tried(
                f"{method.upper()} {url} as customer",
                got_through=response.status_code not in (403, 404),
                status=response.status_code,
            )

    after = snapshot(world)
    report.tried("victim's rows unchanged", got_through=after != before)
    # And the victim's own login does reach them (the ids above are real).
    victim_client = client_for(world, "victim")
    assert (
        victim_client.get(
            reverse("me-address-detail", kwargs={"pk": world.ids["address"]})
        ).status_code
        == 200
    )
    assert (
        victim_client.get(reverse("me-order-detail", kwargs={"pk": world.ids["order"]})).status_code
        == 200
    )
    report.assert_none_got_through()


def _staff(world: World, email: str, grants: list[tuple[str, str, str]]) -> tuple[User, APIClient]:
    user = UserFactory.create(email=email)
    for resource, action, scope in grants:
        AccessPermission.objects.create(user=user, resource=resource, action=action, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(user))
    return user, client


def test_location_scoped_staff_reach_only_their_locations() -> None:
    world = build_world()
    user, client = _staff(
        world,
        "clerk@example.com",
        [
            ("inventory", "write", "location"),
            ("locations", "read", "location"),
            ("orders", "read", "location"),
        ],
    )
    staff_location_assign(user=user, location=world.rows["location"])
    report = AttackReport("bola_location_scope")
    other_level = InventoryLevel.objects.get(pk=world.ids["other_inventory_level"])
    before_levels = list(InventoryLevel.objects.order_by("id").values())
    before_adjustments = InventoryAdjustment.objects.count()

    lists = {
        "inventory-level-list": {world.ids["inventory_level"]},
        "inventory-item-list": {world.ids["inventory_item"]},
        "inventory-adjustment-list": {world.ids["inventory_adjustment"]},
        "location-list": {world.ids["location"]},
        "order-list": {world.ids["order"]},
        "order-fulfillment-order-list": {world.ids["fulfillment_order"]},
    }
    for name, expected in lists.items():
        for query in ("", f"?locationId={world.ids['other_location']}", "?limit=250"):
            response = client.get(reverse(name) + query)
            got = ids(response) if response.status_code == 200 else {-1}
            # A filter may narrow the list, never widen it.
            report.tried(
                f"GET {name}{query}",
                got_through=not got <= expected or (query == "" and got != expected),
                got=sorted(got),
            )

    hidden = [
        ("inventory-level-detail", {"pk": world.ids["other_inventory_level"]}),
        ("inventory-item-detail", {"pk": world.ids["other_inventory_item"]}),
        ("inventory-adjustment-detail", {"pk": world.ids["other_inventory_adjustment"]}),
        ("location-detail", {"pk": world.ids["other_location"]}),
        ("order-detail", {"pk": world.ids["company_order"]}),
        ("order-refund-list", {"order_pk": world.ids["company_order"]}),
        ("order-fulfillment-list", {"order_pk": world.ids["company_order"]}),
        ("v2-order-detail", {"pk": world.ids["company_order"]}),
    ]
    for name, kwargs in hidden:
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "put", "patch"):
            response = getattr(client, method)(
                url, {"available": 999, "cost": "1.00"}, format="json"
            )
            report.tried(
                f"{method.upper()} {name} {kwargs}",
                got_through=response.status_code not in (403, 404, 405),
                status=response.status_code,
            )
    other = world.ids["other_location"]
    item = world.ids["other_inventory_item"]
    writes = [
        (
            "inventory-level-set",
            {
                "inventoryItemId": item,
                "locationId": other,
                "available": 999,
                "reason": "correction",
            },
        ),
        (
            "inventory-level-bulk",
            {
                "levels": [
                    {
                        "inventoryItemId": item,
                        "locationId": other,
                        "available": 999,
                        "reason": "correction",
                    }
                ]
            },
        ),
        (
            "inventory-level-bulk",
            {
                "levels": [
                    {
                        "inventoryItemId": world.ids["inventory_item"],
                        "locationId": world.ids["location"],
                        "available": 3,
                        "reason": "correction",
                    },
                    {
                        "inventoryItemId": item,
                        "locationId": other,
                        "available": 999,
                        "reason": "correction",
                    },
                ]
            },
        ),
        (
            "inventory-adjustment-list",
            {
                "inventoryItemId": item,
                "locationId": other,
                "quantityDelta": 5,
                "reason": "received",
            },
        ),
    ]
    for name, body in writes:
        response = client.post(reverse(name), body, format="json")
        report.tried(
            f"POST {name} at another location",
            got_through=response.status_code != 404,
            status=response.status_code,
        )
    response = client.post(reverse("location-list"), {"name": "Mine now"}, format="json")
    report.tried("POST location-list (create)", got_through=response.status_code != 403)
    response = client.post(reverse("order-cancel", kwargs={"pk": world.ids["order"]}), {})
    report.tried("POST order-cancel with read-only orders", got_through=response.status_code != 403)

    report.tried(
        "levels unchanged",
        got_through=list(InventoryLevel.objects.order_by("id").values()) != before_levels,
    )
    report.tried(
        "no adjustment appended",
        got_through=InventoryAdjustment.objects.count() != before_adjustments,
    )
    # Positive: the assigned location is fully usable.
    response = client.get(
        reverse("inventory-level-detail", kwargs={"pk": world.ids["inventory_level"]})
    )
    assert response.status_code == 200
    assert other_level.available == InventoryLevel.objects.get(pk=other_level.pk).available
    report.assert_none_got_through()


def test_own_scoped_staff_reach_only_their_orders() -> None:
    world = build_world()
    user, client = _staff(world, "rep@example.com", [("orders", "write", "own")])
    mine = Order.objects.get(pk=world.ids["attacker_order"])
    Order.objects.filter(pk=mine.pk).update(user=user)
    report = AttackReport("bola_own_scope")
    before = list(Order.objects.exclude(pk=mine.pk).order_by("id").values())
    response = client.get(reverse("order-list"))
    report.tried(
        "GET order-list", got_through=ids(response) != {mine.pk}, got=sorted(ids(response))
    )
    for key in ("order", "company_order", "attacker_company_order"):
        for name in (
            "order-detail",
            "order-cancel",
            "order-fulfill",
            "v2-order-detail",
            "v2-order-cancel",
        ):
            url = reverse(name, kwargs={"pk": world.ids[key]})
            for method in ("get", "post", "patch", "put"):
                response = getattr(client, method)(
                    url, {"reason": "other", "note": "x"}, format="json"
                )
                report.tried(
                    f"{method.upper()} {name} {key}",
                    got_through=response.status_code not in (404, 405),
                    status=response.status_code,
                )
        for name in (
            "order-refund-list",
            "order-transaction-list",
            "order-fulfillment-list",
            "v2-order-refund-list",
            "v2-order-transaction-list",
        ):
            url = reverse(name, kwargs={"order_pk": world.ids[key]})
            for method in ("get", "post"):
                response = getattr(client, method)(
                    url, {"amount": "1.00", "kind": "sale"}, format="json"
                )
                report.tried(
                    f"{method.upper()} {name} {key}",
                    got_through=response.status_code not in (404, 405),
                    status=response.status_code,
                )
    for scope_query in ("?userId=1", "?user=1", "?limit=250"):
        response = client.get(reverse("order-list") + scope_query)
        report.tried(f"GET order-list{scope_query}", got_through=not ids(response) <= {mine.pk})
    report.tried(
        "other orders unchanged",
        got_through=list(Order.objects.exclude(pk=mine.pk).order_by("id").values()) != before,
    )
    assert client.get(reverse("order-detail", kwargs={"pk": mine.pk})).status_code == 200
    report.assert_none_got_through()


def test_company_scoped_users_reach_only_their_companies() -> None:
    world = build_world()
    user, client = _staff(
        world, "manager@example.com", [("b2b", "write", "company"), ("orders", "read", "company")]
    )
    staff_company_assign(user=user, company=world.rows["company"])
    report = AttackReport("bola_company_scope")
    theirs = world.ids["attacker_company"]
    before = (
        list(Company.objects.order_by("id").values()),
        list(CompanyLocation.objects.order_by("id").values()),
    )
    lists = {
        "company-list": {world.ids["company"]},
        "order-list": {world.ids["company_order"]},
    }
    for name, expected in lists.items():
        for query in ("", f"?companyId={theirs}", "?limit=250"):
            response = client.get(reverse(name) + query)
            got = ids(response) if response.status_code == 200 else {-1}
            report.tried(
                f"GET {name}{query}",
                got_through=not got <= expected or (query == "" and got != expected),
                got=sorted(got),
            )
    targets = [
        ("company-detail", {"pk": theirs}),
        ("company-location-list", {"company_pk": theirs}),
        (
            "company-location-detail",
            {"company_pk": theirs, "pk": world.ids["attacker_company_location"]},
        ),
        # A child of their company addressed through my company is not found either.
        (
            "company-location-detail",
            {"company_pk": world.ids["company"], "pk": world.ids["attacker_company_location"]},
        ),
        ("company-contact-list", {"company_pk": theirs}),
        ("order-detail", {"pk": world.ids["attacker_company_order"]}),
        ("order-detail", {"pk": world.ids["order"]}),
    ]
    for name, kwargs in targets:
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(url, {"name": "Taken over"}, format="json")
            report.tried(
                f"{method.upper()} {name} {kwargs}",
                got_through=response.status_code not in (403, 404, 405),
                status=response.status_code,
            )
    for name in ("company-list", "payment-terms-list"):
        response = client.post(reverse(name), {"name": "New Co"}, format="json")
        report.tried(f"POST {name} (create)", got_through=response.status_code != 403)
    report.tried(
        "companies unchanged",
        got_through=(
            list(Company.objects.order_by("id").values()),
            list(CompanyLocation.objects.order_by("id").values()),
        )
        != before,
    )
    assert (
        client.get(reverse("company-detail", kwargs={"pk": world.ids["company"]})).status_code
        == 200
    )
    report.assert_none_got_through()


def test_row_scopes_a_family_cannot_express_grant_nothing() -> None:
    world = build_world()
    _user, client = _staff(
        world,
        "odd@example.com",
        [
            ("customers", "write", "location"),
            ("products", "read", "own"),
            ("finance", "read", "company"),
            ("all", "write", "own"),
        ],
    )
    report = AttackReport("bola_unsupported_scope")
    for name in ("customer-list", "product-list", "gift-card-list", "shop-detail", "market-list"):
        for method in ("get", "post"):
            response = getattr(client, method)(reverse(name), {}, format="json")
            report.tried(f"{method.upper()} {name}", got_through=response.status_code != 403)
    report.assert_none_got_through()


def test_location_row_access_uses_guardian_object_permissions() -> None:
    world = build_world()
    user, client = _staff(world, "guardian@example.com", [("locations", "read", "location")])
    assert client.get(reverse("location-list")).json()["results"] == []
    staff_location_assign(user=user, location=world.rows["other_location"])
    assert user.has_perm("inventory.view_location", world.rows["other_location"])
    assert not user.has_perm("inventory.view_location", world.rows["location"])
    assert ids(client.get(reverse("location-list"))) == {world.ids["other_location"]}
    assert Location.objects.count() == 2
