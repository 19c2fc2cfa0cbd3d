"""The shape every resource view shares: filter, sort, cursor-paginate, serialise.

A resource view is a `ResourceViewSet` naming its `scope_family`, its output serializer, its
FilterSet and the fields a client may sort by (`?order=createdAt` or `?order=-createdAt`).
Reads come from the app's selectors, writes go through its services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from .fast import OrjsonResponse, camel
from .pagination import StockroomCursorPagination


class ResourceViewSet(viewsets.ViewSet):
    scope_family: ClassVar[str]
    #: Read by drf-spectacular, so `many=True` responses are documented as cursor pages.
    pagination_class: ClassVar[type[StockroomCursorPagination] | None] = StockroomCursorPagination
    #: API sort name (camelCase) → model field; the id breaks ties so cursors stay stable.
    ordering_fields: ClassVar[dict[str, str]] = {}
    default_ordering: ClassVar[str] = "-id"

    def get_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    # Rate limits come before the permission check (DRF checks them after it), so requests
    # that are refused — anonymous 401s, scope-less 403s — are counted and limited too.
    def check_permissions(self, request: Request) -> None:
        self.check_throttles(request)
        self._throttles_checked = True
        super().check_permissions(request)

    def check_throttles(self, request: Request) -> None:
        if not getattr(self, "_throttles_checked", False):
            super().check_throttles(request)

    def ordering(self, request: Request) -> tuple[str, ...]:
        requested = request.query_params.get("order")
        if not requested:
            return (self.default_ordering,)
        name = requested.removeprefix("-")
        if name not in self.ordering_fields:
            allowed = ", ".join(sorted(self.ordering_fields)) or "none"
            raise ValidationError({"order": [f"Unknown sort field {name!r}; allowed: {allowed}."]})
        sign = "-" if requested.startswith("-") else ""
        return (f"{sign}{self.ordering_fields[name]}", f"{sign}id")

    def _page(
        self, request: Request, queryset: QuerySet[Any], ordering: tuple[str, ...] | None
    ) -> tuple[Any, StockroomCursorPagination]:
        if getattr(self, "filterset_class", None) is not None:
            queryset = DjangoFilterBackend().filter_queryset(request, queryset, self)
        paginator = StockroomCursorPagination()
        paginator.ordering = ordering or self.ordering(request)  # type: ignore[assignment]
        return paginator.paginate_queryset(queryset, request, view=self), paginator

    def paginated_response(
        self,
        request: Request,
        queryset: QuerySet[Any],
        serializer_class: type[serializers.BaseSerializer[Any]],
        *,
        ordering: tuple[str, ...] | None = None,
    ) -> Response:
        page, paginator = self._page(request, queryset, ordering)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)

    # The fast path (hot reads): `.values()` rows straight to JSON bytes. The rows carry the
    # model's field names; the output is what the serializer would have produced.

    def fast_page(
        self,
        request: Request,
        rows: QuerySet[Any, dict[str, Any]],
        complete: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    ) -> HttpResponse:
        """A cursor page of `rows`, completed by `complete` (e.g. with children) and rendered."""
        page, paginator = self._page(request, rows, None)
        body, headers = paginator.page_payload(complete(page))
        return self.fast_response(body, headers=headers)

    def fast_response(
        self, data: Any, *, status: int = 200, headers: dict[str, str] | None = None
    ) -> HttpResponse:
        return OrjsonResponse(self.present(camel(data)), status=status, headers=headers)

    def present(self, data: Any) -> Any:
        """A hook for versions that show the same camelCase rows differently (v2's money)."""
        return data


def order_parameter(ordering_fields: dict[str, str]) -> OpenApiParameter:
    """The `?order=` parameter of a list, documented with the view's sort fields."""
    names = sorted(ordering_fields)
    return OpenApiParameter(
        "order",
        str,
        enum=[*names, *(f"-{name}" for name in names)] or None,
        description="Sort field; prefix with - for descending. Default: newest first.",
    )
