"""Every admin changelist, add and change page renders with the demo store, in bounded queries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from core.models import IdempotencyKey
from shopify.choices import LedgerKind
from shopify.models import (
    ReconciliationReport,
    ShopifyConnection,
    SyncCheckpoint,
    SyncLedgerEntry,
    SyncRun,
)

MAX_QUERIES = 30

MODEL_ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _ in MODEL_ADMINS]


@pytest.fixture(scope="module")
def demo_store(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
        yield
        call_command("flush", "--noinput", verbosity=0)


def _connector_state(model: Any) -> Any:
    """The Shopify connector's own rows: written by syncs, not part of the demo store."""
    from django.utils import timezone

    now = timezone.now()
    connection_row, _ = ShopifyConnection.objects.get_or_create(
        shop_domain="demo-store.myshopify.com", defaults={"access_token": "shpat_demo_0000"}
    )
    run = SyncRun.objects.create(
        connection=connection_row, resource="products", mode="full", started_at=now
    )
    checkpoint = SyncCheckpoint.objects.create(
        connection=connection_row, resource="products", run=run, high_water_mark=now
    )
    rows = {
        ShopifyConnection: connection_row,
        SyncRun: run,
        SyncCheckpoint: checkpoint,
        SyncLedgerEntry: SyncLedgerEntry.objects.create(
            checkpoint=checkpoint, kind=LedgerKind.SEEN, model="product", shopify_id=1
        ),
        ReconciliationReport: ReconciliationReport.objects.create(
            connection=connection_row, started_at=now, text="drift: 0"
        ),
    }
    return rows.get(model)


def _auth_state(model: Any) -> Any:
    """Authentication rows: written by MFA enrollment and logins, not part of the demo store."""
    from accounts.mfa import mfa_enroll
    from accounts.models import IssuedRefreshToken, RecoveryCode, RecoveryCodeDevice
    from accounts.tokens import token_pair_issue

    if model not in (RecoveryCodeDevice, RecoveryCode, IssuedRefreshToken):
        return None
    user = User.objects.create_user(email="auth-state@example.com", password="x-long-password-1")
    mfa_enroll(user=user)
    token_pair_issue(user=user)
    return model.objects.order_by("pk").first()


@pytest.fixture
def staff_client(demo_store: None, db: Any, verified_login: Any) -> Client:
    user = User.objects.create_superuser(email="pages@example.com", password="x-long-password-1")
    client = Client()
    verified_login(client, user)
    return client


def _url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _get(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=IDS)
def test_changelist_renders_in_bounded_queries(
    staff_client: Client, model: Any, model_admin: Any
) -> None:
    status, queries = _get(staff_client, _url(model, "changelist"))
    assert status == 200
    assert queries <= MAX_QUERIES


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=IDS)
def test_search_and_deleted_filter_render(
    staff_client: Client, model: Any, model_admin: Any
) -> None:
    url = _url(model, "changelist")
    if model_admin.search_fields:
        status, queries = _get(staff_client, f"{url}?q=a")
        assert status == 200
        assert queries <= MAX_QUERIES
    if any(f.name == "deleted_at" for f in model._meta.get_fields()):
        status, _ = _get(staff_client, f"{url}?deleted=yes")
        assert status == 200


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=IDS)
def test_add_page_renders(staff_client: Client, model: Any, model_admin: Any) -> None:
    status, queries = _get(staff_client, _url(model, "add"))
    assert status in (200, 403)  # 403: ledgers and logs that cannot be added by hand
    assert queries <= MAX_QUERIES


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=IDS)
def test_change_page_renders(staff_client: Client, model: Any, model_admin: Any) -> None:
    manager = getattr(model, "all_objects", model._default_manager)
    obj = manager.order_by("pk").first()
    if obj is None and model is IdempotencyKey:  # API infrastructure, not demo data
        obj = IdempotencyKey.objects.create(credential="key:1", key="k", request_digest="0" * 64)
    if obj is None:
        obj = _connector_state(model)
    if obj is None:
        obj = _auth_state(model)
    if obj is None:
        # Only third-party models (auth groups, audit log entries, OTP devices) may be empty.
        assert model._meta.app_label not in settings.LOCAL_APPS, model._meta.label
        pytest.skip(f"the demo store has no {model._meta.verbose_name}")
    status, queries = _get(staff_client, _url(model, "change", obj.pk))
    assert status == 200
    assert queries <= MAX_QUERIES


def test_every_model_of_the_data_model_is_in_the_admin() -> None:
    from django.apps import apps

    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in settings.LOCAL_APPS and model not in admin.site._registry
    ]
    assert missing == []
