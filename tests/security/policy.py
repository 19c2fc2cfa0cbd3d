"""The checked-in authorization policy: every URL pattern, who may call it, and with which ids.

Each row: route name -> (kind, family, methods served, URL ids).
- kind `scoped`: API credentials with a scope of `family` (reads need read_ or write_, other
  methods write_); staff get scopes from their roles, customer logins never.
- kind `scoped_write`: like `scoped`, but every method, reads too, needs write_ (GDPR
  exports and erasures: an export is all of a person's data).
- kind `me`: a customer's own login only; ids in the URL are someone else's rows (404).
- kind `public`: no API credentials involved (health, docs, sign-in, Shopify OAuth); must
  simply never fail with a 5xx.
- kind `hmac`: Shopify webhooks, authenticated by their signature: 401 without one.
`ids` maps each URL keyword to a row of tests.security.world.World.

ROLE_SCOPES is what each seeded role must grant (accounts/migrations/0004_seed_default_roles)."""

from __future__ import annotations

from typing import NamedTuple

from accounts.scopes import FAMILIES


class Route(NamedTuple):
    kind: str
    family: str
    methods: str
    ids: dict[str, str]


def scoped(family: str, methods: str, **ids: str) -> Route:
    return Route("scoped", family, methods, ids)


def scoped_write(family: str, methods: str, **ids: str) -> Route:
    return Route("scoped_write", family, methods, ids)


def me(methods: str, **ids: str) -> Route:
    return Route("me", "me", methods, ids)


PUBLIC = Route("public", "", "", {})
ITEM = "GET PUT PATCH DELETE"
LIST = "GET POST"

POLICY: dict[str, Route] = {
    "health": PUBLIC,
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
    "auth-token": PUBLIC,
    "auth-refresh": PUBLIC,
    "auth-logout": PUBLIC,
    "auth-logout-all": PUBLIC,  # a JWT's own logout: 401 without one, no scope involved
    "shopify:install": PUBLIC,
    "shopify:callback": PUBLIC,
    "webhooks:shopify": Route("hmac", "", "", {}),
    # Self-service.
    "me-profile": me("GET PUT PATCH"),
    "me-address-list": me(LIST),
    "me-address-detail": me(ITEM, pk="address"),
    "me-address-default": me("POST", pk="address"),
    "me-order-list": me("GET"),
    "me-order-detail": me("GET", pk="order"),
    "me-gdpr-request-list": me(LIST),
    "me-gdpr-request-detail": me("GET", pk="gdpr_request"),
    "me-company-location-list": me("GET"),
    "me-company-location-detail": me("GET", pk="company_location"),
    # Catalog.
    "product-list": scoped("products", LIST),
    "product-bulk": scoped("products", "POST"),
    "product-detail": scoped("products", ITEM, pk="product"),
    "variant-list": scoped("products", LIST, product_pk="product"),
    "variant-bulk": scoped("products", "POST", product_pk="product"),
    "variant-detail": scoped("products", ITEM, product_pk="product", pk="variant"),
    "collection-list": scoped("products", LIST),
    "collection-detail": scoped("products", ITEM, pk="collection"),
    "collection-product-list": scoped("products", LIST, collection_pk="collection"),
    "collection-product-detail": scoped(
        "products", "DELETE", collection_pk="collection", pk="product"
    ),
    "smart-collection-list": scoped("products", LIST),
    "smart-collection-detail": scoped("products", ITEM, pk="smart_collection"),
    "smart-collection-products": scoped("products", "GET", collection_pk="smart_collection"),
    "metafield-definition-list": scoped("products", LIST),
    "metafield-definition-detail": scoped("products", ITEM, pk="metafield_definition"),
    "metafield-list": scoped("products", LIST),
    "metafield-detail": scoped("products", ITEM, pk="metafield"),
    "selling-plan-group-list": scoped("products", LIST),
    "selling-plan-group-detail": scoped("products", ITEM, pk="selling_plan_group"),
    "selling-plan-list": scoped("products", LIST, group_pk="selling_plan_group"),
    "selling-plan-detail": scoped(
        "products", ITEM, group_pk="selling_plan_group", pk="selling_plan"
    ),
    # Customers.
    "customer-list": scoped("customers", LIST),
    "customer-bulk": scoped("customers", "POST"),
    "customer-detail": scoped("customers", ITEM, pk="customer"),
    "customer-address-list": scoped("customers", LIST, customer_pk="customer"),
    "customer-consent-list": scoped("customers", LIST, customer_pk="customer"),
    "customer-gdpr-export": scoped_write("compliance", "GET POST", customer_pk="customer"),
    "customer-gdpr-erase": scoped_write("compliance", "POST", customer_pk="customer"),
    "data-subject-request-detail": scoped_write("compliance", "GET", pk="gdpr_request"),
    "data-subject-request-export": scoped_write("compliance", "GET", pk="gdpr_request"),
    "customer-address-detail": scoped("customers", ITEM, customer_pk="customer", pk="address"),
    "customer-address-default": scoped("customers", "POST", customer_pk="customer", pk="address"),
    "customer-tag-list": scoped("customers", "GET"),
    "customer-group-list": scoped("customers", LIST),
    "customer-group-detail": scoped("customers", ITEM, pk="customer_group"),
    "customer-group-customers": scoped("customers", LIST, group_pk="customer_group"),
    "customer-group-customer": scoped(
        "customers", "DELETE", group_pk="customer_group", pk="customer"
    ),
    # Orders.
    "order-list": scoped("orders", LIST),
    "order-detail": scoped("orders", "GET PUT PATCH", pk="order"),
    "order-cancel": scoped("orders", "POST", pk="order"),
    "order-fulfill": scoped("orders", "POST", pk="order"),
    "order-transaction-list": scoped("orders", LIST, order_pk="order"),
    "order-refund-list": scoped("orders", LIST, order_pk="order"),
    "order-refund-detail": scoped("orders", "GET", order_pk="order", pk="refund"),
    "order-fulfillment-list": scoped("orders", "GET", order_pk="order"),
    "order-fulfillment-detail": scoped("orders", "GET", order_pk="order", pk="fulfillment"),
    "order-fulfillment-order-list": scoped("orders", "GET"),
    "order-fulfillment-order-detail": scoped("orders", "GET", pk="fulfillment_order"),
    "order-abandoned-checkout-list": scoped("orders", "GET"),
    "order-abandoned-checkout-detail": scoped("orders", "GET", pk="abandoned_checkout"),
    # Inventory and locations.
    "inventory-item-list": scoped("inventory", "GET"),
    "inventory-item-detail": scoped("inventory", "GET PUT PATCH", pk="inventory_item"),
    "inventory-level-list": scoped("inventory", "GET"),
    "inventory-level-set": scoped("inventory", "POST"),
    "inventory-level-bulk": scoped("inventory", "POST"),
    "inventory-level-detail": scoped("inventory", "GET PUT PATCH", pk="inventory_level"),
    "inventory-adjustment-list": scoped("inventory", LIST),
    "inventory-adjustment-detail": scoped("inventory", "GET", pk="inventory_adjustment"),
    "location-list": scoped("locations", LIST),
    "location-detail": scoped("locations", ITEM, pk="location"),
    # Finance.
    "gift-card-list": scoped("finance", LIST),
    "gift-card-detail": scoped("finance", "GET PUT PATCH", pk="gift_card"),
    "gift-card-disable": scoped("finance", "POST", pk="gift_card"),
    "gift-card-adjustments": scoped("finance", "POST", pk="gift_card"),
    "discount-code-list": scoped("finance", LIST),
    "discount-code-detail": scoped("finance", ITEM, pk="discount_code"),
    # Shipping.
    "shipping-zone-list": scoped("shipping", LIST),
    "shipping-zone-detail": scoped("shipping", ITEM, pk="shipping_zone"),
    "shipping-rate-list": scoped("shipping", LIST, zone_pk="shipping_zone"),
    "shipping-rate-detail": scoped("shipping", ITEM, zone_pk="shipping_zone", pk="shipping_rate"),
    "fulfillment-service-list": scoped("shipping", LIST),
    "fulfillment-service-detail": scoped("shipping", ITEM, pk="fulfillment_service"),
    # B2B.
    "payment-terms-list": scoped("b2b", LIST),
    "payment-terms-detail": scoped("b2b", ITEM, pk="payment_terms"),
    "company-list": scoped("b2b", LIST),
    "company-detail": scoped("b2b", ITEM, pk="company"),
    "company-location-list": scoped("b2b", LIST, company_pk="company"),
    "company-location-detail": scoped("b2b", ITEM, company_pk="company", pk="company_location"),
    "company-contact-list": scoped("b2b", LIST, company_pk="company"),
    "company-contact-detail": scoped("b2b", ITEM, company_pk="company", pk="company_contact"),
    # Markets.
    "market-list": scoped("markets", LIST),
    "market-detail": scoped("markets", ITEM, pk="market"),
    "market-region-list": scoped("markets", LIST, market_pk="market"),
    "market-region-detail": scoped("markets", ITEM, market_pk="market", pk="market_region"),
    # Webhook subscriptions, shop settings, events.
    "webhook-subscription-list": scoped("webhooks", LIST),
    "webhook-subscription-detail": scoped("webhooks", ITEM, pk="webhook_subscription"),
    "webhook-subscription-deliveries": scoped(
        "webhooks", "GET", subscription_pk="webhook_subscription"
    ),
    "shop-detail": scoped("settings", "GET PUT PATCH"),
    "event-list": scoped("settings", "GET"),
    "event-detail": scoped("settings", "GET", pk="event"),
    # /api/v2: the same resources, the same rules.
    "v2-product-list": scoped("products", LIST),
    "v2-product-detail": scoped("products", ITEM, pk="product"),
    "v2-variant-list": scoped("products", LIST, product_pk="product"),
    "v2-variant-detail": scoped("products", ITEM, product_pk="product", pk="variant"),
    "v2-order-list": scoped("orders", LIST),
    "v2-order-detail": scoped("orders", "GET PUT PATCH", pk="order"),
    "v2-order-cancel": scoped("orders", "POST", pk="order"),
    "v2-order-fulfill": scoped("orders", "POST", pk="order"),
    "v2-order-transaction-list": scoped("orders", LIST, order_pk="order"),
    "v2-order-refund-list": scoped("orders", LIST, order_pk="order"),
    "v2-order-refund-detail": scoped("orders", "GET", order_pk="order", pk="refund"),
    "v2-order-fulfillment-list": scoped("orders", "GET", order_pk="order"),
    "v2-order-fulfillment-detail": scoped("orders", "GET", order_pk="order", pk="fulfillment"),
}


def _role(write: tuple[str, ...] = (), read: tuple[str, ...] = ()) -> frozenset[str]:
    return frozenset({*(f"write_{f}" for f in write), *(f"read_{f}" for f in read)})


ROLE_SCOPES: dict[str, frozenset[str]] = {
    "owner": frozenset({"all"}),
    "admin": _role(write=tuple(f for f in FAMILIES if f != "settings"), read=("settings",)),
    "staff": _role(
        write=("products", "customers", "orders", "inventory"),
        read=("locations", "finance", "shipping", "b2b", "markets"),
    ),
    "fulfillment": _role(write=("orders", "inventory"), read=("products", "locations", "shipping")),
    "support": _role(write=("customers", "compliance"), read=("orders", "products", "finance")),
    "read-only": _role(read=FAMILIES),
}
