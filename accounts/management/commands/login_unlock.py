"""`manage.py login_unlock EMAIL`: lift a failed-login lockout once the user's identity is
confirmed (PCI DSS 8.3.4 allows "until the user's identity is confirmed")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.lockout import login_is_locked, login_lock_clear, normalized_email


class Command(BaseCommand):
    help = "Clear the failed-login counter of an email address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        email = normalized_email(options["email"])
        was_locked = login_is_locked(email=email)
        login_lock_clear(email=email)
        self.stdout.write(f"{email}: {'unlocked' if was_locked else 'was not locked'}.")
