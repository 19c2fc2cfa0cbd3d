"""Where a data subject's personal data lives: discovered from the models, not listed by hand.

A subject is a person: the customer rows that are them (found by id or email) and the email
addresses and phone numbers they use (a guest buyer has no customer row, only an email). Their
rows are found in four ways, so that a new table is not silently missed:

1. **Foreign keys.** Every concrete model with a foreign key to a row already reached is reached
   (a fixed point from the customer rows: addresses, orders, then the orders' lines,
   fulfillments, refunds, transactions …). The customer model itself is only reached by
   identification, never through another row's key.
2. **Email columns.** Every `EmailField` (or column named `*email*`) is matched against the
   subject's addresses (guest orders and checkouts), except on the models listed in
   `EMAIL_NOT_SUBJECT` (staff accounts, the shop, business partners).
3. **Generic references**: `(type, id)` pairs (`core.Event`, `compliance.ComplianceRecord`,
   `catalog.Metafield`) and content-type references (django-auditlog's and the admin's
   `LogEntry`) pointing at any row reached above; events and audit entries that spell out the
   subject's email or phone are reached too.
4. **Received payloads**: webhook deliveries whose payload names the subject (their email, phone,
   or the Shopify id of their customer record or orders).

`tests/compliance/test_gdpr_completeness.py` enumerates the database's own foreign keys and
email columns and fails if a table holding a subject's data is not reached here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

SUBJECT_MODEL = "customers.Customer"
ORDER_MODEL = "orders.Order"

# Models reached through a foreign key whose rows are not the subject's data.
NOT_SUBJECT_DATA: dict[str, str] = {
    "b2b.Company": (
        "a company is the business customer's record; it only points at its main contact, whose "
        "CompanyContact row is the person's data"
    ),
}
# Email columns that hold someone other than a buyer.
EMAIL_NOT_SUBJECT: dict[str, str] = {
    "accounts.User": "staff accounts (employment records, not customer data)",
    "core.Shop": "the merchant's own contact address",
    "shipping.FulfillmentService": "a fulfillment partner's business address",
}
# Generic (type, id) references: model label -> [(type column, id column, how types are named)].
# "class": the model's class name ("Customer"), as core.services.event_record writes it;
# "snake": its snake_case name ("customer", "company_location"), as Metafield.owner_resource.
TYPED_REFERENCES: dict[str, list[tuple[str, str, str]]] = {
    "core.Event": [("subject_type", "subject_id", "class"), ("object_type", "object_id", "class")],
    "compliance.ComplianceRecord": [("entity_type", "entity_id", "class")],
    "catalog.Metafield": [("owner_resource", "owner_id", "snake")],
}
# Content-type references: model label -> (content type FK, object id column).
CONTENT_TYPE_REFERENCES: dict[str, tuple[str, str]] = {
    "auditlog.LogEntry": ("content_type", "object_pk"),
    "admin.LogEntry": ("content_type", "object_id"),
}
# Free-text columns of those models searched for the subject's email and phone.
TEXT_SEARCH_COLUMNS: dict[str, tuple[str, ...]] = {
    "core.Event": ("message", "body", "description", "arguments"),
    "auditlog.LogEntry": ("object_repr", "changes_text", "changes"),
    "admin.LogEntry": ("object_repr", "change_message"),
}
# Requests known by the SHA-256 digest of the subject's email (see DataSubjectRequest).
DIGEST_REFERENCES: dict[str, str] = {"compliance.DataSubjectRequest": "subject_email_digest"}
# Received payloads: model label -> its JSON payload column.
PAYLOAD_LOGS: dict[str, str] = {"webhooks.WebhookDelivery": "payload"}
# Keys under which a received payload carries a Shopify id.
PAYLOAD_ID_KEYS = frozenset({"id", "customer_id", "order_id", "checkout_id"})


def model_label(model: type[models.Model]) -> str:
    return model._meta.label


def snake_name(model: type[models.Model]) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def installed_model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def concrete_models() -> list[type[models.Model]]:
    """Every model with a table of its own (proxies share their parent's rows), including the
    automatic through tables of many-to-many fields."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is not None
    ]


def email_columns(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.EmailField)
        or (isinstance(f, models.CharField | models.TextField) and "email" in f.name)
    ]


def fk_reachable_models() -> dict[str, list[str]]:
    """label -> the foreign keys (field names) through which its rows belong to a subject."""
    subject = apps.get_model(SUBJECT_MODEL)
    reached: dict[str, list[str]] = {SUBJECT_MODEL: []}
    changed = True
    while changed:
        changed = False
        for model in concrete_models():
            label = model_label(model)
            if model is subject or label in NOT_SUBJECT_DATA:
                continue
            for fk in _foreign_keys(model):
                target = fk.related_model
                assert target is not None and not isinstance(target, str)
                if model_label(target) in reached and fk.name not in reached.get(label, []):
                    reached.setdefault(label, []).append(fk.name)
                    changed = True
    return reached


def email_reachable_models() -> dict[str, list[str]]:
    """label -> its email columns matched against the subject's addresses."""
    return {
        model_label(model): columns
        for model in concrete_models()
        if (columns := email_columns(model)) and model_label(model) not in EMAIL_NOT_SUBJECT
    }


@dataclass
class Subject:
    """A data subject: their customer rows, email addresses and phone numbers."""

    customer_ids: list[int] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    # Shopify ids of orders named by the request (customers/redact's orders_to_redact).
    shopify_order_ids: list[int] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.customer_ids or self.emails)


def subject_for_customers(customers: Iterable[Any], *, emails: Iterable[str] = ()) -> Subject:
    subject = Subject()
    for customer in customers:
        subject.customer_ids.append(customer.pk)
        if customer.email:
            subject.emails.append(customer.email)
        if customer.phone:
            subject.phones.append(customer.phone)
    subject.emails.extend(emails)
    subject.emails = sorted({email.strip().lower() for email in subject.emails if email.strip()})
    subject.phones = sorted(set(subject.phones))
    return subject


@dataclass
class Holdings:
    """What is held about a subject: primary keys per model label, in discovery order."""

    subject: Subject
    pks: dict[str, set[Any]] = field(default_factory=dict)
    # Shopify ids of the subject's rows (customer records, orders, checkouts): found in payloads.
    shopify_ids: set[int] = field(default_factory=set)

    def queryset(self, label: str) -> models.QuerySet[Any]:
        model = apps.get_model(label)
        return model._base_manager.filter(pk__in=sorted(self.pks.get(label, ())))

    def labels(self) -> Iterator[str]:
        yield from (label for label, pks in self.pks.items() if pks)


def _add(holdings: Holdings, label: str, pks: Iterable[Any]) -> bool:
    current = holdings.pks.setdefault(label, set())
    before = len(current)
    current.update(pks)
    return len(current) != before


def _email_filter(columns: list[str], emails: list[str]) -> Q:
    condition = Q()
    for column in columns:
        for email in emails:
            condition |= Q(**{f"{column}__iexact": email})
    return condition


def holdings_collect(
    subject: Subject, *, seeds: dict[str, Iterable[Any]] | None = None
) -> Holdings:
    """Every row that holds the subject's personal data, by primary key. `seeds` start the walk
    from other rows too (a retention policy's old orders: their lines, refunds, events …)."""
    holdings = Holdings(subject=subject)
    holdings.pks[SUBJECT_MODEL] = set(subject.customer_ids)
    for label, pks in (seeds or {}).items():
        _add(holdings, label, pks)
    if subject.shopify_order_ids:
        orders = apps.get_model(ORDER_MODEL)._base_manager.filter(
            shopify_id__in=subject.shopify_order_ids
        )
        _add(holdings, ORDER_MODEL, orders.values_list("pk", flat=True))
    by_email = email_reachable_models() if subject.emails else {}
    for label, columns in by_email.items():
        if label == SUBJECT_MODEL:
            continue
        model = apps.get_model(label)
        matched = model._base_manager.filter(_email_filter(columns, subject.emails))
        _add(holdings, label, matched.values_list("pk", flat=True))
    # Foreign keys, to a fixed point (children of guest orders, lines of refunds …).
    paths = fk_reachable_models()
    changed = True
    while changed:
        changed = False
        for label, fks in paths.items():
            if label == SUBJECT_MODEL:
                continue
            model = apps.get_model(label)
            condition = Q()
            for fk_name in fks:
                target = model._meta.get_field(fk_name).related_model
                assert target is not None and not isinstance(target, str)
                target_pks = holdings.pks.get(model_label(target))
                if target_pks:
                    condition |= Q(**{f"{fk_name}__in": sorted(target_pks)})
            if not condition:
                continue
            rows = model._base_manager.filter(condition).values_list("pk", flat=True)
            changed |= _add(holdings, label, rows)
    _collect_digests(holdings)
    _collect_shopify_ids(holdings)
    _collect_references(holdings)
    _collect_payloads(holdings)
    holdings.pks = {label: pks for label, pks in holdings.pks.items() if pks}
    return holdings


def _collect_shopify_ids(holdings: Holdings) -> None:
    for label in list(holdings.labels()):
        model = apps.get_model(label)
        if any(f.name == "shopify_id" for f in model._meta.concrete_fields):
            ids = holdings.queryset(label).exclude(shopify_id=None)
            holdings.shopify_ids.update(ids.values_list("shopify_id", flat=True))


def _reached_types(holdings: Holdings, style: str) -> dict[str, set[Any]]:
    names: dict[str, set[Any]] = {}
    for label in holdings.labels():
        model = apps.get_model(label)
        name = model.__name__ if style == "class" else snake_name(model)
        names.setdefault(name, set()).update(holdings.pks[label])
    return names


def _text_filter(columns: tuple[str, ...], needles: list[str]) -> Q:
    condition = Q()
    for column in columns:
        for needle in needles:
            condition |= Q(**{f"{column}__icontains": needle})
    return condition


def content_type_reference_pks(holdings: Holdings) -> dict[str, set[Any]]:
    """The audit entries (content-type references) about the rows held, found again now: also
    the entries written since the holdings were collected (an erasure's own deletions)."""
    found: dict[str, set[Any]] = {}
    for label, (type_fk, id_column) in CONTENT_TYPE_REFERENCES.items():
        model = installed_model(label)
        if model is None:
            continue
        condition = Q()
        for reached_label in holdings.labels():
            if reached_label in CONTENT_TYPE_REFERENCES:
                continue
            content_type = ContentType.objects.get_for_model(
                apps.get_model(reached_label), for_concrete_model=False
            )
            pks = [str(pk) for pk in sorted(holdings.pks[reached_label])]
            condition |= Q(**{type_fk: content_type, f"{id_column}__in": pks})
        rows = set(holdings.pks.get(label, ()))
        if condition:
            rows.update(model._base_manager.filter(condition).values_list("pk", flat=True))
        if rows:
            found[label] = rows
    return found


def _collect_references(holdings: Holdings) -> None:
    needles = holdings.subject.emails + holdings.subject.phones
    # Snapshot first: rows reached through references do not reach further.
    reached = {style: _reached_types(holdings, style) for style in ("class", "snake")}
    content_types = {
        label: ContentType.objects.get_for_model(apps.get_model(label), for_concrete_model=False)
        for label in holdings.labels()
    }
    snapshot = {label: set(pks) for label, pks in holdings.pks.items()}
    for label, references in TYPED_REFERENCES.items():
        model = installed_model(label)
        if model is None:
            continue
        condition = Q()
        for type_column, id_column, style in references:
            for name, pks in reached[style].items():
                ids = sorted(pk for pk in pks if isinstance(pk, int))
                if ids:
                    condition |= Q(**{type_column: name, f"{id_column}__in": ids})
        if needles and label in TEXT_SEARCH_COLUMNS:
            condition |= _text_filter(TEXT_SEARCH_COLUMNS[label], needles)
        if condition:
            _add(
                holdings, label, model._base_manager.filter(condition).values_list("pk", flat=True)
            )
    for label, (type_fk, id_column) in CONTENT_TYPE_REFERENCES.items():
        model = installed_model(label)
        if model is None:
            continue
        condition = Q()
        for reached_label, content_type in content_types.items():
            object_ids = [str(pk) for pk in sorted(snapshot.get(reached_label, ()))]
            if object_ids:
                condition |= Q(**{type_fk: content_type, f"{id_column}__in": object_ids})
        if needles and label in TEXT_SEARCH_COLUMNS:
            condition |= _text_filter(TEXT_SEARCH_COLUMNS[label], needles)
        if condition:
            _add(
                holdings, label, model._base_manager.filter(condition).values_list("pk", flat=True)
            )


def email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _collect_digests(holdings: Holdings) -> None:
    digests = [email_digest(email) for email in holdings.subject.emails]
    if not digests:
        return
    for label, column in DIGEST_REFERENCES.items():
        model = apps.get_model(label)
        rows = model._base_manager.filter(**{f"{column}__in": digests})
        _add(holdings, label, rows.values_list("pk", flat=True))


def payload_names_subject(value: Any, *, needles: list[str], ids: set[int], key: str = "") -> bool:
    """Does a received payload name the subject: a string holding their email or phone, or one
    of their Shopify ids under an id key?"""
    if isinstance(value, dict):
        return any(
            payload_names_subject(item, needles=needles, ids=ids, key=name)
            for name, item in value.items()
        )
    if isinstance(value, list):
        return any(payload_names_subject(item, needles=needles, ids=ids, key=key) for item in value)
    if isinstance(value, str):
        lowered = value.lower()
        if any(needle in lowered for needle in needles):
            return True
        if key in PAYLOAD_ID_KEYS and value.isdigit():
            return int(value) in ids
        return False
    if isinstance(value, int) and not isinstance(value, bool):
        return key in PAYLOAD_ID_KEYS and value in ids
    return False


def _collect_payloads(holdings: Holdings) -> None:
    needles = [needle.lower() for needle in holdings.subject.emails + holdings.subject.phones]
    ids = holdings.shopify_ids
    searched = needles + [str(shopify_id) for shopify_id in sorted(ids)]
    if not searched:
        return
    for label, column in PAYLOAD_LOGS.items():
        model = installed_model(label)
        if model is None:
            continue
        candidates = model._base_manager.filter(_text_filter((column,), searched))
        matched = [
            pk
            for pk, payload in candidates.values_list("pk", column).iterator()
            if payload_names_subject(payload, needles=needles, ids=ids)
        ]
        _add(holdings, label, matched)


def subject_for_request(request: Any) -> Subject:
    """The subject of a request: its customer (and their address), or, without a customer row,
    the email address recorded with the request (kept only until it is carried out)."""
    customer_model = apps.get_model(SUBJECT_MODEL)
    evidence = request.evidence
    emails = [email] if (email := evidence.get("subject_email", "")) else []
    known = subject_for_customers(
        list(customer_model._base_manager.filter(pk=request.customer_id))
        if request.customer_id is not None
        else [],
        emails=emails,
    )
    # Every customer row with one of the person's addresses is them (a deleted duplicate too).
    condition = Q(pk__in=known.customer_ids)
    for address in known.emails:
        condition |= Q(email__iexact=address)
    customers = list(customer_model._base_manager.filter(condition).order_by("pk"))
    subject = subject_for_customers(customers, emails=emails)
    named = evidence.get("orders_to_redact") or evidence.get("orders_requested") or []
    subject.shopify_order_ids = [int(order_id) for order_id in named]
    return subject
