"""Staff users (the seeds' Users) and their resource permissions (the seeds' Permissions)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from core.models import ShopifyIdentityModel, TimestampedModel, choices_constraint

from .choices import PermissionAction, PermissionResource, PermissionScope, UserType
from .managers import UserManager


class User(ShopifyIdentityModel, AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """A staff member or integrator account; the email address is the login."""

    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    url = models.URLField(blank=True)
    im = models.CharField("instant messaging handle", max_length=255, blank=True)
    screen_name = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    account_owner = models.BooleanField(default=False)
    receive_announcements = models.BooleanField(default=True)
    bio = models.TextField(blank=True)
    permissions = models.JSONField(
        default=list, blank=True, help_text="Shopify-style permission names held by the user."
    )
    locale = models.CharField(max_length=16, default="en")
    user_type = models.CharField(max_length=16, choices=UserType.choices, default=UserType.REGULAR)
    tfa_enabled = models.BooleanField("two-factor authentication enabled", default=False)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    tokens_valid_after = models.DateTimeField(
        default=timezone.now,
        help_text="Sessions and API tokens issued before this moment are no longer accepted "
        "(moved on logout everywhere, a new password and deactivation).",
    )
    # A customer's login (self-service under /api/v1/me/): such an account is never staff and
    # holds no scopes; it reaches only its own customer's rows.
    customer = models.OneToOneField(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="login",
        help_text="Set for a customer's own login; such an account can never be staff.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        indexes = [
            models.Index(fields=["user_type"], name="accounts_user_type_idx"),
            models.Index(fields=["account_owner"], name="accounts_user_owner_idx"),
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            choices_constraint("user_type", UserType, "accounts_user_type_valid"),
            models.CheckConstraint(
                condition=models.Q(customer__isnull=True)
                | models.Q(is_staff=False, is_superuser=False),
                name="accounts_user_customer_login_not_staff",
                violation_error_message="A customer's login cannot be staff or superuser.",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Django sets `_password` only when `set_password` was called for a new password (a
        # hash upgrade at login clears it first): a new password ends every earlier session and
        # token, whichever form or command set it.
        # Saving an inactive account does the same, so reactivating it revives nothing.
        update_fields = kwargs.get("update_fields")
        new_password = getattr(self, "_password", None) is not None
        deactivated = not self.is_active and (update_fields is None or "is_active" in update_fields)
        if self.pk is not None and (new_password or deactivated):
            self.tokens_valid_after = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "tokens_valid_after"}
        super().save(*args, **kwargs)

    def get_session_auth_hash(self) -> str:
        """Admin sessions end with the password *and* with `tokens_valid_after` (log out
        everywhere, deactivation)."""
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}|{self.tokens_valid_after.isoformat()}",
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_customer_account(self) -> bool:
        return self.customer_id is not None


class Role(TimestampedModel):
    """A named set of grants (owner, admin, staff, fulfillment, support, read-only, or any role
    staff define in the admin). A user's effective permissions are the union of the grants of
    their roles and their own direct grants."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=128)
    description = models.TextField(blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="roles", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AccessPermission(TimestampedModel):
    """The seeds' Permissions: a user (directly) or a role may perform `action` on `resource`
    within `scope`: `all` rows, `own` rows (the user's own, e.g. orders they created), the rows of
    their assigned `location`s or of their assigned `company`s (django-guardian object
    permissions on Location / Company say which)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_permissions",
    )
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.CASCADE, related_name="permissions"
    )
    resource = models.CharField(max_length=32, choices=PermissionResource.choices)
    action = models.CharField(max_length=16, choices=PermissionAction.choices)
    scope = models.CharField(
        max_length=16, choices=PermissionScope.choices, default=PermissionScope.ALL
    )

    class Meta:
        indexes = [
            models.Index(fields=["resource"], name="accounts_perm_resource_idx"),
            models.Index(fields=["action"], name="accounts_perm_action_idx"),
            models.Index(fields=["scope"], name="accounts_perm_scope_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "resource", "action", "scope"],
                condition=models.Q(user__isnull=False),
                name="accounts_perm_unique",
            ),
            models.UniqueConstraint(
                fields=["role", "resource", "action", "scope"],
                condition=models.Q(role__isnull=False),
                name="accounts_perm_role_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, role__isnull=True)
                | models.Q(user__isnull=True, role__isnull=False),
                name="accounts_perm_user_xor_role",
                violation_error_message="A permission belongs to a user or to a role.",
            ),
            choices_constraint("resource", PermissionResource, "accounts_perm_resource_valid"),
            choices_constraint("action", PermissionAction, "accounts_perm_action_valid"),
            choices_constraint("scope", PermissionScope, "accounts_perm_scope_valid"),
        ]

    def __str__(self) -> str:
        holder = self.user if self.user_id is not None else self.role
        return f"{holder} {self.action} {self.resource} ({self.scope})"


class ApiKey(TimestampedModel):
    """A server-to-server credential. Only a SHA-256 digest of the key is stored; `prefix`
    finds the row, the digest proves the key. Revoked or expired keys fail on the next request."""

    name = models.CharField(max_length=255)
    prefix = models.CharField(max_length=16, unique=True)
    key_digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="api_keys",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key_digest__regex=r"^[0-9a-f]{64}$"),
                name="accounts_apikey_digest_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """Single-use recovery codes as a django-otp device: they verify an admin login or an API
    token request like a TOTP code. Only SHA-256 digests of the codes are stored (each code
    carries 60 random bits, so a digest cannot be reversed by guessing)."""

    class Meta(Device.Meta):
        verbose_name = "recovery code set"

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_RECOVERY_THROTTLE_FACTOR", 1))


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "digest"], name="accounts_recovery_unique"),
            models.CheckConstraint(
                condition=models.Q(digest__regex=r"^[0-9a-f]{64}$"),
                name="accounts_recovery_digest_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk} ({'used' if self.used_at else 'unused'})"


class IssuedRefreshToken(models.Model):
    """Every refresh token we hand out, by `jti`. Refreshing uses a row once (`used_at`) and
    issues the next one in the same `family`; a row presented twice revokes its whole family."""

    jti = models.CharField(max_length=64, unique=True)
    family = models.UUIDField(default=uuid.uuid4, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refresh_tokens"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="accounts_refresh_user_idx")]

    def __str__(self) -> str:
        return f"refresh {self.jti[:8]}… ({self.user_id})"
