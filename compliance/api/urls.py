from django.urls import path

from .views import (
    CustomerConsentViewSet,
    DataSubjectRequestViewSet,
    GdprEraseViewSet,
    GdprExportViewSet,
)

gdpr_export = GdprExportViewSet.as_view({"get": "latest", "post": "create"})
gdpr_erase = GdprEraseViewSet.as_view({"post": "create"})
request_detail = DataSubjectRequestViewSet.as_view({"get": "retrieve"})
request_export = DataSubjectRequestViewSet.as_view({"get": "export"})
consents = CustomerConsentViewSet.as_view({"get": "list", "post": "create"})

urlpatterns = [
    path("customers/<int:customer_pk>/gdpr-export", gdpr_export, name="customer-gdpr-export"),
    path("customers/<int:customer_pk>/gdpr-erase", gdpr_erase, name="customer-gdpr-erase"),
    path("customers/<int:customer_pk>/consents", consents, name="customer-consent-list"),
    path("data-subject-requests/<int:pk>", request_detail, name="data-subject-request-detail"),
    path(
        "data-subject-requests/<int:pk>/export",
        request_export,
        name="data-subject-request-export",
    ),
]
