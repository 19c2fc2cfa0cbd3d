"""A small shop with one row of everything, two customers and two B2B companies, so every URL
pattern can be called with concrete ids. The rows of `victim` (a customer, their addresses,
orders, GDPR requests, company) are "someone else's" for the `attacker` customer login."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rest_framework.test import APIClient

from accounts.models import ApiKey, Role, User
from accounts.services import (
    api_key_create,
    customer_account_create,
    default_roles_ensure,
    role_assign,
)
from accounts.tokens import token_pair_issue
from tests.accounts.factories import UserFactory
from tests.b2b.factories import (
    CompanyContactFactory,
    CompanyFactory,
    CompanyLocationFactory,
    PaymentTermsFactory,
)
from tests.catalog.factories import (
    CollectionFactory,
    CollectionProductFactory,
    MetafieldDefinitionFactory,
    MetafieldFactory,
    ProductFactory,
    ProductVariantFactory,
    SellingPlanFactory,
    SellingPlanGroupFactory,
    SmartCollectionFactory,
)
from tests.compliance.factories import DataSubjectRequestFactory
from tests.core.factories import EventFactory, ShopFactory
from tests.customers.factories import (
    CustomerAddressFactory,
    CustomerFactory,
    CustomerGroupFactory,
    CustomerGroupMembershipFactory,
)
from tests.finance.factories import DiscountCodeFactory, GiftCardFactory
from tests.inventory.factories import (
    InventoryAdjustmentFactory,
    InventoryItemFactory,
    InventoryLevelFactory,
    LocationFactory,
)
from tests.markets.factories import MarketFactory, MarketRegionFactory
from tests.orders.factories import (
    AbandonedCheckoutFactory,
    FulfillmentFactory,
    FulfillmentOrderFactory,
    OrderFactory,
    OrderLineItemFactory,
    RefundFactory,
)
from tests.shipping.factories import (
    FulfillmentServiceFactory,
    ShippingRateFactory,
    ShippingZoneFactory,
)
from tests.webhooks.factories import WebhookSubscriptionFactory

PASSWORD = "correct-horse-battery-42"


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    api_keys: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, row: Any) -> Any:
        self.rows[name] = row
        self.ids[name] = row.pk
        return row


def bearer(user: User) -> str:
    return f"Bearer {token_pair_issue(user=user).access}"


def client_for(world: World, identity: str) -> APIClient:
    """An API client with the credentials of `identity`: anonymous, a user of `world.users`,
    or `key:<scope>` (an API key holding just that scope)."""
    client = APIClient()
    if identity == "anonymous":
        return client
    if identity.startswith("key:"):
        client.credentials(HTTP_X_API_KEY=world.api_keys[identity.removeprefix("key:")])
        return client
    client.credentials(HTTP_AUTHORIZATION=bearer(world.users[identity]))
    return client


def build_world(*, api_key_scopes: tuple[str, ...] = ()) -> World:
    world = World()
    default_roles_ensure()  # seeded by a migration; a flushing test may have removed them
    ShopFactory.create()

    # Catalog.
    product = world.add("product", ProductFactory.create())
    world.add("variant", ProductVariantFactory.create(product=product))
    collection = world.add("collection", CollectionFactory.create())
    CollectionProductFactory.create(collection=collection, product=product)
    world.add("smart_collection", SmartCollectionFactory.create())
    world.add("metafield_definition", MetafieldDefinitionFactory.create())
    world.add("metafield", MetafieldFactory.create())
    plan_group = world.add("selling_plan_group", SellingPlanGroupFactory.create())
    world.add("selling_plan", SellingPlanFactory.create(group=plan_group))

    # Inventory.
    location = world.add("location", LocationFactory.create())
    other_location = world.add("other_location", LocationFactory.create())
    item = world.add("inventory_item", InventoryItemFactory.create())
    world.add(
        "inventory_level", InventoryLevelFactory.create(inventory_item=item, location=location)
    )
    other_item = world.add("other_inventory_item", InventoryItemFactory.create())
    world.add(
        "other_inventory_level",
        InventoryLevelFactory.create(inventory_item=other_item, location=other_location),
    )
    world.add(
        "inventory_adjustment",
        InventoryAdjustmentFactory.create(inventory_item=item, location=location),
    )
    world.add(
        "other_inventory_adjustment",
        InventoryAdjustmentFactory.create(inventory_item=other_item, location=other_location),
    )

    # Customers: the victim (someone else) and the attacker (the customer login under test).
    victim = world.add("customer", CustomerFactory.create(email="victim@example.com"))
    world.add("address", CustomerAddressFactory.create(customer=victim))
    attacker = world.add("attacker_customer", CustomerFactory.create(email="attacker@example.com"))
    world.add("attacker_address", CustomerAddressFactory.create(customer=attacker))
    group = world.add("customer_group", CustomerGroupFactory.create())
    CustomerGroupMembershipFactory.create(group=group, customer=victim)

    # B2B: the victim's company and the attacker's company (the attacker is its contact).
    company = world.add("company", CompanyFactory.create())
    world.add("company_location", CompanyLocationFactory.create(company=company))
    world.add("company_contact", CompanyContactFactory.create(company=company, customer=victim))
    attacker_company = world.add("attacker_company", CompanyFactory.create())
    world.add("attacker_company_location", CompanyLocationFactory.create(company=attacker_company))
    CompanyContactFactory.create(company=attacker_company, customer=attacker)
    world.add("payment_terms", PaymentTermsFactory.create())

    # Orders.
    order = world.add(
        "order", OrderFactory.create(customer=victim, email=victim.email, location=location)
    )
    OrderLineItemFactory.create(order=order)
    world.add("refund", RefundFactory.create(order=order))
    world.add("fulfillment", FulfillmentFactory.create(order=order))
    world.add(
        "fulfillment_order", FulfillmentOrderFactory.create(order=order, assigned_location=location)
    )
    world.add("abandoned_checkout", AbandonedCheckoutFactory.create(customer=victim))
    world.add(
        "company_order",
        OrderFactory.create(customer=victim, company=company, location=other_location),
    )
    attacker_order = world.add(
        "attacker_order", OrderFactory.create(customer=attacker, email=attacker.email)
    )
    OrderLineItemFactory.create(order=attacker_order)
    world.add(
        "attacker_company_order", OrderFactory.create(customer=victim, company=attacker_company)
    )

    # Finance, shipping, markets, webhooks, events, GDPR.
    world.add("gift_card", GiftCardFactory.create())
    world.add("discount_code", DiscountCodeFactory.create())
    zone = world.add("shipping_zone", ShippingZoneFactory.create())
    world.add("shipping_rate", ShippingRateFactory.create(shipping_zone=zone))
    world.add("fulfillment_service", FulfillmentServiceFactory.create())
    market = world.add("market", MarketFactory.create())
    world.add("market_region", MarketRegionFactory.create(market=market))
    world.add("webhook_subscription", WebhookSubscriptionFactory.create())
    world.add("event", EventFactory.create())
    world.add("gdpr_request", DataSubjectRequestFactory.create(customer=victim))
    world.add("attacker_gdpr_request", DataSubjectRequestFactory.create(customer=attacker))

    # Identities.
    world.users["customer"] = customer_account_create(customer=attacker, password=PASSWORD)
    world.users["victim"] = customer_account_create(customer=victim, password=PASSWORD)
    world.users["staff"] = UserFactory.create(email="nobody@example.com")
    for role in Role.objects.order_by("slug"):
        user = UserFactory.create(email=f"role-{role.slug}@example.com")
        role_assign(user=user, role_slug=role.slug)
        world.users[f"role:{role.slug}"] = user
    for scope in api_key_scopes:
        _row, key = api_key_create(name=f"only {scope}", scopes=[scope])
        world.api_keys[scope] = key
    assert ApiKey.objects.count() == len(api_key_scopes)
    return world
