"""/api/v1/companies (+ nested locations and contacts) and /api/v1/payment-terms. Thin: services
own writes, selectors own reads."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.permissions import row_access
from core.api.views import ResourceViewSet, order_parameter

from .. import selectors, services
from ..models import Company, CompanyContact, CompanyLocation, PaymentTerms
from .filters import CompanyFilterSet, PaymentTermsFilterSet
from .serializers import (
    CompanyContactInputSerializer,
    CompanyContactOutputSerializer,
    CompanyContactUpdateInputSerializer,
    CompanyInputSerializer,
    CompanyLocationInputSerializer,
    CompanyLocationOutputSerializer,
    CompanyLocationUpdateInputSerializer,
    CompanyOutputSerializer,
    CompanyUpdateInputSerializer,
    PaymentTermsInputSerializer,
    PaymentTermsOutputSerializer,
    PaymentTermsUpdateInputSerializer,
)

COMPANY_ORDERING = {"createdAt": "created_at", "updatedAt": "updated_at", "name": "name"}
TERMS_ORDERING = {"createdAt": "created_at", "paymentDueDate": "payment_due_date"}


class PaymentTermsViewSet(ResourceViewSet):
    scope_family = "b2b"
    filterset_class = PaymentTermsFilterSet
    ordering_fields = TERMS_ORDERING
    serializer_class = PaymentTermsOutputSerializer
    queryset = PaymentTerms.objects.none()

    def get_queryset(self) -> Any:
        return selectors.payment_terms_list(access=row_access(self.request, "b2b"))

    def _terms(self, pk: str) -> PaymentTerms:
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(
        parameters=[order_parameter(TERMS_ORDERING)],
        responses=PaymentTermsOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), PaymentTermsOutputSerializer)

    @extend_schema(responses=PaymentTermsOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PaymentTermsOutputSerializer(self._terms(pk)).data)

    @extend_schema(
        request=PaymentTermsInputSerializer, responses={201: PaymentTermsOutputSerializer}
    )
    def create(self, request: Request) -> Response:
        if not row_access(request, "b2b").unrestricted:
            raise PermissionDenied("Company-scoped grants cannot create payment terms.")
        data = PaymentTermsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        terms = services.payment_terms_create(data=data.validated_data, actor=request.user)
        return Response(PaymentTermsOutputSerializer(terms).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PaymentTermsUpdateInputSerializer, responses=PaymentTermsOutputSerializer
    )
    def update(self, request: Request, pk: str) -> Response:
        terms = self._terms(pk)
        data = PaymentTermsUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        terms = services.payment_terms_update(
            terms=terms, data=data.validated_data, actor=request.user
        )
        return Response(PaymentTermsOutputSerializer(terms).data)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        services.payment_terms_delete(terms=self._terms(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CompanyViewSet(ResourceViewSet):
    scope_family = "b2b"
    filterset_class = CompanyFilterSet
    ordering_fields = COMPANY_ORDERING
    serializer_class = CompanyOutputSerializer
    queryset = Company.objects.none()

    def get_queryset(self) -> Any:
        return selectors.company_list(
            search=self.request.query_params.get("q"), access=row_access(self.request, "b2b")
        )

    def _company(self, pk: str) -> Company:
        return get_object_or_404(
            selectors.company_rows(access=row_access(self.request, "b2b")), pk=pk
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search name, tax id, external id"),
            order_parameter(COMPANY_ORDERING),
        ],
        responses=CompanyOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        return self.paginated_response(request, self.get_queryset(), CompanyOutputSerializer)

    @extend_schema(responses=CompanyOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        company = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(CompanyOutputSerializer(company).data)

    @extend_schema(request=CompanyInputSerializer, responses={201: CompanyOutputSerializer})
    def create(self, request: Request) -> Response:
        if not row_access(request, "b2b").unrestricted:
            raise PermissionDenied("Company-scoped grants cannot create companies.")
        data = CompanyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = services.company_create(data=data.validated_data, actor=request.user)
        company = selectors.company_list().get(pk=company.pk)
        return Response(CompanyOutputSerializer(company).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CompanyUpdateInputSerializer, responses=CompanyOutputSerializer)
    def update(self, request: Request, pk: str) -> Response:
        company = self._company(pk)
        data = CompanyUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.company_update(company=company, data=data.validated_data, actor=request.user)
        return Response(CompanyOutputSerializer(selectors.company_list().get(pk=pk)).data)

    partial_update = update

    def destroy(self, request: Request, pk: str) -> Response:
        services.company_delete(company=self._company(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _CompanyChildViewSet(ResourceViewSet):
    scope_family = "b2b"

    def _company(self, company_pk: str) -> Company:
        """The parent company, if this request may reach it (else 404 for every child)."""
        return get_object_or_404(
            selectors.company_rows(access=row_access(self.request, "b2b")), pk=company_pk
        )


class CompanyLocationViewSet(_CompanyChildViewSet):
    serializer_class = CompanyLocationOutputSerializer
    queryset = CompanyLocation.objects.none()

    def _location(self, company_pk: str, pk: str) -> CompanyLocation:
        return get_object_or_404(selectors.location_list(company=self._company(company_pk)), pk=pk)

    @extend_schema(responses=CompanyLocationOutputSerializer(many=True))
    def list(self, request: Request, company_pk: str) -> Response:
        return self.paginated_response(
            request,
            selectors.location_list(company=self._company(company_pk)),
            CompanyLocationOutputSerializer,
            ordering=("id",),
        )

    @extend_schema(responses=CompanyLocationOutputSerializer)
    def retrieve(self, request: Request, company_pk: str, pk: str) -> Response:
        return Response(CompanyLocationOutputSerializer(self._location(company_pk, pk)).data)

    @extend_schema(
        request=CompanyLocationInputSerializer, responses={201: CompanyLocationOutputSerializer}
    )
    def create(self, request: Request, company_pk: str) -> Response:
        company = self._company(company_pk)
        data = CompanyLocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        location = services.location_create(
            company=company, data=data.validated_data, actor=request.user
        )
        location = selectors.location_list(company=company).get(pk=location.pk)
        return Response(
            CompanyLocationOutputSerializer(location).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=CompanyLocationUpdateInputSerializer, responses=CompanyLocationOutputSerializer
    )
    def update(self, request: Request, company_pk: str, pk: str) -> Response:
        location = self._location(company_pk, pk)
        data = CompanyLocationUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.location_update(location=location, data=data.validated_data, actor=request.user)
        return Response(CompanyLocationOutputSerializer(self._location(company_pk, pk)).data)

    partial_update = update

    def destroy(self, request: Request, company_pk: str, pk: str) -> Response:
        services.location_delete(location=self._location(company_pk, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CompanyContactViewSet(_CompanyChildViewSet):
    serializer_class = CompanyContactOutputSerializer
    queryset = CompanyContact.objects.none()

    def _contact(self, company_pk: str, pk: str) -> CompanyContact:
        return get_object_or_404(selectors.contact_list(company=self._company(company_pk)), pk=pk)

    @extend_schema(responses=CompanyContactOutputSerializer(many=True))
    def list(self, request: Request, company_pk: str) -> Response:
        return self.paginated_response(
            request,
            selectors.contact_list(company=self._company(company_pk)),
            CompanyContactOutputSerializer,
            ordering=("id",),
        )

    @extend_schema(responses=CompanyContactOutputSerializer)
    def retrieve(self, request: Request, company_pk: str, pk: str) -> Response:
        return Response(CompanyContactOutputSerializer(self._contact(company_pk, pk)).data)

    @extend_schema(
        request=CompanyContactInputSerializer, responses={201: CompanyContactOutputSerializer}
    )
    def create(self, request: Request, company_pk: str) -> Response:
        company = self._company(company_pk)
        data = CompanyContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_create(
            company=company, data=data.validated_data, actor=request.user
        )
        contact = selectors.contact_list(company=company).get(pk=contact.pk)
        return Response(
            CompanyContactOutputSerializer(contact).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=CompanyContactUpdateInputSerializer, responses=CompanyContactOutputSerializer
    )
    def update(self, request: Request, company_pk: str, pk: str) -> Response:
        contact = self._contact(company_pk, pk)
        data = CompanyContactUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.contact_update(contact=contact, data=data.validated_data, actor=request.user)
        return Response(CompanyContactOutputSerializer(self._contact(company_pk, pk)).data)

    partial_update = update

    def destroy(self, request: Request, company_pk: str, pk: str) -> Response:
        services.contact_delete(contact=self._contact(company_pk, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
