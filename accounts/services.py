"""Writes of the accounts app: API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from core.errors import Conflict, ServiceError

from .models import AccessPermission, ApiKey, Role, User
from .roles import DEFAULT_ROLES
from .rows import COMPANY_PERMISSION, LOCATION_PERMISSION
from .scopes import invalid_scopes


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, name: str, scopes: list[str], actor: Any = None) -> tuple[ApiKey, str]:
    """Create a key; return the row and the plaintext key, which is shown once and never kept."""
    if not name.strip():
        raise ServiceError(
            "A name is required.", details=[{"field": "name", "message": "This field is required."}]
        )
    if not scopes or (bad := invalid_scopes(scopes)):
        raise ServiceError(
            "Unknown or missing scopes.",
            details=[
                {
                    "field": "scopes",
                    "message": f"Unknown scope(s): {', '.join(bad)}"
                    if scopes
                    else "At least one scope is required.",
                }
            ],
        )
    prefix = secrets.token_hex(6)
    key = f"sr_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey.objects.create(
        name=name.strip(),
        prefix=prefix,
        key_digest=_digest(key),
        scopes=sorted(set(scopes)),
        created_by=actor,
    )
    return row, key


LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_key_authenticate(*, key: str) -> ApiKey | None:
    """The usable key matching `key`, or None (constant-time digest comparison)."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "sr":
        return None
    row = ApiKey.objects.filter(prefix=parts[1]).first()
    if row is None or not hmac.compare_digest(row.key_digest, _digest(key)):
        return None
    if not row.is_usable:
        return None
    now = timezone.now()
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_RESOLUTION:
        # At most one write a minute per key: a hot key is not a hot row.
        ApiKey.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def api_key_revoke(*, api_key: ApiKey) -> None:
    ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


# Roles, row assignments and customer logins.


def role_assign(*, user: Any, role_slug: str) -> None:
    """Give `user` the role `role_slug` (idempotent)."""
    role = Role.objects.filter(slug=role_slug).first()
    if role is None:
        raise ServiceError(
            "Unknown role.", details=[{"field": "role", "message": f"No role {role_slug!r}."}]
        )
    if user.customer_id is not None:
        raise ServiceError(
            "A customer's login cannot hold staff roles.",
            details=[{"field": "role", "message": "Customer logins hold no roles."}],
        )
    role.users.add(user)


def _staff_only(user: Any, field: str) -> None:
    if user.customer_id is not None or not user.is_staff:
        raise ServiceError(
            "Only staff users are assigned to rows.",
            details=[{"field": field, "message": "Not a staff user."}],
        )


@transaction.atomic
def staff_location_assign(*, user: Any, location: Any) -> None:
    """Assign a staff user to an inventory location (their `location`-scoped grants cover it)."""
    _staff_only(user, "location")
    assign_perm(LOCATION_PERMISSION, user, location)


@transaction.atomic
def staff_location_unassign(*, user: Any, location: Any) -> None:
    remove_perm(LOCATION_PERMISSION, user, location)


@transaction.atomic
def staff_company_assign(*, user: Any, company: Any) -> None:
    """Assign a staff user (e.g. an account manager) to a B2B company (`company` scope)."""
    _staff_only(user, "company")
    assign_perm(COMPANY_PERMISSION, user, company)


@transaction.atomic
def customer_company_access_sync(*, user: Any) -> set[int]:
    """A customer login acts for exactly the companies its customer is a contact of: grant
    `b2b.view_company` on those, revoke it on every other. Returns the company ids."""
    from b2b.models import Company

    wanted = (
        set(
            Company.objects.filter(contacts__customer_id=user.customer_id).values_list(
                "pk", flat=True
            )
        )
        if user.customer_id
        else set()
    )
    held = get_objects_for_user(
        user, COMPANY_PERMISSION, klass=Company, with_superuser=False, accept_global_perms=False
    )
    for company in held:
        if company.pk not in wanted:
            remove_perm(COMPANY_PERMISSION, user, company)
    for company in Company.objects.filter(pk__in=wanted):
        assign_perm(COMPANY_PERMISSION, user, company)
    return wanted


@transaction.atomic
def customer_account_create(*, customer: Any, password: str, actor: Any = None) -> Any:
    """A login for a customer: email = the customer's email, never staff, no roles, no scopes.
    The customer signs in at /api/v1/auth/token like anyone and reaches only /api/v1/me/."""
    if not customer.email:
        raise ServiceError(
            "The customer has no email address to sign in with.",
            details=[{"field": "email", "message": "Required for a login."}],
        )
    try:
        validate_password(password)
    except ValidationError as error:
        raise ServiceError(
            "The password is too weak.",
            details=[{"field": "password", "message": message} for message in error.messages],
        ) from error
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                customer.email, password, customer=customer, is_staff=False
            )
    except IntegrityError as error:
        raise Conflict(
            "A login already exists for this customer or email.",
            details=[{"field": "email", "message": "Already taken."}],
        ) from error
    customer_company_access_sync(user=user)
    return user


@transaction.atomic
def default_roles_ensure() -> list[Role]:
    """Create the default roles that do not exist (with their grants); existing roles, edited
    or not, are left alone. Returns the roles created."""
    created = []
    for slug, (name, description, grants) in DEFAULT_ROLES.items():
        role, is_new = Role.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        if is_new:
            AccessPermission.objects.bulk_create(
                AccessPermission(role=role, resource=resource, action=action, scope="all")
                for resource, action in grants
            )
            created.append(role)
    return created


def customer_login_company_access_sync(*, customer_id: int) -> None:
    """Re-sync the company access of a customer's login (if it has one) after its customer's
    company contacts changed."""
    user = User.objects.filter(customer_id=customer_id).first()
    if user is not None:
        customer_company_access_sync(user=user)
