"""Customers with addresses, tags, segments and consents; B2B companies with their locations,
contacts and payment terms; GDPR requests."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery

from b2b.models import Company, CompanyContact, CompanyLocation, PaymentTerms
from compliance.models import Consent, DataSubjectRequest
from core.bulk import new
from customers.models import (
    Customer,
    CustomerAddress,
    CustomerGroup,
    CustomerGroupMembership,
    CustomerTag,
)

from .context import DemoContext, digest
from .words import COMPANY_NAMES, FIRST_NAMES, LAST_NAMES, PLACES, STREETS

BATCH = 5_000
CUSTOMER_TAGS = ["vip", "wholesale", "newsletter", "returning", "instagram"]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def build_customers(ctx: DemoContext) -> None:
    for start in range(0, ctx.sizes.customers, BATCH):
        _customer_batch(ctx, start, min(BATCH, ctx.sizes.customers - start))
    _groups(ctx)


def _customer_batch(ctx: DemoContext, start: int, count: int) -> None:
    rng = ctx.rng
    first = ctx.ids(Customer, count)
    customers, addresses, tags, consents = [], [], [], []
    for offset in range(count):
        customer_id = first + offset
        first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{_ascii(first_name)}.{_ascii(last_name)}.{start + offset + 1}@example.com"
        city, province, province_code, country, country_code, zip_, prefix = rng.choice(PLACES)
        phone = f"{prefix}{5550000 + (start + offset) % 10_000_000:07d}"[:16]
        created = ctx.random_past(1000, 1)
        accepts = rng.random() < 0.45
        consent_state = "subscribed" if accepts else "not_subscribed"
        address_count = 1 if rng.random() < 0.75 else 2
        address_first = ctx.ids(CustomerAddress, address_count)
        for n in range(address_count):
            street = f"{rng.randint(1, 999)} {rng.choice(STREETS)}"
            address = {
                "first_name": first_name,
                "last_name": last_name,
                "name": f"{first_name} {last_name}",
                "company": "",
                "address1": street,
                "address2": "" if n == 0 else f"Apt {rng.randint(1, 40)}",
                "city": city,
                "province": province,
                "province_code": province_code,
                "country": country,
                "country_code": country_code,
                "zip": zip_,
                "phone": phone,
            }
            addresses.append(
                new(
                    CustomerAddress,
                    id=address_first + n,
                    customer_id=customer_id,
                    country_name=country,
                    is_default=n == 0,
                    created_at=created,
                    updated_at=created,
                    **address,
                )
            )
            if n == 0:
                ctx.customer_addresses[customer_id] = address
        state = "enabled" if offset % 11 else rng.choice(["invited", "disabled", "declined"])
        chosen_tags = sorted(set(rng.sample(CUSTOMER_TAGS, rng.randint(0, 2))))
        customers.append(
            new(
                Customer,
                id=customer_id,
                email=email,
                phone=phone,
                first_name=first_name,
                last_name=last_name,
                state=state,
                verified_email=state == "enabled",
                tags=", ".join(chosen_tags),
                currency="USD",
                accepts_marketing=accepts,
                accepts_marketing_updated_at=created,
                marketing_opt_in_level="single_opt_in" if accepts else None,
                email_marketing_consent={
                    "state": consent_state,
                    "opt_in_level": "single_opt_in",
                    "consent_updated_at": created.isoformat(),
                },
                sms_marketing_consent={},
                tax_exempt=False,
                tax_exemptions=[],
                note="Prefers eco packaging" if offset % 23 == 0 else "",
                created_at=created,
                updated_at=created,
            )
        )
        tags += [new(CustomerTag, customer_id=customer_id, tag=tag) for tag in chosen_tags]
        consents.append(
            new(
                Consent,
                customer_id=customer_id,
                purpose="email_marketing",
                granted=accepts,
                source="checkout",
                recorded_at=created,
                opt_in_level="single_opt_in" if accepts else "unknown",
            )
        )
        ctx.customer_ids.append(customer_id)
        ctx.customer_emails[customer_id] = email
    ctx.load(Customer, customers)
    ctx.load(CustomerAddress, addresses)
    # Customer <-> address is a cycle: the default address is linked once both rows exist.
    defaults = CustomerAddress.objects.filter(customer_id=OuterRef("pk"), is_default=True)
    Customer.all_objects.filter(id__gte=first, id__lt=first + count).update(
        default_address_id=Subquery(defaults.values("id")[:1])
    )
    ctx.load(CustomerTag, tags)
    ctx.load(Consent, consents)


def _groups(ctx: DemoContext) -> None:
    first = ctx.ids(CustomerGroup, 3)
    ctx.load(
        CustomerGroup,
        [
            new(
                CustomerGroup,
                id=first,
                name="VIP customers",
                query="amount_spent >= 500",
                created_at=ctx.ago(300),
                updated_at=ctx.ago(3),
            ),
            new(
                CustomerGroup,
                id=first + 1,
                name="Newsletter subscribers",
                query="email_subscription_status = 'SUBSCRIBED'",
                created_at=ctx.ago(300),
                updated_at=ctx.ago(3),
            ),
            new(
                CustomerGroup,
                id=first + 2,
                name="Tagged wholesale",
                query="customer_tags CONTAINS 'wholesale'",
                created_at=ctx.ago(200),
                updated_at=ctx.ago(3),
            ),
        ],
    )
    tagged = set(CustomerTag.objects.filter(tag="wholesale").values_list("customer_id", flat=True))
    subscribed = Customer.objects.filter(accepts_marketing=True).values_list("id", flat=True)
    ctx.load(
        CustomerGroupMembership,
        [
            *(new(CustomerGroupMembership, group_id=first + 1, customer_id=c) for c in subscribed),
            *(
                new(CustomerGroupMembership, group_id=first + 2, customer_id=c)
                for c in sorted(tagged)
            ),
        ],
    )


def refresh_vip_group(ctx: DemoContext) -> None:
    """After orders: the VIP segment holds customers who spent 500 or more."""
    group = CustomerGroup.objects.get(name="VIP customers")
    vip = Customer.objects.filter(total_spent__gte=500).values_list("id", flat=True)
    ctx.load(
        CustomerGroupMembership,
        (new(CustomerGroupMembership, group_id=group.id, customer_id=c) for c in vip),
    )


def build_companies(ctx: DemoContext) -> None:
    count = min(len(COMPANY_NAMES), max(3, ctx.sizes.customers // 40))
    rng = ctx.rng
    shared_terms = ctx.ids(PaymentTerms, 1)
    terms: list[Any] = [
        new(
            PaymentTerms,
            id=shared_terms,
            name="Net 30",
            description="Shared template: due in 30 days",
            payment_terms_type="net",
            net_days=30,
            discount_percentage=Decimal("0"),
            credit_limit=Decimal("0"),
            currency="USD",
            payment_method_preferences=["invoice"],
            created_at=ctx.ago(800),
            updated_at=ctx.ago(800),
        )
    ]
    company_first = ctx.ids(Company, count)
    location_first = ctx.ids(CompanyLocation, count * 2)
    contact_first = ctx.ids(CompanyContact, count * 2)
    companies, locations, contacts, links = [], [], [], []
    used_customers = rng.sample(ctx.customer_ids, min(len(ctx.customer_ids), count * 2))
    for i in range(count):
        company_id = company_first + i
        own_terms = None
        if i % 2:
            own_terms = ctx.ids(PaymentTerms, 1)
            terms.append(
                new(
                    PaymentTerms,
                    id=own_terms,
                    company_id=company_id,
                    name="Net 60, 2% early payment",
                    payment_terms_type="net",
                    net_days=60,
                    discount_percentage=Decimal("2.00"),
                    credit_limit=Decimal("25000.00"),
                    currency="USD",
                    payment_method_preferences=["invoice", "ach"],
                    payment_due_date=ctx.ago(-45),
                    created_at=ctx.ago(400),
                    updated_at=ctx.ago(40),
                )
            )
        city, _province, province_code, _country, country_code, zip_, prefix = rng.choice(PLACES)
        billing = {
            "address1": f"{100 + i} {rng.choice(STREETS)}",
            "city": city,
            "province_code": province_code,
            "country_code": country_code,
            "zip": zip_,
        }
        contact_ids = [contact_first + 2 * i, contact_first + 2 * i + 1]
        companies.append(
            new(
                Company,
                id=company_id,
                name=COMPANY_NAMES[i],
                tax_id=f"TAX-{100000 + i}",
                external_id=f"ERP-{i + 1:04d}",
                note="Key account" if i == 0 else "",
                customer_since=ctx.ago(700 - i * 20),
                credit_limit=Decimal(10000 * (i + 1)),
                currency="USD",
                payment_terms_id=shared_terms,
                billing_address=billing,
                created_at=ctx.ago(700 - i * 20),
                updated_at=ctx.ago(20),
            )
        )
        for n in range(2):
            location_id = location_first + 2 * i + n
            locations.append(
                new(
                    CompanyLocation,
                    id=location_id,
                    company_id=company_id,
                    name=f"{COMPANY_NAMES[i]} — {'HQ' if n == 0 else city}",
                    external_id=f"ERP-{i + 1:04d}-{n + 1}",
                    phone=f"{prefix}555{i:04d}",
                    locale="en",
                    billing_address=billing,
                    shipping_address=billing,
                    tax_exemptions=[],
                    payment_terms_id=own_terms or shared_terms,
                    created_at=ctx.ago(600),
                    updated_at=ctx.ago(20),
                )
            )
        for n, contact_id in enumerate(contact_ids):
            if len(used_customers) <= 2 * i + n:
                continue
            contacts.append(
                new(
                    CompanyContact,
                    id=contact_id,
                    company_id=company_id,
                    customer_id=used_customers[2 * i + n],
                    title="Purchasing manager" if n == 0 else "Store manager",
                    role="location_admin" if n == 0 else "ordering_only",
                    is_main_contact=n == 0,
                    created_at=ctx.ago(500),
                    updated_at=ctx.ago(20),
                )
            )
            links.append(
                CompanyContact.locations.through(
                    companycontact_id=contact_id, companylocation_id=location_first + 2 * i + n
                )
            )
    # Company <-> payment terms is a cycle: companies start on the shared template, then
    # those with terms of their own are switched to them.
    ctx.load(PaymentTerms, terms[:1])
    ctx.load(Company, companies)
    ctx.load(PaymentTerms, terms[1:])
    for own in terms[1:]:
        Company.all_objects.filter(id=own.company_id).update(payment_terms_id=own.id)
    ctx.load(CompanyLocation, locations)
    ctx.load(CompanyContact, contacts)
    ctx.load(CompanyContact.locations.through, links)
    main_contacts = CompanyContact.objects.filter(company_id=OuterRef("pk"), is_main_contact=True)
    Company.all_objects.filter(id__in=[c.id for c in companies]).update(
        main_contact_id=Subquery(main_contacts.values("id")[:1])
    )
    ctx.company_ids = [c.id for c in companies]


def build_data_subject_requests(ctx: DemoContext) -> None:
    exporter, eraser = ctx.customer_ids[0], ctx.customer_ids[1]
    first = ctx.ids(DataSubjectRequest, 2)
    ctx.load(
        DataSubjectRequest,
        [
            new(
                DataSubjectRequest,
                id=first,
                customer_id=exporter,
                subject_email_digest=digest(ctx.customer_emails[exporter]),
                request_type="export",
                status="completed",
                source="admin",
                requested_at=ctx.ago(20),
                due_at=ctx.ago(20) + timedelta(days=30),
                completed_at=ctx.ago(18),
                evidence={
                    "format": "json",
                    "sections": ["profile", "addresses", "orders", "consents"],
                },
                requested_by_id=ctx.staff_ids[1],
                created_at=ctx.ago(20),
                updated_at=ctx.ago(18),
            ),
            new(
                DataSubjectRequest,
                id=first + 1,
                customer_id=eraser,
                subject_email_digest=digest(ctx.customer_emails[eraser]),
                request_type="erasure",
                status="received",
                source="shopify_webhook",
                requested_at=ctx.ago(2),
                due_at=ctx.ago(2) + timedelta(days=30),
                evidence={},
                shopify_request_id=9999,
                created_at=ctx.ago(2),
                updated_at=ctx.ago(2),
            ),
        ],
    )
