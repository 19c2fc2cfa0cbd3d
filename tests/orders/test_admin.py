"""The orders back office: the search finds orders by name, number, email or phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User

from .factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_user: User, verified_login: Any) -> Client:
    client = Client()
    verified_login(client, admin_user)
    return client


def _found(staff: Client, term: str) -> set[str]:
    response = staff.get(reverse("admin:orders_order_changelist"), {"q": term})
    assert response.status_code == 200
    return {order.name for order in response.context["cl"].result_list}


def test_the_search_matches_numbers_exactly_and_text_by_substring(staff: Client) -> None:
    OrderFactory.create(number=7, order_number=1007, name="#1007", email="ada@example.com")
    OrderFactory.create(number=1007, order_number=2007, name="#2007", email="bob@example.org")
    OrderFactory.create(number=20, order_number=1020, name="#1020", phone="+15550001007")

    assert _found(staff, "#1007") == {"#1007", "#2007"}  # the name; number 1007
    assert _found(staff, "1007") == {"#1007", "#2007", "#1020"}  # name, number, phone
    assert _found(staff, "7") == {"#1007", "#2007", "#1020"}  # number 7; "7" in each name
    assert _found(staff, "2007") == {"#2007"}
    assert _found(staff, "example.org") == {"#2007"}
    assert _found(staff, "99999999999999999999") == set()  # too long for a number: text only
