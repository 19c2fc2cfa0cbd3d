"""`python manage.py shopify_reconcile [--repair] [--resources …]`: the drift report; its last
line is `drift: N`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shopify.connection import ShopifyNotConfiguredError
from shopify.reconcile import reconcile_run
from shopify.sync import RESOURCE_ORDER


class Command(BaseCommand):
    help = (
        "Compare the Shopify store with the mirror per resource (counts, ids, updated_at, every "
        "field) and print the drift; --repair fixes it and compares again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help="Repair the drift found.")
        parser.add_argument(
            "--resources",
            default="",
            help=f"Comma-separated, any of: {','.join(RESOURCE_ORDER)} (default: all).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        resources = [name.strip() for name in options["resources"].split(",") if name.strip()]
        try:
            report = reconcile_run(resources=resources or None, repair=options["repair"])
        except (ValueError, ShopifyNotConfiguredError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.text)
