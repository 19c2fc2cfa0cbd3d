"""/api/v1/events: the activity trail, read-only, scope `settings` (it names every change)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.choices import EventVerb
from core.models import Event
from core.selectors import event_list

from .views import ResourceViewSet, order_parameter

EVENT_ORDERING = {"createdAt": "created_at"}


class EventOutputSerializer(serializers.ModelSerializer):
    actor_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = (
            "id",
            "subject_id",
            "subject_type",
            "verb",
            "object_id",
            "object_type",
            "body",
            "message",
            "author",
            "actor_id",
            "description",
            "path",
            "arguments",
            "created_at",
            "request_id",
            "shopify_id",
            "admin_graphql_api_id",
        )


class EventFilterSet(django_filters.FilterSet):
    subjectType = django_filters.CharFilter(field_name="subject_type")
    subjectId = django_filters.NumberFilter(field_name="subject_id")
    objectType = django_filters.CharFilter(field_name="object_type")
    objectId = django_filters.NumberFilter(field_name="object_id")
    verb = django_filters.ChoiceFilter(choices=EventVerb.choices)
    createdAtMin = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAtMax = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Event
        fields: list[str] = []


class EventViewSet(ResourceViewSet):
    scope_family = "settings"
    filterset_class = EventFilterSet
    ordering_fields = EVENT_ORDERING
    serializer_class = EventOutputSerializer
    queryset = Event.objects.none()

    def get_queryset(self) -> Any:
        return event_list()

    @extend_schema(
        parameters=[order_parameter(EVENT_ORDERING)],
        responses=EventOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), EventOutputSerializer)

    @extend_schema(responses=EventOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        event = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(EventOutputSerializer(event).data)
