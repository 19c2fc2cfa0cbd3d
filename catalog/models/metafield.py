"""Metafields (custom data on any resource) and the definitions that give them a schema."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.models import ShopifyIdentityModel, TimestampedModel, choices_constraint

from ..choices import MetafieldOwnerResource, MetafieldType
from .product import LOCAL, PRESENT_PATTERN

# Types without a list form; every other type T also exists as "list.T".
SINGLE_ONLY_TYPES = frozenset(
    {
        MetafieldType.MULTI_LINE_TEXT_FIELD,
        MetafieldType.RICH_TEXT_FIELD,
        MetafieldType.BOOLEAN,
        MetafieldType.JSON,
        MetafieldType.MONEY,
        MetafieldType.ID,
    }
)
METAFIELD_TYPES = frozenset(MetafieldType.values) | {
    f"list.{name}" for name in MetafieldType.values if name not in SINGLE_ONLY_TYPES
}
# Shopify: 3 to 255 characters ("custom", "my_fields", "$app:reviews").
NAMESPACE_PATTERN = r"^.{3,255}$"


def metafield_type_error(type_name: str) -> str | None:
    if type_name in METAFIELD_TYPES:
        return None
    return f"Unknown metafield type {type_name!r}: use a Shopify type, e.g. single_line_text_field."


class MetafieldDefinition(ShopifyIdentityModel, TimestampedModel):
    """The schema of the metafields with one owner type, namespace and key: their type, their
    validations (min, max, regex …), who may access them and what they can be used for
    (`capabilities`: admin filterable, smart collection condition …)."""

    owner_type = models.CharField(max_length=32, choices=MetafieldOwnerResource.choices)
    namespace = models.CharField(max_length=255)
    key = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    type = models.CharField(max_length=64, help_text="e.g. single_line_text_field, list.url.")
    description = models.TextField(blank=True)
    validations = models.JSONField(
        default=list, blank=True, help_text='[{"name": "max", "value": "10"}, …]'
    )
    access = models.JSONField(
        default=dict, blank=True, help_text='{"admin": "MERCHANT_READ_WRITE", "storefront": …}'
    )
    capabilities = models.JSONField(
        default=dict,
        blank=True,
        help_text='{"adminFilterable": {"enabled": true}, "smartCollectionCondition": …}',
    )

    class Meta:
        ordering = ["owner_type", "namespace", "key"]
        indexes = [
            models.Index(fields=["namespace"], name="catalog_metadef_namespace_idx"),
            models.Index(fields=["key"], name="catalog_metadef_key_idx"),
            # owner_type leads the unique constraint's index.
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "namespace", "key"],
                name="catalog_metadef_owner_key_unique",
                violation_error_message="This owner type already has a definition with this key.",
            ),
            choices_constraint(
                "owner_type", MetafieldOwnerResource, "catalog_metadef_owner_type_valid"
            ),
            models.CheckConstraint(
                condition=~LOCAL | Q(namespace__regex=NAMESPACE_PATTERN),
                name="catalog_metadef_local_namespace_len",
                violation_error_message="A namespace has 3 to 255 characters.",
            ),
            models.CheckConstraint(
                condition=Q(key__regex=PRESENT_PATTERN), name="catalog_metadef_key_present"
            ),
            models.CheckConstraint(
                condition=Q(name__regex=PRESENT_PATTERN), name="catalog_metadef_name_present"
            ),
            models.CheckConstraint(
                condition=Q(type__regex=PRESENT_PATTERN), name="catalog_metadef_type_present"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.namespace}.{self.key})"

    def clean(self) -> None:
        super().clean()
        error = metafield_type_error(self.type)
        if error:
            raise ValidationError({"type": error})


class Metafield(ShopifyIdentityModel, TimestampedModel):
    """A piece of custom data on a record of any kind: `owner_resource` says which kind, and
    `owner_id` which row (our primary key of it). One value per owner, namespace and key.

    `definition`, when set, is the schema the metafield follows: same owner type, namespace,
    key and type (checked by clean()).
    """

    owner_id = models.BigIntegerField(help_text="The owner's id in Stockroom.")
    owner_resource = models.CharField(max_length=32, choices=MetafieldOwnerResource.choices)
    namespace = models.CharField(max_length=255)
    key = models.CharField(max_length=255)
    value = models.TextField(blank=True)
    type = models.CharField(max_length=64, help_text="e.g. single_line_text_field, list.url.")
    description = models.TextField(blank=True)
    definition = models.ForeignKey(
        MetafieldDefinition,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="metafields",
    )

    class Meta:
        indexes = [
            models.Index(fields=["owner_id"], name="catalog_metafield_owner_id_idx"),
            models.Index(fields=["namespace"], name="catalog_metafield_ns_idx"),
            models.Index(fields=["key"], name="catalog_metafield_key_idx"),
            # owner_resource leads the unique constraint's index.
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_resource", "owner_id", "namespace", "key"],
                name="catalog_metafield_owner_key_unique",
                violation_error_message="The owner already has a metafield with this key.",
            ),
            choices_constraint(
                "owner_resource", MetafieldOwnerResource, "catalog_metafield_owner_valid"
            ),
            models.CheckConstraint(
                condition=~LOCAL | Q(namespace__regex=NAMESPACE_PATTERN),
                name="catalog_metafield_local_namespace_len",
                violation_error_message="A namespace has 3 to 255 characters.",
            ),
            models.CheckConstraint(
                condition=Q(key__regex=PRESENT_PATTERN), name="catalog_metafield_key_present"
            ),
            models.CheckConstraint(
                condition=Q(type__regex=PRESENT_PATTERN), name="catalog_metafield_type_present"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.namespace}.{self.key}"

    def clean(self) -> None:
        super().clean()
        error = metafield_type_error(self.type)
        if error:
            raise ValidationError({"type": error})
        definition = self.definition
        if definition is None:
            return
        mine = (self.owner_resource, self.namespace, self.key, self.type)
        theirs = (definition.owner_type, definition.namespace, definition.key, definition.type)
        if mine != theirs:
            raise ValidationError(
                {"definition": "The definition is for another owner type, key or type."}
            )
