"""factory_boy factories for the core app's concrete models."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from core.choices import EventVerb
from core.models import Event, Shop


class ShopFactory(DjangoModelFactory[Shop]):
    class Meta:
        model = Shop

    name = factory.Sequence(lambda n: f"Shop {n}")
    email = factory.Sequence(lambda n: f"owner{n}@example.com")
    domain = factory.Sequence(lambda n: f"shop-{n}.example.com")
    store_domain = factory.LazyAttribute(
        lambda shop: shop.domain.replace(".example.com", ".myshopify.com")
    )
    currency = "USD"


class EventFactory(DjangoModelFactory[Event]):
    class Meta:
        model = Event

    subject_type = "Product"
    subject_id = factory.Sequence(lambda n: n + 1)
    verb = EventVerb.CREATE
    author = "system"
    message = factory.LazyAttribute(lambda event: f"Product {event.subject_id} created")
