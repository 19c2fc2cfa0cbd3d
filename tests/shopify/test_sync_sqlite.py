"""The embedded profile (`make run`: SQLite, no Redis): a full sync from the simulator, applied in
small chunks with its ledger in SQLite, then a second full sync after Shopify deleted a product,
and reconciliation at drift 0."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings

from shopify.simulator import Simulator

ROOT = Path(django_settings.BASE_DIR)


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-3000:])
    return done.stdout


def test_a_full_sync_into_sqlite_mirrors_the_store_and_deletes_what_shopify_deleted(
    tmp_path: Path,
) -> None:
    sim = Simulator.generate(
        seed=4, products=12, customers=30, orders=20, collections=3, fixtures=False
    )
    server = sim.serve(host="127.0.0.1", port=0)
    database = tmp_path / "embedded.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEST_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "SHOPIFY_SHOP_DOMAIN": sim.shop_domain,
        "SHOPIFY_ACCESS_TOKEN": sim.access_token,
        "SHOPIFY_API_BASE_URL": server.base_url,
        "SHOPIFY_BULK_POLL_SECONDS": "0.05",
        "SHOPIFY_BULK_POLL_MAX_SECONDS": "0.1",
        "SHOPIFY_SYNC_CHUNK_LINES": "40",
        "LOG_LEVEL": "WARNING",
    }
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "shopify_sync", "--full")
        assert manage(env, "shopify_reconcile").strip().splitlines()[-1] == "drift: 0"
        gone = sorted(sim.snapshot("products"))[2]
        sim.delete_product(gone)

        manage(env, "shopify_sync", "--full", "--resources", "products")

        # (Only products: the orders and inventory items naming the deleted product changed too.)
        report = manage(env, "shopify_reconcile", "--resources", "products").strip().splitlines()
    finally:
        server.stop()
    assert report[-1] == "drift: 0", report
    with sqlite3.connect(database) as db:
        deleted = db.execute(
            "SELECT shopify_id FROM catalog_product WHERE deleted_at IS NOT NULL"
        ).fetchall()
        alive = db.execute("SELECT count(*) FROM catalog_product WHERE deleted_at IS NULL")
        ledger = db.execute("SELECT count(*) FROM shopify_syncledgerentry").fetchone()
        assert deleted == [(gone,)]
        assert alive.fetchone() == (len(sim.snapshot("products")),)
        assert ledger == (0,)
