"""A small shop with one row of everything, two customers and two B2B companies, so every URL
pattern can be called with concrete ids. The rows of `victim` (a customer, their addresses,
orders, GDPR requests, company) are "someone else's" for the `attacker` customer login."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import ApiKey, Role, User
from accounts.services import (
    api_key_create,
    customer_account_create,
    role_assign,
)
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
    return f"Bearer {RefreshToken.for_user(user).access_token}"


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
    ShopFactory()

    # Catalog.
    product = world.add("product", ProductFactory())
    world.add("variant", ProductVariantFactory(product=product))
    collection = world.add("collection", CollectionFactory())
    CollectionProductFactory(collection=collection, product=product)
    world.add("smart_collection", SmartCollectionFactory())
    world.add("metafield_definition", MetafieldDefinitionFactory())
    world.add("metafield", MetafieldFactory())
    plan_group = world.add("selling_plan_group", SellingPlanGroupFactory())
    world.add("selling_plan", SellingPlanFactory(group=plan_group))

    # Inventory.
    location = world.add("location", LocationFactory())
    other_location = world.add("other_location", LocationFactory())
    item = world.add("inventory_item", InventoryItemFactory())
    world.add("inventory_level", InventoryLevelFactory(inventory_item=item, location=location))
    other_item = world.add("other_inventory_item", InventoryItemFactory())
    world.add(
        "other_inventory_level",
        InventoryLevelFactory(inventory_item=other_item, location=other_location),
    )
    world.add(
        "inventory_adjustment", InventoryAdjustmentFactory(inventory_item=item, location=location)
    )
    world.add(
        "other_inventory_adjustment",
        InventoryAdjustmentFactory(inventory_item=other_item, location=other_location),
    )

    # Customers: the victim (someone else) and the attacker (the customer login under test).
    victim = world.add("customer", CustomerFactory(email="victim@example.com"))
    world.add("address", CustomerAddressFactory(customer=victim))
    attacker = world.add("attacker_customer", CustomerFactory(email="attacker@example.com"))
    world.add("attacker_address", CustomerAddressFactory(customer=attacker))
    group = world.add("customer_group", CustomerGroupFactory())
    CustomerGroupMembershipFactory(group=group, customer=victim)

    # B2B: the victim's company and the attacker's company (the attacker is its contact).
    company = world.add("company", CompanyFactory())
    world.add("company_location", CompanyLocationFactory(company=company))
    world.add("company_contact", CompanyContactFactory(company=company, customer=victim))
    attacker_company = world.add("attacker_company", CompanyFactory())
    world.add("attacker_company_location", CompanyLocationFactory(company=attacker_company))
    CompanyContactFactory(company=attacker_company, customer=attacker)
    world.add("payment_terms", PaymentTermsFactory())

    # Orders.
    order = world.add("order", OrderFactory(customer=victim, email=victim.email, location=location))
    OrderLineItemFactory(order=order)
    world.add("refund", RefundFactory(order=order))
    world.add("fulfillment", FulfillmentFactory(order=order))
    world.add("fulfillment_order", FulfillmentOrderFactory(order=order, assigned_location=location))
    world.add("abandoned_checkout", AbandonedCheckoutFactory(customer=victim))
    world.add(
        "company_order",
        OrderFactory(customer=victim, company=company, location=other_location),
    )
    attacker_order = world.add(
        "attacker_order", OrderFactory(customer=attacker, email=attacker.email)
    )
    OrderLineItemFactory(order=attacker_order)
    world.add("attacker_company_order", OrderFactory(customer=victim, company=attacker_company))

    # Finance, shipping, markets, webhooks, events, GDPR.
    world.add("gift_card", GiftCardFactory())
    world.add("discount_code", DiscountCodeFactory())
    zone = world.add("shipping_zone", ShippingZoneFactory())
    world.add("shipping_rate", ShippingRateFactory(shipping_zone=zone))
    world.add("fulfillment_service", FulfillmentServiceFactory())
    market = world.add("market", MarketFactory())
    world.add("market_region", MarketRegionFactory(market=market))
    world.add("webhook_subscription", WebhookSubscriptionFactory())
    world.add("event", EventFactory())
    world.add("gdpr_request", DataSubjectRequestFactory(customer=victim))
    world.add("attacker_gdpr_request", DataSubjectRequestFactory(customer=attacker))

    # Identities.
    world.users["customer"] = customer_account_create(customer=attacker, password=PASSWORD)
    world.users["victim"] = customer_account_create(customer=victim, password=PASSWORD)
    world.users["staff"] = UserFactory(email="nobody@example.com")
    for role in Role.objects.order_by("slug"):
        user = UserFactory(email=f"role-{role.slug}@example.com")
        role_assign(user=user, role_slug=role.slug)
        world.users[f"role:{role.slug}"] = user
    for scope in api_key_scopes:
        _row, key = api_key_create(name=f"only {scope}", scopes=[scope])
        world.api_keys[scope] = key
    assert ApiKey.objects.count() == len(api_key_scopes)
    return world
