"""A person with data in every table that can hold it, each value a unique canary.

`plant_person(tag)` writes the canaries (names, email, phone, street address, note) into every
personal column a buyer's data lands in: the customer, their addresses, tags, segments, orders
(one linked, one a guest order with their email only) with lines, discounts, fulfillments,
fulfillment orders, refunds, transactions, payments, gift cards, abandoned checkouts, consents,
requests, B2B contacts, metafields, events, compliance records, webhook deliveries and audit
entries (django-auditlog and the admin's log). The GDPR tests export and erase this person."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry as AuditLogEntry
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from compliance.models import ComplianceRecord
from core.models import Event
from customers.models import Customer
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.b2b.factories import CompanyContactFactory, CompanyFactory, CompanyLocationFactory
from tests.catalog.factories import MetafieldFactory
from tests.compliance.factories import ConsentFactory, DataSubjectRequestFactory
from tests.customers.factories import (
    CustomerAddressFactory,
    CustomerFactory,
    CustomerGroupMembershipFactory,
    CustomerTagFactory,
)
from tests.finance.factories import GiftCardFactory, PaymentFactory, TransactionFactory
from tests.orders.factories import (
    AbandonedCheckoutFactory,
    AbandonedCheckoutLineItemFactory,
    FulfillmentFactory,
    FulfillmentLineItemFactory,
    FulfillmentOrderFactory,
    FulfillmentOrderLineItemFactory,
    OrderDiscountApplicationFactory,
    OrderFactory,
    OrderLineItemFactory,
    RefundFactory,
    RefundLineItemFactory,
)
from tests.webhooks.factories import WebhookDeliveryFactory


@dataclass
class Canaries:
    tag: str
    first_name: str
    last_name: str
    email: str
    phone: str
    street: str
    note: str

    @classmethod
    def for_tag(cls, tag: str, number: int) -> Canaries:
        return cls(
            tag=tag,
            first_name=f"Zorbalina{tag}",
            last_name=f"Quixwhistle{tag}",
            email=f"canary.{tag.lower()}@privacy-test.example",
            phone=f"+4915199{number:05d}",
            street=f"{number} Canarywharf{tag} Lane",
            note=f"Leave-with-neighbour-{tag}-note",
        )

    def values(self) -> dict[str, str]:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "phone": self.phone,
            "street": self.street,
            "note": self.note,
        }

    def address(self) -> dict[str, Any]:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "name": f"{self.first_name} {self.last_name}",
            "address1": self.street,
            "city": "Berlin",
            "zip": "10115",
            "phone": self.phone,
            "country": "Germany",
            "country_code": "DE",
            "province": "Berlin",
            "province_code": "BE",
        }


@dataclass
class Planted:
    canaries: Canaries
    customer: Customer
    orders: list[Order] = field(default_factory=list)
    order_totals: dict[int, Decimal] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)


def plant_person(tag: str, number: int, *, shopify_base: int | None = None) -> Planted:
    """Every table that can hold a buyer's data gets a row of this person's; `shopify_base`
    makes them a mirrored (Shopify) customer with mirrored orders."""
    c = Canaries.for_tag(tag, number)
    mirrored = shopify_base is not None
    sid = (lambda offset: shopify_base + offset) if mirrored else (lambda offset: None)
    customer = CustomerFactory.create(
        email=c.email,
        phone=c.phone,
        first_name=c.first_name,
        last_name=c.last_name,
        note=c.note,
        tags=f"vip, {c.last_name}",
        multipass_identifier=f"multipass-{c.email}",
        email_marketing_consent={"state": "subscribed", "email": c.email},
        shopify_id=sid(1),
    )
    address = CustomerAddressFactory.create(
        customer=customer,
        first_name=c.first_name,
        last_name=c.last_name,
        name=f"{c.first_name} {c.last_name}",
        address1=c.street,
        phone=c.phone,
        is_default=True,
        shopify_id=sid(2),
    )
    Customer.objects.filter(pk=customer.pk).update(default_address=address)
    CustomerTagFactory.create(customer=customer, tag=c.last_name.lower())
    CustomerGroupMembershipFactory.create(customer=customer)
    planted = Planted(canaries=c, customer=customer)

    def order(**extra: Any) -> Order:
        made = OrderFactory.create(
            email=c.email,
            contact_email=c.email,
            phone=c.phone,
            billing_address=c.address(),
            shipping_address=c.address(),
            note=c.note,
            note_attributes=[{"name": "gift message", "value": f"For {c.first_name}"}],
            browser_ip="198.51.100.23",
            landing_site=f"/?utm_email={c.email}",
            total_price=Decimal("84.50"),
            subtotal_price=Decimal("80.00"),
            total_tax=Decimal("4.50"),
            **extra,
        )
        planted.orders.append(made)
        planted.order_totals[made.pk] = made.total_price
        return made

    linked = order(customer=customer, shopify_id=sid(10))
    guest = order(customer=None, shopify_id=sid(11))
    for target in (linked, guest):
        line = OrderLineItemFactory.create(
            order=target,
            properties=[{"name": "Engraving", "value": f"{c.first_name} {c.last_name}"}],
            destination_location=c.address(),
        )
        OrderDiscountApplicationFactory.create(order=target)
        fulfillment = FulfillmentFactory.create(order=target, destination=c.address())
        FulfillmentLineItemFactory.create(fulfillment=fulfillment, line_item=line)
        fulfillment_order = FulfillmentOrderFactory.create(order=target, destination=c.address())
        FulfillmentOrderLineItemFactory.create(fulfillment_order=fulfillment_order, line_item=line)
        refund = RefundFactory.create(order=target, note=c.note)
        RefundLineItemFactory.create(refund=refund, line_item=line)
        payment = PaymentFactory.create(order=target)
        TransactionFactory.create(
            order=target,
            payment=payment,
            message=f"Approved for {c.first_name} {c.last_name}",
            payment_details={"credit_card_name": f"{c.first_name} {c.last_name}"},
            receipt={"payer_email": c.email},
        )
    GiftCardFactory.create(customer=customer, order=linked, note=c.note)
    checkout = AbandonedCheckoutFactory.create(
        customer=customer,
        email=c.email,
        phone=c.phone,
        billing_address=c.address(),
        shipping_address=c.address(),
        note=c.note,
        sms_marketing_phone=c.phone,
    )
    AbandonedCheckoutLineItemFactory.create(checkout=checkout)
    ConsentFactory.create(customer=customer)
    DataSubjectRequestFactory.create(
        customer=customer, subject_email_digest=hashlib.sha256(c.email.encode()).hexdigest()
    )
    company = CompanyFactory.create()
    contact = CompanyContactFactory.create(company=company, customer=customer, title=c.last_name)
    contact.locations.add(CompanyLocationFactory.create(company=company))
    MetafieldFactory.create(owner_resource="customer", owner_id=customer.pk, value=c.note)
    MetafieldFactory.create(owner_resource="order", owner_id=linked.pk, value=c.street)
    Event.objects.create(
        subject_type="Customer",
        subject_id=customer.pk,
        verb="update",
        message=f"{c.first_name} {c.last_name} changed their address",
        body=c.street,
        arguments={"email": c.email, "phone": c.phone},
    )
    Event.objects.create(
        subject_type="Shop",
        subject_id=1,
        verb="update",
        message=f"Newsletter bounce for {c.email}",
    )
    ComplianceRecord.objects.create(
        entity_type="Customer",
        entity_id=customer.pk,
        compliance_type="gdpr",
        status="pending_review",
        notes=f"Asked by {c.first_name} on the phone {c.phone}",
    )
    customer_payload = {
        "id": shopify_base + 1 if shopify_base is not None else 7700000 + number,
        "email": c.email,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "phone": c.phone,
        "note": c.note,
        "default_address": c.address(),
    }
    WebhookDeliveryFactory.create(
        topic="customers/update",
        payload=customer_payload,
        status="processed",
        processed_at=timezone.now(),
    )
    WebhookDeliveryFactory.create(
        topic="orders/updated",
        payload={"id": sid(10) or 1, "email": c.email, "shipping_address": c.address()},
        status="received",
    )
    content_type = ContentType.objects.get_for_model(Customer)
    AuditLogEntry.objects.create(
        content_type=content_type,
        object_pk=str(customer.pk),
        object_id=customer.pk,
        object_repr=f"{c.first_name} {c.last_name}",
        action=AuditLogEntry.Action.UPDATE,
        changes={"email": ["old@example.com", c.email], "note": ["", c.note]},
        changes_text=f"email: {c.email}",
        serialized_data={"fields": {"phone": c.phone, "address1": c.street}},
    )
    # The person acting themselves (self-service): their email is the entry's actor.
    AuditLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Order),
        object_pk=str(linked.pk),
        object_id=linked.pk,
        object_repr=linked.name,
        action=AuditLogEntry.Action.UPDATE,
        changes={"note": ["", c.note]},
        actor_email=c.email,
    )
    AdminLogEntry.objects.create(
        user=UserFactory.create(is_staff=True),
        content_type=content_type,
        object_id=str(customer.pk),
        object_repr=f"{c.first_name} {c.last_name}",
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Note"]}}]',
    )
    return planted


def audit_entries_about(tables: dict[str, list[dict[str, Any]]], *, until: Any) -> int:
    """How many django-auditlog entries written up to `until` are about the rows of `tables` (an
    export's rows by label): counted from content types and primary keys, independently of the
    export's own discovery. Every model is audited, so each planted row has its entries."""
    from auditlog.models import LogEntry
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    about = Q(pk__in=[])
    for label, rows in tables.items():
        if label in ("auditlog.LogEntry", "admin.LogEntry") or not rows:
            continue
        content_type = ContentType.objects.get_for_model(apps.get_model(label))
        about |= Q(content_type=content_type, object_pk__in=[str(row["id"]) for row in rows])
    return int(LogEntry.objects.filter(about, timestamp__lte=until).count())
