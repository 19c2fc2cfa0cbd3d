"""Test helpers: the codes an authenticator app would show."""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_now(device: TOTPDevice, *, steps: int = 0) -> str:
    """The device's current code (or the code `steps` time steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


class EnrolledStaff:
    """A staff user with a confirmed authenticator and recovery codes, as after enrollment."""

    password = "a-long-password-9"

    def __init__(self, email: str = "ops@example.com", **extra: object) -> None:
        from accounts.mfa import mfa_enroll
        from accounts.models import User

        self.user = User.objects.create_superuser(email=email, password=self.password, **extra)
        enrollment, self.recovery_codes = mfa_enroll(user=self.user)
        self.device = enrollment.device
        self.secret = enrollment.secret

    def code(self) -> str:
        """A code that has not been used yet: the current TOTP code the first time, then
        recovery codes (a TOTP code is accepted once per time step)."""
        self.device.refresh_from_db()
        if self.device.last_t < 0:
            return totp_now(self.device)
        return self.recovery_codes.pop()

    def credentials(self, **extra: str) -> dict[str, str]:
        return {"email": self.user.email, "password": self.password, "otp": self.code(), **extra}
