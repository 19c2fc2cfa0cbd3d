"""A webhook apply and a sync writing the same rows at once: no deadlock, newest data wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from catalog.models import Product, ProductVariant
from shopify import mirror
from shopify.mapping.graphql import items_from_line, lines_from_node
from shopify.rows import MirrorItem

from .test_mapping_graphql_nodes import product_node, variant_node


def products(updated: str, title: str) -> list[MirrorItem]:
    """60 products of 5 variants; every product shows the same image, so the two applies below
    certainly meet on some rows in opposite orders."""
    nodes = [
        product_node(
            7000 + n,
            title=title,
            variants=[
                variant_node((7000 + n) * 10 + v, sku=f"S{n}-{v}", image=None) for v in range(5)
            ],
            updated=updated,
        )
        for n in range(60)
    ]
    return [
        item for node in nodes for line in lines_from_node(node) for item in items_from_line(line)
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_applies_of_the_same_rows() -> None:
    # Deadlocks do happen here (PostgreSQL aborts one transaction); apply() applies it again.
    older = products("2026-01-01T00:00:00Z", "Older")
    newer = products("2026-02-01T00:00:00Z", "Newer")
    errors: list[BaseException] = []

    def run(items: list[MirrorItem]) -> None:
        try:
            for _ in range(3):
                mirror.apply(items, batch_size=200)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(older,)),
        threading.Thread(target=run, args=(list(reversed(newer)),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert set(Product.objects.values_list("title", flat=True)) == {"Newer"}
    assert ProductVariant.objects.count() == 300
