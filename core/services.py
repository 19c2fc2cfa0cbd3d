from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, models, transaction

from . import request_context
from .audit import audit_change_record
from .errors import Conflict, ShopifyManaged
from .models import Event, IdempotencyKey, Shop
from .pci import mask_pans

IDEMPOTENCY_RETENTION = timedelta(hours=24)


def event_record(
    *,
    subject: models.Model,
    verb: str,
    actor: Any = None,
    message: str = "",
    arguments: dict[str, Any] | None = None,
    subject_object: models.Model | None = None,
) -> Event:
    """Write one activity-trail row; call it inside the transaction of the change it records."""
    author = getattr(actor, "email", "") if actor is not None else "system"
    return Event.objects.create(
        subject_id=subject.pk,
        subject_type=type(subject).__name__,
        verb=verb,
        object_id=subject_object.pk if subject_object is not None else None,
        object_type=type(subject_object).__name__ if subject_object is not None else "",
        message=message or f"{type(subject).__name__} {subject.pk} {verb}",
        author=author,
        actor=actor if getattr(actor, "pk", None) else None,
        arguments=arguments or {},
        request_id=request_context.request_id(),
        remote_addr=request_context.remote_addr(),
    )


def events_record(
    *,
    subjects: Sequence[models.Model],
    verb: str,
    actor: Any = None,
    arguments: dict[str, Any] | None = None,
) -> None:
    """event_record for many subjects of one change (a bulk create), in one INSERT."""
    author = getattr(actor, "email", "") if actor is not None else "system"
    request_id, remote_addr = request_context.request_id(), request_context.remote_addr()
    Event.objects.bulk_create(
        Event(
            subject_id=subject.pk,
            subject_type=type(subject).__name__,
            verb=verb,
            message=f"{type(subject).__name__} {subject.pk} {verb}",
            author=author,
            actor=actor if getattr(actor, "pk", None) else None,
            arguments=mask_pans(arguments or {}),
            request_id=request_id,
            remote_addr=remote_addr,
        )
        for subject in subjects
    )


def soft_delete(*, instance: models.Model) -> None:
    type(instance)._base_manager.filter(pk=instance.pk).update(deleted_at=_now())
    before = getattr(instance, "deleted_at", None)
    instance.refresh_from_db(fields=["deleted_at"])
    audit_change_record(instance=instance, changes={"deleted_at": [before, instance.deleted_at]})  # type: ignore[attr-defined]


def restore(*, instance: models.Model) -> None:
    before = getattr(instance, "deleted_at", None)
    type(instance)._base_manager.filter(pk=instance.pk).update(deleted_at=None)
    audit_change_record(instance=instance, changes={"deleted_at": [before, None]})
    instance.refresh_from_db(fields=["deleted_at"])


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def idempotency_keys_purge() -> int:
    """Forget Idempotency-Keys older than the retention window; returns how many went."""
    cutoff = _now() - IDEMPOTENCY_RETENTION
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# Shop settings a merchant edits here; the rest of the row is Shopify's (plan, eligibility...).
SHOP_EDITABLE_FIELDS = (
    "name",
    "email",
    "domain",
    "province",
    "country",
    "address1",
    "address2",
    "city",
    "zip",
    "phone",
    "latitude",
    "longitude",
    "primary_locale",
    "primary_location_id",
    "currency",
    "iana_timezone",
    "money_format",
    "money_with_currency_format",
    "money_in_emails_format",
    "money_with_currency_in_emails_format",
    "weight_unit",
    "province_code",
    "taxes_included",
    "tax_shipping",
    "county_taxes",
    "enabled_presentment_currencies",
)


@transaction.atomic
def shop_update(*, shop: Shop, data: dict[str, Any], actor: Any = None) -> Shop:
    """Change the shop's settings. A shop mirrored from Shopify is edited in Shopify."""
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    if shop.shopify_id is not None:
        raise ShopifyManaged("This shop is managed by Shopify; change its settings there.")
    changes = {key: data[key] for key in SHOP_EDITABLE_FIELDS if key in data}
    for key, value in changes.items():
        setattr(shop, key, value)
    try:
        with transaction.atomic():
            shop.save()
    except IntegrityError as exc:
        raise Conflict(
            "Another shop uses this domain.",
            details=[{"field": "domain", "message": "Must be unique."}],
        ) from exc
    event_record(subject=shop, verb="update", actor=actor, arguments={"fields": sorted(changes)})
    return shop
