"""The authentication backend: Django's ModelBackend behind the failed-login lockout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .lockout import login_attempt_begin


class LockoutModelBackend(ModelBackend):
    """Every password check (admin login, API token endpoint, any `authenticate()` caller)
    first takes a lockout slot. A locked account runs the password hasher anyway, as Django does
    for an unknown email, so locked, unknown and wrong all cost the same time."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if not username or password is None:
            return None
        if not login_attempt_begin(email=str(username)):
            user_model().set_password(password)
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
