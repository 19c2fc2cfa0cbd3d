from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import models

from .models import Event, IdempotencyKey

IDEMPOTENCY_RETENTION = timedelta(hours=24)


def event_record(
    *,
    subject: models.Model,
    verb: str,
    actor: Any = None,
    message: str = "",
    arguments: dict[str, Any] | None = None,
    subject_object: models.Model | None = None,
) -> Event:
    """Write one activity-trail row; call it inside the transaction of the change it records."""
    author = getattr(actor, "email", "") if actor is not None else "system"
    return Event.objects.create(
        subject_id=subject.pk,
        subject_type=type(subject).__name__,
        verb=verb,
        object_id=subject_object.pk if subject_object is not None else None,
        object_type=type(subject_object).__name__ if subject_object is not None else "",
        message=message or f"{type(subject).__name__} {subject.pk} {verb}",
        author=author,
        actor=actor if getattr(actor, "pk", None) else None,
        arguments=arguments or {},
    )


def soft_delete(*, instance: models.Model) -> None:
    type(instance)._base_manager.filter(pk=instance.pk).update(deleted_at=_now())
    instance.refresh_from_db(fields=["deleted_at"])


def restore(*, instance: models.Model) -> None:
    type(instance)._base_manager.filter(pk=instance.pk).update(deleted_at=None)
    instance.refresh_from_db(fields=["deleted_at"])


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def idempotency_keys_purge() -> int:
    """Forget Idempotency-Keys older than the retention window; returns how many went."""
    cutoff = _now() - IDEMPOTENCY_RETENTION
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
