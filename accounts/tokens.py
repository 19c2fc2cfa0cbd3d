"""Staff JWTs: 15-minute access tokens and 7-day refresh tokens that rotate on every use.

Every token carries `fam`, the login it descends from. Refresh tokens are recorded in
`IssuedRefreshToken`; refreshing locks the row, marks it used and issues the next token of the
family. Presenting a used (or revoked) refresh token again means it leaked: the whole family is
revoked, including the access tokens it issued. `User.tokens_valid_after` ends every token of a
user at once (log out everywhere, a new password, deactivation); `iat` carries microseconds so
a token issued right after that moment is not mistaken for one issued before it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from .models import IssuedRefreshToken, User

FAMILY_CLAIM = "fam"


class _StockroomToken(Token):
    def set_iat(self, claim: str = "iat", at_time: datetime | None = None) -> None:
        self.payload[claim] = (at_time or self.current_time).timestamp()

    def verify(self) -> None:
        for claim in ("exp", "iat", api_settings.USER_ID_CLAIM):
            if claim not in self.payload:
                raise TokenError(f"Token has no '{claim}' claim")
        for claim in ("exp", "iat"):
            value = self.payload[claim]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TokenError(f"Token has an invalid '{claim}' claim")
        super().verify()


class StockroomAccessToken(_StockroomToken):
    token_type = "access"
    lifetime = api_settings.ACCESS_TOKEN_LIFETIME


class StockroomRefreshToken(_StockroomToken):
    token_type = "refresh"
    lifetime = api_settings.REFRESH_TOKEN_LIFETIME

    def verify(self) -> None:
        super().verify()
        if FAMILY_CLAIM not in self.payload:
            raise TokenError(f"Token has no '{FAMILY_CLAIM}' claim")


class TokenRefused(Exception):
    """A refresh token that is forged, expired, used, revoked, or whose user may not log in."""


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    family: uuid.UUID


def _issue(user: User, family: uuid.UUID) -> TokenPair:
    refresh = StockroomRefreshToken()
    refresh[api_settings.USER_ID_CLAIM] = str(user.pk)
    refresh[FAMILY_CLAIM] = str(family)
    access = StockroomAccessToken()
    access[api_settings.USER_ID_CLAIM] = str(user.pk)
    access[FAMILY_CLAIM] = str(family)
    IssuedRefreshToken.objects.create(
        jti=refresh[api_settings.JTI_CLAIM],
        family=family,
        user=user,
        issued_at=refresh.current_time,
        expires_at=refresh.current_time + StockroomRefreshToken.lifetime,  # type: ignore[operator]
    )
    return TokenPair(access=str(access), refresh=str(refresh), family=family)


def token_pair_issue(*, user: User) -> TokenPair:
    """A new login: a new family with its first refresh token and an access token."""
    return _issue(user, uuid.uuid4())


def _decode_refresh(raw: str) -> StockroomRefreshToken:
    try:
        return StockroomRefreshToken(raw)  # type: ignore[arg-type]
    except TokenError as exc:
        raise TokenRefused(str(exc)) from exc


def _issued_before_cutoff(iat: float, user: User) -> bool:
    cutoff = user.tokens_valid_after.timestamp()
    if isinstance(iat, int):
        # Whole seconds: minted by plain simplejwt (`AccessToken.for_user`, e.g. in tests), not
        # by our login; such a token was issued somewhere within that second.
        return iat + 1 <= cutoff
    return iat < cutoff


def token_pair_refresh(*, refresh: str) -> TokenPair:
    """Rotate: one use per refresh token, enforced under a row lock; reuse revokes the family."""
    token = _decode_refresh(refresh)
    now = timezone.now()
    refused: str | None = None
    pair: TokenPair | None = None
    with transaction.atomic():
        row = (
            IssuedRefreshToken.objects.select_for_update()
            .select_related("user")
            .filter(jti=str(token[api_settings.JTI_CLAIM]))
            .first()
        )
        if row is None or str(row.family) != str(token[FAMILY_CLAIM]):
            raise TokenRefused("Unknown refresh token.")
        if str(row.user_id) != str(token[api_settings.USER_ID_CLAIM]):
            raise TokenRefused("Unknown refresh token.")
        user = row.user
        if row.used_at is not None or row.revoked_at is not None:
            # A second presentation: whoever holds it, the family is no longer trusted.
            IssuedRefreshToken.objects.filter(family=row.family, revoked_at__isnull=True).update(
                revoked_at=now
            )
            refused = "Refresh token already used: every token of this login is revoked."
        elif not user.is_active or _issued_before_cutoff(token["iat"], user):
            refused = "Refresh token revoked."
        elif row.expires_at <= now:
            refused = "Refresh token expired."
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            pair = _issue(user, row.family)
    if refused is not None or pair is None:
        raise TokenRefused(refused or "Refresh token refused.")
    return pair


def token_family_revoke(*, refresh: str | None = None, family: str | None = None) -> int:
    """Logout: revoke one login (by its refresh token, or by the family of an access token)."""
    if refresh is not None:
        family = str(_decode_refresh(refresh)[FAMILY_CLAIM])
    if family is None:
        raise TokenRefused("No token to revoke.")
    try:
        family_id = uuid.UUID(str(family))
    except ValueError as exc:
        raise TokenRefused("Malformed token family.") from exc
    return IssuedRefreshToken.objects.filter(family=family_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def user_tokens_revoke(*, user: User) -> None:
    """Log out everywhere: every refresh token, access token and admin session issued until now."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(tokens_valid_after=now)
    user.tokens_valid_after = now
    IssuedRefreshToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


def access_token_user(*, payload: dict[str, Any]) -> User | None:
    """The user an access token may act as, or None: one query, which also checks the family."""
    claimed_id = payload.get(api_settings.USER_ID_CLAIM)
    # We issue the id as a decimal string; anything else (1.5, True, [1]) was not made by us.
    if not isinstance(claimed_id, str) or not claimed_id.isdecimal():
        return None
    try:
        user_id = int(claimed_id)
        iat = payload["iat"]
    except (KeyError, TypeError, ValueError):
        return None
    if isinstance(iat, bool) or not isinstance(iat, (int, float)):
        return None
    users = User.objects.filter(pk=user_id, is_active=True)
    family = payload.get(FAMILY_CLAIM)
    if family is not None:
        try:
            family_id = uuid.UUID(str(family))
        except ValueError:
            return None
        users = users.annotate(
            family_revoked=Exists(
                IssuedRefreshToken.objects.filter(
                    family=family_id, user=OuterRef("pk"), revoked_at__isnull=False
                )
            )
        )
    user = users.first()
    if user is None or getattr(user, "family_revoked", False):
        return None
    if _issued_before_cutoff(iat, user):
        return None
    return user


def refresh_tokens_purge_expired(*, older_than_days: int = 1) -> int:
    """Forget refresh tokens that expired more than a day ago (their access tokens expired long
    before); run daily by the beat task `accounts.tasks.purge_expired_refresh_tokens`."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = IssuedRefreshToken.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
