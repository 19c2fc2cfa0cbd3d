"""`manage.py seed_demo`: a realistic, deterministic demo store; size flags build benchmark data."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from core.bulk import reset_sequences
from core.demo.catalog import build_catalog, build_customer_metafields
from core.demo.commerce import build_abandoned_checkouts, build_orders
from core.demo.context import DemoContext, Sizes
from core.demo.people import (
    build_companies,
    build_customers,
    build_data_subject_requests,
    refresh_vip_group,
)
from core.demo.store import DEMO_DOMAIN, build_gift_cards, build_store
from core.models import Shop


class Command(BaseCommand):
    help = (
        "Build the deterministic demo store. Idempotent: does nothing when it exists. "
        "Benchmark dataset S: --products 10000 --customers 100000 --orders 1000000."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=60)
        parser.add_argument("--customers", type=int, default=200)
        parser.add_argument("--orders", type=int, default=600)
        parser.add_argument("--seed", type=int, default=20261101)

    def handle(self, *args: Any, **options: Any) -> None:
        if Shop.objects.filter(domain=DEMO_DOMAIN).exists():
            self.stdout.write("The demo store is already loaded: nothing to do.")
            return
        sizes = Sizes(
            products=max(1, options["products"]),
            customers=max(2, options["customers"]),
            orders=max(0, options["orders"]),
        )
        ctx = DemoContext(sizes=sizes, seed=options["seed"])
        started = time.perf_counter()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Check foreign keys row by row instead of queueing millions of deferred checks.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            build_store(ctx)
            build_catalog(ctx)
            build_customers(ctx)
            build_customer_metafields(ctx)
            build_companies(ctx)
            build_gift_cards(ctx, count=max(20, sizes.customers // 100))
            build_orders(ctx)
            refresh_vip_group(ctx)
            build_abandoned_checkouts(ctx, count=max(20, sizes.orders // 20))
            build_data_subject_requests(ctx)
            reset_sequences(ctx.loaded_models)
        seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            # Fresh planner statistics: until autovacuum gets to millions of freshly copied rows
            # the planner guesses, and the admin's order list took 3-5 s instead of 0.03 s.
            analyze_started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            if options["verbosity"] >= 1:
                self.stdout.write(f"ANALYZE: {time.perf_counter() - analyze_started:.1f} s")
        total = sum(ctx.counts.values())
        if options["verbosity"] >= 1:
            for label, count in sorted(ctx.counts.items()):
                self.stdout.write(f"  {label:<40} {count:>10,}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo store built: {total:,} rows in {seconds:.1f} s "
                    f"({total / max(seconds, 1e-9):,.0f} rows/s)."
                )
            )
