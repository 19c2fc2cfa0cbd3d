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
