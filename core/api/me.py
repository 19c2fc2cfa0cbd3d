"""The base of /api/v1/me/: a customer's self-service, reached only by that customer's login.

The caller is always `request.user.customer`; no route takes a customer id, and every row is
looked up through that customer, so another customer's ids are simply not found (404)."""

from __future__ import annotations

from django.http import Http404
from rest_framework.request import Request

from core.api.permissions import IsCustomerAccount
from core.api.views import ResourceViewSet
from customers.models import Customer
from customers.selectors import customer_get


class MeViewSet(ResourceViewSet):
    permission_classes = [IsCustomerAccount]
    scope_family = "me"

    def me(self, request: Request) -> Customer:
        """The live customer behind this login (a deleted customer has no self-service)."""
        customer_id = getattr(request.user, "customer_id", None)
        customer = customer_get(customer_id=customer_id) if customer_id is not None else None
        if customer is None:
            raise Http404
        return customer
