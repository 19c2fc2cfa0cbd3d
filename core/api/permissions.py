"""Scope checks: a view names its resource family; reads need read_ (or write_), writes write_."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from accounts.models import ApiKey
from accounts.scopes import ALL, scope_allows


def granted_scopes(request: Request) -> frozenset[str]:
    if isinstance(request.auth, ApiKey):
        return frozenset(request.auth.scopes)
    user = request.user
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset({ALL})
    if not user.is_staff:
        return frozenset()
    scopes = set()
    for resource, action in user.access_permissions.values_list("resource", "action"):
        if resource == "all":
            scopes.add(ALL)
        elif action == "read":
            scopes.add(f"read_{resource}")
        else:
            scopes.add(f"write_{resource}")
    return frozenset(scopes)


class HasResourceScope(permissions.BasePermission):
    message = "The credentials lack the scope this request needs."

    def has_permission(self, request: Request, view: Any) -> bool:
        family = getattr(view, "scope_family", None)
        if family is None:
            return False
        write = request.method not in permissions.SAFE_METHODS
        return scope_allows(granted_scopes(request), family=family, write=write)
