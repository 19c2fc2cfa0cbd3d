"""Scheduled housekeeping of the accounts app (thin: the work is in accounts.tokens)."""

from __future__ import annotations

from celery import shared_task

from .tokens import refresh_tokens_purge_expired


@shared_task
def purge_expired_refresh_tokens() -> int:
    return refresh_tokens_purge_expired()
