"""Reconciliation: the drift report (counts, missing, extra, stale, every field), `--repair`,
the stored report and the command's last line."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from catalog.models import Product, ProductVariant
from customers.models import Customer
from shopify.models import ReconciliationReport
from shopify.reconcile import reconcile_run
from shopify.simulator import Simulator
from shopify.sync import sync_run

from .test_sync import assert_no_drift, serve


@pytest.fixture
def store(settings: Any) -> Iterator[Simulator]:
    yield from serve(Simulator.generate(seed=4, products=12, customers=6, orders=6), settings)


def drift_out_of_band(sim: Simulator) -> dict[str, Any]:
    """Four records drift, one of each kind: a field changed behind the mirror's back, a variant
    lost, a product deleted at the store without us hearing of it, a customer updated there."""
    product_ids = sorted(sim.snapshot("products"))
    customer_id = min(sim.snapshot("customers"))
    Product.objects.filter(shopify_id=product_ids[0]).update(title="Typed over by hand")
    variant = ProductVariant.objects.filter(product__shopify_id=product_ids[1]).first()
    assert variant is not None
    ProductVariant.all_objects.filter(pk=variant.pk).delete()
    gone = sim.snapshot("products")[product_ids[-1]]
    sim.delete_product(product_ids[-1])
    sim.update_customer(customer_id, note="Changed at the store")
    return {
        "typed_over": product_ids[0],
        "variant": variant.shopify_id,
        "deleted": product_ids[-1],
        # The deleted product's rows we still hold: it, its options and their values, its
        # variants, images and metafields.
        "deleted_rows": 1
        + len(gone["options"])
        + sum(len(option["optionValues"]) for option in gone["options"])
        + len(gone["variants"])
        + sum(1 for media in gone["media"] if "/MediaImage/" in media["id"])
        + len(gone["metafields"]),
        "customer": customer_id,
    }


@pytest.mark.django_db
def test_reconcile_reports_each_kind_of_drift_and_its_last_line_counts_it(
    store: Simulator,
) -> None:
    sync_run(full=True)
    drifted = drift_out_of_band(store)

    report = reconcile_run(resources=["products", "customers"])

    products, customers = report.resources["products"], report.resources["customers"]
    in_store = len(store.snapshot("products"))
    assert (products["store_count"], products["mirror_count"]) == (in_store, in_store + 1)
    extra = drifted["deleted_rows"]
    assert (products["missing"], products["extra"], products["stale"]) == (1, extra, 0)
    assert products["examples"]["missing"] == [f"product_variant {drifted['variant']}"]
    assert products["examples"]["extra"][0] == f"product {drifted['deleted']}"
    assert products["differing_fields"] == {"product.title": 1}
    assert products["drift"] == 2 + extra
    assert (customers["missing"], customers["extra"], customers["stale"]) == (0, 0, 1)
    assert customers["examples"]["stale"] == [drifted["customer"]]
    # The customer's default address carries the customer's updatedAt: stale with it.
    assert store.snapshot("customers")[drifted["customer"]]["defaultAddress"] is not None
    assert customers["differing_fields"] == {
        "customer.note": 1,
        "customer.shopify_updated_at": 1,
        "customer_address.shopify_updated_at": 1,
    }
    assert customers["drift"] == 2
    assert report.drift == 4 + extra
    assert report.repaired is False
    assert report.text.splitlines()[-1] == f"drift: {4 + extra}"
    assert "  fields: product.title (1)" in report.text.splitlines()
    assert ReconciliationReport.objects.get() == report


@pytest.mark.django_db
def test_repair_fetches_what_is_missing_or_stale_and_deletes_extras(store: Simulator) -> None:
    sync_run(full=True)
    drifted = drift_out_of_band(store)

    report = reconcile_run(resources=["products", "customers"], repair=True)

    assert_no_drift(report)
    assert report.repaired is True
    assert report.resources["products"]["before"]["drift"] == 2 + drifted["deleted_rows"]
    assert report.resources["customers"]["before"]["drift"] == 2
    lines = report.text.splitlines()
    assert lines[-1] == "drift: 0"
    assert "repair: full sync (products succeeded, customers succeeded)" in lines
    assert Product.objects.get(shopify_id=drifted["typed_over"]).title != "Typed over by hand"
    assert ProductVariant.objects.filter(shopify_id=drifted["variant"]).count() == 1
    assert Product.all_objects.get(shopify_id=drifted["deleted"]).deleted_at is not None
    assert Customer.objects.get(shopify_id=drifted["customer"]).note == "Changed at the store"


@pytest.mark.django_db
def test_the_command_prints_the_report_ending_with_the_drift(store: Simulator) -> None:
    sync_run(full=True)
    out = StringIO()

    call_command("shopify_reconcile", "--resources", "products,orders", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["products", "orders", "drift"]
    assert lines[-1] == "drift: 0"

    drift_out_of_band(store)
    out = StringIO()
    call_command("shopify_reconcile", "--repair", stdout=out)

    assert out.getvalue().splitlines()[-1] == "drift: 0"
    assert ReconciliationReport.objects.latest("started_at").repaired is True
