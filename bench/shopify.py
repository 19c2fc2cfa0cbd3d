"""Connector benchmarks W6, W6b, W6c and W7 of the Shopify connector issue.

    make bench-shopify                   # W6 at XS and S, W6b, W6c, W7
    BENCH_SHOPIFY_SIZE=XS make bench-shopify   # a quick run at XS only

The simulator is generated and served in this process (so its statistics can be read); every
sync runs as its own `manage.py shopify_sync` process against the PostgreSQL database
`stockroom_bench_sync` (BENCH_SYNC_DATABASE_URL overrides), and W7 runs gunicorn, a Celery worker
and wrk. Results go to stdout with the data size and the machine; copy them into
bench/RESULTS.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
DATABASE_URL = os.environ.get(
    "BENCH_SYNC_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stockroom_bench_sync"
)
REDIS_URL = "redis://127.0.0.1:6379/12"
WEB_PORT = 8932
SIZES = {
    "XS": {"products": 1_000, "customers": 2_000, "orders": 5_000},
    "S": {"products": 10_000, "customers": 20_000, "orders": 50_000},
}
WEBHOOK_SECRET = "bench-webhook-secret"
SYNC_LINE = re.compile(
    r"^(?P<resource>[a-z]+)\s+(?P<status>[a-z]+)\s+(?P<mode>[a-z]+)\s+(?P<rest>.*)$"
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DATABASE_URL"] = DATABASE_URL


def recreate_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=sync_env(None),
        check=True,
    )


def sync_env(server: Any, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    if server is not None:
        sim = server.simulator
        env |= {
            "SHOPIFY_SHOP_DOMAIN": sim.shop_domain,
            "SHOPIFY_ACCESS_TOKEN": sim.access_token,
            "SHOPIFY_API_BASE_URL": server.base_url,
            "SHOPIFY_API_SECRET": sim.api_secret,
        }
    return env


def parse_sync(output: str) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for line in output.splitlines():
        match = SYNC_LINE.match(line.strip())
        if not match or "=" not in match["rest"]:
            continue
        values: dict[str, Any] = {"status": match["status"], "mode": match["mode"]}
        for pair in match["rest"].split():
            key, _, value = pair.partition("=")
            values[key] = float(value.rstrip("s")) if key == "duration" else int(value)
        results[match["resource"]] = values
    return results


def run_sync(server: Any, *args: str, **extra: str) -> tuple[dict[str, dict[str, Any]], float, int]:
    """A sync process: its per-resource lines, wall seconds and peak memory (MiB)."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "MAXRSS_KB %M", PYTHON, "manage.py", "shopify_sync", *args],
        cwd=ROOT,
        env=sync_env(server, **extra),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:])
        raise RuntimeError("shopify_sync failed")
    rss = int(re.search(r"MAXRSS_KB (\d+)", done.stderr)[1]) // 1024  # type: ignore[index]
    return parse_sync(done.stdout), seconds, rss


def table_counts() -> dict[str, int]:
    import psycopg

    tables = {
        "products": "catalog_product", "variants": "catalog_productvariant",
        "options": "catalog_productoption", "option values": "catalog_optionvalue",
        "images": "catalog_productimage", "metafields": "catalog_metafield",
        "collections": "catalog_collection", "memberships": "catalog_collectionproduct",
        "customers": "customers_customer", "addresses": "customers_customeraddress",
        "orders": "orders_order", "line items": "orders_orderlineitem",
        "fulfillments": "orders_fulfillment", "fulfillment lines": "orders_fulfillmentlineitem",
        "refunds": "orders_refund", "refund lines": "orders_refundlineitem",
        "transactions": "finance_transaction", "locations": "inventory_location",
        "inventory items": "inventory_inventoryitem",
        "inventory levels": "inventory_inventorylevel",
    }  # fmt: skip
    with psycopg.connect(DATABASE_URL) as conn:
        return {
            label: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for label, table in tables.items()
        }


def reconcile(server: Any, *resources: str) -> str:
    """The last line of `shopify_reconcile` (of the resources given, all when none)."""
    only = ["--resources", ",".join(resources)] if resources else []
    done = subprocess.run(
        [PYTHON, "manage.py", "shopify_reconcile", *only],
        cwd=ROOT,
        env=sync_env(server),
        capture_output=True,
        text=True,
    )
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else f"no report (exit {done.returncode}): {done.stderr[-500:]}"


def serve(size: dict[str, int], *, plan: str | None = None) -> Any:
    from shopify.simulator import Simulator

    started = time.perf_counter()
    sim = Simulator.generate(seed=1, locations=3, big_product=False, fixtures=False, **size)
    sim.plan = plan
    print(f"  simulator generated in {time.perf_counter() - started:.1f} s", flush=True)
    return sim.serve(host="127.0.0.1", port=0)


def w6(size_name: str) -> dict[str, Any]:
    size = SIZES[size_name]
    print(f"\nW6 full sync, dataset {size_name} {size}, throttling off", flush=True)
    recreate_database()
    server = serve(size)
    try:
        results, seconds, rss = run_sync(server, "--full")
        counts = table_counts()
        rows = sum(counts.values())
        for resource, values in results.items():
            written = values.get("created", 0) + values.get("updated", 0)
            rate = written / values["duration"] if values.get("duration") else 0
            print(
                f"  {resource:<12} {values['status']:<10} lines {values.get('seen', 0):>8,} "
                f"rows {written:>8,} in {values.get('duration', 0):>6.1f} s "
                f"= {rate:>8,.0f} rows/s "
                f"requests {values.get('requests', 0)}"
            )
        products = counts["products"]
        print(f"  rows in the mirror: {rows:,} ({json.dumps(counts)})")
        print(
            f"  whole sync: {seconds:.1f} s wall = {products / seconds:,.0f} products/s, "
            f"{rows / seconds:,.0f} rows/s; peak memory of the sync process {rss} MiB"
        )
        print(f"  reconcile: {reconcile(server)}", flush=True)
        return {"seconds": seconds, "rss": rss, "rows": rows, "server": server}
    except BaseException:
        server.stop()
        raise


def w6c(server: Any) -> None:
    """kill -9 the products full sync at 40% of its usual time, then resume."""
    import psycopg

    print("\nW6c kill -9 mid-sync, then resume (products, full)", flush=True)
    recreate_database()
    run_sync(server, "--full", "--resources", "locations")
    process = subprocess.Popen(
        [PYTHON, "manage.py", "shopify_sync", "--full", "--resources", "products"],
        cwd=ROOT,
        env=sync_env(server),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 600
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        while time.time() < deadline:
            row = conn.execute(
                "SELECT bulk_lines_applied FROM shopify_synccheckpoint WHERE resource='products'"
            ).fetchone()
            if row and row[0] >= 6000:
                break
            time.sleep(0.05)
        time.sleep(random.Random(1).uniform(0.0, 0.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        applied = conn.execute(
            "SELECT bulk_lines_applied FROM shopify_synccheckpoint WHERE resource='products'"
        ).fetchone()[0]  # type: ignore[index]
    results, _, _ = run_sync(server, "--full", "--resources", "products")
    resumed = results["products"]
    with psycopg.connect(DATABASE_URL) as conn:
        runs = conn.execute(
            "SELECT status, records_seen FROM shopify_syncrun WHERE resource='products' ORDER BY id"
        ).fetchall()
        duplicates = conn.execute(
            "SELECT count(*) FROM (SELECT shopify_id FROM catalog_productvariant "
            "GROUP BY shopify_id HAVING count(*) > 1) d"
        ).fetchone()[0]  # type: ignore[index]
    print(f"  killed with {applied:,} lines checkpointed; runs: {runs}")
    print(
        f"  resumed run: {resumed.get('seen', 0):,} lines read after the checkpoint; "
        f"duplicate variants: {duplicates}; reconcile: {reconcile(server, 'products')}",
        flush=True,
    )


def w6b() -> None:
    """Paged (incremental) sync at the 1,000 points/s preset: share of the rate limit used."""
    from shopify.simulator.cost import PLANS

    size = {"products": 600, "customers": 3_000, "orders": 1_500}
    print(f"\nW6b incremental (paged) sync at the 1,000 points/s preset, {size}", flush=True)
    recreate_database()
    server = serve(size, plan=None)
    sim = server.simulator
    try:
        run_sync(server, "--full")
        from datetime import UTC, datetime

        now = datetime.now(UTC)
        for kind in ("products", "customers", "orders"):
            sim.share_updated_at(kind, list(sim.snapshot(kind)), now)
        sim.plan = "advanced"
        before = sim.stats.cost_points, sim.stats.throttled
        results, seconds, _ = run_sync(
            server,
            "--resources",
            "products,customers,orders",
            SHOPIFY_SYNC_BULK_THRESHOLD=str(10**9),
        )
        points = sim.stats.cost_points - before[0]
        throttled = sim.stats.throttled - before[1]
        bucket = int(PLANS["advanced"][1])
        for resource, values in results.items():
            print(
                f"  {resource:<10} seen {values.get('seen', 0):>6,} requests "
                f"{values.get('requests', 0):>5} cost {values.get('cost', 0):>8,} "
                f"in {values.get('duration', 0):.1f} s"
            )
        rate = points / seconds
        print(
            f"  {points:,} points in {seconds:.1f} s = {rate:,.0f} points/s of 1,000 "
            f"({rate / 10:.1f}%); THROTTLED responses: {throttled}"
        )
        net = (points - bucket) / seconds
        print(
            f"  without the initial bucket ({bucket:,} points): {net:,.0f} points/s "
            f"({net / 10:.1f}%)"
        )
    finally:
        server.stop()


def _payload_store() -> Any:
    """The store W7's payloads come from, mirrored first into a fresh bench database by a full
    sync: its products/update, orders/create and inventory_levels/update payloads name records
    the database holds (an order whose products we lack would wait for them and be retried,
    which is not what the apply lag is meant to measure)."""
    from shopify.simulator import Simulator

    sim = Simulator.generate(
        seed=2, products=60, customers=20, orders=20, locations=2, big_product=False, fixtures=False
    )
    # The intake's SHOPIFY_SHOP_DOMAIN (web_env) is the simulator's.
    assert sim.shop_domain == "stockroom-simulator.myshopify.com", sim.shop_domain
    recreate_database()
    server = sim.serve(host="127.0.0.1", port=0)
    try:
        results, seconds, _ = run_sync(server, "--full")
    finally:
        server.stop()
    failed = {
        name: values["status"]
        for name, values in results.items()
        if values["status"] != "succeeded"
    }
    if failed:
        raise RuntimeError(f"the W7 store's sync failed: {failed}")
    print(f"  the payloads' store synced into the bench database in {seconds:.1f} s")
    return sim


def _payloads(directory: Path, sim: Any) -> str:
    """Three signed payloads of the simulator's shapes: WEBHOOK_SPECS for bench/wrk/webhooks.lua."""
    import base64
    import hmac

    products = sorted(sim.snapshot("products").values(), key=lambda p: -len(p.get("variants", [])))
    product_id = int(str(products[0]["id"]).rsplit("/", 1)[1])
    order_id = int(str(next(iter(sim.snapshot("orders").values()))["id"]).rsplit("/", 1)[1])
    item = next(iter(sim.snapshot("inventory_items").values()))
    item_id = int(str(item["id"]).rsplit("/", 1)[1])
    location_id = next(iter(sim.snapshot("locations")))
    payloads = {
        "products/update": sim.webhook_payload("products/update", product_id),
        "orders/create": sim.webhook_payload("orders/create", order_id),
        "inventory_levels/update": {
            "inventory_item_id": item_id, "location_id": location_id, "available": 7,
            "updated_at": "2026-12-04T00:00:00Z",
        },
    }  # fmt: skip
    specs = []
    for topic, payload in payloads.items():
        body = json.dumps(payload).encode()
        path = directory / (topic.replace("/", "_") + ".json")
        path.write_bytes(body)
        digest = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).digest()
        specs.append(f"{topic};{path};{base64.b64encode(digest).decode()}")
        print(f"  {topic}: {len(body):,} bytes")
    return "|".join(specs)


def web_env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": REDIS_URL,
        "SHOPIFY_API_SECRET": WEBHOOK_SECRET,
        "SHOPIFY_SHOP_DOMAIN": "stockroom-simulator.myshopify.com",
        "LOG_LEVEL": "WARNING",
    }


def w7() -> None:
    from bench import api

    print("\nW7 webhook intake (gunicorn gthread 2 x 8, wrk 15 s)", flush=True)
    directory = Path(tempfile.mkdtemp(prefix="stockroom-w7-"))
    specs = _payloads(directory, _payload_store())
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    api.PORT = WEB_PORT
    os.environ["SHOPIFY_API_SECRET"] = WEBHOOK_SECRET  # bench/api.py's server env copies ours
    web = api.start("gunicorn", "config.wsgi:application", DATABASE_URL)
    env = {"WEBHOOK_SPECS": specs, "SHOP_DOMAIN": "stockroom-simulator.myshopify.com"}
    stamp = str(int(time.time()))  # webhook ids unique per run: a duplicate takes a shorter path
    try:
        for connections in (1, 16, 64):
            result = api.wrk(
                "/webhooks/shopify/",
                connections,
                "-",
                script="webhooks.lua",
                extra_env={**env, "RUN_ID": f"{stamp}c{connections}"},
                duration="15s",
            )
            errors = result["bad"] + result["socket_errors"]
            print(
                f"  c={connections:<3} {result['rps']:>8.1f} deliveries/s accepted; p50 "
                f"{result['p50']:.1f} / p95 {result['p95']:.1f} / p99 {result['p99']:.1f} ms; "
                f"non-2xx or socket errors: {errors}; statuses {result['status']}",
                flush=True,
            )
        result = api.wrk(
            "/webhooks/shopify/",
            1,
            "-",
            script="webhooks.lua",
            extra_env={**env, "RUN_ID": "bad", "BAD_HMAC": "1", "ACCEPT_STATUS": "401"},
            duration="10s",
        )
        print(
            f"  bad HMAC c=1: p50 {result['p50']:.2f} / p99 {result['p99']:.2f} ms, "
            f"statuses {result['status']}",
            flush=True,
        )
        lag(specs)
    finally:
        api.stop(web)


def lag(specs: str) -> None:
    """200 deliveries/s offered for 20 s to gunicorn, applied by a real Celery worker."""
    import httpx
    import psycopg
    import redis

    print("  apply lag at 200 deliveries/s offered, Celery worker (2 processes)", flush=True)
    # The intake runs above queued tens of thousands of applies: drop them, or these
    # deliveries would wait behind them.
    redis.Redis.from_url(REDIS_URL).flushdb()
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=web_env(),
    )
    time.sleep(6)
    kinds = []
    for spec in specs.split("|"):
        topic, path, signature = spec.split(";")
        kinds.append((topic, Path(path).read_bytes(), signature))
    sent: list[int] = []
    run = f"lag-{int(time.time())}-"  # fresh ids: a webhook id seen before is not applied again
    start = time.perf_counter()
    offered, seconds = 200, 20

    def sender(offset: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{WEB_PORT}", timeout=10) as client:
            for n in range(offset, offered * seconds, 8):
                time.sleep(max(0.0, start + n / offered - time.perf_counter()))
                topic, body, signature = kinds[n % len(kinds)]
                response = client.post(
                    "/webhooks/shopify/",
                    content=body,
                    headers={
                        "Content-Type": "application/json",
                        "X-Shopify-Topic": topic,
                        "X-Shopify-Hmac-Sha256": signature,
                        "X-Shopify-Webhook-Id": f"{run}{n}",
                        "X-Shopify-Shop-Domain": "stockroom-simulator.myshopify.com",
                        "X-Shopify-API-Version": "2026-10",
                    },
                )
                sent.append(response.status_code)

    threads = [threading.Thread(target=sender, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deadline = time.time() + 120
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        while time.time() < deadline:
            pending = conn.execute(
                "SELECT count(*) FROM webhooks_webhookdelivery WHERE webhook_id LIKE %s "
                "AND processed_at IS NULL",
                [run + "%"],
            ).fetchone()[0]  # type: ignore[index]
            if pending == 0:
                break
            time.sleep(0.5)
        rows = conn.execute(
            "SELECT EXTRACT(EPOCH FROM processed_at - received_at), status FROM "
            "webhooks_webhookdelivery WHERE webhook_id LIKE %s",
            [run + "%"],
        ).fetchall()
    worker.terminate()
    worker.wait(timeout=30)
    lags = sorted(float(row[0]) for row in rows if row[0] is not None)
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row[1]] = statuses.get(row[1], 0) + 1
    elapsed = time.perf_counter() - start
    if not lags:
        print(f"  no delivery applied; intake statuses {sorted(set(sent))}")
        return
    p95 = lags[min(len(lags) - 1, int(len(lags) * 0.95))]
    print(
        f"  offered {len(sent)} in {elapsed:.1f} s (HTTP {sorted(set(sent))}); applied "
        f"{len(lags)}; delivery statuses {statuses}; lag p50 {statistics.median(lags):.3f} s, "
        f"p95 {p95:.3f} s, max {lags[-1]:.3f} s",
        flush=True,
    )


def main() -> None:
    import django

    from bench.run import machine

    django.setup()
    print(f"machine: {machine()}")
    only = os.environ.get("BENCH_SHOPIFY_SIZE")
    sizes = [only] if only else ["XS", "S"]
    memory: dict[str, int] = {}
    last: dict[str, Any] | None = None
    for size_name in sizes:
        if last is not None:
            last["server"].stop()
        last = w6(size_name)
        memory[size_name] = last["rss"]
    print(f"\npeak memory of the sync by store size: {memory} MiB")
    assert last is not None
    try:
        w6c(last["server"])
    finally:
        last["server"].stop()
    w6b()
    w7()


def only(name: str) -> None:
    """`python bench/shopify.py w6|w6b|w6c|w7` runs that workload alone, on the bench database
    (W6 and W6c at BENCH_SHOPIFY_SIZE, S by default)."""
    import django

    django.setup()
    size_name = os.environ.get("BENCH_SHOPIFY_SIZE", "S")
    if name in ("w6", "w6c"):
        if name == "w6":
            server = w6(size_name)["server"]
        else:
            print(f"\nW6c at {size_name} {SIZES[size_name]}", flush=True)
            server = serve(SIZES[size_name])
        try:
            if name == "w6c":
                w6c(server)
        finally:
            server.stop()
        return
    {"w6b": w6b, "w7": w7}[name]()


if __name__ == "__main__":
    only(sys.argv[1]) if len(sys.argv) > 1 else main()
