"""The staff-user back office: email login, permissions inline, mirrored profiles read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessPermission, User

from .factories import AccessPermissionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_user: User, verified_login: Any) -> Client:
    client = Client()
    verified_login(client, admin_user)
    return client


def url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:accounts_{model._meta.model_name}_{view}", args=args)


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("model", "factory"),
    [(User, UserFactory), (AccessPermission, AccessPermissionFactory)],
    ids=["user", "permission"],
)
def test_changelist_costs_the_same_for_3_or_13_rows(
    staff: Client, model: Any, factory: Any
) -> None:
    factory.create_batch(3)
    few = queries_for(staff, url(model, "changelist"))
    factory.create_batch(10)
    assert queries_for(staff, url(model, "changelist")) == few
    assert queries_for(staff, url(model, "changelist") + "?q=a") <= few + 1


def test_user_pages_render(staff: Client) -> None:
    user = UserFactory.create()
    for scope in ("all", "own", "location"):
        AccessPermissionFactory.create(user=user, resource="orders", action="read", scope=scope)
    permission = AccessPermission.objects.filter(user=user).first()
    assert permission is not None
    assert staff.get(url(User, "add")).status_code == 200
    assert staff.get(url(User, "change", user.pk)).status_code == 200
    password_page = reverse("admin:auth_user_password_change", args=[user.pk])
    assert staff.get(password_page).status_code == 200
    assert staff.get(url(AccessPermission, "add")).status_code == 200
    assert staff.get(url(AccessPermission, "change", permission.pk)).status_code == 200


def test_staff_add_a_user_by_email(staff: Client) -> None:
    # When staff add a user with a mixed-case address and a password
    response = staff.post(
        url(User, "add"),
        {
            "email": "Grace.Hopper@Example.com",
            "usable_password": "true",
            "password1": "cobol-1959-compiler",
            "password2": "cobol-1959-compiler",
            "first_name": "Grace",
            "last_name": "Hopper",
            "user_type": "restricted",
        },
    )
    # Then the user is stored with the normalised address and can log in
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="grace.hopper@example.com")
    assert (user.first_name, user.user_type, user.is_staff) == ("Grace", "restricted", False)
    assert user.check_password("cobol-1959-compiler")


def test_an_address_taken_in_another_case_is_a_form_error(staff: Client) -> None:
    UserFactory.create(email="grace@example.com")
    response = staff.post(
        url(User, "add"),
        {
            "email": "GRACE@example.com",
            "usable_password": "true",
            "password1": "cobol-1959-compiler",
            "password2": "cobol-1959-compiler",
            "user_type": "regular",
        },
    )
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="grace@example.com").count() == 1


def test_staff_grant_permissions_inline(staff: Client) -> None:
    user = UserFactory.create(email="ada@example.com", first_name="Ada")
    page = staff.get(url(User, "change", user.pk))
    form = page.context["adminform"].form
    data = {
        name: form.initial.get(name) or ""
        for name in ("email", "first_name", "last_name", "phone", "url", "im", "screen_name")
    }
    data.update(
        {
            "bio": "",
            "locale": "en",
            "user_type": "regular",
            "receive_announcements": "on",
            "permissions": "[]",
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "09:00:00",
            "access_permissions-TOTAL_FORMS": "1",
            "access_permissions-INITIAL_FORMS": "0",
            "access_permissions-MIN_NUM_FORMS": "0",
            "access_permissions-MAX_NUM_FORMS": "1000",
            "access_permissions-0-resource": "orders",
            "access_permissions-0-action": "write",
            "access_permissions-0-scope": "own",
        }
    )
    response = staff.post(url(User, "change", user.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(user.access_permissions.values_list("resource", "action", "scope")) == [
        ("orders", "write", "own")
    ]


def test_a_mirrored_user_profile_is_read_only_but_access_stays_ours(staff: Client) -> None:
    user = UserFactory.create(shopify_id=799407056)
    page = staff.get(url(User, "change", user.pk))
    assert page.status_code == 200
    editable = set(page.context["adminform"].form.fields)
    assert {"email", "first_name", "user_type", "permissions", "tfa_enabled"}.isdisjoint(editable)
    assert {"is_active", "is_staff", "is_superuser", "groups"} <= editable
