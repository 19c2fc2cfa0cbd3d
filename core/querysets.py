from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


class SoftDeleteQuerySet(models.QuerySet[M]):
    """Chainable filters for models with `deleted_at`."""

    def alive(self) -> SoftDeleteQuerySet[M]:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> SoftDeleteQuerySet[M]:
        return self.filter(deleted_at__isnull=False)

    def soft_delete(self) -> int:
        return self.filter(deleted_at__isnull=True).update(deleted_at=timezone.now())

    def restore(self) -> int:
        return self.filter(deleted_at__isnull=False).update(deleted_at=None)


class AllObjectsManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """Sees every row, deleted or not (admin restore, GDPR, the Shopify mirror)."""


class SoftDeleteManager(AllObjectsManager):
    """The default manager of soft-deletable models: deleted rows are hidden."""

    def get_queryset(self) -> SoftDeleteQuerySet[Any]:
        return super().get_queryset().alive()  # type: ignore[no-any-return]


class IsoUtc(models.Func):
    """PostgreSQL: a timestamptz as the API writes it (ISO 8601 in UTC, microseconds only when
    there are some, `Z`), made by the database. Reading long lists of timestamps as text is
    several times cheaper than as datetimes (Django's timezone loader runs in Python for each
    value): 2,048 variants' two timestamps cost 12 ms as datetimes."""

    output_field = models.CharField()
    template = (
        "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        " || CASE WHEN mod(date_part('microseconds', %(expressions)s)::bigint, 1000000) = 0"
        " THEN '' ELSE to_char(%(expressions)s AT TIME ZONE 'UTC', '.US') END || 'Z'"
    )
