"""`python manage.py shopify_sync [--resources products,orders] [--full]`: one line per resource."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shopify.choices import SyncStatus
from shopify.connection import ShopifyNotConfiguredError
from shopify.models import SyncRun
from shopify.sync import RESOURCE_ORDER, sync_run


class Command(BaseCommand):
    help = (
        "Sync the mirror from Shopify: incremental (updated_at windows) by default, --full for a "
        "bulk operation per resource. Exits non-zero when a resource failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--resources",
            default="",
            help=f"Comma-separated, any of: {','.join(RESOURCE_ORDER)} (default: all).",
        )
        parser.add_argument("--full", action="store_true", help="Full sync (bulk operations).")

    def handle(self, *args: Any, **options: Any) -> None:
        resources = [name.strip() for name in options["resources"].split(",") if name.strip()]
        try:
            runs = sync_run(resources=resources or None, full=options["full"])
        except (ValueError, ShopifyNotConfiguredError) as error:
            raise CommandError(str(error)) from error
        done = {run.resource for run in runs}
        for run in runs:
            self.stdout.write(run_line(run))
            if run.status == SyncStatus.FAILED and run.errors:
                self.stdout.write(f"  error: {run.errors[-1]['error']}")
        for resource in resources or RESOURCE_ORDER:
            if resource not in done:
                self.stdout.write(
                    f"{resource:<12} not run (another sync holds it, or the "
                    "circuit opened before it)"
                )
        failed = [run.resource for run in runs if run.status == SyncStatus.FAILED]
        if failed:
            raise CommandError(f"sync failed: {', '.join(failed)}")


def run_line(run: SyncRun) -> str:
    duration = run.duration_seconds
    return (
        f"{run.resource:<12} {run.status:<10} {run.mode:<11} seen={run.records_seen} "
        f"created={run.created} updated={run.updated} stale={run.stale} deleted={run.deleted} "
        f"requests={run.requests} throttled={run.throttled} retries={run.retries} "
        f"cost={run.cost_points} duration={duration if duration is None else f'{duration:.2f}s'}"
    )
