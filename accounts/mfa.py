"""MFA: TOTP devices (django-otp) and single-use recovery codes, for staff.

A code is verified under a row lock on the device (`select_for_update` in a transaction), so a
TOTP code is accepted once even when it arrives many times in parallel: the first verification
moves the device's `last_t` past the code's time step before the next one reads it. Wrong
guesses are throttled per device by django-otp (1, 2, 4, 8 … seconds). Recovery codes are
shown once and stored as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import RecoveryCode, RecoveryCodeDevice, User
from .tokens import user_tokens_revoke

RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to type
RECOVERY_GROUPS, RECOVERY_GROUP_LENGTH = 3, 4  # 12 symbols of 31: 59 bits


@dataclass(frozen=True)
class Enrollment:
    device: TOTPDevice
    secret: str  # base32, what an authenticator app takes
    uri: str  # otpauth:// URI (QR code content)


def _normalized_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(_normalized_code(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    symbols = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))
    return "-".join(
        symbols[i : i + RECOVERY_GROUP_LENGTH] for i in range(0, 12, RECOVERY_GROUP_LENGTH)
    )


def totp_secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def _enrollment(device: TOTPDevice) -> Enrollment:
    return Enrollment(device=device, secret=totp_secret(device), uri=device.config_url)


def mfa_has_device(*, user: User) -> bool:
    """A confirmed TOTP device (recovery codes alone do not count as enrolled)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_devices(*, user: User) -> list[Device]:
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *RecoveryCodeDevice.objects.filter(user=user, confirmed=True),
    ]


@transaction.atomic
def mfa_totp_begin(*, user: User) -> Enrollment:
    """The pending (unconfirmed) authenticator of a user, created on first call; reloading the
    enrollment page shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return _enrollment(device)


def mfa_totp_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the pending authenticator with a code from it; returns the device and the new
    recovery codes (shown once), or None when the code is wrong (the throttle counts it)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None or not device.verify_token(_normalized_code(code)):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return device, _recovery_codes_replace(user)


@transaction.atomic
def mfa_enroll(*, user: User) -> tuple[Enrollment, list[str]]:
    """Enroll by an operator (`manage.py mfa enroll`, `bootstrap_demo`): a confirmed
    authenticator replacing any other, and fresh recovery codes. Show both to the user once."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    return _enrollment(device), _recovery_codes_replace(user)


def _recovery_codes_replace(user: User) -> list[str]:
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [_new_recovery_code() for _ in range(settings.MFA_RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=_recovery_digest(code)) for code in codes
    )
    return codes


@transaction.atomic
def mfa_recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes for an enrolled user; the old ones stop working."""
    return _recovery_codes_replace(user)


def mfa_recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()


@transaction.atomic
def mfa_reset(*, user: User) -> None:
    """Remove every device (lost phone): the user enrolls again at the next admin login. Every
    session and token of the user ends too."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
    user_tokens_revoke(user=user)


def _verify_totp(user: User, code: str) -> Device | None:
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


def _verify_recovery(user: User, code: str) -> Device | None:
    with transaction.atomic():
        device = (
            RecoveryCodeDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        )
        if device is None:
            return None
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return None
        used = RecoveryCode.objects.filter(
            device=device, digest=_recovery_digest(code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if not used:
            device.throttle_increment(commit=True)
            return None
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save()
        return device


def mfa_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts `code` (a 6-digit TOTP code or a recovery code), or None.
    A code is accepted once; wrong guesses are throttled."""
    normalized = _normalized_code(code)
    if not normalized or len(normalized) > 32:
        return None
    if normalized.isascii() and normalized.isdigit() and len(normalized) in (6, 8):
        return _verify_totp(user, normalized)
    return _verify_recovery(user, normalized)
