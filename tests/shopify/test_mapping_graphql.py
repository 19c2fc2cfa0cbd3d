"""GraphQL nodes and bulk lines -> mirror rows: every field, exact values."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shopify.mapping.graphql import (
    LineMapper,
    complete_children,
    items_from_line,
    lines_from_node,
    model_for_gid_type,
)
from shopify.rows import MODEL_KEYS, MirrorChildren, MirrorItem, MirrorRow

from .test_mapping_graphql_nodes import (
    address_node,
    collection_node,
    customer_node,
    inventory_page_node,
    location_node,
    money_bag,
    order_children_node,
    order_node,
    product_node,
    variant_node,
)

STAMP = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
CREATED = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)


def rows_of(items: list[MirrorItem], model: str) -> list[MirrorRow]:
    return [item for item in items if isinstance(item, MirrorRow) and item.model == model]


def all_items(node: dict[str, Any]) -> list[MirrorItem]:
    return [item for line in lines_from_node(node) for item in items_from_line(line)]


def test_model_for_gid_type() -> None:
    assert model_for_gid_type("ProductVariant") == "product_variant"
    assert model_for_gid_type("OrderTransaction") == "transaction"
    assert model_for_gid_type("MailingAddress") == "customer_address"
    assert model_for_gid_type("Video") is None
    assert {model_for_gid_type(name) for name in ("Product", "Collection")} <= set(MODEL_KEYS)


def test_lines_from_node_flattens_connections_with_parent_ids() -> None:
    lines = list(lines_from_node(product_node()))

    assert [(line["id"], line.get("__parentId"), line.get("__index")) for line in lines] == [
        ("gid://shopify/Product/7001", None, None),
        ("gid://shopify/ProductVariant/70011", "gid://shopify/Product/7001", 1),
        ("gid://shopify/ProductVariant/70012", "gid://shopify/Product/7001", 2),
        ("gid://shopify/MediaImage/3001", "gid://shopify/Product/7001", 1),
        ("gid://shopify/Video/3002", "gid://shopify/Product/7001", 2),
        ("gid://shopify/Metafield/5001", "gid://shopify/Product/7001", 1),
    ]
    assert {"variants", "media", "metafields"} & lines[0].keys() == set()
    # The variant's own image connection is read inline.
    assert lines[1]["media"] == {"nodes": [{"id": "gid://shopify/MediaImage/3001"}]}
    assert lines[1]["__parentUpdatedAt"] == "2026-01-02T03:04:05Z"


def test_edges_and_nodes_flatten_alike() -> None:
    node = customer_node()
    edges = {**node, "addressesV2": {"edges": [{"node": n} for n in node["addressesV2"]["nodes"]]}}

    assert [line["id"] for line in lines_from_node(edges)] == [
        line["id"] for line in lines_from_node(node)
    ]


def test_a_product_line() -> None:
    items = items_from_line(next(lines_from_node(product_node())))

    assert items[0] == MirrorRow(
        "product",
        7001,
        {
            "shopify_updated_at": STAMP,
            "admin_graphql_api_id": "gid://shopify/Product/7001",
            "created_at": CREATED,
            "title": "Cotton T-shirt",
            "handle": "cotton-t-shirt-7001",
            "body_html": "<p>Soft.</p>",
            "vendor": "Acme",
            "product_type": "Shirts",
            "status": "active",
            "tags": "Summer, cotton, summer",
            "template_suffix": "",
            "published_at": datetime(2025, 6, 2, tzinfo=UTC),
            "seo_title": "T-shirt",
            "seo_description": "",
        },
    )
    assert rows_of(items, "product_option")[0] == MirrorRow(
        "product_option",
        70011,
        {
            "shopify_updated_at": STAMP,
            "admin_graphql_api_id": "gid://shopify/ProductOption/70011",
            "name": "Size",
            "position": 1,
            "values": ["Small", "Large"],
        },
        {"product": 7001},
    )
    assert [
        (row.shopify_id, row.fields["value"], row.fields["position"], row.refs)
        for row in rows_of(items, "option_value")
    ] == [
        (700111, "Small", 1, {"option": 70011}),
        (700112, "Large", 2, {"option": 70011}),
        (700121, "Red", 1, {"option": 70012}),
    ]
    assert [item for item in items if isinstance(item, MirrorChildren)] == [
        MirrorChildren("product_option", 70011, "option_value", frozenset({700111, 700112})),
        MirrorChildren("product_option", 70012, "option_value", frozenset({700121})),
        MirrorChildren("product", 7001, "product_option", frozenset({70011, 70012})),
    ]


def test_a_variant_line_with_its_inventory_item() -> None:
    line = {**variant_node(70011, sku="TS-S"), "__parentId": "gid://shopify/Product/7001"}

    items = items_from_line(line)

    assert items == [
        MirrorRow(
            "inventory_item",
            170011,
            {
                "shopify_updated_at": STAMP,
                "admin_graphql_api_id": "gid://shopify/InventoryItem/170011",
                "created_at": CREATED,
                "sku": "TS-S",
                "requires_shipping": True,
                "tracked": True,
                "harmonized_system_code": "610910",
                "country_code_of_origin": "CA",
                "province_code_of_origin": "ON",
                "cost": Decimal("4.5"),
                "currency": "USD",
            },
        ),
        MirrorRow(
            "product_variant",
            70011,
            {
                "shopify_updated_at": STAMP,
                "admin_graphql_api_id": "gid://shopify/ProductVariant/70011",
                "created_at": CREATED,
                "title": "Small / Red",
                "sku": "TS-S",
                "barcode": "",
                "position": 1,
                "price": Decimal("19.99"),
                "compare_at_price": Decimal("24.99"),
                "taxable": True,
                "inventory_policy": "deny",
                "inventory_quantity": 7,
                "option1": "Small",
                "option2": "Red",
                "option3": "",
                "requires_shipping": True,
                "inventory_management": "shopify",
                "currency": "USD",
                "weight": Decimal("0.250"),
                "weight_unit": "kg",
                "grams": 250,
            },
            {"product": 7001, "image": 3001, "inventory_item": 170011},
        ),
    ]


def test_a_bulk_variant_leaves_its_image_alone_and_a_paged_one_without_media_clears_it() -> None:
    bulk = {**variant_node(70011), "__parentId": "gid://shopify/Product/7001"}
    del bulk["media"]
    paged = {**variant_node(70012, image=None), "__parentId": "gid://shopify/Product/7001"}
    pounds = variant_node(70013)
    pounds["inventoryItem"]["measurement"] = {"weight": {"unit": "POUNDS", "value": 2.2}}
    pounds["__parentId"] = "gid://shopify/Product/7001"

    bulk_row = rows_of(items_from_line(bulk), "product_variant")[0]
    paged_row = rows_of(items_from_line(paged), "product_variant")[0]
    pounds_row = rows_of(items_from_line(pounds), "product_variant")[0]

    assert "image" not in bulk_row.refs and "image" not in bulk_row.fields
    assert paged_row.fields["image"] is None and "image" not in paged_row.refs
    assert (
        pounds_row.fields["weight"],
        pounds_row.fields["weight_unit"],
        pounds_row.fields["grams"],
    ) == (
        Decimal("2.200"),
        "lb",
        998,
    )


def test_media_and_metafield_lines() -> None:
    lines = list(lines_from_node(product_node()))

    image = items_from_line(lines[3])
    video = items_from_line(lines[4])
    metafield = items_from_line(lines[5])

    assert image == [
        MirrorRow(
            "product_image",
            3001,
            {
                "shopify_updated_at": STAMP,
                "admin_graphql_api_id": "gid://shopify/MediaImage/3001",
                "created_at": CREATED,
                "alt": "Front",
                "src": "https://cdn.shopify.com/front.jpg",
                "width": 800,
                "height": 600,
                "position": 1,
            },
            {"product": 7001},
        )
    ]
    assert video == []
    assert metafield == [
        MirrorRow(
            "metafield",
            5001,
            {
                "shopify_updated_at": STAMP,
                "admin_graphql_api_id": "gid://shopify/Metafield/5001",
                "created_at": CREATED,
                "owner_resource": "product",
                "namespace": "custom",
                "key": "fabric",
                "value": "cotton",
                "type": "single_line_text_field",
            },
            {"owner": 7001},
        )
    ]


def test_a_line_mapper_numbers_bulk_images_and_memberships_per_parent() -> None:
    mapper = LineMapper()
    image = {
        "id": "gid://shopify/MediaImage/1",
        "image": {"url": "https://x/a.png"},
        "__parentId": "gid://shopify/Product/1",
    }
    member = {"id": "gid://shopify/Product/1", "__parentId": "gid://shopify/Collection/9"}

    positions = [
        rows_of(mapper.items({**image, "id": f"gid://shopify/MediaImage/{n}"}), "product_image")[
            0
        ].fields["position"]
        for n in (1, 2, 3)
    ]
    other_product = rows_of(
        mapper.items({**image, "__parentId": "gid://shopify/Product/2"}), "product_image"
    )[0]
    memberships = [mapper.items({**member, "id": f"gid://shopify/Product/{n}"})[0] for n in (5, 6)]

    assert positions == [1, 2, 3]
    assert other_product.fields["position"] == 1
    assert [(row.refs, row.fields) for row in memberships if isinstance(row, MirrorRow)] == [
        ({"collection": 9, "product": 5}, {"shopify_updated_at": None, "position": 1}),
        ({"collection": 9, "product": 6}, {"shopify_updated_at": None, "position": 2}),
    ]


def test_collections_custom_and_smart() -> None:
    custom = all_items(collection_node(products=(7002, 7001)))
    smart = items_from_line(next(lines_from_node(collection_node(2002, smart=True))))

    assert custom[0] == MirrorRow(
        "collection",
        2001,
        {
            "shopify_updated_at": STAMP,
            "admin_graphql_api_id": "gid://shopify/Collection/2001",
            "title": "Summer",
            "handle": "summer-2001",
            "body_html": "",
            "sort_order": "alpha-asc",
            "template_suffix": "",
            "seo_title": "",
            "seo_description": "",
            "image": {
                "src": "https://cdn.shopify.com/summer.png",
                "alt": "Sun",
                "width": 10,
                "height": 20,
            },
            "collection_type": "custom",
            "disjunctive": False,
            "rules": [],
        },
    )
    assert custom[1:] == [
        MirrorRow(
            "collection_product",
            None,
            {"shopify_updated_at": STAMP, "position": 1},
            {"collection": 2001, "product": 7002},
        ),
        MirrorRow(
            "collection_product",
            None,
            {"shopify_updated_at": STAMP, "position": 2},
            {"collection": 2001, "product": 7001},
        ),
    ]
    fields = rows_of(smart, "collection")[0].fields
    assert (fields["collection_type"], fields["disjunctive"], fields["rules"]) == (
        "smart",
        True,
        [{"column": "tag", "relation": "equals", "condition": "summer"}],
    )


def test_a_customer_line() -> None:
    items = items_from_line(next(lines_from_node(customer_node())))

    assert items == [
        MirrorRow(
            "customer",
            8001,
            {
                "shopify_updated_at": STAMP,
                "admin_graphql_api_id": "gid://shopify/Customer/8001",
                "created_at": datetime(2025, 3, 1, tzinfo=UTC),
                "first_name": "Ada",
                "last_name": "Lovelace",
                "state": "enabled",
                "note": "",
                "tags": "VIP,  wholesale",
                "verified_email": True,
                "tax_exempt": False,
                "tax_exemptions": [],
                "multipass_identifier": "",
                "orders_count": 3,
                "email": "ada@example.com",
                "phone": "+16135550199",
                "email_marketing_consent": {
                    "state": "subscribed",
                    "opt_in_level": "single_opt_in",
                    "consent_updated_at": "2025-03-02T00:00:00+00:00",
                },
                "sms_marketing_consent": {
                    "state": "not_subscribed",
                    "opt_in_level": None,
                    "consent_updated_at": None,
                },
                "accepts_marketing": True,
                "accepts_marketing_updated_at": datetime(2025, 3, 2, tzinfo=UTC),
                "marketing_opt_in_level": "single_opt_in",
                "last_order_name": "#1001",
                "total_spent": Decimal("120.50"),
                "currency": "CAD",
            },
            {"last_order": 4001, "default_address": 6002},
        ),
        # So that the default address resolves in the same apply; its own line fills the rest.
        MirrorRow("customer_address", 6002, {"shopify_updated_at": STAMP}, {"customer": 8001}),
    ]


def test_a_customer_without_default_address_or_orders() -> None:
    node = customer_node(default_address=None)
    node["lastOrder"] = None

    items = items_from_line(next(lines_from_node(node)))

    assert len(items) == 1
    row = items[0]
    assert isinstance(row, MirrorRow)
    assert (row.fields["default_address"], row.fields["last_order"], row.refs) == (None, None, {})


def test_an_address_line() -> None:
    line = {**address_node(6001, city="Toronto"), "__parentId": "gid://shopify/Customer/8001"}

    assert items_from_line(line) == [
        MirrorRow(
            "customer_address",
            6001,
            {
                "shopify_updated_at": None,
                "admin_graphql_api_id": "gid://shopify/MailingAddress/6001?model_name=CustomerAddress",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "name": "Ada Lovelace",
                "company": "",
                "address1": "1 Main St",
                "address2": "",
                "city": "Toronto",
                "province": "Ontario",
                "province_code": "ON",
                "country": "Canada",
                "country_code": "CA",
                "country_name": "Canada",
                "zip": "K1A 0A1",
                "phone": "",
            },
            {"customer": 8001},
        )
    ]


def test_an_order_line_with_its_inline_children() -> None:
    items = items_from_line(next(lines_from_node(order_node())))

    order = rows_of(items, "order")[0]
    assert order.refs == {"customer": 8001}
    bag = {
        "shop_money": {"amount": "45.98", "currency_code": "USD"},
        "presentment_money": {"amount": "45.98", "currency_code": "USD"},
    }
    expected = {
        "name": "#1001",
        "number": 1,
        "order_number": 1001,
        "email": "ada@example.com",
        "contact_email": "ada@example.com",
        "phone": "",
        "status": "open",
        "financial_status": "partially_refunded",
        "fulfillment_status": "fulfilled",
        "cancel_reason": None,
        "total_price": Decimal("45.98"),
        "total_price_set": bag,
        "subtotal_price": Decimal("39.98"),
        "total_tax": Decimal("2.00"),
        "total_discounts": Decimal("1.00"),
        "total_weight": 500,
        "discount_codes": [{"code": "SUMMER"}],
        "note_attributes": [{"name": "gift", "value": "yes"}],
        "payment_gateway_names": ["bogus"],
        "gateway": "bogus",
        "browser_ip": "127.0.0.1",
        "buyer_accepts_marketing": True,
        "tags": "web",
        "tax_lines": [
            {
                "title": "HST",
                "rate": 0.05,
                "price": "2.00",
                "price_set": {
                    "shop_money": {"amount": "2.00", "currency_code": "USD"},
                    "presentment_money": {"amount": "2.00", "currency_code": "USD"},
                },
            }
        ],
        "shipping_lines": [
            {
                "title": "Standard",
                "code": "STD",
                "source": "shopify",
                "price": "5.00",
                "price_set": {
                    "shop_money": {"amount": "5.00", "currency_code": "USD"},
                    "presentment_money": {"amount": "5.00", "currency_code": "USD"},
                },
            }
        ],
        "shopify_updated_at": datetime(2026, 1, 3, tzinfo=UTC),
        "processed_at": datetime(2026, 1, 1, 12, tzinfo=UTC),
    }
    assert {key: order.fields[key] for key in expected} == expected
    assert order.fields["billing_address"]["country_code"] == "CA"
    fulfillment = rows_of(items, "fulfillment")[0]
    assert (
        fulfillment.fields["status"],
        fulfillment.fields["shipment_status"],
        fulfillment.fields["service"],
    ) == (
        "success",
        "delivered",
        "manual",
    )
    assert fulfillment.refs == {"order": 4001, "location": 9001}
    assert rows_of(items, "refund")[0].refs == {"order": 4001}
    sale, refund = rows_of(items, "transaction")
    assert (sale.fields["kind"], sale.fields["amount"], sale.fields["receipt"]) == (
        "sale",
        Decimal("45.98"),
        {"paid_amount": "45.98"},
    )
    assert sale.fields["payment_details"] == {
        "credit_card_company": "Visa",
        "credit_card_number": "•••• •••• •••• 4242",
        "credit_card_bin": "424242",
        "credit_card_name": "Ada",
    }
    assert refund.refs == {"order": 4001, "parent": 4301}


def test_a_cancelled_order_is_cancelled() -> None:
    node = order_node()
    node.update(
        cancelledAt="2026-01-05T00:00:00-05:00",
        cancelReason="CUSTOMER",
        closedAt="2026-01-05T00:00:00Z",
    )

    order = rows_of(items_from_line(node), "order")[0]

    assert (
        order.fields["status"],
        order.fields["cancel_reason"],
        order.fields["cancelled_at"],
    ) == (
        "cancelled",
        "customer",
        datetime(2026, 1, 5, 5, tzinfo=UTC),
    )


def test_line_items_and_order_children() -> None:
    line_item = list(lines_from_node(order_node()))[1]
    children = items_from_line(next(lines_from_node(order_children_node())))

    row = items_from_line(line_item)[0]
    assert isinstance(row, MirrorRow)
    assert row.refs == {"order": 4001, "product": 7001, "variant": 70011}
    assert {
        key: row.fields[key]
        for key in (
            "quantity",
            "current_quantity",
            "fulfillable_quantity",
            "fulfillment_status",
            "price",
            "gift_card",
        )
    } == {
        "quantity": 2,
        "current_quantity": 1,
        "fulfillable_quantity": 0,
        "fulfillment_status": "fulfilled",
        "price": Decimal("19.99"),
        "gift_card": False,
    }
    updated = datetime(2026, 1, 3, tzinfo=UTC)
    assert children == [
        MirrorRow(
            "fulfillment_line_item",
            4501,
            {
                "shopify_updated_at": updated,
                "admin_graphql_api_id": "gid://shopify/FulfillmentLineItem/4501",
                "quantity": 2,
            },
            {"fulfillment": 4101, "line_item": 4401},
        ),
        MirrorChildren("fulfillment", 4101, "fulfillment_line_item", frozenset({4501})),
        MirrorRow(
            "refund_line_item",
            4601,
            {
                "shopify_updated_at": updated,
                "admin_graphql_api_id": "gid://shopify/RefundLineItem/4601",
                "quantity": 1,
                "restock_type": "return",
                "subtotal": Decimal("19.99"),
                "total_tax": Decimal("1.00"),
                "subtotal_set": {
                    "shop_money": {"amount": "19.99", "currency_code": "USD"},
                    "presentment_money": {"amount": "19.99", "currency_code": "USD"},
                },
                "total_tax_set": {
                    "shop_money": {"amount": "1.00", "currency_code": "USD"},
                    "presentment_money": {"amount": "1.00", "currency_code": "USD"},
                },
            },
            {"refund": 4201, "line_item": 4401, "location": 9001},
        ),
        MirrorChildren("refund", 4201, "refund_line_item", frozenset({4601})),
    ]
    assert money_bag("1.00")["shopMoney"] == {"amount": "1.00", "currencyCode": "USD"}


def test_locations_inventory_items_and_levels() -> None:
    location = items_from_line(location_node())
    items = all_items(inventory_page_node(available=-2))

    assert location == [
        MirrorRow(
            "location",
            9001,
            {
                "shopify_updated_at": STAMP,
                "admin_graphql_api_id": "gid://shopify/Location/9001",
                "created_at": datetime(2025, 1, 1, tzinfo=UTC),
                "name": "Ottawa Store",
                "active": True,
                "address1": "126 York St",
                "address2": "",
                "city": "Ottawa",
                "zip": "K1N 5T5",
                "province": "Ontario",
                "province_code": "ON",
                "country": "Canada",
                "country_code": "CA",
                "country_name": "Canada",
                "phone": "+16135550123",
            },
        )
    ]
    assert rows_of(items, "inventory_item")[0].fields["cost"] == Decimal("4.5")
    assert rows_of(items, "inventory_level") == [
        MirrorRow(
            "inventory_level",
            None,
            {
                "shopify_updated_at": datetime(2026, 1, 4, tzinfo=UTC),
                "admin_graphql_api_id": "gid://shopify/InventoryLevel/900177?inventory_item_id=170011",
                "shopify_id": 900177,
                "available": -2,
                "on_hand": 0,
                "committed": 2,
                "incoming": 0,
                "reserved": 0,
            },
            {"inventory_item": 170011, "location": 9001},
        )
    ]


def test_complete_children_of_a_first_page() -> None:
    node = product_node()
    node["media"]["pageInfo"]["hasNextPage"] = True

    assert complete_children(node) == [
        MirrorChildren("product", 7001, "product_variant", frozenset({70011, 70012})),
        MirrorChildren("product", 7001, "metafield", frozenset({5001})),
    ]


def test_partial_lines_map_to_nothing_of_their_own() -> None:
    # ProductVariants / OrderLineItems pages return the parent with only id and updatedAt.
    assert (
        items_from_line({"id": "gid://shopify/Product/1", "updatedAt": "2026-01-01T00:00:00Z"})
        == []
    )
    assert (
        items_from_line({"id": "gid://shopify/Order/1", "updatedAt": "2026-01-01T00:00:00Z"}) == []
    )
    assert items_from_line({"title": "no id"}) == []


def test_bulk_variant_media_lines_link_the_variant_image() -> None:
    mapper = LineMapper()
    variant = {"id": "gid://shopify/ProductVariant/70011"}
    first = {"id": "gid://shopify/MediaImage/3001", "__parentId": variant["id"]}
    second = {"id": "gid://shopify/MediaImage/3002", "__parentId": variant["id"]}

    assert mapper.items(variant) == []
    assert mapper.items(first) == [MirrorRow("product_variant", 70011, {}, {"image": 3001})]
    # A variant shows one image: the first.
    assert mapper.items(second) == []
