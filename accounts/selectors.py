"""Reads of the accounts app: what a user may do (scopes) and on which rows (RowAccess)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from .choices import PermissionAction, PermissionResource, PermissionScope
from .models import AccessPermission, Role, User
from .rows import COMPANY_PERMISSION, LOCATION_PERMISSION, RowAccess, grant_applies
from .scopes import ALL, FAMILIES


def _is_staff_user(user: Any) -> bool:
    return bool(
        isinstance(user, User) and user.is_active and user.is_staff and user.customer_id is None
    )


def user_grants(*, user: User) -> QuerySet[AccessPermission]:
    """The user's permissions: their own and those of their roles."""
    return AccessPermission.objects.filter(Q(user=user) | Q(role__users=user)).distinct()


def _scope_names(resource: str, action: str) -> set[str]:
    """The API scopes of one grant: `read` -> read_<resource>, `write`/`delete` -> write_;
    resource `all` is every family (`all` itself only for a write grant)."""
    if resource == PermissionResource.ALL:
        if action != PermissionAction.READ:
            return {ALL}
        return {f"read_{family}" for family in FAMILIES}
    verb = "read" if action == PermissionAction.READ else "write"
    return {f"{verb}_{resource}"}


def user_scopes(*, user: Any) -> frozenset[str]:
    """The API scopes a user holds. Superusers hold `all`; staff hold the union of their roles'
    and their direct permissions (whatever the row scope); everyone else, customer logins
    included, holds none."""
    if not isinstance(user, User) or not user.is_active or user.customer_id is not None:
        return frozenset()
    if user.is_superuser:
        return frozenset({ALL})
    if not user.is_staff:
        return frozenset()
    scopes: set[str] = set()
    for resource, action, scope in user_grants(user=user).values_list(
        "resource", "action", "scope"
    ):
        if grant_applies(resource=resource, scope=scope):
            scopes |= _scope_names(resource, action)
    return frozenset(scopes)


def _grant_covers(resource: str, action: str, *, family: str, write: bool) -> bool:
    if resource not in (family, PermissionResource.ALL):
        return False
    return not write or action != PermissionAction.READ


def assigned_location_ids(*, user: User) -> frozenset[int]:
    from inventory.models import Location

    locations = get_objects_for_user(
        user, LOCATION_PERMISSION, klass=Location, with_superuser=False, accept_global_perms=False
    )
    return frozenset(locations.values_list("pk", flat=True))


def assigned_company_ids(*, user: User) -> frozenset[int]:
    from b2b.models import Company

    companies = get_objects_for_user(
        user, COMPANY_PERMISSION, klass=Company, with_superuser=False, accept_global_perms=False
    )
    return frozenset(companies.values_list("pk", flat=True))


def user_row_access(*, user: Any, family: str, write: bool) -> RowAccess:
    """The rows of `family` a staff user may read (or, with `write`, change): the widest row
    scope among the grants that allow it. Non-staff users get nothing."""
    if not _is_staff_user(user):
        return RowAccess.nothing()
    if user.is_superuser:
        return RowAccess.everything()
    scopes = {
        scope
        for resource, action, scope in user_grants(user=user).values_list(
            "resource", "action", "scope"
        )
        if _grant_covers(resource, action, family=family, write=write)
        and grant_applies(resource=resource, scope=scope)
    }
    if PermissionScope.ALL in scopes:
        return RowAccess.everything()
    return RowAccess(
        owner_id=user.pk if PermissionScope.OWN in scopes else None,
        location_ids=assigned_location_ids(user=user)
        if PermissionScope.LOCATION in scopes
        else frozenset(),
        company_ids=assigned_company_ids(user=user)
        if PermissionScope.COMPANY in scopes
        else frozenset(),
    )


def customer_company_ids(*, user: Any) -> frozenset[int]:
    """The companies a customer's login acts for (guardian grants made from its contacts)."""
    if not isinstance(user, User) or user.customer_id is None or not user.is_active:
        return frozenset()
    return assigned_company_ids(user=user)


def role_list() -> QuerySet[Role]:
    return Role.objects.prefetch_related("permissions")
