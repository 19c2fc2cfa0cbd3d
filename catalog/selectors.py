"""Reads of the catalog, as optimised querysets."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from .models import Product, ProductOption, ProductVariant


def product_list(*, search: str | None = None) -> QuerySet[Product]:
    products = Product.objects.prefetch_related(
        Prefetch("variants", queryset=ProductVariant.objects.order_by("position")),
        Prefetch("options", queryset=ProductOption.objects.order_by("position")),
    )
    if search:
        products = products.filter(
            Q(title__icontains=search)
            | Q(vendor__icontains=search)
            | Q(tags__icontains=search)
            | Q(variants__sku__iexact=search)
        ).distinct()
    return products


def variant_list(*, product: Product) -> QuerySet[ProductVariant]:
    return ProductVariant.objects.filter(product=product)
