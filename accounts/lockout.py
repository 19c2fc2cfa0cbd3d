"""Failed-login lockout, shared by the admin login and the API token endpoint.

Every login attempt for an email address takes a numbered slot from a counter in the shared
cache (Redis in production and tests, so every worker process and every source address counts
against the same account). Slots above AUTH_LOCKOUT_THRESHOLD are refused without checking the
password; each counted attempt keeps the counter for AUTH_LOCKOUT_SECONDS, so the account stays
locked that long after the last counted failure. A complete login (password and MFA) clears it.
The key holds a digest of the normalized email, never the address itself."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.cache import cache


def normalized_email(email: str) -> str:
    """As the user manager stores it: trimmed, the whole address lower-cased."""
    return BaseUserManager.normalize_email(email.strip()).lower()


def _key(email: str) -> str:
    digest = hashlib.sha256(normalized_email(email).encode()).hexdigest()
    return f"auth:login-attempts:{digest}"


def login_attempt_begin(*, email: str) -> bool:
    """Take a slot for one attempt; False when the account is locked (do not check anything)."""
    key, timeout = _key(email), settings.AUTH_LOCKOUT_SECONDS
    for _ in range(3):
        cache.add(key, 0, timeout=timeout)
        try:
            slot = cache.incr(key)
        except ValueError:  # expired between add and incr
            continue
        if slot > settings.AUTH_LOCKOUT_THRESHOLD:
            return False
        cache.touch(key, timeout=timeout)
        return True
    return False


def login_attempt_succeeded(*, email: str) -> None:
    cache.delete(_key(email))


def login_is_locked(*, email: str) -> bool:
    return int(cache.get(_key(email), 0)) >= settings.AUTH_LOCKOUT_THRESHOLD


def login_lock_clear(*, email: str) -> None:
    """An operator's unlock (`manage.py login_unlock`), after confirming the user's identity."""
    cache.delete(_key(email))
