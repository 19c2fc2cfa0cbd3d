"""Products and what hangs off them: options and their values, variants, images and tags."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Trim

from core.choices import WeightUnit
from core.models import (
    ZERO,
    ShopifyIdentityModel,
    SoftDeleteModel,
    TimestampedModel,
    choices_constraint,
    currency_constraint,
    currency_field,
    money_field,
    non_negative_constraint,
)

from ..choices import InventoryPolicy, ProductStatus, PublishedScope

LOCAL = Q(shopify_id__isnull=True)
ALIVE = Q(deleted_at__isnull=True)
# Something other than blanks.
PRESENT_PATTERN = r"\S"
# A URL segment: no blanks and no slashes ("ipod-nano", "t-shirt-été").
HANDLE_PATTERN = r"^[^\s/]+$"
# An http(s) URL of a web image file, optionally with a query string (Shopify's "?v=1735835399").
IMAGE_URL_PATTERN = r"^https?://\S+\.(png|jpe?g|gif|webp|avif|svg|heic|tiff?)(\?\S*)?$"
MAX_OPTIONS = 3
MAX_TAG_LENGTH = 255


def split_tags(tags: str) -> list[str]:
    """Shopify's comma-separated tag list as trimmed, non-empty tags, in order."""
    return [tag.strip() for tag in tags.split(",") if tag.strip()]


class Product(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A product: what is sold, described once; its variants carry the prices and SKUs.

    `tags` is Shopify's comma-separated list, kept as Shopify sends it; one ProductTag row per
    tag makes tags searchable and unique (ignoring case) per product.
    """

    title = models.CharField(max_length=255)
    body_html = models.TextField(blank=True)
    vendor = models.CharField(max_length=255, blank=True)
    product_type = models.CharField(max_length=255, blank=True)
    handle = models.CharField(
        max_length=255, help_text="The URL segment, unique among products, e.g. ipod-nano."
    )
    status = models.CharField(
        max_length=16, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_scope = models.CharField(
        max_length=16, choices=PublishedScope.choices, default=PublishedScope.WEB
    )
    template_suffix = models.CharField(max_length=255, blank=True)
    tags = models.TextField(blank=True, help_text="Comma-separated, as in Shopify.")
    seo_title = models.CharField("SEO title", max_length=255, blank=True)
    seo_description = models.TextField("SEO description", blank=True)

    class Meta(SoftDeleteModel.Meta):
        indexes = [
            # The unique constraint's index is partial (live rows); the mirror looks up all.
            models.Index(fields=["handle"], name="catalog_product_handle_idx"),
            models.Index(fields=["vendor"], name="catalog_product_vendor_idx"),
            models.Index(fields=["product_type"], name="catalog_product_type_idx"),
            models.Index(fields=["status"], name="catalog_product_status_idx"),
            models.Index(fields=["published_at"], name="catalog_product_published_idx"),
            # created_at is indexed by TimestampedModel.
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["handle"],
                condition=ALIVE,
                name="catalog_product_handle_unique",
                violation_error_message="Another product already uses this handle.",
            ),
            models.CheckConstraint(
                condition=Q(handle__regex=HANDLE_PATTERN),
                name="catalog_product_handle_valid",
                violation_error_message="A handle has no blanks or slashes.",
            ),
            models.CheckConstraint(
                condition=Q(title__regex=PRESENT_PATTERN), name="catalog_product_title_present"
            ),
            choices_constraint("status", ProductStatus, "catalog_product_status_valid"),
            choices_constraint(
                "published_scope", PublishedScope, "catalog_product_published_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)

    def clean(self) -> None:
        super().clean()
        if any(len(tag) > MAX_TAG_LENGTH for tag in self.tag_list):
            raise ValidationError({"tags": f"A tag has at most {MAX_TAG_LENGTH} characters."})


class ProductOption(ShopifyIdentityModel):
    """An option of a product (Size, Color, Material …). A product has at most three: positions
    are 1 to 3 and unique per product, so a fourth option has no position left."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=255)
    position = models.PositiveSmallIntegerField(default=1, help_text="1, 2 or 3.")
    values = models.JSONField(
        default=list, blank=True, help_text='The values in order, e.g. ["S", "M", "L"].'
    )

    class Meta:
        ordering = ["product_id", "position"]
        # (product, position) is indexed by its unique constraint; product as a foreign key.
        constraints = [
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=MAX_OPTIONS),
                name="catalog_option_position_1_to_3",
                violation_error_message="An option's position is 1, 2 or 3.",
            ),
            models.UniqueConstraint(
                fields=["product", "position"],
                name="catalog_option_position_unique",
                violation_error_message="The product already has an option at this position.",
            ),
            models.UniqueConstraint(
                fields=["product", "name"],
                name="catalog_option_name_unique",
                violation_error_message="The product already has an option with this name.",
            ),
            models.CheckConstraint(
                condition=Q(name__regex=PRESENT_PATTERN), name="catalog_option_name_present"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        values = self.values
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise ValidationError({"values": "Enter a list of values."})
        if len(set(values)) != len(values):
            raise ValidationError({"values": "Each value appears once."})


class OptionValue(ShopifyIdentityModel):
    """One value of a product option ("Small" of Size), unique within its option."""

    option = models.ForeignKey(
        ProductOption, on_delete=models.CASCADE, related_name="option_values"
    )
    value = models.CharField(max_length=255)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["option_id", "position", "id"]
        indexes = [
            models.Index(fields=["option", "position"], name="catalog_optvalue_position_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["option", "value"],
                name="catalog_optvalue_value_unique",
                violation_error_message="The option already has this value.",
            ),
            models.CheckConstraint(
                condition=Q(value__regex=PRESENT_PATTERN), name="catalog_optvalue_value_present"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="catalog_optvalue_position_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return self.value


class ProductVariant(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """One purchasable version of a product, with its own SKU, price and weight.

    A product has up to 2,048 variants in Shopify (the seed's "up to 100" is REST's page size):
    no constraint limits how many a product has. Shopify allows duplicate SKUs, duplicate
    option combinations and zero weights, so those rules hold for local rows only; `option1`
    to `option3` are "" (not null) where the product has fewer options, so that the local
    combination stays unique. Prices are in the shop's currency (`currency` records which).
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    title = models.CharField(max_length=255, blank=True, help_text='e.g. "Pink / Small".')
    price = money_field(default=ZERO)
    compare_at_price = money_field(null=True, blank=True)
    currency = currency_field(help_text="The currency of price and compare-at price.")
    sku = models.CharField("SKU", max_length=255, blank=True)
    barcode = models.CharField(max_length=255, blank=True, help_text="ISBN, UPC, GTIN …")
    position = models.PositiveIntegerField(default=1)
    option1 = models.CharField(max_length=255, blank=True)
    option2 = models.CharField(max_length=255, blank=True)
    option3 = models.CharField(max_length=255, blank=True)
    image = models.ForeignKey(
        "catalog.ProductImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The variant's own image (one of the product's images).",
    )
    taxable = models.BooleanField(default=True)
    requires_shipping = models.BooleanField(default=True)
    grams = models.IntegerField(default=0, help_text="The weight in grams.")
    # Local variants weigh more than 0; Shopify's may weigh 0 (and its webhooks omit weight).
    weight = models.DecimalField(max_digits=12, decimal_places=3, default=ZERO)
    weight_unit = models.CharField(
        max_length=2, choices=WeightUnit.choices, default=WeightUnit.KILOGRAMS
    )
    inventory_policy = models.CharField(
        max_length=16, choices=InventoryPolicy.choices, default=InventoryPolicy.DENY
    )
    inventory_management = models.CharField(
        max_length=255,
        blank=True,
        help_text='Who tracks stock: "shopify", a fulfillment service\'s handle, or nobody.',
    )
    fulfillment_service = models.CharField(
        max_length=255, default="manual", help_text='"manual" or a fulfillment service handle.'
    )
    inventory_item = models.OneToOneField(
        "inventory.InventoryItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="variant",
    )
    # Shopify's deprecated totals over all locations (mirrored); may go negative (overselling).
    inventory_quantity = models.IntegerField(default=0)
    old_inventory_quantity = models.IntegerField(default=0)

    class Meta(SoftDeleteModel.Meta):
        ordering = ["product_id", "position", "id"]
        indexes = [
            models.Index(fields=["sku"], name="catalog_variant_sku_idx"),
            models.Index(fields=["product", "position"], name="catalog_variant_position_idx"),
            models.Index(fields=["barcode"], name="catalog_variant_barcode_idx"),
            # product: indexed as a foreign key; inventory_item: by its one-to-one uniqueness.
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sku"],
                condition=LOCAL & ALIVE & ~Q(sku=""),
                name="catalog_variant_local_sku_unique",
                violation_error_message="Another variant already uses this SKU.",
            ),
            models.UniqueConstraint(
                fields=["product", "position"],
                condition=LOCAL & ALIVE,
                name="catalog_variant_local_position_unique",
                violation_error_message="The product already has a variant at this position.",
            ),
            models.UniqueConstraint(
                fields=["product", "option1", "option2", "option3"],
                condition=LOCAL & ALIVE,
                name="catalog_variant_local_options_unique",
                violation_error_message="The product already has a variant with these options.",
            ),
            non_negative_constraint("price", "catalog_variant_price_gte_0"),
            non_negative_constraint("compare_at_price", "catalog_variant_compare_at_gte_0"),
            currency_constraint("currency", "catalog_variant_currency_iso4217"),
            non_negative_constraint("grams", "catalog_variant_grams_gte_0"),
            non_negative_constraint("weight", "catalog_variant_weight_gte_0"),
            models.CheckConstraint(
                condition=~LOCAL | Q(weight__gt=0),
                name="catalog_variant_local_weight_gt_0",
                violation_error_message="Enter a weight greater than 0.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="catalog_variant_position_gte_1"
            ),
            choices_constraint("weight_unit", WeightUnit, "catalog_variant_weight_unit_valid"),
            choices_constraint(
                "inventory_policy", InventoryPolicy, "catalog_variant_inventory_policy_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.sku or f"Variant {self.pk}"

    def clean(self) -> None:
        super().clean()
        if self.image is not None and self.image.product_id != self.product_id:
            raise ValidationError({"image": "Choose an image of this variant's product."})


class ProductImage(ShopifyIdentityModel, TimestampedModel):
    """An image of a product; `variants` are the variants it shows (Shopify's `variant_ids`,
    kept as sent in `variant_ids` too)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveIntegerField(default=1)
    alt = models.CharField("alt text", max_length=512, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True, help_text="In pixels.")
    height = models.PositiveIntegerField(null=True, blank=True, help_text="In pixels.")
    src = models.URLField("source URL", max_length=2048)
    variant_ids = models.JSONField(
        default=list, blank=True, help_text="Shopify ids of the variants, as Shopify sends them."
    )
    variants = models.ManyToManyField(ProductVariant, related_name="images", blank=True)

    class Meta:
        ordering = ["product_id", "position", "id"]
        indexes = [
            models.Index(fields=["product", "position"], name="catalog_image_position_idx"),
        ]
        constraints = [
            # Shopify's positions are unique too, but a mirrored reordering arrives row by row.
            models.UniqueConstraint(
                fields=["product", "position"],
                condition=LOCAL,
                name="catalog_image_local_position_unique",
                violation_error_message="The product already has an image at this position.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="catalog_image_position_gte_1"
            ),
            models.CheckConstraint(
                condition=Q(width__isnull=True) | Q(width__gt=0),
                name="catalog_image_width_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(height__isnull=True) | Q(height__gt=0),
                name="catalog_image_height_gt_0",
            ),
            models.CheckConstraint(
                condition=~LOCAL | Q(src__iregex=IMAGE_URL_PATTERN),
                name="catalog_image_local_src_format",
                violation_error_message=(
                    "Enter the http(s) URL of a PNG, JPEG, GIF, WebP, AVIF, SVG, HEIC or TIFF file."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.alt or self.src.rsplit("/", 1)[-1].split("?", 1)[0] or f"Image {self.pk}"

    def clean(self) -> None:
        super().clean()
        variant_ids: Any = self.variant_ids
        if not isinstance(variant_ids, list) or not all(
            isinstance(variant_id, int) and not isinstance(variant_id, bool)
            for variant_id in variant_ids
        ):
            raise ValidationError({"variant_ids": "Enter a list of variant ids."})


class ProductTag(models.Model):
    """One tag of a product, trimmed; unique per product, ignoring case."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="product_tags")
    tag = models.CharField(max_length=MAX_TAG_LENGTH)

    class Meta:
        indexes = [models.Index(fields=["tag"], name="catalog_tag_tag_idx")]
        constraints = [
            models.UniqueConstraint(
                Lower("tag"),
                "product",
                name="catalog_tag_product_ci_unique",
                violation_error_message="The product already has this tag.",
            ),
            models.CheckConstraint(condition=~Q(tag=""), name="catalog_tag_not_empty"),
            models.CheckConstraint(condition=Q(tag=Trim("tag")), name="catalog_tag_trimmed"),
            # Shopify's `tags` is a comma-separated list: a tag never holds a comma.
            models.CheckConstraint(condition=~Q(tag__contains=","), name="catalog_tag_no_comma"),
        ]

    def __str__(self) -> str:
        return self.tag

    def clean(self) -> None:
        super().clean()
        self.tag = self.tag.strip()
