"""The connector's Celery tasks (eager here: CELERY_TASK_ALWAYS_EAGER), the beat schedule and the
`shopify_sync` command."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import ProductVariant
from config.celery import app
from shopify.choices import SyncStatus
from shopify.models import ReconciliationReport, SyncRun
from shopify.simulator import Faults, Simulator
from shopify.tasks import shopify_product_refresh_task, shopify_reconcile_task, shopify_sync_task

from .test_sync import RESOURCES, serve


@pytest.fixture
def store(settings: Any) -> Iterator[Simulator]:
    sim = Simulator.generate(seed=6, products=3, customers=3, orders=3, big_product=True)
    yield from serve(sim, settings)


@pytest.mark.django_db
def test_sync_task_runs_every_resource_and_reports_the_runs(store: Simulator) -> None:
    summary = shopify_sync_task.delay(full=True).get()

    runs = {run.pk: run for run in SyncRun.objects.all()}
    assert [(row["resource"], row["status"]) for row in summary] == [
        (name, SyncStatus.SUCCEEDED) for name in RESOURCES
    ]
    assert sorted(row["id"] for row in summary) == sorted(runs)


@pytest.mark.django_db
def test_tasks_do_nothing_without_a_configured_shop(settings: Any) -> None:
    settings.SHOPIFY_SHOP_DOMAIN = ""

    assert shopify_sync_task.delay().get() == []
    assert shopify_reconcile_task.delay().get() is None
    assert SyncRun.objects.count() == 0


@pytest.mark.django_db
def test_reconcile_task_stores_a_repaired_report(store: Simulator) -> None:
    shopify_sync_task.delay(full=True).get()

    report_id = shopify_reconcile_task.delay().get()

    report = ReconciliationReport.objects.get(pk=report_id)
    assert (report.repaired, report.drift) == (True, 0)


@pytest.mark.django_db
def test_product_refresh_task_fetches_every_variant_of_a_big_product(store: Simulator) -> None:
    shopify_sync_task.delay(resources=["locations"], full=True).get()
    big_id, big = max(store.snapshot("products").items(), key=lambda item: len(item[1]["variants"]))

    shopify_product_refresh_task.delay(big_id).get()

    assert ProductVariant.objects.filter(product__shopify_id=big_id).count() == len(big["variants"])
    assert len(big["variants"]) == 2048


def test_beat_runs_the_incremental_sync_every_5_minutes_and_reconciles_at_3() -> None:
    schedule = django_settings.CELERY_BEAT_SCHEDULE

    assert schedule["shopify-sync-incremental"] == {
        "task": "shopify.tasks.shopify_sync_task",
        "schedule": 300.0,
    }
    assert schedule["shopify-reconcile-nightly"]["task"] == "shopify.tasks.shopify_reconcile_task"
    assert schedule["shopify-reconcile-nightly"]["schedule"] == crontab(hour=3, minute=0)
    app.loader.import_default_modules()
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)


@pytest.mark.django_db
def test_sync_command_prints_one_line_per_resource(store: Simulator) -> None:
    out = StringIO()

    call_command("shopify_sync", "--full", "--resources", "products,locations", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split()[:3] for line in lines] == [
        ["locations", "succeeded", "full"],
        ["products", "succeeded", "full"],
    ]
    products = SyncRun.objects.get(resource="products")
    assert f"seen={products.records_seen} created={products.created} " in lines[1]
    assert f"requests={products.requests} throttled=0 " in lines[1]


@pytest.mark.django_db
def test_sync_command_exits_non_zero_when_a_resource_fails(store: Simulator) -> None:
    store.faults = Faults(seed=2, error_rate=1.0)
    out = StringIO()

    with pytest.raises(CommandError, match="sync failed: locations"):
        call_command("shopify_sync", "--resources", "locations", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].split()[:2] == ["locations", "failed"]
    assert lines[1].startswith("  error: ")


@pytest.mark.django_db
def test_sync_command_refuses_unknown_resources() -> None:
    with pytest.raises(CommandError, match="unknown resource"):
        call_command("shopify_sync", "--resources", "products,widgets")


@pytest.mark.django_db
def test_commands_say_when_no_shop_is_configured(settings: Any) -> None:
    settings.SHOPIFY_SHOP_DOMAIN = ""

    with pytest.raises(CommandError, match="No Shopify shop configured"):
        call_command("shopify_sync")
    with pytest.raises(CommandError, match="No Shopify shop configured"):
        call_command("shopify_reconcile")
