"""One login flow for the admin and the API token endpoint: lockout, password, then MFA.

Unknown email, wrong password, inactive account and locked account give the same outcome
(`INVALID`) after the same work (a password hash). Every attempt that does not end in a
complete login keeps its lockout slot; a complete login clears the counter."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django_otp.models import Device

from .lockout import login_attempt_succeeded
from .mfa import mfa_has_device, mfa_verify
from .models import User


class LoginStatus(enum.Enum):
    OK = "ok"  # password and (when enrolled) MFA passed
    INVALID = "invalid"  # unknown email, wrong password, inactive or locked: indistinguishable
    MFA_REQUIRED = "mfa_required"  # right password, the account has a device, no code given
    MFA_INVALID = "mfa_invalid"  # right password, wrong or already used code
    ENROLLMENT_REQUIRED = "enrollment_required"  # right password, staff without a device


@dataclass(frozen=True)
class LoginResult:
    status: LoginStatus
    user: User | None = None
    device: Device | None = None


def login_authenticate(
    *, request: HttpRequest | None, email: str, password: str, otp: str = ""
) -> LoginResult:
    user = authenticate(request, username=email, password=password)
    if not isinstance(user, User):
        return LoginResult(LoginStatus.INVALID)
    if mfa_has_device(user=user):
        if not otp.strip():
            return LoginResult(LoginStatus.MFA_REQUIRED, user)
        device = mfa_verify(user=user, code=otp)
        if device is None:
            return LoginResult(LoginStatus.MFA_INVALID, user)
        login_attempt_succeeded(email=email)
        return LoginResult(LoginStatus.OK, user, device)
    if user.is_staff:
        return LoginResult(LoginStatus.ENROLLMENT_REQUIRED, user)
    login_attempt_succeeded(email=email)
    return LoginResult(LoginStatus.OK, user)
