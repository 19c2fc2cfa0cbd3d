"""/api/v1/me/gdpr-requests: a customer asks for an export or the erasure of their data."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.me import MeViewSet

from .. import selectors, services
from ..models import DataSubjectRequest


class MeDataSubjectRequestOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataSubjectRequest
        fields = ("id", "request_type", "status", "requested_at", "due_at", "completed_at")
        read_only_fields = fields


class MeDataSubjectRequestInputSerializer(serializers.Serializer):
    request_type = serializers.ChoiceField(choices=list(services.SELF_SERVICE_REQUEST_TYPES))


class MeDataSubjectRequestViewSet(MeViewSet):
    serializer_class = MeDataSubjectRequestOutputSerializer
    queryset = DataSubjectRequest.objects.none()

    @extend_schema(responses=MeDataSubjectRequestOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        return self.paginated_response(
            request,
            selectors.data_subject_request_list(customer_id=self.me(request).pk),
            MeDataSubjectRequestOutputSerializer,
        )

    @extend_schema(responses=MeDataSubjectRequestOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        row = get_object_or_404(
            selectors.data_subject_request_list(customer_id=self.me(request).pk), pk=pk
        )
        return Response(MeDataSubjectRequestOutputSerializer(row).data)

    @extend_schema(
        request=MeDataSubjectRequestInputSerializer,
        responses={201: MeDataSubjectRequestOutputSerializer},
    )
    def create(self, request: Request) -> Response:
        data = MeDataSubjectRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.data_subject_request_submit(
            customer=self.me(request),
            request_type=data.validated_data["request_type"],
            actor=request.user,
        )
        return Response(
            MeDataSubjectRequestOutputSerializer(row).data, status=status.HTTP_201_CREATED
        )
