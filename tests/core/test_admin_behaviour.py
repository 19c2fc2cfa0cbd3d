"""The back office's shared behaviour: soft delete and restore, read-only mirrored rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from inventory.models import Location
from tests.inventory.factories import LocationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:inventory_location_changelist")


@pytest.fixture
def staff(db: Any, verified_login: Any) -> Client:
    client = Client()
    verified_login(
        client, User.objects.create_superuser(email="boss@example.com", password="x" * 14)
    )
    return client


def test_deleting_from_the_admin_soft_deletes(staff: Client) -> None:
    location = LocationFactory.create(name="Annex")

    response = staff.post(
        reverse("admin:inventory_location_delete", args=[location.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Location.objects.filter(pk=location.pk).exists()
    assert Location.all_objects.get(pk=location.pk).deleted_at is not None


def test_deleted_rows_are_hidden_then_listed_by_the_filter_and_restored(staff: Client) -> None:
    kept = LocationFactory.create(name="Kept")
    gone = LocationFactory.create(name="Gone")
    Location.objects.filter(pk=gone.pk).soft_delete()

    default_page = staff.get(CHANGELIST)
    deleted_page = staff.get(f"{CHANGELIST}?deleted=yes")
    restored = staff.post(
        f"{CHANGELIST}?deleted=yes", {"action": "restore_selected", "_selected_action": [gone.pk]}
    )

    assert list(default_page.context["cl"].result_list) == [kept]
    assert list(deleted_page.context["cl"].result_list) == [gone]
    assert restored.status_code == 302
    assert Location.objects.get(pk=gone.pk).deleted_at is None


def test_the_soft_delete_action_replaces_hard_bulk_delete(staff: Client) -> None:
    location = LocationFactory.create(name="Bulk")

    actions = staff.get(CHANGELIST).context["action_form"].fields["action"].choices
    staff.post(CHANGELIST, {"action": "soft_delete_selected", "_selected_action": [location.pk]})

    assert "delete_selected" not in dict(actions)
    assert Location.all_objects.get(pk=location.pk).deleted_at is not None


def test_mirrored_rows_are_read_only_and_cannot_be_deleted(staff: Client) -> None:
    mirrored = LocationFactory.create(name="Shopify HQ", shopify_id=655441491)
    url = reverse("admin:inventory_location_change", args=[mirrored.pk])

    page = staff.get(url)
    staff.post(url, {"name": "Renamed"})
    delete = staff.post(
        reverse("admin:inventory_location_delete", args=[mirrored.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}
    assert delete.status_code == 403
    mirrored.refresh_from_db()
    assert mirrored.name == "Shopify HQ"
    assert mirrored.deleted_at is None


def test_a_broken_rule_in_a_form_is_a_form_error_not_a_crash(staff: Client) -> None:
    LocationFactory.create(name="Depot")

    response = staff.post(
        reverse("admin:inventory_location_add"), {"name": "depot", "active": "on"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Location.objects.filter(name__iexact="depot").count() == 1
