from typing import Any

from django.urls import path

from .views import (
    CompanyContactViewSet,
    CompanyLocationViewSet,
    CompanyViewSet,
    PaymentTermsViewSet,
)

DETAIL: dict[str, Any] = {
    "get": "retrieve",
    "put": "update",
    "patch": "partial_update",
    "delete": "destroy",
}
COLLECTION: dict[str, Any] = {"get": "list", "post": "create"}

urlpatterns = [
    path("payment-terms", PaymentTermsViewSet.as_view(COLLECTION), name="payment-terms-list"),
    path(
        "payment-terms/<int:pk>",
        PaymentTermsViewSet.as_view(DETAIL),
        name="payment-terms-detail",
    ),
    path("companies", CompanyViewSet.as_view(COLLECTION), name="company-list"),
    path("companies/<int:pk>", CompanyViewSet.as_view(DETAIL), name="company-detail"),
    path(
        "companies/<int:company_pk>/locations",
        CompanyLocationViewSet.as_view(COLLECTION),
        name="company-location-list",
    ),
    path(
        "companies/<int:company_pk>/locations/<int:pk>",
        CompanyLocationViewSet.as_view(DETAIL),
        name="company-location-detail",
    ),
    path(
        "companies/<int:company_pk>/contacts",
        CompanyContactViewSet.as_view(COLLECTION),
        name="company-contact-list",
    ),
    path(
        "companies/<int:company_pk>/contacts/<int:pk>",
        CompanyContactViewSet.as_view(DETAIL),
        name="company-contact-detail",
    ),
]
