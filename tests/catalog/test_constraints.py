"""PostgreSQL enforces the catalog's rules: each test names the constraint it expects. Rules a
constraint cannot say (rule shapes, metafield types …) are checked by the models' clean()."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.choices import CollectionType, MetafieldOwnerResource
from catalog.models import (
    Collection,
    Metafield,
    Product,
    ProductOption,
    ProductTag,
    ProductVariant,
    SmartCollection,
)
from core import services as core_services
from inventory.models import InventoryItem

from .factories import (
    CollectionFactory,
    CollectionProductFactory,
    MetafieldDefinitionFactory,
    MetafieldFactory,
    OptionValueFactory,
    ProductFactory,
    ProductImageFactory,
    ProductOptionFactory,
    ProductTagFactory,
    ProductVariantFactory,
    SellingPlanFactory,
    SellingPlanGroupFactory,
    SmartCollectionFactory,
)

pytestmark = pytest.mark.django_db

SHOPIFY_ID = 632910392


def assert_refused(create: Callable[..., Any], constraint: str, **fields: Any) -> None:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        create(**fields)
    assert constraint in str(refused.value)


def assert_invalid(instance: Any, field: str) -> None:
    with pytest.raises(ValidationError) as invalid:
        instance.full_clean()
    assert field in invalid.value.message_dict


# --- Product ----------------------------------------------------------------------------------


def test_product_handle_is_unique() -> None:
    # Given a product with the handle ipod-nano
    ProductFactory.create(handle="ipod-nano")
    # When another product, local or mirrored, takes the same handle, then it is refused
    assert_refused(ProductFactory.create, "catalog_product_handle_unique", handle="ipod-nano")
    assert_refused(
        ProductFactory.create,
        "catalog_product_handle_unique",
        handle="ipod-nano",
        shopify_id=SHOPIFY_ID,
    )
    assert Product.objects.filter(handle="ipod-nano").count() == 1


def test_a_deleted_products_handle_can_be_used_again() -> None:
    old = ProductFactory.create(handle="ipod-nano")
    core_services.soft_delete(instance=old)
    new = ProductFactory.create(handle="ipod-nano")
    assert list(Product.objects.filter(handle="ipod-nano")) == [new]
    assert Product.all_objects.filter(handle="ipod-nano").count() == 2


@pytest.mark.parametrize("handle", ["", "ipod nano", "ipod/nano", " ipod"])
def test_product_handle_is_a_url_segment(handle: str) -> None:
    assert_refused(ProductFactory.create, "catalog_product_handle_valid", handle=handle)


@pytest.mark.parametrize("handle", ["ipod-nano", "t-shirt-été", "burton_custom_151"])
def test_product_handles_with_letters_digits_and_dashes_are_accepted(handle: str) -> None:
    assert ProductFactory.create(handle=handle).handle == handle


@pytest.mark.parametrize("title", ["", "   "])
def test_product_has_a_title(title: str) -> None:
    assert_refused(ProductFactory.create, "catalog_product_title_present", title=title)


def test_product_status_is_active_archived_or_draft() -> None:
    assert_refused(ProductFactory.create, "catalog_product_status_valid", status="published")
    statuses = [ProductFactory.create(status=s).status for s in ("active", "archived", "draft")]
    assert statuses == ["active", "archived", "draft"]


def test_product_published_scope_is_web_or_global() -> None:
    assert_refused(
        ProductFactory.create, "catalog_product_published_scope_valid", published_scope="pos"
    )
    assert ProductFactory.create(published_scope="global").published_scope == "global"


def test_product_tag_list_splits_shopifys_comma_list() -> None:
    product = ProductFactory.build(tags="Emotive, Flash Memory,, MP3 ,Music")
    assert product.tag_list == ["Emotive", "Flash Memory", "MP3", "Music"]


# --- ProductOption and OptionValue ------------------------------------------------------------


@pytest.mark.parametrize("position", [0, 4])
def test_option_position_is_1_to_3(position: int) -> None:
    assert_refused(ProductOptionFactory.create, "catalog_option_position_1_to_3", position=position)


def test_option_position_is_unique_per_product() -> None:
    option = ProductOptionFactory.create(name="Color", position=1)
    assert_refused(
        ProductOptionFactory.create,
        "catalog_option_position_unique",
        product=option.product,
        name="Size",
        position=1,
    )
    # ...while another product has its own position 1
    assert ProductOptionFactory.create(name="Size", position=1).position == 1


def test_option_name_is_unique_per_product() -> None:
    option = ProductOptionFactory.create(name="Color", position=1)
    assert_refused(
        ProductOptionFactory.create,
        "catalog_option_name_unique",
        product=option.product,
        name="Color",
        position=2,
    )


def test_a_product_has_at_most_three_options() -> None:
    # Given a product with three options
    product = ProductFactory.create()
    for position, name in enumerate(("Color", "Size", "Material"), start=1):
        ProductOptionFactory.create(product=product, name=name, position=position)
    # When a fourth is added, then no position is left for it
    for position in (1, 2, 3):
        assert_refused(
            ProductOptionFactory.create,
            "catalog_option_position_unique",
            product=product,
            name="Style",
            position=position,
        )
    assert_refused(
        ProductOptionFactory.create,
        "catalog_option_position_1_to_3",
        product=product,
        name="Style",
        position=4,
    )
    assert ProductOption.objects.filter(product=product).count() == 3


@pytest.mark.parametrize("name", ["", "  "])
def test_option_has_a_name(name: str) -> None:
    assert_refused(ProductOptionFactory.create, "catalog_option_name_present", name=name)


def test_option_values_are_a_list_of_distinct_text() -> None:
    assert_invalid(ProductOptionFactory.build(values={"S": 1}), "values")
    assert_invalid(ProductOptionFactory.build(values=["S", "S"]), "values")


def test_option_value_is_unique_within_its_option() -> None:
    value = OptionValueFactory.create(value="Small")
    assert_refused(
        OptionValueFactory.create,
        "catalog_optvalue_value_unique",
        option=value.option,
        value="Small",
        position=2,
    )
    # ...while another option may have the same value
    assert OptionValueFactory.create(value="Small").value == "Small"


@pytest.mark.parametrize("value", ["", " "])
def test_option_value_has_text(value: str) -> None:
    assert_refused(OptionValueFactory.create, "catalog_optvalue_value_present", value=value)


def test_option_value_position_starts_at_1() -> None:
    assert_refused(OptionValueFactory.create, "catalog_optvalue_position_gte_1", position=0)


# --- ProductVariant ---------------------------------------------------------------------------


def test_local_sku_is_unique() -> None:
    ProductVariantFactory.create(sku="IPOD2008PINK")
    assert_refused(
        ProductVariantFactory.create, "catalog_variant_local_sku_unique", sku="IPOD2008PINK"
    )


def test_mirrored_variants_may_share_a_sku() -> None:
    # Given a local variant with a SKU; when Shopify has the same SKU twice, both are mirrored
    ProductVariantFactory.create(sku="IPOD2008PINK")
    ProductVariantFactory.create(sku="IPOD2008PINK", shopify_id=808950810)
    ProductVariantFactory.create(sku="IPOD2008PINK", shopify_id=49148385)
    assert ProductVariant.objects.filter(sku="IPOD2008PINK").count() == 3


def test_variants_without_sku_and_deleted_variants_free_their_sku() -> None:
    ProductVariantFactory.create(sku="")
    ProductVariantFactory.create(sku="")
    old = ProductVariantFactory.create(sku="IPOD2008RED")
    core_services.soft_delete(instance=old)
    new = ProductVariantFactory.create(sku="IPOD2008RED")
    assert list(ProductVariant.objects.filter(sku="IPOD2008RED")) == [new]
    assert ProductVariant.objects.filter(sku="").count() == 2


def test_local_variant_position_is_unique_per_product() -> None:
    variant = ProductVariantFactory.create(position=1)
    assert_refused(
        ProductVariantFactory.create,
        "catalog_variant_local_position_unique",
        product=variant.product,
        position=1,
    )


def test_mirrored_variants_keep_shopifys_positions() -> None:
    # A reordering in Shopify arrives variant by variant: positions may collide on the way.
    variant = ProductVariantFactory.create(position=1, shopify_id=808950810)
    twin = ProductVariantFactory.create(product=variant.product, position=1, shopify_id=49148385)
    assert twin.position == variant.position == 1


def test_local_option_combination_is_unique_per_product() -> None:
    variant = ProductVariantFactory.create(option1="Blue", option2="155", option3="")
    assert_refused(
        ProductVariantFactory.create,
        "catalog_variant_local_options_unique",
        product=variant.product,
        option1="Blue",
        option2="155",
        option3="",
    )
    # ...while another combination, or the same one mirrored, is accepted
    ProductVariantFactory.create(product=variant.product, option1="Blue", option2="159")
    ProductVariantFactory.create(
        product=variant.product, option1="Blue", option2="155", shopify_id=1070325032
    )
    assert ProductVariant.objects.filter(product=variant.product).count() == 3


@pytest.mark.parametrize(
    ("field", "constraint"),
    [
        ("price", "catalog_variant_price_gte_0"),
        ("compare_at_price", "catalog_variant_compare_at_gte_0"),
        ("weight", "catalog_variant_weight_gte_0"),
    ],
)
def test_variant_amounts_are_not_negative(field: str, constraint: str) -> None:
    # Also for mirrored rows: Shopify has no negative prices or weights.
    assert_refused(
        ProductVariantFactory.create, constraint, shopify_id=SHOPIFY_ID, **{field: Decimal("-1")}
    )


def test_variant_grams_are_not_negative() -> None:
    assert_refused(ProductVariantFactory.create, "catalog_variant_grams_gte_0", grams=-1)


def test_free_variants_are_accepted() -> None:
    variant = ProductVariantFactory.create(price=Decimal("0.00"), compare_at_price=None)
    assert variant.price == Decimal("0.00")


def test_variant_currency_is_iso_4217() -> None:
    assert_refused(ProductVariantFactory.create, "catalog_variant_currency_iso4217", currency="usd")


def test_local_variant_weighs_more_than_0() -> None:
    assert_refused(
        ProductVariantFactory.create, "catalog_variant_local_weight_gt_0", weight=Decimal("0")
    )


def test_mirrored_variant_may_weigh_0() -> None:
    variant = ProductVariantFactory.create(weight=Decimal("0"), grams=0, shopify_id=1070325032)
    variant.refresh_from_db()
    assert variant.weight == Decimal("0")


def test_variant_position_starts_at_1() -> None:
    assert_refused(
        ProductVariantFactory.create,
        "catalog_variant_position_gte_1",
        position=0,
        shopify_id=SHOPIFY_ID,
    )


def test_variant_weight_unit_is_g_kg_oz_or_lb() -> None:
    assert_refused(
        ProductVariantFactory.create, "catalog_variant_weight_unit_valid", weight_unit="t"
    )
    units = [ProductVariantFactory.create(weight_unit=u).weight_unit for u in ("g", "kg", "oz")]
    assert units == ["g", "kg", "oz"]


def test_variant_inventory_policy_is_deny_or_continue() -> None:
    assert_refused(
        ProductVariantFactory.create,
        "catalog_variant_inventory_policy_valid",
        inventory_policy="backorder",
    )
    variant = ProductVariantFactory.create(inventory_policy="continue")
    assert variant.inventory_policy == "continue"


def test_an_inventory_item_belongs_to_one_variant() -> None:
    item = InventoryItem.objects.create()
    variant = ProductVariantFactory.create(inventory_item=item)
    assert_refused(
        ProductVariantFactory.create,
        "catalog_productvariant_inventory_item_id",
        inventory_item=item,
    )
    assert InventoryItem.objects.get(pk=item.pk).variant == variant


def test_a_product_may_have_2048_variants() -> None:
    # Given a product; when Shopify's maximum of 2,048 variants is mirrored, all are stored
    product = ProductFactory.create()
    ProductVariant.objects.bulk_create(
        ProductVariant(
            product=product,
            position=number,
            option1=f"Size {number}",
            sku=f"BIG-{number}",
            weight=Decimal("1"),
        )
        for number in range(1, 2049)
    )
    assert product.variants.count() == 2048


def test_variant_image_is_one_of_its_products_images() -> None:
    variant = ProductVariantFactory.create()
    variant.image = ProductImageFactory.create()
    assert_invalid(variant, "image")
    variant.image = ProductImageFactory.create(product=variant.product)
    variant.full_clean()


# --- ProductImage -----------------------------------------------------------------------------


def test_local_image_position_is_unique_per_product() -> None:
    image = ProductImageFactory.create(position=1)
    assert_refused(
        ProductImageFactory.create,
        "catalog_image_local_position_unique",
        product=image.product,
        position=1,
    )
    twin = ProductImageFactory.create(product=image.product, position=1, shopify_id=850703190)
    assert twin.position == 1


def test_image_position_starts_at_1() -> None:
    assert_refused(ProductImageFactory.create, "catalog_image_position_gte_1", position=0)


@pytest.mark.parametrize(
    ("field", "constraint"),
    [("width", "catalog_image_width_gt_0"), ("height", "catalog_image_height_gt_0")],
)
def test_image_dimensions_are_positive_when_known(field: str, constraint: str) -> None:
    assert_refused(ProductImageFactory.create, constraint, **{field: 0})
    image = ProductImageFactory.create(**{field: None})
    assert getattr(image, field) is None


@pytest.mark.parametrize(
    "src",
    [
        "https://cdn.example.com/manual.pdf",
        "ftp://cdn.example.com/board.png",
        "https://cdn.example.com/board",
        "board.png",
    ],
)
def test_local_image_is_an_image_file_url(src: str) -> None:
    assert_refused(ProductImageFactory.create, "catalog_image_local_src_format", src=src)


@pytest.mark.parametrize(
    "src",
    [
        "https://cdn.shopify.com/s/files/1/0005/4838/0009/products/ipod-nano.png?v=1735835399",
        "https://cdn.example.com/board.JPEG",
        "http://cdn.example.com/board.webp",
    ],
)
def test_image_file_urls_are_accepted(src: str) -> None:
    assert ProductImageFactory.create(src=src).src == src


def test_mirrored_image_keeps_shopifys_url() -> None:
    src = "https://cdn.shopify.com/s/files/1/0005/products/render"
    assert ProductImageFactory.create(src=src, shopify_id=850703190).src == src


def test_image_shows_variants() -> None:
    image = ProductImageFactory.create(variant_ids=[808950810])
    variant = ProductVariantFactory.create(product=image.product)
    image.variants.add(variant)
    assert list(variant.images.all()) == [image]
    assert_invalid(ProductImageFactory.build(variant_ids=["808950810"]), "variant_ids")


# --- ProductTag -------------------------------------------------------------------------------


def test_tag_is_unique_per_product_ignoring_case() -> None:
    tag = ProductTagFactory.create(tag="Sale")
    assert_refused(
        ProductTagFactory.create, "catalog_tag_product_ci_unique", product=tag.product, tag="sALE"
    )
    # ...while another product may have the same tag
    ProductTagFactory.create(tag="Sale")
    assert ProductTag.objects.filter(tag="Sale").count() == 2


def test_tag_is_not_empty() -> None:
    assert_refused(ProductTagFactory.create, "catalog_tag_not_empty", tag="")


@pytest.mark.parametrize("tag", [" sale", "sale ", " "])
def test_tag_is_trimmed(tag: str) -> None:
    assert_refused(ProductTagFactory.create, "catalog_tag_trimmed", tag=tag)


def test_tag_holds_no_comma() -> None:
    assert_refused(ProductTagFactory.create, "catalog_tag_no_comma", tag="sale,winter")


def test_clean_trims_the_tag() -> None:
    tag = ProductTagFactory.build(product=ProductFactory.create(), tag="  Flash Memory ")
    tag.full_clean()
    assert tag.tag == "Flash Memory"


# --- Collection, SmartCollection, CollectionProduct -------------------------------------------


def test_collection_handle_is_unique_among_live_collections() -> None:
    old = CollectionFactory.create(handle="frontpage")
    assert_refused(CollectionFactory.create, "catalog_collection_handle_unique", handle="frontpage")
    assert_refused(
        SmartCollectionFactory.create, "catalog_collection_handle_unique", handle="frontpage"
    )
    core_services.soft_delete(instance=old)
    assert CollectionFactory.create(handle="frontpage").handle == "frontpage"


def test_collection_handle_is_a_url_segment() -> None:
    assert_refused(CollectionFactory.create, "catalog_collection_handle_valid", handle="front page")


def test_collection_has_a_title() -> None:
    assert_refused(CollectionFactory.create, "catalog_collection_title_present", title=" ")


def test_collection_type_is_custom_or_smart() -> None:
    assert_refused(CollectionFactory.create, "catalog_collection_type_valid", collection_type="x")


def test_collection_sort_order_is_shopifys() -> None:
    assert_refused(
        CollectionFactory.create, "catalog_collection_sort_order_valid", sort_order="alpha_asc"
    )
    orders = ["alpha-asc", "alpha-desc", "best-selling", "created", "created-desc", "manual"]
    orders += ["price-asc", "price-desc", "most-relevant"]
    created = [CollectionFactory.create(sort_order=order).sort_order for order in orders]
    assert created == orders


def test_collection_published_scope_is_web_or_global() -> None:
    assert_refused(
        CollectionFactory.create, "catalog_collection_scope_valid", published_scope="everywhere"
    )


def test_custom_collection_has_no_rules() -> None:
    rule = {"column": "tag", "relation": "equals", "condition": "sale"}
    assert_refused(
        CollectionFactory.create,
        "catalog_collection_custom_no_rules",
        collection_type=CollectionType.CUSTOM,
        rules=[rule],
    )
    smart = CollectionFactory.create(collection_type=CollectionType.SMART, rules=[rule])
    assert smart.rules == [rule]


def test_smart_collection_proxy_sees_smart_collections_only() -> None:
    # Given a custom collection, a smart one and a deleted smart one
    CollectionFactory.create()
    smart = SmartCollectionFactory.create()
    deleted = SmartCollectionFactory.create()
    core_services.soft_delete(instance=deleted)
    # Then the proxy is smart by default and lists the live smart collection only
    assert smart.collection_type == CollectionType.SMART
    assert list(SmartCollection.objects.all()) == [smart]
    assert set(SmartCollection.all_objects.all()) == {smart, deleted}
    assert Collection.objects.count() == 2


def test_smart_collection_has_at_most_60_well_formed_rules() -> None:
    rule = {"column": "tag", "relation": "equals", "condition": "sale"}
    SmartCollectionFactory.build(rules=[rule] * 60).full_clean()
    assert_invalid(SmartCollectionFactory.build(rules=[rule] * 61), "rules")
    assert_invalid(SmartCollectionFactory.build(rules=[{"column": "tag"}]), "rules")
    assert_invalid(SmartCollectionFactory.build(rules=[{**rule, "column": "colour"}]), "rules")
    assert_invalid(SmartCollectionFactory.build(rules=[{**rule, "relation": "like"}]), "rules")
    assert_invalid(SmartCollectionFactory.build(rules={"column": "tag"}), "rules")


def test_smart_collection_metafield_rule_names_its_definition() -> None:
    rule = {"column": "product_metafield_definition", "relation": "equals", "condition": "oak"}
    assert_invalid(SmartCollectionFactory.build(rules=[rule]), "rules")
    SmartCollectionFactory.build(rules=[{**rule, "condition_object_id": "1"}]).full_clean()


def test_product_is_in_a_collection_once() -> None:
    membership = CollectionProductFactory.create()
    assert_refused(
        CollectionProductFactory.create,
        "catalog_collprod_unique",
        collection=membership.collection,
        product=membership.product,
    )
    assert list(membership.collection.products.all()) == [membership.product]


def test_collection_position_starts_at_1() -> None:
    assert_refused(CollectionProductFactory.create, "catalog_collprod_position_gte_1", position=0)


# --- MetafieldDefinition and Metafield --------------------------------------------------------


def test_definition_key_is_unique_per_owner_type_and_namespace() -> None:
    definition = MetafieldDefinitionFactory.create(namespace="custom", key="material")
    assert_refused(
        MetafieldDefinitionFactory.create,
        "catalog_metadef_owner_key_unique",
        namespace="custom",
        key="material",
    )
    other = MetafieldDefinitionFactory.create(
        owner_type=MetafieldOwnerResource.VARIANT, namespace="custom", key="material"
    )
    assert other.key == definition.key


def test_definition_owner_type_is_known() -> None:
    assert_refused(
        MetafieldDefinitionFactory.create, "catalog_metadef_owner_type_valid", owner_type="cart"
    )


def test_local_definition_namespace_has_at_least_3_characters() -> None:
    assert_refused(
        MetafieldDefinitionFactory.create, "catalog_metadef_local_namespace_len", namespace="ab"
    )
    assert MetafieldDefinitionFactory.create(namespace="abc").namespace == "abc"
    assert MetafieldDefinitionFactory.create(namespace="ab", shopify_id=1).namespace == "ab"


@pytest.mark.parametrize(
    ("field", "constraint"),
    [
        ("key", "catalog_metadef_key_present"),
        ("name", "catalog_metadef_name_present"),
        ("type", "catalog_metadef_type_present"),
    ],
)
def test_definition_has_key_name_and_type(field: str, constraint: str) -> None:
    assert_refused(MetafieldDefinitionFactory.create, constraint, **{field: ""})


def test_metafield_key_is_unique_per_owner_and_namespace() -> None:
    MetafieldFactory.create(owner_id=7, namespace="custom", key="material")
    # Shopify enforces it as well: the rule holds for mirrored rows too
    assert_refused(
        MetafieldFactory.create,
        "catalog_metafield_owner_key_unique",
        owner_id=7,
        namespace="custom",
        key="material",
        shopify_id=SHOPIFY_ID,
    )
    # ...while another owner, owner kind or namespace may use the key
    MetafieldFactory.create(owner_id=8, namespace="custom", key="material")
    MetafieldFactory.create(owner_id=7, namespace="specs", key="material")
    MetafieldFactory.create(
        owner_id=7,
        owner_resource=MetafieldOwnerResource.VARIANT,
        namespace="custom",
        key="material",
    )
    assert Metafield.objects.filter(key="material").count() == 4


def test_metafield_owner_resource_is_known() -> None:
    assert_refused(MetafieldFactory.create, "catalog_metafield_owner_valid", owner_resource="cart")


def test_local_metafield_namespace_has_at_least_3_characters() -> None:
    assert_refused(MetafieldFactory.create, "catalog_metafield_local_namespace_len", namespace="ab")
    assert MetafieldFactory.create(namespace="ab", shopify_id=1).namespace == "ab"


@pytest.mark.parametrize(
    ("field", "constraint"),
    [("key", "catalog_metafield_key_present"), ("type", "catalog_metafield_type_present")],
)
def test_metafield_has_key_and_type(field: str, constraint: str) -> None:
    assert_refused(MetafieldFactory.create, constraint, **{field: " "})


@pytest.mark.parametrize(
    "type_name",
    ["single_line_text_field", "json", "list.product_reference", "list.number_integer", "money"],
)
def test_shopify_metafield_types_are_valid(type_name: str) -> None:
    MetafieldFactory.build(type=type_name).full_clean()
    MetafieldDefinitionFactory.build(type=type_name).full_clean()


@pytest.mark.parametrize("type_name", ["string", "list.boolean", "list.json", "List.url"])
def test_unknown_metafield_types_are_invalid(type_name: str) -> None:
    assert_invalid(MetafieldFactory.build(type=type_name), "type")
    assert_invalid(MetafieldDefinitionFactory.build(type=type_name), "type")


def test_metafield_follows_its_definition() -> None:
    definition = MetafieldDefinitionFactory.create(namespace="custom", key="material")
    metafield = MetafieldFactory.build(namespace="custom", key="material", definition=definition)
    metafield.full_clean()
    metafield.type = "number_integer"
    assert_invalid(metafield, "definition")


# --- SellingPlanGroup and SellingPlan ---------------------------------------------------------


def test_selling_plan_group_has_a_name_and_merchant_code() -> None:
    assert_refused(SellingPlanGroupFactory.create, "catalog_plangroup_name_present", name=" ")
    assert_refused(
        SellingPlanGroupFactory.create, "catalog_plangroup_code_present", merchant_code=""
    )


def test_selling_plan_group_applies_to_products_and_variants() -> None:
    group = SellingPlanGroupFactory.create()
    variant = ProductVariantFactory.create()
    group.products.add(variant.product)
    group.variants.add(variant)
    assert list(variant.product.selling_plan_groups.all()) == [group]
    assert list(variant.selling_plan_groups.all()) == [group]


def test_selling_plan_has_a_name() -> None:
    assert_refused(SellingPlanFactory.create, "catalog_plan_name_present", name="")


def test_selling_plan_status_is_known() -> None:
    assert_refused(SellingPlanFactory.create, "catalog_plan_status_valid", status="paused")
    assert SellingPlanFactory.create(status="archived").status == "archived"


def test_selling_plan_policies_have_a_billing_cycle() -> None:
    SellingPlanFactory.build(group=SellingPlanGroupFactory.create()).full_clean()
    plan = SellingPlanFactory.build(
        group=SellingPlanGroupFactory.create(),
        billing_policy={"interval": "fortnight", "interval_count": 1},
        delivery_policy={"interval": "week", "interval_count": 0},
        pricing_policy=[{}, {}, {}],
    )
    with pytest.raises(ValidationError) as invalid:
        plan.full_clean()
    assert set(invalid.value.message_dict) == {
        "billing_policy",
        "delivery_policy",
        "pricing_policy",
    }
