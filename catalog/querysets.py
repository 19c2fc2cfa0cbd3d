"""Managers of the catalog app: the SmartCollection proxy sees smart collections only."""

from __future__ import annotations

from typing import Any

from core.querysets import AllObjectsManager, SoftDeleteManager, SoftDeleteQuerySet

from .choices import CollectionType


class SmartCollectionManager(SoftDeleteManager):
    """Smart collections that are not deleted."""

    def get_queryset(self) -> SoftDeleteQuerySet[Any]:
        return super().get_queryset().filter(collection_type=CollectionType.SMART)


class SmartCollectionAllObjectsManager(AllObjectsManager):
    """Smart collections, deleted or not (the admin's list, restore)."""

    def get_queryset(self) -> SoftDeleteQuerySet[Any]:
        return super().get_queryset().filter(collection_type=CollectionType.SMART)
