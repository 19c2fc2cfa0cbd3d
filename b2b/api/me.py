"""/api/v1/me/company-locations: the locations of the companies a B2B contact acts for."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.selectors import customer_company_ids
from core.api.me import MeViewSet

from .. import selectors
from ..models import CompanyLocation
from .serializers import CompanyLocationOutputSerializer


class MeCompanyLocationViewSet(MeViewSet):
    serializer_class = CompanyLocationOutputSerializer
    queryset = CompanyLocation.objects.none()

    def get_queryset(self) -> Any:
        self.me(self.request)
        return selectors.customer_company_location_list(
            company_ids=customer_company_ids(user=self.request.user)
        )

    @extend_schema(responses=CompanyLocationOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        return self.paginated_response(
            request, self.get_queryset(), CompanyLocationOutputSerializer, ordering=("id",)
        )

    @extend_schema(responses=CompanyLocationOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        location = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(CompanyLocationOutputSerializer(location).data)
