"""The connector's back office: every page renders, the token is never shown, staff can close the
circuit and start a sync."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from shopify.choices import CircuitState, SyncMode, SyncResource, SyncStatus
from shopify.models import ReconciliationReport, ShopifyConnection, SyncCheckpoint, SyncRun
from shopify.simulator import Simulator

pytestmark = pytest.mark.django_db

TOKEN = "shpat_0123456789abcdef7f3a"
REFRESH = "shprt_fedcba9876543210c0de"


@pytest.fixture
def staff(db: Any, verified_login: Any) -> Client:
    client = Client()
    verified_login(
        client, User.objects.create_superuser(email="ops@example.com", password="x" * 14)
    )
    return client


@pytest.fixture
def connection(db: Any) -> ShopifyConnection:
    now = timezone.now()
    return ShopifyConnection.objects.create(
        shop_domain="acme-goods.myshopify.com",
        access_token=TOKEN,
        refresh_token=REFRESH,
        access_token_expires_at=now + timedelta(minutes=50),
        refresh_token_expires_at=now + timedelta(days=90),
        scopes="read_products,read_orders",
        installed_at=now,
        circuit_state=CircuitState.OPEN,
        circuit_opened_at=now,
        consecutive_failures=5,
        last_error="HTTP 503",
    )


@pytest.fixture
def rows(connection: ShopifyConnection) -> dict[str, Any]:
    started = timezone.now() - timedelta(minutes=3)
    run = SyncRun.objects.create(
        connection=connection,
        resource=SyncResource.PRODUCTS,
        mode=SyncMode.FULL,
        status=SyncStatus.SUCCEEDED,
        started_at=started,
        finished_at=started + timedelta(seconds=42.5),
        records_seen=120,
        created=100,
        updated=20,
        requests=31,
        throttled=0,
        retries=2,
        cost_points=1234,
        counts={"catalog.product": 120},
        errors=[{"message": "variant <b>7</b> skipped"}],
    )
    checkpoint = SyncCheckpoint.objects.create(
        connection=connection,
        resource=SyncResource.PRODUCTS,
        high_water_mark=started,
        run=run,
        bulk_lines_applied=5000,
    )
    report = ReconciliationReport.objects.create(
        connection=connection,
        started_at=started,
        finished_at=started + timedelta(seconds=5),
        drift=3,
        resources={
            "products": {
                "store_count": 120,
                "mirror_count": 118,
                "missing": [1, 2],
                "extra": [],
                "stale": [9],
                "differences": [],
            }
        },
        text="products: missing 2, stale 1\ndrift: 3",
    )
    return {"run": run, "checkpoint": checkpoint, "report": report}


PAGES = [
    ("shopifyconnection", "connection"),
    ("syncrun", "run"),
    ("synccheckpoint", "checkpoint"),
    ("reconciliationreport", "report"),
]


@pytest.mark.parametrize(("model_name", "key"), PAGES)
def test_changelist_and_change_pages_render(
    staff: Client, connection: ShopifyConnection, rows: dict[str, Any], model_name: str, key: str
) -> None:
    obj = connection if key == "connection" else rows[key]

    listing = staff.get(reverse(f"admin:shopify_{model_name}_changelist"))
    detail = staff.get(reverse(f"admin:shopify_{model_name}_change", args=[obj.pk]))

    assert listing.status_code == 200
    assert detail.status_code == 200


@pytest.mark.parametrize("model_name", [name for name, _ in PAGES])
def test_connector_rows_cannot_be_added_by_hand(staff: Client, model_name: str) -> None:
    assert staff.get(reverse(f"admin:shopify_{model_name}_add")).status_code == 403


def test_the_connection_page_never_shows_a_token(
    staff: Client, connection: ShopifyConnection
) -> None:
    listing = staff.get(reverse("admin:shopify_shopifyconnection_changelist")).content.decode()
    detail = staff.get(
        reverse("admin:shopify_shopifyconnection_change", args=[connection.pk])
    ).content.decode()

    for page in (listing, detail):
        assert TOKEN not in page
        assert "OAuth …7f3a" in page
    assert REFRESH not in detail
    assert "…c0de" in detail
    assert "HTTP 503" in detail
    assert reverse("admin:shopify_shopifyconnection_start_sync", args=[connection.pk]) in detail


def test_the_sync_run_list_shows_statistics_and_duration(staff: Client, rows: Any) -> None:
    page = staff.get(reverse("admin:shopify_syncrun_changelist")).content.decode()
    detail = staff.get(
        reverse("admin:shopify_syncrun_change", args=[rows["run"].pk])
    ).content.decode()

    assert "42.5 s" in page
    assert "1234" in page
    assert "variant &lt;b&gt;7&lt;/b&gt; skipped" in detail  # errors escaped inside <pre>


def test_the_reconciliation_report_shows_its_table_and_text(staff: Client, rows: Any) -> None:
    page = staff.get(
        reverse("admin:shopify_reconciliationreport_change", args=[rows["report"].pk])
    ).content.decode()

    assert (
        "<tr><th>products</th><td>120</td><td>118</td><td>2</td><td>0</td><td>1</td><td>0</td></tr>"
        in page
    )
    assert "drift: 3</pre>" in page


def test_close_circuit_action(staff: Client, connection: ShopifyConnection) -> None:
    response = staff.post(
        reverse("admin:shopify_shopifyconnection_changelist"),
        {"action": "close_circuit", "_selected_action": [connection.pk]},
    )

    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.circuit_state == CircuitState.CLOSED
    assert connection.consecutive_failures == 0


def test_the_start_sync_form_renders_and_refuses_an_empty_choice(
    staff: Client, connection: ShopifyConnection
) -> None:
    url = reverse("admin:shopify_shopifyconnection_start_sync", args=[connection.pk])

    form = staff.get(url)
    refused = staff.post(url, {"mode": SyncMode.FULL})

    assert form.status_code == 200
    assert 'value="inventory"' in form.content.decode()
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert SyncRun.objects.count() == 0


def test_the_start_sync_form_requires_staff(connection: ShopifyConnection) -> None:
    url = reverse("admin:shopify_shopifyconnection_start_sync", args=[connection.pk])

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_start_sync_queues_the_sync_task_which_runs_against_the_shop(
    staff: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sim = Simulator.generate(seed=5, products=1, customers=1, orders=1, locations=3)
    server = sim.serve(port=0)
    settings.SHOPIFY_SHOP_DOMAIN = sim.shop_domain
    settings.SHOPIFY_ACCESS_TOKEN = sim.access_token
    settings.SHOPIFY_API_BASE_URL = server.base_url
    shop = ShopifyConnection.objects.create(shop_domain=sim.shop_domain)
    url = reverse("admin:shopify_shopifyconnection_start_sync", args=[shop.pk])
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = staff.post(
                url, {"resources": [SyncResource.LOCATIONS], "mode": SyncMode.INCREMENTAL}
            )
    finally:
        server.stop()

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:shopify_syncrun_changelist")
    assert len(callbacks) == 1  # queued after commit, never inside the transaction
    run = SyncRun.objects.get()
    assert (run.connection_id, run.resource, run.mode, run.status) == (
        shop.pk,
        SyncResource.LOCATIONS,
        SyncMode.INCREMENTAL,
        SyncStatus.SUCCEEDED,
    )
    assert run.records_seen == len(sim.snapshot("locations"))
