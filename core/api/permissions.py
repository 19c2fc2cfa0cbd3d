"""Scope checks: a view names its resource family; reads need read_ (or write_), writes write_.

Staff hold the scopes of their roles and direct permissions (accounts.selectors.user_scopes),
superusers `all`, API keys the scopes they were created with; customer logins and other
non-staff users hold none: they reach only /api/v1/me/ (IsCustomerAccount)."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from accounts.models import ApiKey, User
from accounts.rows import RowAccess
from accounts.scopes import scope_allows
from accounts.selectors import user_row_access, user_scopes


def granted_scopes(request: Request) -> frozenset[str]:
    if isinstance(request.auth, ApiKey):
        return frozenset(request.auth.scopes)
    return user_scopes(user=request.user)


def row_access(request: Request, family: str, *, write: bool | None = None) -> RowAccess:
    """The rows of `family` this request may reach. API keys and superusers reach every row a
    scope of theirs allows; staff reach what their grants' row scopes (all, own, location,
    company) allow. `write` defaults to "the request is not a safe method"."""
    if write is None:
        write = request.method not in permissions.SAFE_METHODS
    if isinstance(request.auth, ApiKey):
        allowed = scope_allows(frozenset(request.auth.scopes), family=family, write=write)
        return RowAccess.everything() if allowed else RowAccess.nothing()
    return user_row_access(user=request.user, family=family, write=write)


class HasResourceScope(permissions.BasePermission):
    message = "The credentials lack the scope this request needs."

    def has_permission(self, request: Request, view: Any) -> bool:
        family = getattr(view, "scope_family", None)
        if family is None:
            return False
        write = request.method not in permissions.SAFE_METHODS
        return scope_allows(granted_scopes(request), family=family, write=write)


class IsCustomerAccount(permissions.BasePermission):
    """A customer's own login (JWT), nothing else: not staff, not an API key."""

    message = "Only a customer's own login may use /me."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return (
            not isinstance(request.auth, ApiKey)
            and isinstance(user, User)
            and user.is_active
            and user.customer_id is not None
        )
