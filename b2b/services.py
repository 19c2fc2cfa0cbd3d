"""Writes of the b2b app: payment terms, companies, their locations and contacts.

Rules (the seed's "Enhanced B2B" section + Shopify B2B):
- Payment terms: `net` terms need `net_days` (1 to 365); `fixed` terms need a `payment_due_date`;
  `receipt` and `fulfillment` terms carry neither. Discount 0-100 %, credit limit >= 0,
  payment method preferences unique. Terms still used by a company or location are not deleted.
- Companies and locations use shared templates (no company) or their own company's terms.
- Credit limits: >= 0; when the payment terms set a credit limit, the company's limit is in the
  terms' currency and does not exceed it.
- External ids unique (a 409 naming `externalId`); a contact links an existing customer once per
  company (a 409 naming `customerId`); one main contact per company, switched atomically; a
  contact's locations belong to its company; addresses carry ISO 3166-1 country codes.
Mirrored rows (shopify_id set) are refused with SHOPIFY_MANAGED.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import customer_login_company_access_sync
from core.errors import Conflict, ServiceError, ShopifyManaged
from core.services import event_record, soft_delete
from customers.selectors import customer_get
from customers.services import country_code_check

from .choices import PaymentTermsType
from .models import MAX_NET_DAYS, Company, CompanyContact, CompanyLocation, PaymentTerms

TERMS_FIELDS = (
    "name",
    "description",
    "payment_terms_type",
    "net_days",
    "discount_percentage",
    "credit_limit",
    "currency",
    "payment_method_preferences",
    "payment_due_date",
)
COMPANY_FIELDS = (
    "name",
    "tax_id",
    "external_id",
    "note",
    "customer_since",
    "credit_limit",
    "currency",
    "billing_address",
)
LOCATION_FIELDS = (
    "name",
    "external_id",
    "phone",
    "locale",
    "note",
    "billing_address",
    "shipping_address",
    "tax_registration_id",
    "tax_exemptions",
)
CONTACT_FIELDS = ("title", "role")
LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$")


def _error(field: str, message: str) -> ServiceError:
    return ServiceError("Invalid input data", details=[{"field": field, "message": message}])


def _conflict(field: str, message: str) -> Conflict:
    return Conflict(message, details=[{"field": field, "message": message}])


def _refuse_mirrored(row: PaymentTerms | Company | CompanyLocation | CompanyContact) -> None:
    if row.shopify_id is not None:
        raise ShopifyManaged(f"This {type(row).__name__} is managed by Shopify; change it there.")


def _save(row: Any, unique: dict[str, tuple[str, str]], *, create: bool = False) -> None:
    """Save; a unique constraint named in `unique` becomes a 409 naming its field."""
    try:
        with transaction.atomic():
            row.save(force_insert=create)
    except IntegrityError as exc:
        for constraint, (field, message) in unique.items():
            if constraint in str(exc):
                raise _conflict(field, message) from exc
        raise


def _address_check(address: dict[str, Any], field: str) -> dict[str, Any]:
    """A JSON address: ISO country code; when not empty, a street line and a country."""
    if not address:
        return {}
    address = dict(address)
    code = str(address.get("country_code") or "").strip().upper()
    if code:
        address["country_code"] = code
    country_code_check(code, field=f"{field}.countryCode")
    if not str(address.get("address1") or "").strip():
        raise _error(f"{field}.address1", "Enter the street address.")
    if not (code or str(address.get("country") or "").strip()):
        raise _error(f"{field}.countryCode", "Enter the country.")
    return address


# Payment terms.


def _terms_check(terms: PaymentTerms) -> None:
    kind = terms.payment_terms_type
    if kind == PaymentTermsType.NET:
        if terms.net_days is None:
            raise _error("netDays", "Net payment terms need the number of days.")
        if not 1 <= terms.net_days <= MAX_NET_DAYS:
            raise _error("netDays", f"Use 1 to {MAX_NET_DAYS} days.")
    elif terms.net_days is not None:
        raise _error("netDays", "Only net payment terms have a number of days.")
    if kind == PaymentTermsType.FIXED and terms.payment_due_date is None:
        raise _error("paymentDueDate", "Fixed payment terms need a due date.")
    if kind in (PaymentTermsType.RECEIPT, PaymentTermsType.FULFILLMENT) and (
        terms.payment_due_date is not None
    ):
        raise _error("paymentDueDate", "Due on receipt or fulfillment: no due date.")
    preferences = [str(p).strip().lower() for p in terms.payment_method_preferences or []]
    if len(set(preferences)) != len(preferences):
        raise _error("paymentMethodPreferences", "List each payment method once.")


def payment_terms_due_date(*, terms: PaymentTerms, issued_at: Any = None) -> Any:
    """When a bill issued at `issued_at` (default: now) is due under `terms` (None: on an event)."""
    if terms.payment_terms_type == PaymentTermsType.NET and terms.net_days is not None:
        return (issued_at or timezone.now()) + timedelta(days=terms.net_days)
    if terms.payment_terms_type == PaymentTermsType.FIXED:
        return terms.payment_due_date
    return None


@transaction.atomic
def payment_terms_create(*, data: dict[str, Any], actor: Any = None) -> PaymentTerms:
    fields = {key: data[key] for key in TERMS_FIELDS if key in data}
    company = None
    if data.get("company_id") is not None:
        company = Company.objects.filter(pk=data["company_id"]).first()
        if company is None:
            raise _error("companyId", f"No company {data['company_id']}.")
    terms = PaymentTerms(company=company, **fields)
    _terms_check(terms)
    terms.save()
    event_record(subject=terms, verb="create", actor=actor)
    return terms


@transaction.atomic
def payment_terms_update(
    *, terms: PaymentTerms, data: dict[str, Any], actor: Any = None
) -> PaymentTerms:
    terms = PaymentTerms.objects.select_for_update().get(pk=terms.pk)
    _refuse_mirrored(terms)
    kind = data.get("payment_terms_type", terms.payment_terms_type)
    for key in TERMS_FIELDS:
        if key in data:
            setattr(terms, key, data[key])
    # Switching the type drops what the new type does not carry, unless sent with it.
    if kind != PaymentTermsType.NET and "net_days" not in data:
        terms.net_days = None
    if kind != PaymentTermsType.FIXED and "payment_due_date" not in data:
        terms.payment_due_date = None
    _terms_check(terms)
    terms.save()
    event_record(subject=terms, verb="update", actor=actor)
    return terms


@transaction.atomic
def payment_terms_delete(*, terms: PaymentTerms, actor: Any = None) -> None:
    terms = PaymentTerms.objects.select_for_update().get(pk=terms.pk)
    _refuse_mirrored(terms)
    if terms.companies.exists() or terms.company_locations.exists():
        raise _conflict(
            "id", "These payment terms are used by a company or location; reassign them first."
        )
    soft_delete(instance=terms)
    event_record(subject=terms, verb="destroy", actor=actor)


# Companies.


def _terms_for(company_id: int | None, terms_id: int | None, field: str) -> PaymentTerms | None:
    if terms_id is None:
        return None
    terms = PaymentTerms.objects.filter(pk=terms_id).first()
    if terms is None:
        raise _error(field, f"No payment terms {terms_id}.")
    if terms.company_id is not None and terms.company_id != company_id:
        raise _error(field, "These payment terms belong to another company.")
    return terms


def _credit_check(company: Company) -> None:
    terms = company.payment_terms
    if terms is None or terms.credit_limit <= Decimal("0"):
        return
    if terms.currency != company.currency:
        raise _error(
            "paymentTermsId",
            f"The terms' credit limit is in {terms.currency}; the company uses {company.currency}.",
        )
    if company.credit_limit > terms.credit_limit:
        raise _error(
            "creditLimit",
            f"Exceeds the credit limit of the payment terms ({terms.credit_limit}).",
        )


COMPANY_UNIQUE = {"b2b_company_external_id_unique": ("externalId", "This external id is taken.")}


@transaction.atomic
def company_create(*, data: dict[str, Any], actor: Any = None) -> Company:
    fields = {key: data[key] for key in COMPANY_FIELDS if key in data and data[key] is not None}
    fields["name"] = fields.get("name", "").strip()
    if "billing_address" in fields:
        fields["billing_address"] = _address_check(fields["billing_address"], "billingAddress")
    company = Company(**fields)
    company.payment_terms = _terms_for(None, data.get("payment_terms_id"), "paymentTermsId")
    _credit_check(company)
    _save(company, COMPANY_UNIQUE, create=True)
    event_record(subject=company, verb="create", actor=actor)
    return company


@transaction.atomic
def company_update(*, company: Company, data: dict[str, Any], actor: Any = None) -> Company:
    company = Company.objects.select_for_update().get(pk=company.pk)
    _refuse_mirrored(company)
    for key in COMPANY_FIELDS:
        if key in data:
            value = data[key]
            if key == "billing_address":
                value = _address_check(value or {}, "billingAddress")
            elif key == "name":
                value = value.strip()
            setattr(company, key, "" if value is None and key != "customer_since" else value)
    if "payment_terms_id" in data:
        company.payment_terms = _terms_for(company.pk, data["payment_terms_id"], "paymentTermsId")
    _credit_check(company)
    if "main_contact_id" in data:
        contact_id = data["main_contact_id"]
        if contact_id is None:
            CompanyContact.objects.filter(company=company).update(is_main_contact=False)
            company.main_contact = None
        else:
            contact = CompanyContact.objects.filter(company=company, pk=contact_id).first()
            if contact is None:
                raise _error("mainContactId", "Choose a contact of this company.")
            _make_main_contact(company, contact)
    _save(company, COMPANY_UNIQUE)
    event_record(subject=company, verb="update", actor=actor)
    return company


@transaction.atomic
def company_delete(*, company: Company, actor: Any = None) -> None:
    _refuse_mirrored(company)
    soft_delete(instance=company)
    event_record(subject=company, verb="destroy", actor=actor)


# Locations.

LOCATION_UNIQUE = {"b2b_location_external_id_unique": ("externalId", "This external id is taken.")}


def _location_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {key: data[key] for key in LOCATION_FIELDS if key in data}
    for key in ("billing_address", "shipping_address"):
        if key in fields:
            prefix = "billingAddress" if key == "billing_address" else "shippingAddress"
            fields[key] = _address_check(fields[key] or {}, prefix)
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    if fields.get("locale") and not LOCALE_PATTERN.match(fields["locale"]):
        raise _error("locale", "Use a locale such as en or en-CA.")
    if "tax_exemptions" in fields:
        fields["tax_exemptions"] = list(dict.fromkeys(fields["tax_exemptions"] or []))
    return fields


@transaction.atomic
def location_create(
    *, company: Company, data: dict[str, Any], actor: Any = None
) -> CompanyLocation:
    company = Company.objects.select_for_update().get(pk=company.pk)
    _refuse_mirrored(company)
    location = CompanyLocation(company=company, **_location_fields(data))
    location.payment_terms = _terms_for(company.pk, data.get("payment_terms_id"), "paymentTermsId")
    _save(location, LOCATION_UNIQUE, create=True)
    event_record(subject=company, verb="update", actor=actor, subject_object=location)
    return location


@transaction.atomic
def location_update(
    *, location: CompanyLocation, data: dict[str, Any], actor: Any = None
) -> CompanyLocation:
    location = CompanyLocation.objects.select_for_update().get(pk=location.pk)
    _refuse_mirrored(location)
    for key, value in _location_fields(data).items():
        setattr(location, key, value)
    if "payment_terms_id" in data:
        location.payment_terms = _terms_for(
            location.company_id, data["payment_terms_id"], "paymentTermsId"
        )
    _save(location, LOCATION_UNIQUE)
    event_record(subject=location.company, verb="update", actor=actor, subject_object=location)
    return location


@transaction.atomic
def location_delete(*, location: CompanyLocation, actor: Any = None) -> None:
    _refuse_mirrored(location)
    company = location.company
    location.delete()
    event_record(subject=company, verb="update", actor=actor, message="location deleted")


# Contacts.

CONTACT_UNIQUE = {
    "b2b_contact_company_customer_uniq": (
        "customerId",
        "This customer is already a contact of the company.",
    )
}


def _make_main_contact(company: Company, contact: CompanyContact) -> None:
    """One main contact per company: clear the old one first, then flag the new one."""
    CompanyContact.objects.filter(company=company, is_main_contact=True).exclude(
        pk=contact.pk
    ).update(is_main_contact=False)
    CompanyContact.objects.filter(pk=contact.pk).update(is_main_contact=True)
    contact.is_main_contact = True
    company.main_contact = contact
    company.save(update_fields=["main_contact", "updated_at"])


def _locations_for(company: Company, location_ids: list[int]) -> list[CompanyLocation]:
    wanted = list(dict.fromkeys(location_ids))
    found = {loc.pk: loc for loc in CompanyLocation.objects.filter(company=company, pk__in=wanted)}
    for index, pk in enumerate(wanted):
        if pk not in found:
            raise _error(f"locationIds.{index}", f"No location {pk} at this company.")
    return list(found.values())


@transaction.atomic
def contact_create(*, company: Company, data: dict[str, Any], actor: Any = None) -> CompanyContact:
    company = Company.objects.select_for_update().get(pk=company.pk)
    _refuse_mirrored(company)
    customer = customer_get(customer_id=data["customer_id"])
    if customer is None:
        raise _error("customerId", f"No customer {data['customer_id']}.")
    locations = _locations_for(company, data.get("location_ids") or [])
    fields = {key: data[key] for key in CONTACT_FIELDS if key in data}
    contact = CompanyContact(company=company, customer=customer, **fields)
    _save(contact, CONTACT_UNIQUE, create=True)
    contact.locations.set(locations)
    if data.get("is_main_contact") or company.main_contact_id is None:
        _make_main_contact(company, contact)
    customer_login_company_access_sync(customer_id=customer.pk)
    event_record(subject=company, verb="update", actor=actor, subject_object=contact)
    return contact


@transaction.atomic
def contact_update(
    *, contact: CompanyContact, data: dict[str, Any], actor: Any = None
) -> CompanyContact:
    company = Company.objects.select_for_update().get(pk=contact.company_id)
    contact = CompanyContact.objects.get(pk=contact.pk)
    _refuse_mirrored(contact)
    for key in CONTACT_FIELDS:
        if key in data:
            setattr(contact, key, data[key])
    contact.save()
    if "location_ids" in data:
        contact.locations.set(_locations_for(company, data["location_ids"]))
    if data.get("is_main_contact"):
        _make_main_contact(company, contact)
    elif data.get("is_main_contact") is False and contact.is_main_contact:
        raise _error("isMainContact", "Make another contact the main contact instead.")
    event_record(subject=company, verb="update", actor=actor, subject_object=contact)
    return contact


@transaction.atomic
def contact_delete(*, contact: CompanyContact, actor: Any = None) -> None:
    company = Company.objects.select_for_update().get(pk=contact.company_id)
    _refuse_mirrored(contact)
    if contact.is_main_contact and company.contacts.exclude(pk=contact.pk).exists():
        raise _conflict(
            "isMainContact", "Make another contact the main contact before deleting this one."
        )
    customer_id = contact.customer_id
    contact.delete()
    customer_login_company_access_sync(customer_id=customer_id)
    event_record(subject=company, verb="update", actor=actor, message="contact deleted")
