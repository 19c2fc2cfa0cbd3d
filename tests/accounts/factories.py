"""factory_boy factories for the accounts app."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from accounts.choices import PermissionAction, PermissionResource, PermissionScope, UserType
from accounts.models import AccessPermission, User

DEFAULT_PASSWORD = "correct-horse-battery-42"


class UserFactory(DjangoModelFactory[User]):
    """A regular staff account, created through the manager (normalised email, hashed
    password)."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"staff{n}@example.com")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Lovelace {n}")
    user_type = UserType.REGULAR
    is_staff = True

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        email = kwargs.pop("email")
        password = kwargs.pop("password", DEFAULT_PASSWORD)
        return model_class.objects.create_user(email, password, **kwargs)


class AccessPermissionFactory(DjangoModelFactory[AccessPermission]):
    class Meta:
        model = AccessPermission

    user = factory.SubFactory(UserFactory)
    resource = PermissionResource.PRODUCTS
    action = PermissionAction.READ
    scope = PermissionScope.ALL
