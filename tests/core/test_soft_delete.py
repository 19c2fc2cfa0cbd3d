"""Soft delete, proven on a real soft-deletable model (inventory.Location): the default manager
hides deleted rows, `all_objects` sees them, and rows can be deleted and restored in bulk or
one at a time."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from core import services as core_services
from core.models import Shop
from core.querysets import SoftDeleteQuerySet
from inventory.models import Location

pytestmark = pytest.mark.django_db


def _locations(*names: str) -> list[Location]:
    return [Location.objects.create(name=name) for name in names]


def _soft_delete_queryset(queryset: Any) -> SoftDeleteQuerySet[Location]:
    """Both managers hand out the soft-delete queryset (typed as a plain QuerySet)."""
    assert isinstance(queryset, SoftDeleteQuerySet)
    return queryset


def live(**filters: Any) -> SoftDeleteQuerySet[Location]:
    return _soft_delete_queryset(Location.objects.filter(**filters))


def every(**filters: Any) -> SoftDeleteQuerySet[Location]:
    return _soft_delete_queryset(Location.all_objects.filter(**filters))


def _names(queryset: SoftDeleteQuerySet[Location]) -> list[str]:
    return sorted(queryset.values_list("name", flat=True))


def test_the_default_manager_hides_deleted_rows_and_all_objects_sees_them() -> None:
    # Given two locations, one of them soft-deleted
    _locations("Warehouse")
    (store,) = _locations("Store")
    core_services.soft_delete(instance=store)
    # Then the default manager hides it, all_objects sees both
    assert _names(live()) == ["Warehouse"]
    assert _names(every()) == ["Store", "Warehouse"]
    assert not Location.objects.filter(pk=store.pk).exists()
    with pytest.raises(Location.DoesNotExist):
        Location.objects.get(pk=store.pk)
    assert Location.all_objects.get(pk=store.pk) == store
    assert Location.objects.count() == 1
    assert Location._default_manager is Location.objects


def test_the_service_soft_deletes_one_row_without_removing_it() -> None:
    # Given a location
    (store,) = _locations("Store")
    before = timezone.now()
    # When it is soft-deleted
    core_services.soft_delete(instance=store)
    # Then the row remains, stamped with the deletion time, also on the instance
    assert store.is_deleted is True
    assert store.deleted_at is not None
    assert before <= store.deleted_at <= timezone.now()
    stored = Location.all_objects.get(pk=store.pk)
    assert stored.deleted_at == store.deleted_at


def test_the_service_restores_one_row() -> None:
    (store,) = _locations("Store")
    core_services.soft_delete(instance=store)
    # When it is restored
    core_services.restore(instance=store)
    # Then it is visible again
    assert store.is_deleted is False
    assert store.deleted_at is None
    assert list(Location.objects.all()) == [store]


def test_queryset_soft_delete_touches_live_rows_only() -> None:
    # Given three locations, one deleted earlier
    _locations("Warehouse", "Store")
    (popup,) = _locations("Pop-up")
    core_services.soft_delete(instance=popup)
    first_deletion = popup.deleted_at
    # When every location is soft-deleted in bulk
    deleted = every().soft_delete()
    # Then the two live ones are deleted and the earlier deletion keeps its time
    assert deleted == 2
    assert Location.objects.count() == 0
    assert Location.all_objects.get(pk=popup.pk).deleted_at == first_deletion
    assert every().deleted().count() == 3


def test_queryset_soft_delete_from_the_default_manager() -> None:
    _locations("Warehouse", "Store")
    deleted = live(name="Store").soft_delete()
    assert deleted == 1
    assert _names(live()) == ["Warehouse"]
    assert _names(every().deleted()) == ["Store"]


def test_queryset_restore_brings_back_deleted_rows_only() -> None:
    # Given two deleted locations and a live one
    _locations("Warehouse", "Store", "Pop-up")
    live(name__in=["Store", "Pop-up"]).soft_delete()
    # When the deleted ones are restored in bulk
    restored = every().restore()
    # Then exactly those two are restored and all three are visible
    assert restored == 2
    assert _names(live()) == ["Pop-up", "Store", "Warehouse"]
    assert not every().deleted().exists()


def test_alive_and_deleted_filters_chain() -> None:
    _locations("Warehouse")
    (store,) = _locations("Store")
    core_services.soft_delete(instance=store)
    assert _names(every().alive()) == ["Warehouse"]
    assert _names(every().deleted()) == ["Store"]
    assert _names(every(name__startswith="S").deleted()) == ["Store"]
    assert not live().deleted().exists()  # the default manager starts from alive()


def test_related_objects_still_reach_a_deleted_row() -> None:
    # Given a shop whose primary location is soft-deleted
    (warehouse,) = _locations("Warehouse")
    shop = Shop.objects.create(name="Demo", domain="demo.example.com", primary_location=warehouse)
    core_services.soft_delete(instance=warehouse)
    # Then the foreign key still resolves (the base manager is all_objects)
    shop = Shop.objects.get(pk=shop.pk)
    assert shop.primary_location == warehouse
    assert Location._meta.base_manager_name == "all_objects"
    # ...and the row was never removed
    assert Location.all_objects.filter(pk=warehouse.pk).exists()
