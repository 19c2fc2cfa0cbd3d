"""A deterministic store generator: the same arguments give the same records, ids and timestamps.

Sizes scale to the W6 bench (10,000 products / 100,000 variants / 20,000 customers / 50,000
orders) in seconds: money dicts are shared, inventory quantities are small dicts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from shopify.simulator import records as build
from shopify.simulator.store import Store
from shopify.simulator.values import Record, amount, gid, money, money_bag, stamp

SHOP_DOMAIN = "stockroom-simulator.myshopify.com"
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
HORIZON = datetime(2026, 6, 30, tzinfo=UTC)

_ADJECTIVES = ["Classic", "Organic", "Rugged", "Compact", "Deluxe", "Vintage", "Modern", "Light"]
_NOUNS = ["Mug", "Backpack", "Lamp", "Jacket", "Notebook", "Bottle", "Chair", "Scarf", "Kettle"]
_VENDORS = ["Acme", "Northwind", "Globex", "Initech", "Umbrella"]
_COLORS = ["Red", "Blue", "Green", "Black", "White", "Yellow", "Grey", "Pink"]
_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
_TAGS = ["sale", "new", "eco", "gift", "bestseller"]
_FIRST_NAMES = ["Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Ken", "Frances"]
_LAST_NAMES = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Liskov", "Thompson"]
# city, province, province code, country, country code, tax title, tax rate
_PLACES = [
    ("Ottawa", "Ontario", "ON", "Canada", "CA", "HST", 0.13),
    ("Louisville", "Kentucky", "KY", "United States", "US", "KY State Tax", 0.06),
    ("Berlin", None, None, "Germany", "DE", "DE VAT", 0.19),
]
# Every stage of an order's life in each run of 20 orders (fulfilled is the most common).
LIFECYCLES = (
    "fulfilled",
    "paid",
    "authorized",
    "fulfilled",
    "partially_refunded",
    "paid",
    "fulfilled",
    "partial",
    "voided",
    "fulfilled",
    "paid",
    "refunded",
    "fulfilled",
    "pending",
    "paid",
    "fulfilled",
    "partially_refunded",
    "authorized",
    "fulfilled",
    "refunded",
)
_CARDS = [("Visa", "424242"), ("Mastercard", "555555"), ("American Express", "378282")]
_CARRIERS = [
    ("UPS", "https://www.ups.com/track?tracknum="),
    ("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels="),
]


class Ids:
    """Increasing 64-bit ids per resource, spaced irregularly like Shopify's."""

    _START = {
        "Product": 7_000_000_000_000,
        "ProductVariant": 40_000_000_000_000,
        "ProductOption": 9_000_000_000_000,
        "ProductOptionValue": 5_000_000_000_000,
        "InventoryItem": 45_000_000_000_000,
        "MediaImage": 30_000_000_000_000,
        "Metafield": 20_000_000_000_000,
        "Collection": 400_000_000_000,
        "Customer": 6_000_000_000_000,
        "MailingAddress": 8_000_000_000_000,
        "Order": 5_500_000_000_000,
        "LineItem": 13_000_000_000_000,
        "Fulfillment": 4_400_000_000_000,
        "FulfillmentLineItem": 9_800_000_000_000,
        "Refund": 900_000_000_000,
        "RefundLineItem": 500_000_000_000,
        "OrderTransaction": 6_600_000_000_000,
        "ShippingLine": 4_700_000_000_000,
        "Location": 60_000_000_000,
        "BasicEvent": 7_700_000_000_000,
        "WebhookSubscription": 1_200_000_000_000,
        "BulkOperation": 3_100_000_000_000,
    }

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next: dict[str, int] = dict(self._START)

    def __call__(self, kind: str) -> int:
        self.next[kind] += 1 + self.rng.getrandbits(10) % 997
        return self.next[kind]


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randint(0, max(seconds, 0)))


def shop_record(seed: int) -> Record:
    return {
        "__typename": "Shop",
        "_id": 60_000_000 + seed,
        "id": gid("Shop", 60_000_000 + seed),
        "name": "Stockroom Simulator",
        "email": "owner@simulator.example.com",
        "contactEmail": "owner@simulator.example.com",
        "myshopifyDomain": SHOP_DOMAIN,
        "currencyCode": "USD",
        "ianaTimezone": "America/New_York",
        "timezoneAbbreviation": "EST",
        "createdAt": stamp(EPOCH),
        "updatedAt": stamp(EPOCH),
        "plan": {"publicDisplayName": "Basic", "shopifyPlus": False, "partnerDevelopment": False},
    }


class Generator:
    def __init__(self, store: Store, seed: int) -> None:
        self.store = store
        self.rng = random.Random(seed)
        self.ids = Ids(self.rng)
        self.stocking: list[Record] = []  # generated locations: where generated items are stocked

    # --- locations ---------------------------------------------------------------------------

    def locations(self, count: int) -> None:
        for index in range(count):
            city, province, code, country, country_code, _, _ = _PLACES[index % len(_PLACES)]
            created = EPOCH + timedelta(days=index)
            self.stocking.append(
                self.store.add(
                    "locations",
                    build.location_record(
                        legacy_id=self.ids("Location"),
                        name=f"Warehouse {index + 1}",
                        address={
                            "address1": f"{index + 1} Depot Road",
                            "city": city,
                            "province": province,
                            "provinceCode": code,
                            "country": country,
                            "countryCode": country_code,
                            "zip": f"{10000 + index}",
                            "phone": f"+1613555{index:04d}",
                        },
                        is_active=True,
                        created_at=stamp(created),
                        updated_at=stamp(created + timedelta(days=3)),
                    ),
                )
            )

    # --- products ----------------------------------------------------------------------------

    def products(self, count: int, *, big_product: bool) -> None:
        rng = self.rng
        locations = self.stocking
        big_index = count // 2 if big_product and count else -1
        span = (HORIZON - EPOCH) / max(count, 1)
        for index in range(count):
            created = EPOCH + span * index + timedelta(seconds=rng.randint(0, 3600))
            if index == big_index:  # Shopify's maximum: 2,048 variants
                axes = [
                    ("Size", [f"S{number:02d}" for number in range(32)]),
                    ("Color", [f"C{number:02d}" for number in range(64)]),
                ]
            else:
                axes = self._option_axes()
            self.product(index, axes, created, locations)

    def _option_axes(self) -> list[tuple[str, list[str]]]:
        """About ten variants a product on average (W6: 10,000 products, ~100,000 variants)."""
        rng = self.rng
        shape = rng.choices((0, 1, 2), weights=(1, 2, 7))[0]
        if shape == 0:
            return [("Title", ["Default Title"])]
        colors = rng.sample(_COLORS, rng.randint(2, 6))
        if shape == 1:
            return [("Color", colors)]
        return [("Color", colors), ("Size", rng.sample(_SIZES, rng.randint(2, 5)))]

    def product(
        self,
        index: int,
        axes: list[tuple[str, list[str]]],
        created: datetime,
        locations: list[Record],
    ) -> Record:
        rng, ids = self.rng, self.ids
        updated = _moment(rng, created, HORIZON)
        title = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} {index}"
        created_at, updated_at = stamp(created), stamp(updated)
        product = build.product_record(
            legacy_id=ids("Product"),
            title=title,
            handle=title.lower().replace(" ", "-"),
            description_html=f"<p>{title}, generated for the simulator.</p>",
            vendor=rng.choice(_VENDORS),
            product_type=rng.choice(_NOUNS),
            status=rng.choices(["ACTIVE", "DRAFT", "ARCHIVED"], weights=[8, 1, 1])[0],
            tags=sorted(rng.sample(_TAGS, rng.randint(0, 2))),
            template_suffix=None,
            published_at=created_at,
            created_at=created_at,
            updated_at=updated_at,
        )
        product["hasOnlyDefaultVariant"] = axes[0][0] == "Title"
        for position, (name, values) in enumerate(axes, start=1):
            product["options"].append(
                build.option_record(
                    legacy_id=ids("ProductOption"),
                    name=name,
                    position=position,
                    values=[(ids("ProductOptionValue"), value) for value in values],
                )
            )
        for position in range(1, rng.randint(1, 3) + 1):
            media_id = ids("MediaImage")
            product["media"].append(
                build.media_record(
                    legacy_id=media_id,
                    alt=f"{title} picture {position}",
                    url=f"https://cdn.shopify.com/s/files/1/0000/0001/files/{media_id}.jpg",
                    width=1200,
                    height=900,
                    created_at=created_at,
                )
            )
        for namespace, key, type_name, value in (
            (
                "custom",
                "material",
                "single_line_text_field",
                rng.choice(["cotton", "steel", "oak"]),
            ),
            ("custom", "care_guide", "multi_line_text_field", "Wipe clean.\nDo not bleach."),
        )[: rng.randint(0, 2)]:
            product["metafields"].append(
                build.metafield_record(
                    legacy_id=ids("Metafield"),
                    owner=product,
                    namespace=namespace,
                    key=key,
                    value=value,
                    type_name=type_name,
                    created_at=created_at,
                )
            )
        combinations: list[list[str]] = [[]]
        for _, values in axes:
            combinations = [[*combo, value] for combo in combinations for value in values]
        base_price = Decimal(rng.randint(500, 20_000)) / 100
        price = amount(base_price)
        compare_at = amount(base_price * 2) if rng.random() < 0.2 else None
        names = [name for name, _ in axes]
        media = product["media"]
        for position, combo in enumerate(combinations, start=1):
            variant_id = ids("ProductVariant")
            sku = f"SKU-{variant_id}"
            item = build.inventory_item_record(
                legacy_id=ids("InventoryItem"),
                sku=sku,
                requires_shipping=True,
                tracked=True,
                unit_cost=amount(base_price / 2),
                weight_grams=50 + rng.getrandbits(12),
                harmonized_system_code="620520" if position % 3 == 0 else None,
                country_code_of_origin="CA" if position % 2 else None,
                created_at=created_at,
                updated_at=updated_at,
            )
            variant = build.variant_record(
                product=product,
                legacy_id=variant_id,
                title=" / ".join(combo),
                sku=sku,
                barcode=str(variant_id % 10**12),
                position=position,
                price=price,
                compare_at_price=compare_at,
                taxable=True,
                inventory_policy="DENY" if position % 5 else "CONTINUE",
                created_at=created_at,
                updated_at=updated_at,
                selected_options=list(zip(names, combo, strict=True)),
                inventory_item=item,
            )
            if media and position % 2:
                variant["media"] = [media[(position // 2) % len(media)]]
            for location in locations:
                available = rng.getrandbits(7) % 101
                committed = available % 4
                item["inventoryLevels"].append(
                    build.inventory_level_record(
                        item=item,
                        location=location,
                        quantities={
                            "available": available,
                            "on_hand": available + committed,
                            "committed": committed,
                            "incoming": 10 if available < 5 else 0,
                            "reserved": 0,
                        },
                        updated_at=updated_at,
                    )
                )
            product["variants"].append(variant)
            self.store.tables["variants"][variant_id] = variant
            self.store.tables["inventory_items"][item["_id"]] = item
        self.store.add("products", product)
        return product

    # --- collections -------------------------------------------------------------------------

    def collections(self, count: int) -> None:
        rng, ids = self.rng, self.ids
        products = sorted(self.store.records("products"), key=lambda record: record["_id"])
        for index in range(count):
            updated = _moment(rng, EPOCH, HORIZON)
            smart = index % 3 == 2
            collection_id = ids("Collection")
            if smart:
                tag = _TAGS[index % len(_TAGS)]
                members = [product for product in products if tag in product["tags"]]
                rule_set: Record | None = {
                    "appliedDisjunctively": False,
                    "rules": [{"column": "TAG", "relation": "EQUALS", "condition": tag}],
                }
                title = f"Tagged {tag} {index}"  # handles are unique per shop
            else:
                members = rng.sample(products, min(len(products), rng.randint(1, 30)))
                rule_set = None
                title = f"{rng.choice(_ADJECTIVES)} picks {index}"
            self.store.add(
                "collections",
                build.collection_record(
                    legacy_id=collection_id,
                    title=title,
                    handle=title.lower().replace(" ", "-"),
                    description_html=f"<p>{title}</p>",
                    sort_order="BEST_SELLING" if smart else "MANUAL",
                    updated_at=stamp(updated),
                    image=None
                    if index % 2
                    else {
                        "id": gid("CollectionImage", collection_id),
                        "url": f"https://cdn.shopify.com/s/files/1/0000/0001/collections/{collection_id}.jpg",
                        "altText": title,
                        "width": 800,
                        "height": 600,
                    },
                    rule_set=rule_set,
                    products=members,
                ),
            )

    # --- customers ---------------------------------------------------------------------------

    def customers(self, count: int) -> None:
        rng, ids = self.rng, self.ids
        span = (HORIZON - EPOCH) / max(count, 1)
        for index in range(count):
            created = EPOCH + span * index
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            addresses = []
            for _ in range(rng.randint(0, 2)):
                city, province, code, country, country_code, _, _ = rng.choice(_PLACES)
                addresses.append(
                    build.address_record(
                        legacy_id=ids("MailingAddress"),
                        model="CustomerAddress",
                        fields={
                            "firstName": first,
                            "lastName": last,
                            "address1": f"{rng.randint(1, 999)} Main Street",
                            "city": city,
                            "province": province,
                            "provinceCode": code,
                            "country": country,
                            "countryCodeV2": country_code,
                            "zip": f"{rng.randint(10000, 99999)}",
                            "phone": None,
                        },
                    )
                )
            consent_at = stamp(created)
            subscribed = rng.random() < 0.4
            phone = f"+1613555{index % 10000:04d}" if index % 3 == 0 else None
            self.store.add(
                "customers",
                build.customer_record(
                    legacy_id=ids("Customer"),
                    first_name=first,
                    last_name=last,
                    email=f"{first}.{last}.{index}@example.com".lower(),
                    phone=phone,
                    state=rng.choices(["ENABLED", "DISABLED", "INVITED"], weights=[6, 3, 1])[0],
                    note="Prefers email" if index % 7 == 0 else None,
                    tags=sorted(rng.sample(["vip", "wholesale", "newsletter"], rng.randint(0, 2))),
                    verified_email=index % 5 != 0,
                    tax_exempt=index % 11 == 0,
                    email_marketing=(
                        ("SUBSCRIBED", "SINGLE_OPT_IN", consent_at)
                        if subscribed
                        else ("NOT_SUBSCRIBED", None, None)
                    ),
                    sms_marketing=("NOT_SUBSCRIBED", "SINGLE_OPT_IN", None),
                    created_at=stamp(created),
                    updated_at=stamp(_moment(rng, created, HORIZON)),
                    addresses=addresses,
                ),
            )

    # --- orders ------------------------------------------------------------------------------

    def orders(self, count: int) -> None:
        rng = self.rng
        customers = sorted(self.store.records("customers"), key=lambda record: record["_id"])
        products = [
            product
            for product in sorted(self.store.records("products"), key=lambda record: record["_id"])
            if len(product["variants"]) < 200
        ]
        locations = self.stocking
        if not products:
            return
        span = (HORIZON - EPOCH) / max(count, 1)
        number = max((order["number"] for order in self.store.records("orders")), default=1000)
        for index in range(count):
            number += 1
            created = EPOCH + span * index + timedelta(seconds=rng.randint(0, 60))
            customer = rng.choice(customers) if customers and rng.random() < 0.85 else None
            lines = []
            for _ in range(rng.randint(1, 4)):
                product = rng.choice(products)
                lines.append((rng.choice(product["variants"]), rng.randint(1, 3)))
            order = self.order(
                number=number,
                created=created,
                customer=customer,
                lines=lines,
                location=locations[index % len(locations)] if locations else None,
                lifecycle=LIFECYCLES[index % len(LIFECYCLES)],
            )
            self.store.add("orders", order)
        for customer in customers:
            orders = customer.pop("_orders", [])
            if orders:
                spent = Decimal(customer["amountSpent"]["amount"]) + sum(
                    Decimal(order["currentTotalPriceSet"]["shopMoney"]["amount"])
                    for order in orders
                )
                customer["numberOfOrders"] = str(int(customer["numberOfOrders"]) + len(orders))
                customer["amountSpent"] = money(amount(spent))
                customer["lastOrder"] = orders[-1]
                customer["updatedAt"] = max(customer["updatedAt"], orders[-1]["updatedAt"])

    def order(
        self,
        *,
        number: int,
        created: datetime,
        customer: Record | None,
        lines: list[tuple[Record, int]],
        location: Record | None,
        lifecycle: str,
    ) -> Record:
        rng, ids = self.rng, self.ids
        order_id = ids("Order")
        city, province, code, country, country_code, tax_title, tax_rate = rng.choice(_PLACES)
        first = customer["firstName"] if customer else rng.choice(_FIRST_NAMES)
        last = customer["lastName"] if customer else rng.choice(_LAST_NAMES)
        address_fields = {
            "firstName": first,
            "lastName": last,
            "company": "Initech" if number % 9 == 0 else None,
            "address1": f"{number % 900 + 1} Market Street",
            "city": city,
            "province": province,
            "provinceCode": code,
            "country": country,
            "countryCodeV2": country_code,
            "zip": f"{20000 + number % 70000}",
            "phone": "+16135550100",
        }
        discount = number % 7 == 0
        line_items: list[Record] = []
        subtotal = Decimal(0)
        total_tax = Decimal(0)
        total_discount = Decimal(0)
        weight = 0
        for variant, quantity in lines:
            price = Decimal(variant["price"])
            line_total = price * quantity
            line_discount = (
                (line_total * Decimal("0.10")).quantize(Decimal("0.01")) if discount else Decimal(0)
            )
            tax = ((line_total - line_discount) * Decimal(str(tax_rate))).quantize(Decimal("0.01"))
            subtotal += line_total - line_discount
            total_tax += tax
            total_discount += line_discount
            weight += int(variant["inventoryItem"]["measurement"]["weight"]["value"]) * quantity
            product = variant["product"]
            line_items.append(
                {
                    "__typename": "LineItem",
                    "_id": ids("LineItem"),
                    "name": f"{product['title']} - {variant['title']}",
                    "title": product["title"],
                    "variantTitle": variant["title"],
                    "sku": variant["sku"],
                    "vendor": product["vendor"],
                    "quantity": quantity,
                    "currentQuantity": quantity,
                    "unfulfilledQuantity": quantity,
                    "requiresShipping": True,
                    "taxable": True,
                    "isGiftCard": False,
                    "product": product,
                    "variant": variant,
                    "originalUnitPriceSet": money_bag(amount(price)),
                    "totalDiscountSet": money_bag(amount(line_discount)),
                    "customAttributes": [{"key": "gift_wrap", "value": "yes"}]
                    if quantity == 3
                    else [],
                    "taxLines": [build.tax_line(tax_title, tax_rate, amount(tax))],
                }
            )
        for line in line_items:
            line["id"] = gid("LineItem", line["_id"])
        shipping = Decimal("0.00") if subtotal > 100 else Decimal("10.00")
        total = subtotal + total_tax + shipping
        created_at = stamp(created)
        processed_at = created_at
        moments = [created + timedelta(hours=hours) for hours in (1, 26, 50, 75)]
        fulfillments: list[Record] = []
        refunds: list[Record] = []
        transactions: list[Record] = []
        gateway = "shopify_payments" if number % 4 else "bogus"
        card = _CARDS[number % len(_CARDS)]

        def transaction(kind: str, value: Decimal, when: datetime, parent: Record | None) -> Record:
            transaction_id = ids("OrderTransaction")
            record: Record = {
                "__typename": "OrderTransaction",
                "_id": transaction_id,
                "id": gid("OrderTransaction", transaction_id),
                "kind": kind,
                "status": "SUCCESS",
                "gateway": gateway,
                "test": gateway == "bogus",
                "errorCode": None,
                "authorizationCode": f"AUTH{transaction_id % 1000000:06d}",
                "processedAt": stamp(when),
                "createdAt": stamp(when),
                "amountSet": money_bag(amount(value)),
                "parentTransaction": parent,
                "location": None,
                "receiptJson": '{"paid_amount":"' + amount(value) + '"}',
                "paymentDetails": {
                    "__typename": "CardPaymentDetails",
                    "company": card[0],
                    "number": "•••• •••• •••• 4242",
                    "bin": card[1],
                    "name": f"{first} {last}",
                    "expirationMonth": 12,
                    "expirationYear": 2030,
                },
            }
            transactions.append(record)
            return record

        financial, fulfillment_status = "PENDING", "UNFULFILLED"
        cancelled_at: str | None = None
        cancel_reason: str | None = None
        refunded_total = Decimal(0)
        last_change = created
        if lifecycle == "authorized":
            financial = "AUTHORIZED"
            transaction("AUTHORIZATION", total, created, None)
        elif lifecycle == "voided":
            financial = "VOIDED"
            authorization = transaction("AUTHORIZATION", total, created, None)
            transaction("VOID", total, moments[0], authorization)
            cancelled_at, cancel_reason = stamp(moments[0]), "CUSTOMER"
            last_change = moments[0]
        elif lifecycle != "pending":
            financial = "PAID"
            if number % 3 == 0:
                authorization = transaction("AUTHORIZATION", total, created, None)
                payment = transaction("CAPTURE", total, moments[0], authorization)
            else:
                payment = transaction("SALE", total, created, None)
            if lifecycle in {"fulfilled", "partial", "refunded", "partially_refunded"}:
                shipped = line_items if lifecycle != "partial" else line_items[:1]
                fulfillments.append(
                    self._fulfillment(order_id, number, shipped, location, moments[1])
                )
                for line in shipped:
                    line["unfulfilledQuantity"] = 0
                fulfillment_status = (
                    "FULFILLED" if len(shipped) == len(line_items) else "PARTIALLY_FULFILLED"
                )
                last_change = moments[1]
            if lifecycle in {"refunded", "partially_refunded"}:
                refunded_lines = line_items if lifecycle == "refunded" else line_items[:1]
                refund_value = sum(
                    (
                        Decimal(line["originalUnitPriceSet"]["shopMoney"]["amount"])
                        * line["quantity"]
                        - Decimal(line["totalDiscountSet"]["shopMoney"]["amount"])
                        + Decimal(line["taxLines"][0]["priceSet"]["shopMoney"]["amount"])
                        for line in refunded_lines
                    ),
                    Decimal(0),
                )
                if lifecycle == "refunded":
                    refund_value += shipping
                refunds.append(self._refund(refunded_lines, location, moments[2], refund_value))
                transaction("REFUND", refund_value, moments[2], payment)
                for line in refunded_lines:
                    line["currentQuantity"] = 0
                refunded_total = refund_value
                financial = "REFUNDED" if lifecycle == "refunded" else "PARTIALLY_REFUNDED"
                last_change = moments[2]
        closed = fulfillment_status == "FULFILLED" and financial in {"PAID", "REFUNDED"}
        if closed:
            last_change = max(last_change, moments[3])
        updated = _moment(rng, last_change, last_change + timedelta(days=2))
        shipping_line_id = ids("ShippingLine")
        order: Record = {
            "__typename": "Order",
            "_id": order_id,
            "id": gid("Order", order_id),
            "legacyResourceId": str(order_id),
            "name": f"#{number}",
            "number": number,  # GraphQL Order.number is the number in the name (#1001)
            "email": customer["_email"] if customer else f"guest{number}@example.com",
            "phone": customer["_phone"] if customer else None,
            "note": "Leave at the door" if number % 6 == 0 else None,
            "tags": ["wholesale"] if number % 10 == 0 else [],
            "test": gateway == "bogus",
            "confirmed": True,
            "closed": closed,
            "closedAt": stamp(moments[3]) if closed else None,
            "cancelledAt": cancelled_at,
            "cancelReason": cancel_reason,
            "processedAt": processed_at,
            "createdAt": created_at,
            "updatedAt": stamp(updated),
            "currencyCode": "USD",
            "presentmentCurrencyCode": "USD",
            "taxesIncluded": False,
            "displayFinancialStatus": financial,
            "displayFulfillmentStatus": fulfillment_status,
            "paymentGatewayNames": [gateway],
            "discountCodes": ["SAVE10"] if discount else [],
            "sourceName": "web",
            "sourceIdentifier": None,
            "customerLocale": "en",
            "customerAcceptsMarketing": number % 2 == 0,
            "cartToken": f"cart{order_id:x}",
            "checkoutToken": f"checkout{order_id:x}",
            "confirmationNumber": f"C{order_id % 10**9:09d}",
            "clientIp": f"192.0.2.{number % 250 + 1}",
            "customer": customer,
            "customAttributes": [{"key": "channel", "value": "online"}] if number % 5 == 0 else [],
            "billingAddress": build.address_record(
                legacy_id=ids("MailingAddress"), model="Address", fields=address_fields
            ),
            "shippingAddress": build.address_record(
                legacy_id=ids("MailingAddress"), model="Address", fields=address_fields
            ),
            "subtotalPriceSet": money_bag(amount(subtotal)),
            "totalPriceSet": money_bag(amount(total)),
            "totalTaxSet": money_bag(amount(total_tax)),
            "totalDiscountsSet": money_bag(amount(total_discount)),
            "totalShippingPriceSet": money_bag(amount(shipping)),
            "currentTotalPriceSet": money_bag(amount(total - refunded_total)),
            "totalWeight": str(weight),
            "taxLines": [build.tax_line(tax_title, tax_rate, amount(total_tax))],
            "shippingLines": [
                {
                    "__typename": "ShippingLine",
                    "_id": shipping_line_id,
                    "id": gid("ShippingLine", shipping_line_id),
                    "title": "Free Shipping" if not shipping else "Standard Shipping",
                    "code": "FREE" if not shipping else "STANDARD",
                    "source": "shopify",
                    "originalPriceSet": money_bag(amount(shipping)),
                    "discountedPriceSet": money_bag(amount(shipping)),
                }
            ],
            "fulfillments": fulfillments,
            "refunds": refunds,
            "transactions": transactions,
            "lineItems": line_items,
        }
        if customer is not None:
            customer.setdefault("_orders", []).append(order)
        return order

    def _fulfillment(
        self,
        order_id: int,
        number: int,
        lines: list[Record],
        location: Record | None,
        when: datetime,
    ) -> Record:
        ids = self.ids
        fulfillment_id = ids("Fulfillment")
        company, url = _CARRIERS[number % len(_CARRIERS)]
        tracking = f"1Z{fulfillment_id % 10**10:010d}"
        items = []
        for line in lines:
            item_id = ids("FulfillmentLineItem")
            items.append(
                {
                    "__typename": "FulfillmentLineItem",
                    "_id": item_id,
                    "id": gid("FulfillmentLineItem", item_id),
                    "quantity": line["quantity"],
                    "lineItem": line,
                }
            )
        return {
            "__typename": "Fulfillment",
            "_id": fulfillment_id,
            "id": gid("Fulfillment", fulfillment_id),
            "legacyResourceId": str(fulfillment_id),
            "name": f"#{number}-F1",
            "status": "SUCCESS",
            "displayStatus": "DELIVERED" if number % 2 else "IN_TRANSIT",
            "createdAt": stamp(when),
            "updatedAt": stamp(when + timedelta(hours=5)),
            "location": location,
            "service": {"serviceName": "Manual", "handle": "manual"},
            "trackingInfo": [{"company": company, "number": tracking, "url": url + tracking}],
            "fulfillmentLineItems": items,
            "_order_id": order_id,
        }

    def _refund(
        self, lines: list[Record], location: Record | None, when: datetime, value: Decimal
    ) -> Record:
        ids = self.ids
        refund_id = ids("Refund")
        items = []
        for line in lines:
            item_id = ids("RefundLineItem")
            subtotal = Decimal(line["originalUnitPriceSet"]["shopMoney"]["amount"]) * line[
                "quantity"
            ] - Decimal(line["totalDiscountSet"]["shopMoney"]["amount"])
            items.append(
                {
                    "__typename": "RefundLineItem",
                    "_id": item_id,
                    "id": gid("RefundLineItem", item_id),
                    "quantity": line["quantity"],
                    "restockType": "RETURN",
                    "restocked": True,
                    "lineItem": line,
                    "location": location,
                    "subtotalSet": money_bag(amount(subtotal)),
                    "totalTaxSet": line["taxLines"][0]["priceSet"],
                }
            )
        return {
            "__typename": "Refund",
            "_id": refund_id,
            "id": gid("Refund", refund_id),
            "legacyResourceId": str(refund_id),
            "note": "Returned by the customer",
            "createdAt": stamp(when),
            "updatedAt": stamp(when),
            "processedAt": stamp(when),
            "totalRefundedSet": money_bag(amount(value)),
            "refundLineItems": items,
        }


def generate(
    *,
    seed: int,
    products: int,
    customers: int,
    orders: int,
    locations: int,
    big_product: bool,
    collections: int | None = None,
    before_products: Callable[[Store, Ids], None] | None = None,
) -> Generator:
    """A generator that has filled its store; it keeps allocating ids for later records.
    `before_products` seeds extra records (the REST fixtures) after the generated locations."""
    store = Store(shop=shop_record(seed))
    generator = Generator(store, seed)
    generator.locations(max(locations, 1))
    if before_products is not None:
        before_products(store, generator.ids)
    generator.products(products, big_product=big_product)
    generator.collections(max(3, products // 10) if collections is None else collections)
    generator.customers(customers)
    generator.orders(orders)
    return generator
