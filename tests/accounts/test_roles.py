"""Roles: seeded, editable in the admin, granting the seed's Permissions with row scopes."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from accounts.models import AccessPermission, Role
from accounts.roles import DEFAULT_ROLES
from accounts.scopes import FAMILIES
from accounts.selectors import user_row_access, user_scopes
from accounts.services import (
    customer_account_create,
    default_roles_ensure,
    role_assign,
    staff_location_assign,
)
from core.errors import ServiceError
from tests.accounts.factories import UserFactory
from tests.customers.factories import CustomerFactory
from tests.inventory.factories import LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_roles() -> None:
    """Seeded by a migration; a test that flushes the database (transactional) removes them."""
    default_roles_ensure()


def test_the_migration_seeds_the_default_roles() -> None:
    migration = importlib.import_module("accounts.migrations.0004_seed_default_roles")
    assert migration.ROLES == DEFAULT_ROLES
    assert default_roles_ensure() == []


def test_the_six_default_roles_are_seeded() -> None:
    assert sorted(Role.objects.values_list("slug", flat=True)) == [
        "admin",
        "fulfillment",
        "owner",
        "read-only",
        "staff",
        "support",
    ]
    owner = Role.objects.get(slug="owner")
    assert list(owner.permissions.values_list("resource", "action", "scope")) == [
        ("all", "write", "all")
    ]


def test_effective_scopes_are_the_union_of_roles_and_direct_grants() -> None:
    user = UserFactory.create()
    role_assign(user=user, role_slug="fulfillment")
    AccessPermission.objects.create(user=user, resource="markets", action="read", scope="all")
    assert user_scopes(user=user) == {
        "write_orders",
        "write_inventory",
        "read_products",
        "read_locations",
        "read_shipping",
        "read_markets",
    }
    role_assign(user=user, role_slug="support")
    assert "write_customers" in user_scopes(user=user)
    with pytest.raises(ServiceError):
        role_assign(user=user, role_slug="janitor")


def test_a_deactivated_or_customer_account_holds_no_scope() -> None:
    user = UserFactory.create()
    role_assign(user=user, role_slug="owner")
    assert user_scopes(user=user) == {"all"}
    user.is_active = False
    user.save()
    assert user_scopes(user=user) == frozenset()
    customer_user = customer_account_create(
        customer=CustomerFactory.create(), password="correct-horse-battery-42"
    )
    with pytest.raises(ServiceError):
        role_assign(user=customer_user, role_slug="owner")
    assert user_scopes(user=customer_user) == frozenset()


def test_row_access_is_the_widest_scope_of_the_grants() -> None:
    user = UserFactory.create()
    location = LocationFactory.create()
    staff_location_assign(user=user, location=location)
    AccessPermission.objects.create(user=user, resource="inventory", action="read", scope="all")
    AccessPermission.objects.create(
        user=user, resource="inventory", action="write", scope="location"
    )
    assert user_row_access(user=user, family="inventory", write=False).unrestricted
    writes = user_row_access(user=user, family="inventory", write=True)
    assert not writes.unrestricted
    assert writes.location_ids == {location.pk}
    assert user_row_access(user=user, family="orders", write=False) == type(writes)()


def test_a_permission_belongs_to_a_user_or_a_role() -> None:
    user, role = UserFactory.create(), Role.objects.get(slug="staff")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessPermission.objects.create(user=user, role=role, resource="orders", action="read")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessPermission.objects.create(resource="orders", action="read")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessPermission.objects.create(role=role, resource="products", action="write", scope="all")


def test_roles_are_editable_in_the_admin(admin_user: object, verified_login: Any) -> None:
    client = Client()
    verified_login(client, admin_user)
    role = Role.objects.get(slug="support")
    page = client.get(f"/admin/accounts/role/{role.pk}/change/")
    assert page.status_code == 200
    assert b"permissions-TOTAL_FORMS" in page.content
    assert client.get("/admin/accounts/role/").status_code == 200


def test_reading_all_resources_grants_no_write() -> None:
    user = UserFactory.create()
    AccessPermission.objects.create(user=user, resource="all", action="read", scope="all")
    scopes = user_scopes(user=user)
    assert "all" not in scopes
    assert scopes == {f"read_{family}" for family in FAMILIES}
    assert not user_row_access(user=user, family="orders", write=True).unrestricted
    assert user_row_access(user=user, family="orders", write=False).unrestricted
