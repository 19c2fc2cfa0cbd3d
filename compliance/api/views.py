"""GDPR requests and consent on a customer: /api/v1/customers/{id}/gdpr-export, gdpr-erase,
consents, and /api/v1/data-subject-requests/{id} (+ /export). Thin: services own writes.

Scopes: the GDPR endpoints need `write_compliance` for every method (an export holds all of a
person's data, so reading it is as privileged as ordering it); consents are part of the
customer resource (`read_customers` / `write_customers`)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.scopes import scope_allows
from core.api.permissions import granted_scopes
from core.api.views import ResourceViewSet
from core.errors import ServiceError

from .. import selectors, services
from ..choices import DataSubjectRequestSource, DataSubjectRequestStatus, DataSubjectRequestType
from ..models import Consent, DataSubjectRequest
from .serializers import (
    ConsentInputSerializer,
    ConsentListOutputSerializer,
    ConsentOutputSerializer,
    DataSubjectRequestOutputSerializer,
    GdprEraseInputSerializer,
)


class HasComplianceWriteScope(permissions.BasePermission):
    message = "GDPR requests need the write_compliance scope."

    def has_permission(self, request: Request, view: Any) -> bool:
        return scope_allows(granted_scopes(request), family="compliance", write=True)


def _customer(pk: str) -> Any:
    customer = selectors.customer_for_request(customer_id=int(pk))
    if customer is None:
        raise Http404
    return customer


def _accepted(request_row: DataSubjectRequest) -> Response:
    return Response(
        DataSubjectRequestOutputSerializer(request_row).data,
        status=status.HTTP_202_ACCEPTED,
        headers={"Location": f"/api/v1/data-subject-requests/{request_row.pk}"},
    )


class GdprExportViewSet(ResourceViewSet):
    scope_family = "compliance"
    permission_classes = [HasComplianceWriteScope]
    serializer_class = DataSubjectRequestOutputSerializer
    queryset = DataSubjectRequest.objects.none()

    @extend_schema(request=None, responses={202: DataSubjectRequestOutputSerializer})
    def create(self, request: Request, customer_pk: str) -> Response:
        row = services.data_subject_request_create(
            request_type=DataSubjectRequestType.EXPORT,
            source=DataSubjectRequestSource.API,
            customer=_customer(customer_pk),
            actor=request.user,
        )
        return _accepted(row)

    @extend_schema(
        responses={200: DataSubjectRequestOutputSerializer},
        description="The customer's latest export request; `export` holds the document once "
        "the request is completed.",
    )
    def latest(self, request: Request, customer_pk: str) -> Response:
        customer = _customer(customer_pk)
        row = selectors.latest_export_request(customer_id=customer.pk)
        if row is None:
            raise ServiceError(
                "This customer has no export request.", code="NOT_FOUND", status_code=404
            )
        data = dict(DataSubjectRequestOutputSerializer(row).data)
        data["export"] = (
            selectors.export_file_read(request=row)
            if row.status == DataSubjectRequestStatus.COMPLETED
            else None
        )
        return Response(data)


class GdprEraseViewSet(ResourceViewSet):
    scope_family = "compliance"
    permission_classes = [HasComplianceWriteScope]
    serializer_class = DataSubjectRequestOutputSerializer
    queryset = DataSubjectRequest.objects.none()

    @extend_schema(
        request=GdprEraseInputSerializer, responses={202: DataSubjectRequestOutputSerializer}
    )
    def create(self, request: Request, customer_pk: str) -> Response:
        customer = _customer(customer_pk)
        GdprEraseInputSerializer(data=request.data).is_valid(raise_exception=True)
        row = services.data_subject_request_create(
            request_type=DataSubjectRequestType.ERASURE,
            source=DataSubjectRequestSource.API,
            customer=customer,
            actor=request.user,
        )
        return _accepted(row)


class DataSubjectRequestViewSet(ResourceViewSet):
    scope_family = "compliance"
    permission_classes = [HasComplianceWriteScope]
    serializer_class = DataSubjectRequestOutputSerializer
    queryset = DataSubjectRequest.objects.none()

    def _request(self, pk: str) -> DataSubjectRequest:
        return get_object_or_404(selectors.data_subject_request_list(), pk=pk)

    @extend_schema(responses=DataSubjectRequestOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(DataSubjectRequestOutputSerializer(self._request(pk)).data)

    @extend_schema(
        responses={200: OpenApiResponse(description="The export document (JSON).")},
        description="409 NOT_READY until the export is done; 410 GONE once the file was "
        "deleted (expired, or the person was erased).",
    )
    def export(self, request: Request, pk: str) -> Response:
        row = self._request(pk)
        if row.request_type != DataSubjectRequestType.EXPORT:
            raise ServiceError("This is not an export request.", code="NOT_FOUND", status_code=404)
        if row.status != DataSubjectRequestStatus.COMPLETED:
            raise ServiceError("The export is not ready yet.", code="NOT_READY", status_code=409)
        document = selectors.export_file_read(request=row)
        if document is None:
            raise ServiceError("The export was deleted.", code="GONE", status_code=410)
        return Response(document)


class CustomerConsentViewSet(ResourceViewSet):
    scope_family = "customers"
    serializer_class = ConsentOutputSerializer
    queryset = Consent.objects.none()

    @extend_schema(responses=ConsentListOutputSerializer)
    def list(self, request: Request, customer_pk: str) -> Response:
        customer = _customer(customer_pk)
        current = [
            {
                "purpose": purpose,
                "granted": consent.granted if consent else None,
                "recorded_at": consent.recorded_at if consent else None,
                "source": consent.source if consent else None,
            }
            for purpose, consent in selectors.consent_current(customer_id=customer.pk).items()
        ]
        history = selectors.consent_history(customer_id=customer.pk)
        return Response(ConsentListOutputSerializer({"current": current, "history": history}).data)

    @extend_schema(request=ConsentInputSerializer, responses={201: ConsentOutputSerializer})
    def create(self, request: Request, customer_pk: str) -> Response:
        customer = _customer(customer_pk)
        data = ConsentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = services.consent_record(
            customer=customer, actor=request.user, **data.validated_data
        )
        return Response(ConsentOutputSerializer(consent).data, status=status.HTTP_201_CREATED)
