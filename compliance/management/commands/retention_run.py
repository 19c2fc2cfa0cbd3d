"""`python manage.py retention_run [--dry-run]`: carry out the active data retention policies
now (beat runs them nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from compliance.retention import retention_run


class Command(BaseCommand):
    help = "Carry out the active data retention policies; --dry-run only counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        for line in retention_run(dry_run=options["dry_run"]).lines():
            self.stdout.write(line)
