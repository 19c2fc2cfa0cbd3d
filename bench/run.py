"""Benchmarks: demo-data build speed and admin list pages on a large dataset.

    make bench                         # dataset "S" (10k products, 100k customers, 1M orders)
    BENCH_SIZE=XS make bench           # a quick run (1k products, 10k customers, 100k orders)
    BENCH_REUSE=1 make bench           # keep the loaded database, rerun the timings only
    BENCH_API=0 make bench             # skip the API workloads (bench/api.py)

It (re)creates the PostgreSQL database `stockroom_bench` (BENCH_DATABASE_URL overrides), loads
the dataset with `seed_demo`, times admin changelist pages, then runs the API workloads W1-W5
against gunicorn and granian with wrk. Numbers go to stdout with the data size and the
machine; copy them into bench/RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = {
    "S": {"products": 10_000, "customers": 100_000, "orders": 1_000_000},
    "XS": {"products": 1_000, "customers": 10_000, "orders": 100_000},
}
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stockroom_bench"
)


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.node()} · {os.cpu_count()} cores · {cpu} · Python {platform.python_version()}"
    )


def recreate_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(*args: str) -> float:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
    }
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def time_admin_pages() -> list[tuple[str, float, float]]:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User

    user, _ = User.objects.get_or_create(
        email="bench@example.com", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    pages = [
        "/admin/orders/order/",
        "/admin/orders/order/?financial_status__exact=paid",
        "/admin/orders/order/?q=%231000500",
        "/admin/orders/order/?p=100",
        "/admin/catalog/product/",
        "/admin/catalog/productvariant/?q=SKU-1",
        "/admin/customers/customer/",
        "/admin/customers/customer/?q=customer5000",
        "/admin/inventory/inventorylevel/",
    ]
    results = []
    for page in pages:
        timings = []
        for _ in range(12):
            started = time.perf_counter()
            response = client.get(page, HTTP_HOST="127.0.0.1")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (page, response.status_code)
        timings = sorted(timings[2:])  # first two warm caches
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        results.append((page, statistics.median(timings), p95))
    return results


def main() -> None:
    size_name = os.environ.get("BENCH_SIZE", "S")
    size = SIZES[size_name]
    print(f"machine: {machine()}")
    print(f"dataset {size_name}: {size}")
    if os.environ.get("BENCH_REUSE") != "1":
        recreate_database()
        manage("migrate", "--noinput", "-v", "0")
        seconds = manage(
            "seed_demo",
            "--products",
            str(size["products"]),
            "--customers",
            str(size["customers"]),
            "--orders",
            str(size["orders"]),
        )
        print(f"seed_demo: {seconds:.1f} s (row counts and rows/s printed above)")
    else:
        manage("migrate", "--noinput", "-v", "0")
    print("admin page                                              median ms    p95 ms")
    for page, median, p95 in time_admin_pages():
        print(f"{page:<55} {median:>9.1f} {p95:>9.1f}", flush=True)
    if os.environ.get("BENCH_API", "1") != "0":
        from bench import api

        api.main(DATABASE_URL)


if __name__ == "__main__":
    main()
