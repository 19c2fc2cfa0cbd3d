"""Shared abstract bases, the shop's settings and the activity trail (Events)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .choices import EventVerb, WeightUnit
from .querysets import AllObjectsManager, SoftDeleteManager

CURRENCY_VALIDATOR = RegexValidator(r"^[A-Z]{3}$", "Use an ISO 4217 code such as USD.")
COUNTRY_CODE_VALIDATOR = RegexValidator(r"^[A-Z]{2}$", "Use an ISO 3166-1 alpha-2 code.")
ZERO = Decimal("0")


def money_field(**kwargs: Any) -> models.DecimalField:
    """A money amount: Decimal with two places, never float."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)


def currency_field(**kwargs: Any) -> models.CharField:
    kwargs.setdefault("max_length", 3)
    kwargs.setdefault("default", "USD")
    kwargs.setdefault("validators", [CURRENCY_VALIDATOR])
    return models.CharField(**kwargs)


def choices_constraint(
    field: str, choices: type[models.TextChoices], name: str, *, nullable: bool = False
) -> models.CheckConstraint:
    """A CheckConstraint that keeps `field` inside a TextChoices enum."""
    condition = Q(**{f"{field}__in": choices.values})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True}) | Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)


def non_negative_constraint(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}) | Q(**{f"{field}__isnull": True}), name=name
    )


def currency_constraint(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__regex": r"^[A-Z]{3}$"}), name=name)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SoftDeleteModel(models.Model):
    """Soft delete: `objects` hides deleted rows, `all_objects` sees them all."""

    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = SoftDeleteManager()
    all_objects = AllObjectsManager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ShopifyIdentityModel(models.Model):
    """A row is mirrored from Shopify when it carries `shopify_id` (unique per model)."""

    shopify_id = models.BigIntegerField(null=True, blank=True, unique=True)
    shopify_updated_at = models.DateTimeField(null=True, blank=True)
    admin_graphql_api_id = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def is_mirrored(self) -> bool:
        return self.shopify_id is not None


class Shop(ShopifyIdentityModel, TimestampedModel):
    """The store's settings (the seeds' Shop). Single-tenant: normally one row."""

    name = models.CharField(max_length=255)
    email = models.EmailField(blank=True)
    domain = models.CharField(max_length=255, unique=True)
    province = models.CharField(max_length=255, blank=True)
    country = models.CharField(max_length=255, blank=True)
    address1 = models.CharField(max_length=255, blank=True)
    address2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=255, blank=True)
    zip = models.CharField(max_length=32, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    primary_locale = models.CharField(max_length=16, default="en")
    primary_location = models.ForeignKey(
        "inventory.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    currency = currency_field()
    iana_timezone = models.CharField(max_length=64, default="UTC")
    money_format = models.CharField(max_length=64, default="${{amount}}")
    money_with_currency_format = models.CharField(max_length=64, default="${{amount}} USD")
    weight_unit = models.CharField(
        max_length=2, choices=WeightUnit.choices, default=WeightUnit.KILOGRAMS
    )
    province_code = models.CharField(max_length=16, blank=True)
    taxes_included = models.BooleanField(default=False)
    tax_shipping = models.BooleanField(default=False)
    county_taxes = models.BooleanField(default=True)
    plan_display_name = models.CharField(max_length=255, blank=True)
    plan_name = models.CharField(max_length=255, blank=True)
    has_discounts = models.BooleanField(default=False)
    has_gift_cards = models.BooleanField(default=False)
    store_domain = models.CharField(max_length=255, blank=True, db_index=True)
    google_apps_domain = models.CharField(max_length=255, blank=True)
    google_apps_login_enabled = models.BooleanField(default=False)
    money_in_emails_format = models.CharField(max_length=64, default="${{amount}}")
    money_with_currency_in_emails_format = models.CharField(
        max_length=64, default="${{amount}} USD"
    )
    eligible_for_card_reader_giveaway = models.BooleanField(default=False)
    requires_extra_payments_agreement = models.BooleanField(default=False)
    password_enabled = models.BooleanField(default=False)
    has_storefront = models.BooleanField(default=True)
    eligible_for_payments = models.BooleanField(default=True)
    checkout_api_supported = models.BooleanField(default=False)
    multi_location_enabled = models.BooleanField(default=True)
    setup_required = models.BooleanField(default=False)
    pre_launch_enabled = models.BooleanField(default=False)
    enabled_presentment_currencies = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["country"], name="core_shop_country_idx"),
            models.Index(fields=["province"], name="core_shop_province_idx"),
        ]
        constraints = [
            currency_constraint("currency", "core_shop_currency_iso4217"),
            choices_constraint("weight_unit", WeightUnit, "core_shop_weight_unit_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """The activity and audit trail of the seeds: who did what to which record, and when."""

    subject_id = models.BigIntegerField()
    subject_type = models.CharField(max_length=64)
    verb = models.CharField(max_length=32, choices=EventVerb.choices)
    object_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    body = models.TextField(blank=True)
    message = models.TextField(blank=True)
    author = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(blank=True)
    path = models.CharField(max_length=512, blank=True)
    arguments = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Where the change came from (core.request_context): the request's X-Request-ID (also the
    # `cid` of its auditlog entries) and the client address. Empty for mirrored Shopify events.
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    shopify_id = models.BigIntegerField(null=True, blank=True, unique=True)
    admin_graphql_api_id = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="core_event_subject_idx"),
            models.Index(fields=["object_type", "object_id"], name="core_event_object_idx"),
            models.Index(fields=["subject_id"], name="core_event_subject_id_idx"),
            models.Index(fields=["object_id"], name="core_event_object_id_idx"),
            models.Index(fields=["verb"], name="core_event_verb_idx"),
            models.Index(fields=["-created_at", "-id"], name="core_event_created_idx"),
        ]
        constraints = [choices_constraint("verb", EventVerb, "core_event_verb_valid")]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.subject_id} {self.verb}"


class IdempotencyKey(models.Model):
    """A POST's `Idempotency-Key`, per credential: the first response is replayed for 24 hours.

    `response_status` is null while the first request is in flight."""

    credential = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    request_digest = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(default=b"")
    response_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "key"], name="idempotency_key_credential_key_uniq"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created_idx")]

    def __str__(self) -> str:
        return f"{self.credential} {self.key}"
