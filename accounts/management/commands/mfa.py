"""`manage.py mfa enroll|reset|recovery-codes|status EMAIL`: an operator's MFA tools.

- enroll: a new authenticator (replacing any other) and recovery codes; prints the base32
  secret, the otpauth:// URI and the codes (shown once: hand them to the user securely).
- reset: removes every device and ends the user's sessions and tokens; a staff user sets up a
  new authenticator at the next admin login.
- recovery-codes: new recovery codes (the old ones stop working).
- status: devices and unused recovery codes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.lockout import normalized_email
from accounts.mfa import (
    mfa_enroll,
    mfa_has_device,
    mfa_recovery_codes_left,
    mfa_recovery_codes_regenerate,
    mfa_reset,
)
from accounts.models import User


class Command(BaseCommand):
    help = "Enroll, reset or inspect a user's MFA, or regenerate their recovery codes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["enroll", "reset", "recovery-codes", "status"])
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=normalized_email(options["email"])).first()
        if user is None:
            raise CommandError(f"No user with email {options['email']!r}.")
        action = options["action"]
        if action == "enroll":
            enrollment, codes = mfa_enroll(user=user)
            self.stdout.write(f"Authenticator for {user.email}:")
            self.stdout.write(f"  Secret (base32): {enrollment.secret}")
            self.stdout.write(f"  URI:             {enrollment.uri}")
            self._codes(codes)
        elif action == "reset":
            mfa_reset(user=user)
            self.stdout.write(
                f"MFA removed for {user.email}; every session and token ended. "
                "They set up a new authenticator at the next admin login."
            )
        elif action == "recovery-codes":
            if not mfa_has_device(user=user):
                raise CommandError(f"{user.email} has no authenticator: run `mfa enroll` first.")
            self._codes(mfa_recovery_codes_regenerate(user=user))
        else:
            enrolled = "enrolled" if mfa_has_device(user=user) else "not enrolled"
            left = mfa_recovery_codes_left(user=user)
            self.stdout.write(f"{user.email}: {enrolled}, {left} unused recovery code(s).")

    def _codes(self, codes: list[str]) -> None:
        self.stdout.write("Recovery codes (each works once, shown only now):")
        for code in codes:
            self.stdout.write(f"  {code}")
