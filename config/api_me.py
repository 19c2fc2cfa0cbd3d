"""/api/v1/me/: a customer's self-service (their login only; see core.api.me)."""

from typing import Any

from django.urls import path

from b2b.api.me import MeCompanyLocationViewSet
from compliance.api.me import MeDataSubjectRequestViewSet
from customers.api.me import MeAddressViewSet, MeProfileViewSet
from orders.api.me import MeOrderViewSet

DETAIL: dict[str, Any] = {
    "get": "retrieve",
    "put": "update",
    "patch": "partial_update",
    "delete": "destroy",
}

urlpatterns = [
    path(
        "me/",
        MeProfileViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"}),
        name="me-profile",
    ),
    path(
        "me/addresses",
        MeAddressViewSet.as_view({"get": "list", "post": "create"}),
        name="me-address-list",
    ),
    path("me/addresses/<int:pk>", MeAddressViewSet.as_view(DETAIL), name="me-address-detail"),
    path(
        "me/addresses/<int:pk>/default",
        MeAddressViewSet.as_view({"post": "set_default"}),
        name="me-address-default",
    ),
    path("me/orders", MeOrderViewSet.as_view({"get": "list"}), name="me-order-list"),
    path("me/orders/<int:pk>", MeOrderViewSet.as_view({"get": "retrieve"}), name="me-order-detail"),
    path(
        "me/gdpr-requests",
        MeDataSubjectRequestViewSet.as_view({"get": "list", "post": "create"}),
        name="me-gdpr-request-list",
    ),
    path(
        "me/gdpr-requests/<int:pk>",
        MeDataSubjectRequestViewSet.as_view({"get": "retrieve"}),
        name="me-gdpr-request-detail",
    ),
    path(
        "me/company-locations",
        MeCompanyLocationViewSet.as_view({"get": "list"}),
        name="me-company-location-list",
    ),
    path(
        "me/company-locations/<int:pk>",
        MeCompanyLocationViewSet.as_view({"get": "retrieve"}),
        name="me-company-location-detail",
    ),
]
