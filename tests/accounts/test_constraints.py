"""PostgreSQL enforces the accounts app's rules: each test names the constraint it expects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from accounts.choices import PermissionAction, PermissionResource, PermissionScope
from accounts.models import AccessPermission, User

from .factories import AccessPermissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def people() -> QuerySet[User]:
    """Every user (django-guardian keeps no AnonymousUser row: ANONYMOUS_USER_NAME = None)."""
    return User.objects.all()


def assert_refused(create: Callable[..., Any], constraint: str, **fields: Any) -> None:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        create(**fields)
    assert constraint in str(refused.value)


# --- User -------------------------------------------------------------------------------------


def test_email_is_unique_whatever_its_case() -> None:
    # Given a user ada@example.com (the manager stores emails lower-cased)
    UserFactory.create(email="ada@example.com")
    # When a row with the same address in other case is written directly (e.g. a mirror)
    # Then PostgreSQL refuses it
    assert_refused(User.objects.create, "accounts_user_email_ci_unique", email="Ada@Example.COM")
    assert list(people().values_list("email", flat=True)) == ["ada@example.com"]


def test_the_same_email_twice_is_refused() -> None:
    UserFactory.create(email="ada@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="ada@example.com")
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1


def test_different_emails_are_accepted() -> None:
    UserFactory.create(email="ada@example.com")
    UserFactory.create(email="grace@example.com")
    assert people().count() == 2


def test_user_type_is_known() -> None:
    assert_refused(UserFactory, "accounts_user_type_valid", user_type="admin")


@pytest.mark.parametrize("user_type", ["regular", "restricted", "plus", "collaborator"])
def test_the_seed_user_types_are_accepted(user_type: str) -> None:
    user = UserFactory.create(user_type=user_type)
    user.refresh_from_db()
    assert user.user_type == user_type


# --- AccessPermission -------------------------------------------------------------------------


def test_a_permission_is_granted_once() -> None:
    # Given ada may read products everywhere
    ada = UserFactory.create()
    AccessPermissionFactory.create(user=ada, resource="products", action="read", scope="all")
    # When the same grant is written again, then it is refused
    assert_refused(
        AccessPermissionFactory,
        "accounts_perm_unique",
        user=ada,
        resource="products",
        action="read",
        scope="all",
    )
    # ...while other scopes, actions and users are accepted
    AccessPermissionFactory.create(user=ada, resource="products", action="read", scope="own")
    AccessPermissionFactory.create(user=ada, resource="products", action="write", scope="all")
    AccessPermissionFactory.create(resource="products", action="read", scope="all")
    assert AccessPermission.objects.filter(user=ada).count() == 3
    assert AccessPermission.objects.filter(role__isnull=True).count() == 4  # roles: seeded


def test_permission_resource_is_known() -> None:
    assert_refused(AccessPermissionFactory, "accounts_perm_resource_valid", resource="payroll")


def test_permission_action_is_read_write_or_delete() -> None:
    assert_refused(AccessPermissionFactory, "accounts_perm_action_valid", action="approve")
    assert set(PermissionAction.values) == {"read", "write", "delete"}


def test_permission_scope_is_known() -> None:
    assert_refused(AccessPermissionFactory, "accounts_perm_scope_valid", scope="team")


def test_every_known_resource_action_and_scope_is_accepted() -> None:
    user = UserFactory.create()
    for resource in PermissionResource.values:
        for action in PermissionAction.values:
            AccessPermissionFactory.create(user=user, resource=resource, action=action)
    other_scopes = [scope for scope in PermissionScope.values if scope != PermissionScope.ALL]
    for scope in other_scopes:
        AccessPermissionFactory.create(user=user, resource="orders", action="delete", scope=scope)
    expected = len(PermissionResource.values) * len(PermissionAction.values) + len(other_scopes)
    assert AccessPermission.objects.filter(user=user).count() == expected


def test_permissions_go_with_their_user() -> None:
    permission = AccessPermissionFactory.create()
    assert permission.user is not None
    permission.user.delete()
    assert not AccessPermission.objects.filter(pk=permission.pk).exists()
