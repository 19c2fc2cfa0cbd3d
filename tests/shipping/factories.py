"""factory_boy factories for the shipping app (local rows unless a test sets `shopify_id`)."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from shipping.choices import ShippingRateType
from shipping.models import FulfillmentService, ShippingRate, ShippingZone


class ShippingZoneFactory(DjangoModelFactory[ShippingZone]):
    class Meta:
        model = ShippingZone

    name = factory.Sequence(lambda n: f"Zone {n}")
    countries = factory.LazyFunction(lambda: [{"code": "CA", "name": "Canada"}])
    provinces = factory.LazyFunction(lambda: [{"code": "ON", "name": "Ontario"}])


class ShippingRateFactory(DjangoModelFactory[ShippingRate]):
    class Meta:
        model = ShippingRate

    shipping_zone = factory.SubFactory(ShippingZoneFactory)
    name = "Standard"
    rate_type = ShippingRateType.WEIGHT
    price = Decimal("5.00")
    currency = "USD"
    weight_low = Decimal("0.000")
    weight_high = Decimal("5.000")


class FulfillmentServiceFactory(DjangoModelFactory[FulfillmentService]):
    class Meta:
        model = FulfillmentService

    name = factory.Sequence(lambda n: f"Mars Fulfillment {n}")
    handle = factory.Sequence(lambda n: f"mars-fulfillment-{n}")
    service_name = factory.LazyAttribute(lambda service: service.name)
    email = factory.Sequence(lambda n: f"ops{n}@mars.example.com")
    callback_url = "https://mars.example.com/callbacks"
