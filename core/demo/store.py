"""The store around the catalog: settings, locations, staff, shipping, markets, discounts,
gift cards, compliance policies and webhook subscriptions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from accounts.choices import PermissionAction, PermissionResource
from accounts.models import AccessPermission, ApiKey, Role, User
from accounts.services import default_roles_ensure
from compliance.models import ComplianceRecord, DataRetentionPolicy
from core.bulk import new
from core.models import Shop
from finance.models import DiscountCode, GiftCard
from inventory.models import Location
from markets.models import Market, MarketRegion
from shipping.models import FulfillmentService, ShippingRate, ShippingZone
from webhooks.models import WebhookDelivery, WebhookSubscription

from .context import DEMO_NOW, DemoContext, digest, money

DEMO_DOMAIN = "demo.stockroom.local"

LOCATIONS = [
    (
        "Main Warehouse",
        "410 Terry Ave N",
        "Seattle",
        "Washington",
        "WA",
        "United States",
        "US",
        "98109",
        "+12065550100",
        True,
    ),
    (
        "East Coast Fulfillment",
        "88 Harbor Blvd",
        "Newark",
        "New Jersey",
        "NJ",
        "United States",
        "US",
        "07102",
        "+19735550111",
        True,
    ),
    (
        "Toronto Store",
        "220 Yonge St",
        "Toronto",
        "Ontario",
        "ON",
        "Canada",
        "CA",
        "M5B 2H1",
        "+14165550122",
        True,
    ),
    (
        "Berlin Pop-up (closed)",
        "Friedrichstraße 68",
        "Berlin",
        "Berlin",
        "BE",
        "Germany",
        "DE",
        "10117",
        "+493055501",
        False,
    ),
]


def build_store(ctx: DemoContext) -> None:
    _locations(ctx)
    _shop(ctx)
    _staff(ctx)
    _shipping(ctx)
    _markets(ctx)
    _discounts(ctx)
    _compliance(ctx)
    _webhooks(ctx)


def _locations(ctx: DemoContext) -> None:
    first = ctx.ids(Location, len(LOCATIONS))
    rows = []
    for i, (
        name,
        street,
        city,
        province,
        code,
        country,
        country_code,
        zip_,
        phone,
        active,
    ) in enumerate(LOCATIONS):
        rows.append(
            new(
                Location,
                id=first + i,
                name=name,
                address1=street,
                city=city,
                province=province,
                province_code=code,
                country=country,
                country_code=country_code,
                country_name=country,
                zip=zip_,
                phone=phone,
                active=active,
                legacy=False,
                created_at=ctx.ago(900 - i * 100),
                updated_at=ctx.ago(30),
            )
        )
    ctx.load(Location, rows)
    ctx.location_ids = [row.id for row in rows if row.active]


def _shop(ctx: DemoContext) -> None:
    ctx.shop_id = ctx.ids(Shop, 1)
    ctx.load(
        Shop,
        [
            new(
                Shop,
                id=ctx.shop_id,
                name="Stockroom Demo Store",
                email="owner@demo.stockroom.local",
                domain=DEMO_DOMAIN,
                store_domain="stockroom-demo.myshopify.com",
                province="Washington",
                province_code="WA",
                country="US",
                address1="410 Terry Ave N",
                city="Seattle",
                zip="98109",
                phone="+12065550100",
                latitude=Decimal("47.622300"),
                longitude=Decimal("-122.336900"),
                primary_locale="en",
                primary_location_id=ctx.location_ids[0],
                currency="USD",
                iana_timezone="America/Los_Angeles",
                weight_unit="kg",
                taxes_included=False,
                tax_shipping=False,
                plan_display_name="Stockroom Self-hosted",
                plan_name="self_hosted",
                has_discounts=True,
                has_gift_cards=True,
                multi_location_enabled=True,
                enabled_presentment_currencies=["USD", "CAD", "EUR", "GBP"],
                created_at=ctx.ago(1000),
                updated_at=ctx.ago(1),
            )
        ],
    )


STAFF = [
    (
        "fulfillment@demo.stockroom.local",
        "Frida",
        "Lund",
        "regular",
        [
            (PermissionResource.ORDERS, PermissionAction.READ),
            (PermissionResource.ORDERS, PermissionAction.WRITE),
            (PermissionResource.INVENTORY, PermissionAction.WRITE),
        ],
    ),
    (
        "support@demo.stockroom.local",
        "Sam",
        "Okafor",
        "restricted",
        [
            (PermissionResource.CUSTOMERS, PermissionAction.READ),
            (PermissionResource.ORDERS, PermissionAction.READ),
        ],
    ),
    (
        "merchandising@demo.stockroom.local",
        "Mei",
        "Tanaka",
        "regular",
        [
            (PermissionResource.PRODUCTS, PermissionAction.WRITE),
            (PermissionResource.COLLECTIONS, PermissionAction.WRITE),
            (PermissionResource.PRODUCTS, PermissionAction.DELETE),
        ],
    ),
]


def _default_roles() -> list[Role]:
    """The seeded default roles (recreated if they were removed)."""
    default_roles_ensure()
    return list(Role.objects.filter(slug__in=["fulfillment", "support", "staff"]))


def _staff(ctx: DemoContext) -> None:
    first = ctx.ids(User, len(STAFF))
    users, permissions = [], []
    perm_id = ctx.ids(AccessPermission, sum(len(s[4]) for s in STAFF))
    for i, (email, first_name, last_name, user_type, grants) in enumerate(STAFF):
        user = User(
            id=first + i,
            email=email,
            first_name=first_name,
            last_name=last_name,
            user_type=user_type,
            is_staff=True,
            date_joined=ctx.ago(400 - i),
        )
        user.set_unusable_password()
        users.append(user)
        for resource, action in grants:
            permissions.append(
                new(
                    AccessPermission,
                    id=perm_id,
                    user_id=user.id,
                    resource=resource,
                    action=action,
                    scope="all",
                    created_at=ctx.ago(300),
                    updated_at=ctx.ago(300),
                )
            )
            perm_id += 1
    ctx.load(User, users)
    ctx.load(AccessPermission, permissions)
    ctx.staff_ids = [u.id for u in users]
    # Each demo staff member also holds the default role that fits their job.
    roles = {role.slug: role.pk for role in _default_roles()}
    memberships = Role.users.through
    first_membership = ctx.ids(memberships, len(users))
    ctx.load(
        memberships,
        [
            memberships(id=first_membership + i, role_id=roles[slug], user_id=user.id)
            for i, (user, slug) in enumerate(
                zip(users, ("fulfillment", "support", "staff"), strict=True)
            )
        ],
    )
    # An integration key as staff see it in the admin. Demo data is deterministic, so anyone
    # could rebuild this key: it is revoked. Real keys come from `create_api_key`.
    ctx.load(
        ApiKey,
        [
            new(
                ApiKey,
                id=ctx.ids(ApiKey, 1),
                name="ERP sync (revoked demo key)",
                prefix="demo0000",
                key_digest=digest("sr_demo0000_revoked"),
                scopes=["read_products", "write_orders"],
                created_by_id=users[0].id,
                revoked_at=ctx.ago(5),
                created_at=ctx.ago(90),
                updated_at=ctx.ago(5),
            )
        ],
    )


ZONES = [
    ("Domestic", ["US"], [{"code": "WA"}, {"code": "NY"}, {"code": "CA"}]),
    ("Canada", ["CA"], [{"code": "ON"}, {"code": "BC"}]),
    ("Europe", ["DE", "FR", "NL", "GB"], []),
    ("Rest of World", ["AU", "JP"], []),
]


def _shipping(ctx: DemoContext) -> None:
    zone_id = ctx.ids(ShippingZone, len(ZONES))
    zones, rates = [], []
    rate_id = ctx.ids(ShippingRate, len(ZONES) * 4)
    for i, (name, countries, provinces) in enumerate(ZONES):
        factor = Decimal(1 + i)
        zone_rates = [
            (
                "Standard",
                "weight",
                money(Decimal("5.99") * factor),
                None,
                None,
                Decimal("0"),
                Decimal("5"),
            ),
            (
                "Heavy goods",
                "weight",
                money(Decimal("19.99") * factor),
                None,
                None,
                Decimal("5"),
                Decimal("50"),
            ),
            ("Express", "flat", money(Decimal("24.99") * factor), None, None, None, None),
            ("Free over $100", "price", Decimal("0.00"), Decimal("100.00"), None, None, None),
        ]
        zones.append(
            new(
                ShippingZone,
                id=zone_id + i,
                name=name,
                countries=[{"code": c} for c in countries],
                provinces=provinces,
                weight_based_shipping_rates=[
                    {
                        "name": r[0],
                        "price": str(r[2]),
                        "weight_low": str(r[5]),
                        "weight_high": str(r[6]),
                    }
                    for r in zone_rates
                    if r[1] == "weight"
                ],
                price_based_shipping_rates=[
                    {"name": r[0], "price": str(r[2]), "min_order_subtotal": str(r[3])}
                    for r in zone_rates
                    if r[1] == "price"
                ],
                carrier_shipping_rate_providers=[],
                created_at=ctx.ago(700),
                updated_at=ctx.ago(60),
            )
        )
        for rate_name, rate_type, price, min_sub, max_sub, low, high in zone_rates:
            rates.append(
                new(
                    ShippingRate,
                    id=rate_id,
                    shipping_zone_id=zone_id + i,
                    name=rate_name,
                    rate_type=rate_type,
                    price=price,
                    currency="USD",
                    min_order_subtotal=min_sub,
                    max_order_subtotal=max_sub,
                    weight_low=low,
                    weight_high=high,
                )
            )
            rate_id += 1
    ctx.load(ShippingZone, zones)
    ctx.load(ShippingRate, rates)
    ctx.fulfillment_service_id = ctx.ids(FulfillmentService, 1)
    ctx.load(
        FulfillmentService,
        [
            new(
                FulfillmentService,
                id=ctx.fulfillment_service_id,
                name="Northwind 3PL",
                handle="northwind-3pl",
                email="ops@northwind-3pl.example",
                service_name="Northwind 3PL",
                fulfillment_orders_opt_in=True,
                include_pending_stock=False,
                provider_id="northwind",
                location_id=ctx.location_ids[1],
                callback_url="https://northwind-3pl.example/callback",
                tracking_support=True,
                inventory_management=True,
                permits_sku_sharing=False,
                created_at=ctx.ago(500),
                updated_at=ctx.ago(20),
            )
        ],
    )


MARKETS = [
    ("United States", "united-states", "en", "USD", "active", True, [("US", "USD", False)]),
    ("Canada", "canada", "en-CA", "CAD", "active", False, [("CA", "CAD", False)]),
    (
        "Europe",
        "europe",
        "de",
        "EUR",
        "active",
        False,
        [("DE", "EUR", True), ("FR", "EUR", True), ("NL", "EUR", True)],
    ),
    ("United Kingdom", "united-kingdom", "en-GB", "GBP", "active", False, [("GB", "GBP", True)]),
    ("Australia", "australia", "en-AU", "AUD", "draft", False, [("AU", "AUD", True)]),
]


def _markets(ctx: DemoContext) -> None:
    market_id = ctx.ids(Market, len(MARKETS))
    region_id = ctx.ids(MarketRegion, sum(len(m[6]) for m in MARKETS))
    markets, regions = [], []
    for i, (name, handle, locale, currency, status, primary, countries) in enumerate(MARKETS):
        markets.append(
            new(
                Market,
                id=market_id + i,
                name=name,
                handle=handle,
                primary_locale=locale,
                web_presence_id=f"web-presence-{handle}",
                currency_settings={"base_currency": currency, "local_currencies": False},
                status=status,
                enabled=status == "active",
                is_primary=primary,
                created_at=ctx.ago(600),
                updated_at=ctx.ago(10),
            )
        )
        for country, region_currency, tax_inclusive in countries:
            regions.append(
                new(
                    MarketRegion,
                    id=region_id,
                    market_id=market_id + i,
                    country_code=country,
                    name=country,
                    currency=region_currency,
                    tax_inclusive_pricing=tax_inclusive,
                )
            )
            region_id += 1
    ctx.load(Market, markets)
    ctx.load(MarketRegion, regions)
    ctx.market_ids = [m.id for m in markets]


DISCOUNTS = [
    # code, title, type, value, minimum, usage limit, starts (days ago), ends (days ago), status
    ("WELCOME10", "10% off a first order", "percentage", "10.00", None, None, 365, None, "active"),
    (
        "FREESHIP",
        "Free standard shipping",
        "shipping",
        "100.00",
        "50.00",
        None,
        200,
        None,
        "active",
    ),
    ("VIP50", "$50 off $200 for VIPs", "fixed_amount", "50.00", "200.00", 500, 120, None, "active"),
    ("SUMMER25", "Summer sale 25%", "percentage", "25.00", None, 1000, 160, 70, "expired"),
    ("BFCM2026", "Black Friday 30%", "percentage", "30.00", None, None, -27, -31, "scheduled"),
    (
        "STAFFONLY",
        "Staff discount (paused)",
        "percentage",
        "40.00",
        None,
        50,
        300,
        None,
        "disabled",
    ),
]


def _discounts(ctx: DemoContext) -> None:
    first = ctx.ids(DiscountCode, len(DISCOUNTS))
    rows = []
    for i, (code, title, type_, value, minimum, limit, starts, ends, status) in enumerate(
        DISCOUNTS
    ):
        rows.append(
            new(
                DiscountCode,
                id=first + i,
                code=code,
                title=title,
                type=type_,
                value=Decimal(value),
                amount=Decimal(value) if type_ == "fixed_amount" else None,
                currency="USD",
                minimum_amount=Decimal(minimum) if minimum else Decimal("0"),
                usage_limit=limit,
                used_count=0,
                starts_at=ctx.ago(starts),
                ends_at=ctx.ago(ends) if ends is not None else None,
                status=status,
                once_per_customer=code == "WELCOME10",
                prerequisite_subtotal_range={"greater_than_or_equal_to": minimum}
                if minimum
                else {},
                created_at=ctx.ago(max(starts, 0) + 5),
                updated_at=ctx.ago(3),
            )
        )
        ctx.discount_code_ids[code] = first + i
    ctx.load(DiscountCode, rows)


def build_gift_cards(ctx: DemoContext, count: int) -> None:
    """Gift cards (after customers exist): only a digest of each code is stored."""
    first = ctx.ids(GiftCard, count)
    rows = []
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    for i in range(count):
        code = "".join(ctx.rng.choice(alphabet) for _ in range(16))
        initial = Decimal(ctx.rng.choice([25, 50, 100, 150, 250]))
        spent = money(initial * Decimal(ctx.rng.choice([0, 0, 0.2, 0.5, 1])))
        status = "enabled"
        disabled_at = expires_on = None
        if i % 9 == 4:
            status, disabled_at = "disabled", ctx.ago(ctx.rng.randint(5, 60))
        elif i % 9 == 7:
            status, expires_on = "expired", (DEMO_NOW - timedelta(days=30)).date()
        elif i % 3 == 0:
            expires_on = (DEMO_NOW + timedelta(days=365)).date()
        rows.append(
            new(
                GiftCard,
                id=first + i,
                code_digest=digest(code),
                last_characters=code[-4:],
                initial_value=initial,
                balance=initial - spent,
                currency="USD",
                customer_id=ctx.rng.choice(ctx.customer_ids) if i % 2 == 0 else None,
                user_id=ctx.staff_ids[0] if i % 5 == 0 else None,
                note="Issued as a goodwill gesture" if i % 5 == 0 else "",
                status=status,
                disabled_at=disabled_at,
                expires_on=expires_on,
                created_at=ctx.random_past(400, 40),
                updated_at=ctx.random_past(30),
            )
        )
    ctx.load(GiftCard, rows)


RETENTION = [
    ("Order", 2555, "anonymize", "archive_then_delete", "Tax law: 7 years of bookkeeping"),
    ("Customer", 1095, "anonymize", "none", "GDPR Art. 5(1)(e) storage limitation"),
    ("AbandonedCheckout", 90, "hard_delete", "none", "Legitimate interest: cart recovery"),
    ("WebhookDelivery", 30, "hard_delete", "none", "Operational logs"),
    ("Event", 365, "hard_delete", "cold_storage", "Audit trail, then archived"),
]


def _compliance(ctx: DemoContext) -> None:
    first = ctx.ids(DataRetentionPolicy, len(RETENTION))
    ctx.load(
        DataRetentionPolicy,
        [
            new(
                DataRetentionPolicy,
                id=first + i,
                entity_type=entity,
                retention_period_days=days,
                deletion_policy=deletion,
                archive_policy=archive,
                is_active=True,
                legal_basis=basis,
                description=f"{entity} rows are kept {days} days, then {deletion}.",
                created_at=ctx.ago(500),
                updated_at=ctx.ago(500),
            )
            for i, (entity, days, deletion, archive, basis) in enumerate(RETENTION)
        ],
    )
    first = ctx.ids(ComplianceRecord, 2)
    ctx.load(
        ComplianceRecord,
        [
            new(
                ComplianceRecord,
                id=first,
                entity_type="Shop",
                entity_id=ctx.shop_id,
                compliance_type="pci_dss",
                status="compliant",
                last_audit_date=(DEMO_NOW - timedelta(days=90)).date(),
                notes="SAQ A: card data never touches Stockroom (tokens and last 4 only).",
                evidence={"saq": "A", "version": "4.0.1"},
                auditor_id=ctx.staff_ids[0],
                created_at=ctx.ago(90),
                updated_at=ctx.ago(90),
            ),
            new(
                ComplianceRecord,
                id=first + 1,
                entity_type="Shop",
                entity_id=ctx.shop_id,
                compliance_type="gdpr",
                status="pending_review",
                notes="Annual records-of-processing review due.",
                evidence={},
                created_at=ctx.ago(10),
                updated_at=ctx.ago(10),
            ),
        ],
    )


def _webhooks(ctx: DemoContext) -> None:
    topics = ["orders/create", "orders/updated", "products/update", "inventory_levels/update"]
    first = ctx.ids(WebhookSubscription, len(topics))
    ctx.load(
        WebhookSubscription,
        [
            new(
                WebhookSubscription,
                id=first + i,
                topic=topic,
                address=f"https://erp.example.com/hooks/{topic}",
                format="json",
                api_version="2026-10",
                fields=[],
                metafield_namespaces=[],
                private_metafield_namespaces=[],
                is_active=True,
                secret=digest(topic)[:32],
                created_at=ctx.ago(200),
                updated_at=ctx.ago(200),
            )
            for i, topic in enumerate(topics)
        ],
    )
    first = ctx.ids(WebhookDelivery, 6)
    rows = []
    for i in range(6):
        payload = {"id": 450789469 + i, "topic": topics[i % len(topics)]}
        received = ctx.ago(2 - i * 0.1)
        rows.append(
            new(
                WebhookDelivery,
                id=first + i,
                webhook_id=f"b54557e4-bdd9-4b37-8a5f-bf7d70bcd0{i:02d}",
                topic=topics[i % len(topics)],
                shop_domain="stockroom-demo.myshopify.com",
                api_version="2026-10",
                triggered_at=received,
                event_id=f"evt-{i}",
                received_at=received,
                payload=payload,
                payload_digest=digest(str(payload)),
                hmac_valid=True,
                status="processed",
                attempts=1,
                processed_at=received,
            )
        )
    ctx.load(WebhookDelivery, rows)
