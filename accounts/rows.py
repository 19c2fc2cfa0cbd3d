"""Row access: which rows of a resource family a caller may see or change.

A grant's `scope` (the seeds' Permissions.Scope) restricts rows:
- `all`: every row;
- `own`: rows the user owns (e.g. the orders or inventory adjustments they made);
- `location`: rows at the inventory locations the user is assigned to (django-guardian
  `inventory.view_location` object permissions);
- `company`: rows of the B2B companies the user is assigned to (django-guardian
  `b2b.view_company` object permissions; a company contact's login gets its company).

Selectors apply a `RowAccess` to their querysets with the field paths that tie a row to an
owner, a location or a company; a scope a resource has no path for grants no row (deny)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)

# The django-guardian object permissions that assign a user to rows.
LOCATION_PERMISSION = "inventory.view_location"
COMPANY_PERMISSION = "b2b.view_company"


# The families whose rows a restricted grant can select, and the row scopes each understands.
# A grant with any other (family, scope) pair grants nothing: e.g. a `location`-scoped grant
# on customers gives no customer at all (deny by default), not every customer.
ROW_SCOPES: dict[str, frozenset[str]] = {
    "orders": frozenset({"own", "location", "company"}),
    "inventory": frozenset({"own", "location"}),
    "locations": frozenset({"location"}),
    "b2b": frozenset({"company"}),
}


def grant_applies(*, resource: str, scope: str) -> bool:
    """Whether a grant on `resource` with row scope `scope` grants anything."""
    return scope == "all" or scope in ROW_SCOPES.get(resource, frozenset())


def _key(path: str) -> str:
    """`pk` is the row itself (a Location, a Company); any other path is a foreign key."""
    return "pk" if path == "pk" else f"{path}_id"


@dataclass(frozen=True)
class RowAccess:
    unrestricted: bool = False
    owner_id: int | None = None
    location_ids: frozenset[int] = field(default_factory=frozenset)
    company_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def everything(cls) -> RowAccess:
        return cls(unrestricted=True)

    @classmethod
    def nothing(cls) -> RowAccess:
        return cls()

    def condition(
        self,
        *,
        own: str | None = None,
        location: str | None = None,
        company: str | None = None,
    ) -> Q | None:
        """The filter that keeps the permitted rows, or None when every row is permitted.
        Each argument is the field path (`user`, `location`, `company`) of that scope."""
        if self.unrestricted:
            return None
        condition = Q(pk__in=[])
        if own and self.owner_id is not None:
            condition |= Q(**{_key(own): self.owner_id})
        if location and self.location_ids:
            condition |= Q(**{f"{_key(location)}__in": sorted(self.location_ids)})
        if company and self.company_ids:
            condition |= Q(**{f"{_key(company)}__in": sorted(self.company_ids)})
        return condition

    def apply(self, queryset: QuerySet[M], **paths: Any) -> QuerySet[M]:
        condition = self.condition(**paths)
        return queryset if condition is None else queryset.filter(condition).distinct()

    def allows_location(self, location_id: int | None) -> bool:
        return self.unrestricted or (location_id is not None and location_id in self.location_ids)
