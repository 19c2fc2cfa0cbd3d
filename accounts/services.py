"""Writes of the accounts app: API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import ServiceError

from .models import ApiKey
from .scopes import invalid_scopes


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, name: str, scopes: list[str], actor: Any = None) -> tuple[ApiKey, str]:
    """Create a key; return the row and the plaintext key, which is shown once and never kept."""
    if not name.strip():
        raise ServiceError(
            "A name is required.", details=[{"field": "name", "message": "This field is required."}]
        )
    if not scopes or (bad := invalid_scopes(scopes)):
        raise ServiceError(
            "Unknown or missing scopes.",
            details=[
                {
                    "field": "scopes",
                    "message": f"Unknown scope(s): {', '.join(bad)}"
                    if scopes
                    else "At least one scope is required.",
                }
            ],
        )
    prefix = secrets.token_hex(6)
    key = f"sr_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey.objects.create(
        name=name.strip(),
        prefix=prefix,
        key_digest=_digest(key),
        scopes=sorted(set(scopes)),
        created_by=actor,
    )
    return row, key


LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_key_authenticate(*, key: str) -> ApiKey | None:
    """The usable key matching `key`, or None (constant-time digest comparison)."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "sr":
        return None
    row = ApiKey.objects.filter(prefix=parts[1]).first()
    if row is None or not hmac.compare_digest(row.key_digest, _digest(key)):
        return None
    if not row.is_usable:
        return None
    now = timezone.now()
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_RESOLUTION:
        # At most one write a minute per key: a hot key is not a hot row.
        ApiKey.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def api_key_revoke(*, api_key: ApiKey) -> None:
    ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
