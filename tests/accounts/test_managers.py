"""Creating users and superusers: email login, normalised address, hashed password."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.db.models import QuerySet

from accounts.models import User

pytestmark = pytest.mark.django_db


def people() -> QuerySet[User]:
    """Every user (django-guardian keeps no AnonymousUser row: ANONYMOUS_USER_NAME = None)."""
    return User.objects.all()


def test_create_user_normalises_the_email_and_hashes_the_password() -> None:
    # When a user is created with a mixed-case address
    user = User.objects.create_user(email="  Ada.Lovelace@Example.COM", password="s3cret-pass")
    # Then the address is stored lower-cased and the password hashed
    user.refresh_from_db()
    assert user.email == "ada.lovelace@example.com"
    assert user.password != "s3cret-pass"
    assert user.check_password("s3cret-pass")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert (user.user_type, user.account_owner, user.locale) == ("regular", False, "en")
    assert user.get_username() == "ada.lovelace@example.com"


def test_create_user_takes_extra_fields() -> None:
    user = User.objects.create_user(
        email="grace@example.com", password=None, first_name="Grace", user_type="restricted"
    )
    assert (user.first_name, user.user_type) == ("Grace", "restricted")
    assert user.has_usable_password() is False


def test_create_user_requires_an_email() -> None:
    with pytest.raises(ValueError, match="email address is required"):
        User.objects.create_user(email="", password="s3cret-pass")
    assert not people().exists()


def test_create_superuser_is_staff_superuser_and_account_owner() -> None:
    user = User.objects.create_superuser(email="Owner@Example.com", password="s3cret-pass")
    user.refresh_from_db()
    assert user.email == "owner@example.com"
    assert (user.is_staff, user.is_superuser, user.account_owner) == (True, True, True)
    assert user.has_perm("catalog.change_product")


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_create_superuser_refuses_to_drop_its_flags(flag: str) -> None:
    with pytest.raises(ValueError, match="must have is_staff and is_superuser"):
        User.objects.create_superuser(email="owner@example.com", password="x", **{flag: False})
    assert not people().exists()


def test_users_log_in_with_their_email() -> None:
    User.objects.create_user(email="ada@example.com", password="s3cret-pass")
    user = authenticate(email="ada@example.com", password="s3cret-pass")
    assert user is not None
    assert user.get_username() == "ada@example.com"
    assert authenticate(email="ada@example.com", password="wrong") is None


def test_str_and_names() -> None:
    user = User.objects.create_user(email="ada@example.com", first_name="Ada", last_name="L")
    assert str(user) == "ada@example.com"
    assert user.get_full_name() == "Ada L"
    assert user.get_short_name() == "Ada"
    nameless = User.objects.create_user(email="x@example.com")
    assert nameless.get_full_name() == "x@example.com"
    assert nameless.get_short_name() == "x@example.com"
