"""`manage.py create_api_key --name NAME --scopes read_products,write_orders` (or `all`).

Prints the key alone on its last line; only its digest is stored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.scopes import SCOPES
from accounts.services import api_key_create
from core.errors import ServiceError


class Command(BaseCommand):
    help = "Create an API key with scopes; prints the key on the last line (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--scopes", required=True, help=f"Comma-separated, from: {', '.join(SCOPES)}"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        try:
            row, key = api_key_create(name=options["name"], scopes=scopes)
        except ServiceError as exc:
            raise CommandError(f"{exc.message} {exc.details}") from exc
        self.stdout.write(f"API key '{row.name}' with scopes {', '.join(row.scopes)}:")
        self.stdout.write(key)
