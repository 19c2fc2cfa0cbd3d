"""The shape every resource view shares: filter, sort, cursor-paginate, serialise.

A resource view is a `ResourceViewSet` naming its `scope_family`, its output serializer, its
FilterSet and the fields a client may sort by (`?order=createdAt` or `?order=-createdAt`).
Reads come from the app's selectors, writes go through its services."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from .pagination import StockroomCursorPagination


class ResourceViewSet(viewsets.ViewSet):
    scope_family: ClassVar[str]
    #: Read by drf-spectacular, so `many=True` responses are documented as cursor pages.
    pagination_class = StockroomCursorPagination
    #: API sort name (camelCase) → model field; the id breaks ties so cursors stay stable.
    ordering_fields: ClassVar[dict[str, str]] = {}
    default_ordering: ClassVar[str] = "-id"

    def get_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

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

    def paginated_response(
        self,
        request: Request,
        queryset: QuerySet[Any],
        serializer_class: type[serializers.BaseSerializer[Any]],
        *,
        ordering: tuple[str, ...] | None = None,
    ) -> Response:
        if getattr(self, "filterset_class", None) is not None:
            queryset = DjangoFilterBackend().filter_queryset(request, queryset, self)
        paginator = StockroomCursorPagination()
        paginator.ordering = ordering or self.ordering(request)  # type: ignore[assignment]
        page: Any = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)


def order_parameter(ordering_fields: dict[str, str]) -> OpenApiParameter:
    """The `?order=` parameter of a list, documented with the view's sort fields."""
    names = sorted(ordering_fields)
    return OpenApiParameter(
        "order",
        str,
        enum=[*names, *(f"-{name}" for name in names)] or None,
        description="Sort field; prefix with - for descending. Default: newest first.",
    )
