"""`make run`'s setup step: demo data on an empty database and a demo admin with a printed login."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.lockout import login_lock_clear
from accounts.mfa import mfa_enroll, mfa_recovery_codes_regenerate, totp_secret
from accounts.models import User
from catalog.models import Product

PASSWORD_FILE = Path(settings.BASE_DIR) / "var" / "demo_admin_password.txt"


class Command(BaseCommand):
    help = "Load the demo store into an empty database and create the demo admin."

    def handle(self, *args: Any, **options: Any) -> None:
        if not Product.all_objects.exists():
            self.stdout.write("Empty database: loading the demo store (seed_demo)…")
            call_command("seed_demo", stdout=self.stdout)
        email = settings.DEMO_ADMIN_EMAIL
        password = settings.DEMO_ADMIN_PASSWORD or _remembered_password()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_superuser(email=email, password=password)
        elif not user.check_password(password):
            user.set_password(password)
            user.is_active = user.is_staff = user.is_superuser = True
            user.save(update_fields=["password", "is_active", "is_staff", "is_superuser"])
        # The admin requires MFA: the demo admin keeps one authenticator across runs (add the
        # secret to an app once) and gets fresh recovery codes each run (only digests are kept).
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            enrollment, codes = mfa_enroll(user=user)
            secret, uri = enrollment.secret, enrollment.uri
        else:
            secret, uri = totp_secret(device), device.config_url
            codes = mfa_recovery_codes_regenerate(user=user)
        login_lock_clear(email=email)
        port = _port()
        self.stdout.write(self.style.SUCCESS("\nStockroom is ready."))
        self.stdout.write(f"  Admin:    http://127.0.0.1:{port}/admin/")
        self.stdout.write(f"  Email:    {email}")
        self.stdout.write(f"  Password: {password}")
        self.stdout.write(f"  MFA secret (base32, for an authenticator app): {secret}")
        self.stdout.write(f"  MFA setup URI: {uri}")
        self.stdout.write(
            "  Recovery codes (type one into 'Verification code'; each works once, "
            "new ones every run):"
        )
        for code in codes:
            self.stdout.write(f"    {code}")
        self.stdout.write("")


def _remembered_password() -> str:
    """A generated password, kept under var/ so every `make run` prints the same working login."""
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip()
    password = secrets.token_urlsafe(12)
    PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
    PASSWORD_FILE.write_text(password + "\n")
    PASSWORD_FILE.chmod(0o600)
    return password


def _port() -> str:
    import os

    return os.environ.get("PORT", "8000")
