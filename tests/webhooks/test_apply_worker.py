"""A real Celery worker applies deliveries POSTed over HTTP: the endpoint only records and
queues (Redis), the worker process — another connection to the test database — applies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import connection

from catalog.models import Product
from config.celery import app as celery_app
from webhooks.models import WebhookDelivery

from .test_apply import SECRET, fixture_payload, signed_headers

ROOT = Path(__file__).resolve().parents[2]
WORKER_START_TIMEOUT = 60.0
APPLY_TIMEOUT = 60.0


@contextmanager
def tasks_sent_to(queue: str) -> Iterator[None]:
    """This process sends the webhook tasks to Redis, to `queue`, instead of running them."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_routes)
    conf.task_always_eager = False
    conf.task_routes = {"webhooks.tasks.*": {"queue": queue}}
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)  # built from the routes on first use
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_routes = saved
        celery_app.amqp.flush_routes()
        celery_app.amqp.__dict__.pop("router", None)


@contextmanager
def celery_worker(queue: str) -> Iterator[subprocess.Popen[bytes]]:
    """`celery -A config worker` on `queue`, against this test database and Redis."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # The worker's default database is the test database itself.
        "TEST_DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        ),
        "TEST_REDIS_URL": django_settings.CELERY_BROKER_URL,
        "SHOPIFY_API_SECRET": SECRET,
    }
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@localhost",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while not celery_app.control.ping(destination=[f"{queue}@localhost"], timeout=0.5):
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
            assert time.monotonic() < deadline, "the worker did not start"
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=15)


def wait_until_applied(count: int) -> list[str]:
    deadline = time.monotonic() + APPLY_TIMEOUT
    while True:
        statuses = list(WebhookDelivery.objects.order_by("id").values_list("status", flat=True))
        if len(statuses) == count and "received" not in statuses:
            return statuses
        assert time.monotonic() < deadline, statuses
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_applies_deliveries_posted_over_http(live_server: Any, settings: Any) -> None:
    settings.SHOPIFY_API_SECRET = SECRET
    settings.SHOPIFY_API_SECRETS_PREVIOUS = []
    queue = f"webhooks-test-{uuid.uuid4().hex[:8]}"
    url = f"{live_server.url}/webhooks/shopify/"
    versions = []
    for version in range(1, 6):
        payload = fixture_payload("webhook_2025-10_products_update.json")
        payload["title"] = f"Version {version}"
        payload["updated_at"] = f"2026-02-01T00:00:0{version}Z"
        versions.append(payload)

    with tasks_sent_to(queue), celery_worker(queue):
        with httpx.Client(timeout=10) as client:
            # Newest first, then the older ones, then a redelivery of the newest.
            for number, payload in [
                (5, versions[4]),
                *enumerate(versions[:4], 1),
                (5, versions[4]),
            ]:
                body = json.dumps(payload).encode()
                headers = signed_headers(body, topic="products/update", webhook_id=f"w-{number}")
                response = client.post(url, content=body, headers=headers)
                assert (response.status_code, response.content) == (200, b"{}")

        statuses = wait_until_applied(5)

    assert statuses == ["processed"] + ["ignored_stale"] * 4
    assert list(WebhookDelivery.objects.values_list("attempts", flat=True)) == [1] * 5
    assert Product.objects.get().title == "Version 5"
