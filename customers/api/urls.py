from typing import Any

from django.urls import path

from .views import (
    CustomerAddressViewSet,
    CustomerGroupMemberViewSet,
    CustomerGroupViewSet,
    CustomerTagViewSet,
    CustomerViewSet,
)

DETAIL: dict[str, Any] = {
    "get": "retrieve",
    "put": "update",
    "patch": "partial_update",
    "delete": "destroy",
}

customers = CustomerViewSet.as_view({"get": "list", "post": "create"})
customer = CustomerViewSet.as_view(DETAIL)
customers_bulk = CustomerViewSet.as_view({"post": "bulk"})
addresses = CustomerAddressViewSet.as_view({"get": "list", "post": "create"})
address = CustomerAddressViewSet.as_view(DETAIL)
address_default = CustomerAddressViewSet.as_view({"post": "set_default"})
groups = CustomerGroupViewSet.as_view({"get": "list", "post": "create"})
group = CustomerGroupViewSet.as_view(DETAIL)
group_customers = CustomerGroupMemberViewSet.as_view({"get": "list", "post": "create"})
group_customer = CustomerGroupMemberViewSet.as_view({"delete": "destroy"})
tags = CustomerTagViewSet.as_view({"get": "list"})

urlpatterns = [
    path("customers", customers, name="customer-list"),
    path("customers/bulk", customers_bulk, name="customer-bulk"),
    path("customers/<int:pk>", customer, name="customer-detail"),
    path("customers/<int:customer_pk>/addresses", addresses, name="customer-address-list"),
    path(
        "customers/<int:customer_pk>/addresses/<int:pk>",
        address,
        name="customer-address-detail",
    ),
    path(
        "customers/<int:customer_pk>/addresses/<int:pk>/default",
        address_default,
        name="customer-address-default",
    ),
    path("customer-tags", tags, name="customer-tag-list"),
    path("customer-groups", groups, name="customer-group-list"),
    path("customer-groups/<int:pk>", group, name="customer-group-detail"),
    path(
        "customer-groups/<int:group_pk>/customers",
        group_customers,
        name="customer-group-customers",
    ),
    path(
        "customer-groups/<int:group_pk>/customers/<int:pk>",
        group_customer,
        name="customer-group-customer",
    ),
]
