"""Staff authentication: obtain (password + MFA), refresh (rotating), logout, logout-all."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.login import LoginStatus, login_authenticate
from accounts.models import User
from accounts.tokens import (
    FAMILY_CLAIM,
    TokenPair,
    TokenRefused,
    token_family_revoke,
    token_pair_issue,
    token_pair_refresh,
    user_tokens_revoke,
)
from core.api.authentication import StockroomJWTAuthentication
from core.api.schema import ErrorSerializer
from core.api.throttling import AuthEndpointRateThrottle
from core.errors import ServiceError

from .serializers import (
    LogoutInputSerializer,
    TokenObtainInputSerializer,
    TokenPairOutputSerializer,
    TokenRefreshInputSerializer,
)

INVALID_CREDENTIALS = "No active account found with the given credentials"
LOGIN_REFUSALS = {
    LoginStatus.INVALID: ("UNAUTHENTICATED", INVALID_CREDENTIALS),
    LoginStatus.MFA_REQUIRED: (
        "MFA_REQUIRED",
        "This account uses two-factor authentication: send `otp` (an authenticator code or "
        "a recovery code).",
    ),
    LoginStatus.MFA_INVALID: ("MFA_INVALID", "The one-time code is wrong or already used."),
    LoginStatus.ENROLLMENT_REQUIRED: (
        "MFA_ENROLLMENT_REQUIRED",
        "Staff accounts need two-factor authentication: enroll an authenticator at the admin "
        "login first.",
    ),
}


def _unauthenticated(code: str, message: str) -> ServiceError:
    return ServiceError(message, code=code, status_code=status.HTTP_401_UNAUTHORIZED)


def _pair_response(pair: TokenPair) -> Response:
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    return Response(
        TokenPairOutputSerializer(
            {
                "access": pair.access,
                "refresh": pair.refresh,
                "token_type": "Bearer",
                "expires_in": int(lifetime.total_seconds()),
            }
        ).data
    )


REFUSED_401 = OpenApiResponse(
    ErrorSerializer,
    description="UNAUTHENTICATED (unknown email, wrong password or locked account: the same "
    "answer), MFA_REQUIRED, MFA_INVALID or MFA_ENROLLMENT_REQUIRED.",
)


class _PublicAuthView(APIView):
    permission_classes: list[Any] = []
    authentication_classes: list[Any] = []
    throttle_classes = [AuthEndpointRateThrottle]


class TokenObtainView(_PublicAuthView):
    @extend_schema(
        operation_id="auth_token_obtain",
        summary="Log in: email, password and (for accounts with MFA) a one-time code",
        description="After AUTH_LOCKOUT_THRESHOLD failed attempts (10) the account is locked "
        "for AUTH_LOCKOUT_SECONDS (30 minutes), counted across every process and address; a "
        "locked account answers exactly like a wrong password.",
        request=TokenObtainInputSerializer,
        responses={200: TokenPairOutputSerializer, 401: REFUSED_401},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = TokenObtainInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = login_authenticate(
            request=request._request,
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            otp=data.validated_data.get("otp", ""),
        )
        if result.status is not LoginStatus.OK or result.user is None:
            raise _unauthenticated(*LOGIN_REFUSALS[result.status])
        return _pair_response(token_pair_issue(user=result.user))


class TokenRefreshView(_PublicAuthView):
    @extend_schema(
        operation_id="auth_token_refresh",
        summary="Rotate a refresh token: a new access and refresh token, the old one is spent",
        request=TokenRefreshInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            401: OpenApiResponse(
                ErrorSerializer,
                description="UNAUTHENTICATED: invalid, expired, revoked or already used (which "
                "revokes the whole login).",
            ),
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = TokenRefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            pair = token_pair_refresh(refresh=data.validated_data["refresh"])
        except TokenRefused as exc:
            raise _unauthenticated("UNAUTHENTICATED", str(exc)) from exc
        return _pair_response(pair)


class LogoutView(APIView):
    authentication_classes = [StockroomJWTAuthentication]
    permission_classes: list[Any] = []
    throttle_classes: list[Any] = []

    @extend_schema(
        operation_id="auth_logout",
        summary="Log out: revoke this login's refresh and access tokens",
        request=LogoutInputSerializer,
        responses={204: None, 401: OpenApiResponse(ErrorSerializer, description="UNAUTHENTICATED")},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = LogoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refresh = data.validated_data.get("refresh")
        payload = getattr(request.auth, "payload", None) or {}
        family = payload.get(FAMILY_CLAIM)
        if refresh is None and family is None:
            raise _unauthenticated("UNAUTHENTICATED", "Send a refresh token or a bearer token.")
        try:
            token_family_revoke(refresh=refresh, family=None if refresh else family)
            if refresh is not None and family is not None:
                token_family_revoke(family=family)
        except TokenRefused as exc:
            raise _unauthenticated("UNAUTHENTICATED", str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    authentication_classes = [StockroomJWTAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes: list[Any] = []

    @extend_schema(
        operation_id="auth_logout_all",
        summary="Log out everywhere: every token and admin session of this user ends",
        request=None,
        responses={204: None, 401: OpenApiResponse(ErrorSerializer, description="UNAUTHENTICATED")},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        user_tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
