"""Customers, their addresses, segments (the seeds' CustomerGroups) and tags."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Trim

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

from .choices import CustomerState, MarketingOptInLevel

LOCAL = Q(shopify_id__isnull=True)
# E.164: "+", a country code that does not start with 0, then up to 15 digits in all.
PHONE_E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
# One "@", something on each side, a dot in the domain and no blanks (the seed's email check).
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
COUNTRY_CODE_PATTERN = r"^[A-Z]{2}$"
# Something other than blanks.
PRESENT_PATTERN = r"\S"


class Customer(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A buyer: contact details, marketing consent, tax status and order statistics.

    Shopify allows customers without an email (phone-only or name-only), so `email` may be empty;
    when present it is unique, ignoring case, among customers that are not deleted.
    """

    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=16, blank=True, help_text="E.164, e.g. +16135550123.")
    first_name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255, blank=True)
    state = models.CharField(
        max_length=16, choices=CustomerState.choices, default=CustomerState.DISABLED
    )
    verified_email = models.BooleanField(default=False)
    multipass_identifier = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    # Shopify's comma-separated list; one CustomerTag row per tag makes them searchable.
    tags = models.TextField(blank=True)
    currency = currency_field()
    default_address = models.ForeignKey(
        "customers.CustomerAddress",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Marketing.
    accepts_marketing = models.BooleanField(default=False)
    accepts_marketing_updated_at = models.DateTimeField(null=True, blank=True)
    marketing_opt_in_level = models.CharField(
        max_length=32, choices=MarketingOptInLevel.choices, null=True, blank=True
    )
    email_marketing_consent = models.JSONField(
        default=dict, blank=True, help_text="state, opt_in_level, consent_updated_at"
    )
    sms_marketing_consent = models.JSONField(
        default=dict,
        blank=True,
        help_text="state, opt_in_level, consent_updated_at, consent_collected_from",
    )

    # Tax.
    tax_exempt = models.BooleanField(default=False)
    tax_exemptions = models.JSONField(default=list, blank=True)

    # Order statistics, kept up to date by the order services (or mirrored).
    orders_count = models.IntegerField(default=0)
    total_spent = money_field(default=ZERO)
    last_order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_order_name = models.CharField(max_length=64, blank=True)

    class Meta(SoftDeleteModel.Meta):
        indexes = [
            models.Index(fields=["email"], name="customers_cust_email_idx"),
            models.Index(fields=["phone"], name="customers_cust_phone_idx"),
            models.Index(fields=["state"], name="customers_cust_state_idx"),
            models.Index(fields=["total_spent"], name="customers_cust_total_spent_idx"),
            # created_at is indexed by TimestampedModel.
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email="") & Q(deleted_at__isnull=True),
                name="customers_customer_email_ci_unique",
            ),
            models.CheckConstraint(
                condition=~LOCAL | Q(email="") | Q(email__regex=EMAIL_PATTERN),
                name="customers_customer_email_format",
            ),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=PHONE_E164_PATTERN),
                name="customers_customer_phone_e164",
            ),
            choices_constraint("state", CustomerState, "customers_customer_state_valid"),
            choices_constraint(
                "marketing_opt_in_level",
                MarketingOptInLevel,
                "customers_customer_opt_in_level_valid",
                nullable=True,
            ),
            non_negative_constraint("orders_count", "customers_customer_orders_count_gte_0"),
            non_negative_constraint("total_spent", "customers_customer_total_spent_gte_0"),
            currency_constraint("currency", "customers_customer_currency_iso4217"),
        ]

    def __str__(self) -> str:
        full_name = f"{self.first_name} {self.last_name}".strip()
        return full_name or self.email or self.phone or f"Customer {self.pk}"

    def clean(self) -> None:
        super().clean()
        address = self.default_address
        if address is not None and self.pk is not None and address.customer_id != self.pk:
            raise ValidationError({"default_address": "The address belongs to another customer."})


class CustomerAddress(ShopifyIdentityModel, TimestampedModel):
    """A postal address of a customer. Addresses are deleted for real, as in Shopify."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    first_name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=255, blank=True)
    company = models.CharField("company name", max_length=255, blank=True)
    address1 = models.CharField(max_length=255, blank=True)
    address2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=255, blank=True)
    province = models.CharField(max_length=255, blank=True)
    province_code = models.CharField(max_length=16, blank=True)
    country = models.CharField(max_length=255, blank=True)
    country_code = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2.")
    country_name = models.CharField(max_length=255, blank=True)
    zip = models.CharField(max_length=32, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    # Shopify's `default` (a Python/Django-unfriendly name).
    is_default = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "customer addresses"
        indexes = [
            models.Index(fields=["is_default"], name="customers_address_default_idx"),
            models.Index(fields=["country"], name="customers_address_country_idx"),
            models.Index(fields=["province"], name="customers_address_province_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_default=True),
                name="customers_address_one_default",
            ),
            models.CheckConstraint(
                condition=Q(country_code="") | Q(country_code__regex=COUNTRY_CODE_PATTERN),
                name="customers_address_country_code_iso",
            ),
        ]

    def __str__(self) -> str:
        parts = (self.address1, self.city, self.country_code or self.country)
        return ", ".join(part for part in parts if part) or f"Address {self.pk}"

    def clean(self) -> None:
        super().clean()
        # Address validation (local rows): a street line and a country at the least.
        if self.shopify_id is None:
            errors = {}
            if not self.address1.strip():
                errors["address1"] = "Enter the street address."
            if not (self.country_code or self.country.strip()):
                errors["country_code"] = "Enter the country."
            if errors:
                raise ValidationError(errors)


def segment_query_error(query: str) -> str | None:
    """The first syntax problem of a segment query (balanced quotes and parentheses), or None."""
    if not query.strip():
        return "Enter a query."
    depth, quote = 0, ""
    for character in query:
        if quote:
            if character == quote:
                quote = ""
        elif character in "'\"":
            quote = character
        elif character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth < 0:
                return "A closing parenthesis has no opening one."
    if quote:
        return "A quoted value is not closed."
    if depth:
        return "A parenthesis is not closed."
    return None


class CustomerGroup(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A customer segment (Shopify Segment): a query, and the customers it matched."""

    name = models.CharField(max_length=255)
    query = models.TextField(help_text="Shopify segment query, e.g. number_of_orders > 2")
    customers = models.ManyToManyField(
        Customer, through="customers.CustomerGroupMembership", related_name="groups", blank=True
    )

    class Meta(SoftDeleteModel.Meta):
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="customers_group_name_idx"),
            # created_at is indexed by TimestampedModel.
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(deleted_at__isnull=True),
                name="customers_group_name_ci_unique",
            ),
            models.CheckConstraint(
                condition=Q(name__regex=PRESENT_PATTERN), name="customers_group_name_present"
            ),
            models.CheckConstraint(
                condition=Q(query__regex=PRESENT_PATTERN), name="customers_group_query_present"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        error = segment_query_error(self.query)
        if error:
            raise ValidationError({"query": error})


class CustomerGroupMembership(TimestampedModel):
    """A customer in a group (segment)."""

    group = models.ForeignKey(CustomerGroup, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="group_memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "customer"], name="customers_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} in {self.group}"


class CustomerTag(models.Model):
    """One tag of a customer, normalised: lower-case and trimmed."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="customer_tags")
    tag = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["tag"], name="customers_tag_tag_idx")]
        constraints = [
            models.UniqueConstraint(fields=["customer", "tag"], name="customers_tag_unique"),
            models.CheckConstraint(
                condition=Q(tag=Lower(Trim("tag"))), name="customers_tag_normalised"
            ),
            models.CheckConstraint(condition=~Q(tag=""), name="customers_tag_not_empty"),
        ]

    def __str__(self) -> str:
        return self.tag

    def clean(self) -> None:
        super().clean()
        self.tag = self.tag.strip().lower()
