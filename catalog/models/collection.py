"""Collections: custom (products added by hand) and smart (products chosen by rules)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.models import ShopifyIdentityModel, SoftDeleteModel, TimestampedModel, choices_constraint

from ..choices import (
    CollectionRuleColumn,
    CollectionRuleRelation,
    CollectionSortOrder,
    CollectionType,
    PublishedScope,
)
from ..querysets import SmartCollectionAllObjectsManager, SmartCollectionManager
from .product import ALIVE, HANDLE_PATTERN, PRESENT_PATTERN, Product

MAX_RULES = 60
RULE_KEYS = frozenset({"column", "relation", "condition"})
# A metafield rule also names the metafield definition it reads.
METAFIELD_COLUMNS = frozenset(
    {
        CollectionRuleColumn.PRODUCT_METAFIELD_DEFINITION,
        CollectionRuleColumn.VARIANT_METAFIELD_DEFINITION,
    }
)


def collection_rules_errors(rules: Any) -> list[str]:
    """What is wrong with a smart collection's rules (Shopify's shape), or an empty list."""
    if not isinstance(rules, list):
        return ["Enter a list of rules."]
    if len(rules) > MAX_RULES:
        return [f"A collection has at most {MAX_RULES} rules."]
    errors = []
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or not rule.keys() >= RULE_KEYS:
            errors.append(f"Rule {number}: give its column, relation and condition.")
        elif rule["column"] not in CollectionRuleColumn.values:
            errors.append(f"Rule {number}: unknown column {rule['column']!r}.")
        elif rule["relation"] not in CollectionRuleRelation.values:
            errors.append(f"Rule {number}: unknown relation {rule['relation']!r}.")
        elif not isinstance(rule["condition"], str):
            errors.append(f"Rule {number}: the condition is text.")
        elif rule["column"] in METAFIELD_COLUMNS and not rule.get("condition_object_id"):
            errors.append(f"Rule {number}: a metafield rule names its metafield definition.")
    return errors


class Collection(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A group of products. A custom collection lists its products (CollectionProduct rows, in
    `position` order when sorted manually); a smart collection has `rules`, all of which (or,
    when `disjunctive`, any of which) a product meets to belong. SmartCollection is the proxy
    that sees smart collections only."""

    collection_type = models.CharField(
        max_length=8, choices=CollectionType.choices, default=CollectionType.CUSTOM
    )
    title = models.CharField(max_length=255)
    handle = models.CharField(
        max_length=255, help_text="The URL segment, unique among collections, e.g. frontpage."
    )
    body_html = models.TextField(blank=True)
    sort_order = models.CharField(
        max_length=16, choices=CollectionSortOrder.choices, default=CollectionSortOrder.BEST_SELLING
    )
    rules = models.JSONField(
        default=list,
        blank=True,
        help_text='Smart collections: [{"column": "tag", "relation": "equals", "condition": …}].',
    )
    # The seed's DisjunctiveRules (Shopify REST: `disjunctive`).
    disjunctive = models.BooleanField(
        "any rule matches",
        default=False,
        help_text="Products meet any one rule (instead of all of them).",
    )
    template_suffix = models.CharField(max_length=255, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_scope = models.CharField(
        max_length=16, choices=PublishedScope.choices, default=PublishedScope.WEB
    )
    image = models.JSONField(
        default=dict, blank=True, help_text="Shopify's image object: src, alt, width, height …"
    )
    seo_title = models.CharField("SEO title", max_length=255, blank=True)
    seo_description = models.TextField("SEO description", blank=True)
    products = models.ManyToManyField(
        Product, through="catalog.CollectionProduct", related_name="collections", blank=True
    )

    class Meta(SoftDeleteModel.Meta):
        indexes = [
            # The unique constraint's index is partial (live rows); the mirror looks up all.
            models.Index(fields=["handle"], name="catalog_collection_handle_idx"),
            models.Index(fields=["published_at"], name="catalog_collection_pub_idx"),
            models.Index(fields=["sort_order"], name="catalog_collection_sort_idx"),
            models.Index(fields=["updated_at"], name="catalog_collection_updated_idx"),
            models.Index(fields=["collection_type"], name="catalog_collection_type_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["handle"],
                condition=ALIVE,
                name="catalog_collection_handle_unique",
                violation_error_message="Another collection already uses this handle.",
            ),
            models.CheckConstraint(
                condition=Q(handle__regex=HANDLE_PATTERN),
                name="catalog_collection_handle_valid",
                violation_error_message="A handle has no blanks or slashes.",
            ),
            models.CheckConstraint(
                condition=Q(title__regex=PRESENT_PATTERN), name="catalog_collection_title_present"
            ),
            choices_constraint("collection_type", CollectionType, "catalog_collection_type_valid"),
            choices_constraint(
                "sort_order", CollectionSortOrder, "catalog_collection_sort_order_valid"
            ),
            choices_constraint("published_scope", PublishedScope, "catalog_collection_scope_valid"),
            models.CheckConstraint(
                condition=~Q(collection_type=CollectionType.CUSTOM) | Q(rules=[]),
                name="catalog_collection_custom_no_rules",
                violation_error_message="A custom collection has no rules.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_smart(self) -> bool:
        return self.collection_type == CollectionType.SMART

    def clean(self) -> None:
        super().clean()
        if self.is_smart:
            errors = collection_rules_errors(self.rules)
            if errors:
                raise ValidationError({"rules": errors})


class SmartCollection(Collection):
    """The smart collections (the seed's SmartCollections): a view of Collection."""

    objects: ClassVar[SmartCollectionManager] = SmartCollectionManager()
    all_objects: ClassVar[SmartCollectionAllObjectsManager] = SmartCollectionAllObjectsManager()

    class Meta:
        proxy = True
        base_manager_name = "all_objects"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A new SmartCollection(...) is smart without saying so.
        if not args:
            kwargs.setdefault("collection_type", CollectionType.SMART)
        super().__init__(*args, **kwargs)


class CollectionProduct(ShopifyIdentityModel, TimestampedModel):
    """A product in a collection (Shopify's Collect), at a position for manual sorting."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="collection_products"
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="collection_memberships"
    )
    position = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["collection_id", "position", "id"]
        indexes = [
            models.Index(fields=["collection", "position"], name="catalog_collprod_position_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "product"],
                name="catalog_collprod_unique",
                violation_error_message="The product is already in this collection.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="catalog_collprod_position_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"Product {self.product_id} in collection {self.collection_id}"
