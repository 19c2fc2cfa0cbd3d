"""B2B: companies, their locations and contacts (customers with a role), and payment terms.

As in Shopify B2B, a company buys through its locations (each with billing and shipping
addresses and its own payment terms) and its contacts are customers acting for it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

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

from .choices import CompanyContactRole, PaymentTermsType

# Something other than blanks.
PRESENT_PATTERN = r"\S"
MAX_NET_DAYS = 365


class PaymentTerms(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """When and how a B2B buyer pays. Without a company, a template every company may use."""

    company = models.ForeignKey(
        "b2b.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="custom_payment_terms",
        help_text="Empty for shared templates (Net 30, Due on receipt, ...).",
    )
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    payment_terms_type = models.CharField(
        max_length=16, choices=PaymentTermsType.choices, default=PaymentTermsType.NET
    )
    # Shopify's `dueInDays`: the N of "Net N" (7, 15, 30, 45, 60, 90 in Shopify's templates).
    net_days = models.IntegerField(null=True, blank=True)
    discount_percentage = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        help_text="Early-payment discount, 0 to 100.",
    )
    credit_limit = money_field(default=ZERO)
    currency = currency_field()
    payment_method_preferences = models.JSONField(
        default=list, blank=True, help_text="Payment methods in order of preference."
    )
    payment_due_date = models.DateTimeField(null=True, blank=True)

    class Meta(SoftDeleteModel.Meta):
        verbose_name = "payment terms"
        verbose_name_plural = "payment terms"
        indexes = [
            models.Index(fields=["payment_due_date"], name="b2b_terms_due_date_idx"),
            # company_id is indexed as a foreign key.
        ]
        constraints = [
            choices_constraint("payment_terms_type", PaymentTermsType, "b2b_terms_type_valid"),
            models.CheckConstraint(
                condition=Q(net_days__isnull=True) | Q(net_days__gte=0, net_days__lte=MAX_NET_DAYS),
                name="b2b_terms_net_days_range",
            ),
            models.CheckConstraint(
                condition=~Q(payment_terms_type=PaymentTermsType.NET) | Q(net_days__isnull=False),
                name="b2b_terms_net_has_days",
            ),
            models.CheckConstraint(
                condition=Q(discount_percentage__gte=0, discount_percentage__lte=100),
                name="b2b_terms_discount_pct_range",
            ),
            non_negative_constraint("credit_limit", "b2b_terms_credit_limit_gte_0"),
            currency_constraint("currency", "b2b_terms_currency_iso4217"),
            models.CheckConstraint(
                condition=Q(name__regex=PRESENT_PATTERN), name="b2b_terms_name_present"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Company(ShopifyIdentityModel, SoftDeleteModel, TimestampedModel):
    """A business customer account."""

    # The seed's `company_name`, named `name` as in Shopify (`company.name` reads better).
    name = models.CharField(max_length=255)
    tax_id = models.CharField(max_length=64, blank=True)
    external_id = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    customer_since = models.DateTimeField(null=True, blank=True)
    credit_limit = money_field(default=ZERO)
    currency = currency_field()
    payment_terms = models.ForeignKey(
        PaymentTerms,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="companies",
        help_text="Default payment terms of the company's orders.",
    )
    billing_address = models.JSONField(default=dict, blank=True)
    main_contact = models.ForeignKey(
        "b2b.CompanyContact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(SoftDeleteModel.Meta):
        verbose_name_plural = "companies"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="b2b_company_name_idx"),
            models.Index(fields=["tax_id"], name="b2b_company_tax_id_idx"),
            # created_at is indexed by TimestampedModel.
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(name__regex=PRESENT_PATTERN), name="b2b_company_name_present"
            ),
            non_negative_constraint("credit_limit", "b2b_company_credit_limit_gte_0"),
            currency_constraint("currency", "b2b_company_currency_iso4217"),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id="") & Q(deleted_at__isnull=True),
                name="b2b_company_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        terms = self.payment_terms
        if terms is not None and terms.company_id not in (None, self.pk):
            errors["payment_terms"] = "These payment terms belong to another company."
        contact = self.main_contact
        if contact is not None and contact.company_id != self.pk:
            errors["main_contact"] = "The main contact must be a contact of this company."
        if errors:
            raise ValidationError(errors)


class CompanyLocation(ShopifyIdentityModel, TimestampedModel):
    """A branch or site of a company that orders: addresses, tax settings and payment terms."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    locale = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    tax_registration_id = models.CharField(max_length=64, blank=True)
    tax_exemptions = models.JSONField(default=list, blank=True)
    payment_terms = models.ForeignKey(
        PaymentTerms,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="company_locations",
    )

    class Meta:
        indexes = [models.Index(fields=["name"], name="b2b_location_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(name__regex=PRESENT_PATTERN), name="b2b_location_name_present"
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="b2b_location_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        terms = self.payment_terms
        if terms is not None and terms.company_id not in (None, self.company_id):
            raise ValidationError(
                {"payment_terms": "These payment terms belong to another company."}
            )


class CompanyContact(ShopifyIdentityModel, TimestampedModel):
    """A customer who buys for a company, with a role at the company's locations."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="company_contacts"
    )
    title = models.CharField(max_length=255, blank=True, help_text="Job title.")
    role = models.CharField(
        max_length=32, choices=CompanyContactRole.choices, default=CompanyContactRole.ORDERING_ONLY
    )
    is_main_contact = models.BooleanField(default=False)
    locations = models.ManyToManyField(
        CompanyLocation,
        blank=True,
        related_name="contacts",
        help_text="The locations the contact may order for (none: every location).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "customer"], name="b2b_contact_company_customer_uniq"
            ),
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(is_main_contact=True),
                name="b2b_contact_one_main_contact",
            ),
            choices_constraint("role", CompanyContactRole, "b2b_contact_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} at {self.company}"
