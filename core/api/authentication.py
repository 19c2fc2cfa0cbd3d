"""API credentials: `X-API-Key` (header only, scoped) or a JWT bearer token (staff)."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

from accounts.models import ApiKey
from accounts.services import api_key_authenticate
from accounts.tokens import access_token_user


class ApiKeyUser:
    """The request.user of an API-key request: authenticated, not staff, scoped by its key."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    is_anonymous = False
    pk = None

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key
        self.email = f"api-key:{api_key.name}"

    def __str__(self) -> str:
        return self.email


class ApiKeyAuthentication(authentication.BaseAuthentication):
    header = "HTTP_X_API_KEY"

    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        key = request.META.get(self.header)
        if not key:
            return None
        api_key = api_key_authenticate(key=key)
        if api_key is None:
            raise exceptions.AuthenticationFailed("Invalid, revoked or expired API key.")
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return "X-API-Key"


class StockroomJWTAuthentication(JWTAuthentication):
    """Bearer access tokens (accounts.tokens): signature (HS256 only), `exp`, `aud`, `iss`, type
    and claims are checked by the token class; then the user must exist, be active, and the
    token be issued after the user's `tokens_valid_after` by a login that was not logged out.
    Every refusal is the same 401, whatever the reason."""

    def get_header(self, request: Request) -> bytes:
        try:
            return super().get_header(request)
        except UnicodeEncodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid or expired token.") from exc

    def get_validated_token(self, raw_token: bytes) -> Any:
        try:
            return super().get_validated_token(raw_token)
        except InvalidToken as exc:
            raise exceptions.AuthenticationFailed("Invalid or expired token.") from exc

    def get_user(self, validated_token: Any) -> Any:
        user = access_token_user(payload=validated_token.payload)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid or expired token.")
        return user
