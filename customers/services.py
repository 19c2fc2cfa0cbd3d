"""Writes of the customers app: customers, their addresses, groups (segments) and tags.

Rules (the seed + Shopify): email unique ignoring case among live customers (the database
constraint; a clash is a 409 naming `email`), email and E.164 phone formats, tags normalised
(lower-case, trimmed, one CustomerTag row each), totals (orders_count, total_spent) never
written here, a customer with orders is not deleted, exactly one default address per customer
(switched under a lock on the customer), the default address is not deleted while others exist,
ISO 3166-1 alpha-2 country codes, group names unique ignoring case and group queries well formed.
Mirrored rows (shopify_id set) are refused with SHOPIFY_MANAGED.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core.errors import Conflict, ServiceError, ShopifyManaged
from core.services import event_record, soft_delete

from .models import (
    Customer,
    CustomerAddress,
    CustomerGroup,
    CustomerGroupMembership,
    CustomerTag,
    segment_query_error,
)

MAX_BULK = 250
# ISO 3166-1 alpha-2, all 249 assigned codes.
COUNTRY_CODES = frozenset(
    """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split()  # noqa: SIM905
)
# The subdivision part of ISO 3166-2 (KY, ON, 75, BY ...): 1 to 3 letters or digits.
PROVINCE_CODE_PATTERN = re.compile(r"^[A-Z0-9]{1,3}$")
EMAIL_UNIQUE_CONSTRAINT = "customers_customer_email_ci_unique"
GROUP_NAME_CONSTRAINT = "customers_group_name_ci_unique"

CUSTOMER_FIELDS = (
    "email",
    "phone",
    "first_name",
    "last_name",
    "state",
    "verified_email",
    "multipass_identifier",
    "note",
    "currency",
    "accepts_marketing",
    "marketing_opt_in_level",
    "email_marketing_consent",
    "sms_marketing_consent",
    "tax_exempt",
    "tax_exemptions",
)
ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "name",
    "company",
    "address1",
    "address2",
    "city",
    "province",
    "province_code",
    "country",
    "country_code",
    "country_name",
    "zip",
    "phone",
)


def _error(field: str, message: str, *, prefix: str = "") -> ServiceError:
    path = f"{prefix}.{field}" if prefix else field
    return ServiceError("Invalid input data", details=[{"field": path, "message": message}])


def _email_taken(field: str = "email") -> Conflict:
    return Conflict(
        "A customer with this email already exists.",
        details=[{"field": field, "message": "This email is already in use."}],
    )


def _refuse_mirrored(row: Customer | CustomerAddress | CustomerGroup) -> None:
    if row.shopify_id is not None:
        raise ShopifyManaged(
            f"This {type(row).__name__} is managed by Shopify; change it there.",
        )


def tags_normalised(tags: str | Iterable[str] | None) -> list[str]:
    """Shopify's comma-separated tags → unique, lower-case, trimmed, in the given order."""
    items = tags.split(",") if isinstance(tags, str) else list(tags or [])
    seen: dict[str, None] = {}
    for tag in (item.strip().lower() for item in items):
        if tag:
            seen.setdefault(tag[:255], None)
    return list(seen)


def country_code_check(code: str, *, field: str = "countryCode") -> None:
    """Refuse a country code that is not an assigned ISO 3166-1 alpha-2 code."""
    if code and code not in COUNTRY_CODES:
        raise _error(field, f"{code!r} is not an ISO 3166-1 alpha-2 country code.")


def _customer_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {key: data[key] for key in CUSTOMER_FIELDS if key in data}
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
    for key in ("phone", "first_name", "last_name", "note", "multipass_identifier"):
        if key in fields and fields[key] is None:
            fields[key] = ""
    return fields


def _customer_checks(fields: dict[str, Any], *, prefix: str = "", create: bool = False) -> None:
    identifiers = ("email", "phone", "first_name", "last_name")
    if create and not any((fields.get(key) or "").strip() for key in identifiers):
        raise _error("email", "Give an email, a phone number or a name.", prefix=prefix)
    if fields.get("tax_exempt") is False and fields.get("tax_exemptions"):
        raise _error("taxExemptions", "Only a tax-exempt customer has exemptions.", prefix=prefix)


def _address_fields(data: dict[str, Any], *, prefix: str = "") -> dict[str, Any]:
    fields = {key: data[key] for key in ADDRESS_FIELDS if key in data and data[key] is not None}
    for key in ("country_code", "province_code"):
        if key in fields:
            fields[key] = fields[key].strip().upper()
    country_code_check(fields.get("country_code", ""), field=_path(prefix, "countryCode"))
    province_code = fields.get("province_code", "")
    if province_code and not PROVINCE_CODE_PATTERN.match(province_code):
        raise _error("provinceCode", "Use the ISO 3166-2 subdivision code, e.g. KY.", prefix=prefix)
    return fields


def _path(prefix: str, field: str) -> str:
    return f"{prefix}.{field}" if prefix else field


def _address_complete(fields: dict[str, Any], *, prefix: str = "") -> None:
    """Address validation of the seed: a street line and a country at the least."""
    if not (fields.get("address1") or "").strip():
        raise _error("address1", "Enter the street address.", prefix=prefix)
    if not (fields.get("country_code") or (fields.get("country") or "").strip()):
        raise _error("countryCode", "Enter the country.", prefix=prefix)


def _tags_write(customer: Customer, tags: list[str]) -> None:
    CustomerTag.objects.filter(customer=customer).delete()
    CustomerTag.objects.bulk_create(CustomerTag(customer=customer, tag=tag) for tag in tags)


def _save_customer(customer: Customer, *, create: bool) -> None:
    try:
        with transaction.atomic():
            if create:
                customer.save(force_insert=True)
            else:
                customer.save()
    except IntegrityError as exc:
        if EMAIL_UNIQUE_CONSTRAINT in str(exc):
            raise _email_taken() from exc
        raise


@transaction.atomic
def customer_create(*, data: dict[str, Any], actor: Any = None) -> Customer:
    fields = _customer_fields(data)
    _customer_checks(fields, create=True)
    addresses = [
        _address_fields(item, prefix=f"addresses.{index}")
        for index, item in enumerate(data.get("addresses") or [])
    ]
    for index, address in enumerate(addresses):
        _address_complete(address, prefix=f"addresses.{index}")
    tags = tags_normalised(data.get("tags"))
    customer = Customer(**fields, tags=", ".join(tags))
    if customer.accepts_marketing:
        customer.accepts_marketing_updated_at = timezone.now()
    _save_customer(customer, create=True)
    CustomerTag.objects.bulk_create(CustomerTag(customer=customer, tag=tag) for tag in tags)
    if addresses:
        rows = CustomerAddress.objects.bulk_create(
            CustomerAddress(customer=customer, is_default=index == 0, **address)
            for index, address in enumerate(addresses)
        )
        customer.default_address = rows[0]
        customer.save(update_fields=["default_address", "updated_at"])
    event_record(subject=customer, verb="create", actor=actor)
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, data: dict[str, Any], actor: Any = None) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    _refuse_mirrored(customer)
    fields = _customer_fields(data)
    merged_exempt = fields.get("tax_exempt", customer.tax_exempt)
    merged_exemptions = fields.get("tax_exemptions", customer.tax_exemptions)
    _customer_checks({"tax_exempt": merged_exempt, "tax_exemptions": merged_exemptions})
    if "accepts_marketing" in fields and fields["accepts_marketing"] != customer.accepts_marketing:
        customer.accepts_marketing_updated_at = timezone.now()
    for key, value in fields.items():
        setattr(customer, key, value)
    if "tags" in data:
        tags = tags_normalised(data["tags"])
        customer.tags = ", ".join(tags)
        _tags_write(customer, tags)
    _save_customer(customer, create=False)
    event_record(subject=customer, verb="update", actor=actor)
    return customer


@transaction.atomic
def customer_delete(*, customer: Customer, actor: Any = None) -> None:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    _refuse_mirrored(customer)
    if customer.orders_count > 0:
        raise Conflict(
            "A customer with orders cannot be deleted.",
            details=[{"field": "ordersCount", "message": "The customer has orders."}],
        )
    soft_delete(instance=customer)
    event_record(subject=customer, verb="destroy", actor=actor)


@transaction.atomic
def customers_bulk_create(*, items: list[dict[str, Any]], actor: Any = None) -> list[Customer]:
    """All or nothing: one transaction, bulk inserts, errors named `customers.<index>.<field>`."""
    if not items:
        raise _error("customers", "Send at least one customer.")
    if len(items) > MAX_BULK:
        raise _error("customers", f"Send at most {MAX_BULK} customers at a time.")
    prepared: list[tuple[dict[str, Any], list[str], list[dict[str, Any]]]] = []
    first_index_of_email: dict[str, int] = {}
    for index, item in enumerate(items):
        prefix = f"customers.{index}"
        fields = _customer_fields(item)
        _customer_checks(fields, prefix=prefix, create=True)
        email = fields.get("email", "")
        if email:
            if email in first_index_of_email:
                raise _error(
                    "email",
                    f"Duplicate of customers.{first_index_of_email[email]}.email in this batch.",
                    prefix=prefix,
                )
            first_index_of_email[email] = index
        addresses = []
        for position, address in enumerate(item.get("addresses") or []):
            address_prefix = f"{prefix}.addresses.{position}"
            address_fields = _address_fields(address, prefix=address_prefix)
            _address_complete(address_fields, prefix=address_prefix)
            addresses.append(address_fields)
        prepared.append((fields, tags_normalised(item.get("tags")), addresses))

    now = timezone.now()
    customers = [
        Customer(
            **fields,
            tags=", ".join(tags),
            accepts_marketing_updated_at=now if fields.get("accepts_marketing") else None,
        )
        for fields, tags, _ in prepared
    ]
    try:
        with transaction.atomic():
            customers = Customer.objects.bulk_create(customers)
    except IntegrityError as exc:
        if EMAIL_UNIQUE_CONSTRAINT not in str(exc):
            raise
        taken = set(
            Customer.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=list(first_index_of_email))
            .values_list("email_lower", flat=True)
        )
        clashes = sorted(index for email, index in first_index_of_email.items() if email in taken)
        raise Conflict(
            "A customer with this email already exists.",
            details=[
                {"field": f"customers.{index}.email", "message": "This email is already in use."}
                for index in clashes
            ],
        ) from exc

    CustomerTag.objects.bulk_create(
        CustomerTag(customer=customer, tag=tag)
        for customer, (_, tags, _) in zip(customers, prepared, strict=True)
        for tag in tags
    )
    address_rows = CustomerAddress.objects.bulk_create(
        CustomerAddress(customer=customer, is_default=position == 0, **address)
        for customer, (_, _, address_list) in zip(customers, prepared, strict=True)
        for position, address in enumerate(address_list)
    )
    defaults = {row.customer_id: row for row in address_rows if row.is_default}
    for customer in customers:
        customer.default_address = defaults.get(customer.pk)
    Customer.objects.bulk_update(
        [customer for customer in customers if customer.default_address is not None],
        ["default_address"],
    )
    for customer in customers:
        event_record(subject=customer, verb="create", actor=actor, arguments={"bulk": True})
    return customers


# Addresses.


def _locked_customer(customer: Customer) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    _refuse_mirrored(customer)
    return customer


def _make_default(customer: Customer, address: CustomerAddress) -> None:
    """Switch the default under the customer's lock: clear the old one, then set the new one."""
    CustomerAddress.objects.filter(customer=customer, is_default=True).exclude(
        pk=address.pk
    ).update(is_default=False)
    if not address.is_default:
        CustomerAddress.objects.filter(pk=address.pk).update(is_default=True)
        address.is_default = True
    customer.default_address = address
    customer.save(update_fields=["default_address", "updated_at"])


@transaction.atomic
def address_create(
    *, customer: Customer, data: dict[str, Any], actor: Any = None
) -> CustomerAddress:
    customer = _locked_customer(customer)
    fields = _address_fields(data)
    _address_complete(fields)
    address = CustomerAddress.objects.create(customer=customer, **fields)
    if data.get("default") or customer.default_address_id is None:
        _make_default(customer, address)
    event_record(subject=customer, verb="update", actor=actor, subject_object=address)
    return address


@transaction.atomic
def address_update(
    *, address: CustomerAddress, data: dict[str, Any], actor: Any = None
) -> CustomerAddress:
    customer = _locked_customer(address.customer)
    address = CustomerAddress.objects.get(pk=address.pk)
    _refuse_mirrored(address)
    fields = _address_fields(data)
    for key, value in fields.items():
        setattr(address, key, value)
    _address_complete({key: getattr(address, key) for key in ADDRESS_FIELDS})
    address.save()
    if data.get("default"):
        _make_default(customer, address)
    event_record(subject=customer, verb="update", actor=actor, subject_object=address)
    return address


@transaction.atomic
def address_set_default(*, address: CustomerAddress, actor: Any = None) -> CustomerAddress:
    customer = _locked_customer(address.customer)
    address = CustomerAddress.objects.get(pk=address.pk)
    _make_default(customer, address)
    event_record(subject=customer, verb="update", actor=actor, subject_object=address)
    return address


@transaction.atomic
def address_delete(*, address: CustomerAddress, actor: Any = None) -> None:
    customer = _locked_customer(address.customer)
    address = CustomerAddress.objects.get(pk=address.pk)
    _refuse_mirrored(address)
    if address.is_default and customer.addresses.exclude(pk=address.pk).exists():
        raise Conflict(
            "The default address cannot be deleted; make another address the default first.",
            details=[{"field": "default", "message": "This is the default address."}],
        )
    address.delete()
    event_record(subject=customer, verb="update", actor=actor, message="address deleted")


# Groups (segments).

GROUP_FIELDS = ("name", "query")


def _group_checks(fields: dict[str, Any]) -> None:
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        if not fields["name"]:
            raise _error("name", "Enter a name.")
    if "query" in fields:
        error = segment_query_error(fields["query"])
        if error:
            raise _error("query", error)


def _save_group(group: CustomerGroup) -> None:
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError as exc:
        if GROUP_NAME_CONSTRAINT in str(exc):
            raise Conflict(
                "A group with this name already exists.",
                details=[{"field": "name", "message": "This name is already in use."}],
            ) from exc
        raise


@transaction.atomic
def group_create(*, data: dict[str, Any], actor: Any = None) -> CustomerGroup:
    fields = {key: data[key] for key in GROUP_FIELDS if key in data}
    _group_checks(fields)
    group = CustomerGroup(**fields)
    _save_group(group)
    if data.get("customer_ids"):
        _members_add(group, data["customer_ids"], field="customerIds")
    event_record(subject=group, verb="create", actor=actor)
    return group


@transaction.atomic
def group_update(*, group: CustomerGroup, data: dict[str, Any], actor: Any = None) -> CustomerGroup:
    group = CustomerGroup.objects.select_for_update().get(pk=group.pk)
    _refuse_mirrored(group)
    fields = {key: data[key] for key in GROUP_FIELDS if key in data}
    _group_checks(fields)
    for key, value in fields.items():
        setattr(group, key, value)
    _save_group(group)
    event_record(subject=group, verb="update", actor=actor)
    return group


@transaction.atomic
def group_delete(*, group: CustomerGroup, actor: Any = None) -> None:
    _refuse_mirrored(group)
    soft_delete(instance=group)
    event_record(subject=group, verb="destroy", actor=actor)


def _members_add(group: CustomerGroup, customer_ids: list[int], *, field: str) -> int:
    wanted = list(dict.fromkeys(customer_ids))
    found = set(Customer.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ServiceError(
            "Invalid input data",
            details=[
                {"field": f"{field}.{wanted.index(pk)}", "message": f"No customer {pk}."}
                for pk in missing
            ],
        )
    created = CustomerGroupMembership.objects.bulk_create(
        [CustomerGroupMembership(group=group, customer_id=pk) for pk in wanted],
        ignore_conflicts=True,
    )
    return len(created)


@transaction.atomic
def group_members_add(
    *, group: CustomerGroup, customer_ids: list[int], actor: Any = None
) -> CustomerGroup:
    group = CustomerGroup.objects.select_for_update().get(pk=group.pk)
    _refuse_mirrored(group)
    _members_add(group, customer_ids, field="customerIds")
    event_record(subject=group, verb="update", actor=actor, arguments={"added": list(customer_ids)})
    return group


@transaction.atomic
def group_member_remove(*, group: CustomerGroup, customer_id: int, actor: Any = None) -> None:
    group = CustomerGroup.objects.select_for_update().get(pk=group.pk)
    _refuse_mirrored(group)
    deleted, _ = CustomerGroupMembership.objects.filter(
        group=group, customer_id=customer_id
    ).delete()
    if not deleted:
        raise ServiceError("Not a member of this group.", code="NOT_FOUND", status_code=404)
    event_record(subject=group, verb="update", actor=actor, arguments={"removed": [customer_id]})
