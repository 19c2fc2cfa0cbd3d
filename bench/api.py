"""API benchmarks W1-W5 of the REST API issue, on the dataset bench/run.py loaded.

    make bench                 # builds dataset S, then admin pages, then this
    BENCH_REUSE=1 make bench   # reuse the loaded database

For each server (gunicorn gthread and granian, both WSGI, same worker/thread counts) it runs wrk
against the live API on PostgreSQL and prints p50/p95/p99, requests/s, errors and SQL queries
per request (measured in-process with the same code). The W1 ceiling — the same page from one
raw SQL query and orjson in a bare WSGI app — runs in the same way, and every W1 result is
also printed as a ratio of it."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PORT = 8931
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = [1, 16, 64, 1000]
WORKERS = os.environ.get("BENCH_WORKERS", "2")
THREADS = os.environ.get("BENCH_THREADS", "8")


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": "redis://127.0.0.1:6379/12",
        "API_KEY_RATE_LIMIT": "1000000000/hour",
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def start(kind: str, app: str, database_url: str) -> subprocess.Popen[bytes]:
    if kind == "gunicorn":
        command = [
            str(BIN / "gunicorn"), app, "-k", "gthread", "--workers", WORKERS,
            "--threads", THREADS, "--backlog", "2048", "--bind", f"127.0.0.1:{PORT}",
            "--log-level", "error",
        ]  # fmt: skip
    else:
        command = [
            str(BIN / "granian"), "--interface", "wsgi", "--workers", WORKERS,
            "--blocking-threads", THREADS, "--backlog", "2048", "--host", "127.0.0.1",
            "--port", str(PORT), "--log-level", "error", app,
        ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=server_env(database_url))
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health", timeout=1)
            return process
        except Exception:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"{kind} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def settle(seconds: float = 60) -> None:
    """Wait until the server has drained the queue a previous run left (c=1000 leaves up to
    the backlog's worth of requests behind): three quick health checks in a row."""
    deadline, quick = time.time() + seconds, 0
    while quick < 3 and time.time() < deadline:
        started = time.perf_counter()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health", timeout=10)
        except Exception:
            quick = 0
            continue
        quick = quick + 1 if time.perf_counter() - started < 0.02 else 0
        time.sleep(0.2)


def _script(name: str) -> Path:
    """wrk takes one script: a workload script (its request()) gets the reporter's done()."""
    folder = ROOT / "bench" / "wrk"
    if name == "report.lua":
        return folder / name
    combined = Path(tempfile.gettempdir()) / f"stockroom-bench-{name}"
    combined.write_text((folder / "report.lua").read_text() + (folder / name).read_text())
    return combined


def wrk(
    path: str,
    connections: int,
    key: str,
    *,
    script: str = "report.lua",
    extra_env: dict[str, str] | None = None,
    duration: str = DURATION,
) -> dict[str, Any]:
    threads = str(min(connections, 2))
    command = [
        "wrk", "-t", threads, "-c", str(connections), "-d", duration, "--timeout", "10s",
        "-H", f"X-API-Key: {key}", "-s", str(_script(script)),
        f"http://127.0.0.1:{PORT}{path}",
    ]  # fmt: skip
    settle()
    env = {**os.environ, **(extra_env or {})}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    line = next((line for line in done.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result for {path}:\n{done.stdout}\n{done.stderr}")
    return json.loads(line.removeprefix("WRK_JSON "))


def row(label: str, result: dict[str, Any], queries: int | str = "", ratio: str = "") -> str:
    errors = result["bad"] + result["socket_errors"]
    return (
        f"{label:<44} {result['rps']:>8.1f} {result['p50']:>8.1f} {result['p95']:>8.1f} "
        f"{result['p99']:>8.1f} {errors:>7} {queries!s:>5} {ratio:>7}"
    )


HEADER = (
    f"{'workload':<44} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
    f"{'SQL':>5} {'÷ceil':>7}"
)


def main(database_url: str) -> None:
    import django

    django.setup()  # bench/run.py has set it up on the bench database already
    from bench.api_setup import prepare, queries_per_request

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    data = prepare()
    key = data["key"]
    w1 = "/api/v1/products?status=active&limit=25"
    detail = {n: f"/api/v1/products/{pk}" for n, pk in data["products_by_variants"].items()}
    search = f"/api/v1/products?q={data['search_term']}&limit=25"
    print(f"server: {WORKERS} workers x {THREADS} threads; wrk {DURATION} per row")

    ceiling: dict[int, float] = {}
    print("\nW1 ceiling (raw SQL + orjson, bare WSGI)\n" + HEADER)
    process = start("gunicorn", "bench.ceiling:application", database_url)
    try:
        for connections in CONNECTIONS:
            result = wrk("/", connections, key)
            ceiling[connections] = result["rps"]
            print(row(f"ceiling gunicorn c={connections}", result, 1))
    finally:
        stop(process)

    for kind in ("gunicorn", "granian"):
        print(f"\n{kind} (gthread)" if kind == "gunicorn" else f"\n{kind}")
        print(HEADER)
        process = start(kind, "config.wsgi:application", database_url)
        try:
            queries = queries_per_request(w1, key)
            for connections in CONNECTIONS:
                result = wrk(w1, connections, key)
                ratio = f"{result['rps'] / ceiling[connections]:.2f}"
                print(row(f"W1 product list c={connections}", result, queries, ratio))
            for variants, path in detail.items():
                result = wrk(path, 16, key)
                queries = queries_per_request(path, key)
                print(row(f"W2 detail {variants} variants c=16", result, queries))
            result = wrk(search, 16, key)
            print(row("W3 search c=16", result, queries_per_request(search, key)))
        finally:
            stop(process)
    w4_w5(database_url, data)


def w4_w5(database_url: str, data: dict[str, Any]) -> None:
    from bench.api_setup import bulk_products, check_orders, order_queries, prime_orders

    process = start("gunicorn", "config.wsgi:application", database_url)
    try:
        print("\nW4 bulk create")
        for line in bulk_products(f"http://127.0.0.1:{PORT}", data["key"]):
            print(line)
        print("\nW5 order creation, 32 connections, 20% of lines on one hot SKU")
        setup = prime_orders()
        queries = order_queries(data["key"], setup)
        result = wrk(
            "/api/v1/orders", 32, data["key"], script="orders.lua",
            extra_env={**setup["env"], "ACCEPT_STATUS": "409"},
        )  # fmt: skip
        print(HEADER)
        created = result["ok"]
        print(row("W5 orders c=32 (201s + 409 sold-out)", result, queries))
        rate = created / result["seconds"]
        print(f"orders created/s: {rate:.1f}; status counts: {result['status']}")
        for line in check_orders(setup):
            print(line)
    finally:
        stop(process)


if __name__ == "__main__":
    sys.exit("Run it through bench/run.py (make bench), which sets the bench database up.")
