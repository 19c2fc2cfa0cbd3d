"""The global audit log: every change to every model of our apps, with actor, request id, source
address and UTC time, and without plaintext personal data.

- `audit_register_models()` (from `core.apps`) registers every concrete model of LOCAL_APPS with
  django-auditlog, except the few in `NOT_AUDITED` (each with its reason). Fields holding
  personal data or secrets (`pii_fields`) are masked with `mask_value`: the entry records that
  the field changed and a keyed fingerprint (HMAC-SHA256 under SECRET_KEY, 8 hex digits) so two
  entries can be compared, never the value.
- `_complete_entry` (a pre_save receiver on LogEntry) fills in what the request context knows:
  the actor as DRF authenticated it (JWT or API key user, not only the session user), the
  client address, the request id (`cid`, also in `additional_data`) and the method and path;
  and scrubs what is left: the object's text representation is replaced by "<model> <pk>" for
  models with personal data, and every other recorded value goes through `core.redaction`
  (e-mails, phones, tokens, card numbers).
- `mirror_batch_record(...)`: the Shopify mirror writes by COPY / INSERT ... SELECT, which sends
  no model signal; it leaves one coarse entry per model and applied batch instead (counts,
  request id), see `shopify.mirror.apply`.
- Entries are append-only: the admin is read-only, no API writes them, and on PostgreSQL a
  trigger refuses UPDATE and DELETE of `auditlog_logentry` and `core_event` (migration
  `core.0004_audit_append_only_triggers`), except dropping the actor reference when a user row
  is deleted (ON DELETE SET NULL) and inside `audit_redaction()` (GDPR erasure's pseudonymisation
  of entries about an erased person, the only legitimate rewrite).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models

from core import request_context
from core.redaction import redact, redact_value

# Models whose every write would flood the log, or that are audit records themselves.
NOT_AUDITED: dict[str, str] = {
    "core.Event": "an audit record itself (append-only, see the triggers)",
    "core.IdempotencyKey": "a 24-hour replay cache of responses, rewritten per request",
    "shopify.SyncCheckpoint": "a sync cursor, rewritten after every page of every sync",
    "shopify.SyncRun": "a sync's own progress record (counts after every chunk); the rows it "
    "writes are audited per batch by mirror_batch_record",
    "accounts.IssuedRefreshToken": "a row per login and per refresh (every 15 minutes of every "
    "session); the table is itself the login history (issued, used, revoked at)",
    "shopify.SyncLedgerEntry": "a full sync's scratch list of the ids it saw (written by raw SQL, "
    "cleared when the run ends)",
    "webhooks.WebhookDelivery": "the receipt log of deliveries itself (inserted by raw SQL, "
    "status per attempt); its payload is PAN-masked at intake",
}

# Field names that hold personal data or secrets, in any model.
PII_FIELD_NAMES = frozenset(
    {
        "email",
        "contact_email",
        "phone",
        "sms_marketing_phone",
        "first_name",
        "last_name",
        "full_name",
        "company",
        "address1",
        "address2",
        "city",
        "zip",
        "latitude",
        "longitude",
        "note",
        "notes",
        "bio",
        "im",
        "screen_name",
        "browser_ip",
        "ip_address",
        "remote_addr",
        "password",
        "token",
        "cart_token",
        "checkout_token",
        "access_token",
        "refresh_token",
        "secret",
        "key",
        "key_digest",
        "code_digest",
        "digest",
        "subject_email_digest",
        "authorization",
        "authorization_code",
        "multipass_identifier",
        "tax_id",
        "tax_registration_id",
        "payload",
        "receipt",
        "payment_details",
        "billing_address",
        "shipping_address",
        "default_address",
        "destination",
        "origin_address",
        "note_attributes",
        "client_details",
        "properties",
        "evidence",
        "abandoned_checkout_url",
        "order_status_url",
        "landing_site",
        "referring_site",
    }
)
_PII_FIELD_SUFFIX = re.compile(
    r"_(email|phone|token|secret|digest|password|encrypted|ciphertext|blind_index|hash)$"
)
# Per model: fields that are personal only there ("name" of an address is a person's name).
PII_MODEL_FIELDS: dict[str, frozenset[str]] = {
    "customers.CustomerAddress": frozenset({"name"}),
    "orders.AbandonedCheckout": frozenset({"email"}),
}

MASK_CALLABLE = "core.audit.mask_value"
_EMPTY = frozenset({"", "None", "null", "{}", "[]"})


def mask_value(value: str) -> str:
    """What an audit entry keeps of a personal or secret value: a keyed fingerprint."""
    if value in _EMPTY:
        return value
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"[masked {digest[:8]}]"


@cache
def pii_fields(model: type[models.Model]) -> list[str]:
    extra = PII_MODEL_FIELDS.get(model._meta.label, frozenset())
    return sorted(
        field.name
        for field in model._meta.concrete_fields
        if field.name in PII_FIELD_NAMES
        or field.name in extra
        or _PII_FIELD_SUFFIX.search(field.name)
    )


def audited_models() -> Iterator[type[models.Model]]:
    for label in settings.LOCAL_APPS:
        for model in apps.get_app_config(label.rsplit(".", 1)[-1]).get_models():
            meta = model._meta
            if meta.abstract or not meta.managed or meta.auto_created:
                continue
            if meta.label in NOT_AUDITED:
                continue
            yield model


def audit_register_models() -> None:
    from auditlog.registry import auditlog

    for model in audited_models():
        if auditlog.contains(model):
            continue
        auditlog.register(model, mask_fields=pii_fields(model), mask_callable=MASK_CALLABLE)


# LogEntry completion and scrubbing ---------------------------------------------------------


def _complete_entry(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is not None:
        return  # an existing entry is never rewritten (the trigger refuses it anyway)
    context = request_context.current()
    if context is not None:
        principal = context.principal()
        data = dict(instance.additional_data or {})
        if instance.actor_id is None and principal is not None:
            if principal.pk is not None:
                instance.actor = principal
                instance.actor_email = getattr(principal, "email", None)
            else:  # an API key: no user row, named by its key
                instance.actor_email = str(principal)[:254]
                api_key = getattr(principal, "api_key", None)
                data.setdefault("api_key_id", getattr(api_key, "pk", None))
        if not instance.remote_addr and context.remote_addr:
            instance.remote_addr = context.remote_addr
        if not instance.cid:
            instance.cid = context.request_id or None
        data.setdefault("request_id", context.request_id)
        if context.request is not None:
            data.setdefault("method", context.request.method)
            data.setdefault("path", context.request.path)
        instance.additional_data = data
    _scrub_entry(instance)


def _scrub_entry(instance: Any) -> None:
    model = instance.content_type.model_class() if instance.content_type_id else None
    masked: set[str] = set(pii_fields(model)) if model is not None else set()
    if masked and model is not None:
        instance.object_repr = f"{model._meta.verbose_name} {instance.object_pk}"
    else:
        instance.object_repr = redact(instance.object_repr or "")
    changes = instance.changes
    if isinstance(changes, Mapping):
        instance.changes = {
            name: value if name in masked else redact_value(value)
            for name, value in changes.items()
        }
    if instance.changes_text:
        instance.changes_text = redact(instance.changes_text)
    if instance.serialized_data:
        instance.serialized_data = redact_value(instance.serialized_data)
    if instance.additional_data:
        instance.additional_data = redact_value(instance.additional_data)


def connect_entry_receivers() -> None:
    from auditlog.models import LogEntry
    from django.db.models.signals import pre_save

    pre_save.connect(_complete_entry, sender=LogEntry, dispatch_uid="core.audit.complete_entry")


# Coarse audit of the mirror's bulk writes --------------------------------------------------


def mirror_batch_record(
    *,
    model: type[models.Model],
    created: int,
    updated: int,
    deleted: int,
    source: str = "shopify-mirror",
) -> None:
    """One audit entry for a batch of rows the mirror wrote without model signals."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    if not (created or updated or deleted):
        return
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="*",
        object_repr=f"{model._meta.verbose_name_plural} (bulk)",
        action=LogEntry.Action.UPDATE,
        changes={
            "created": [None, created],
            "updated": [None, updated],
            "deleted": [None, deleted],
        },
        cid=request_context.cid(),
        additional_data={"source": source, "request_id": request_context.request_id()},
    )


# Append-only enforcement --------------------------------------------------------------------

REDACTION_SETTING = "stockroom.audit_redaction"
APPEND_ONLY_TABLES = ("auditlog_logentry", "core_event")


@contextmanager
def audit_redaction() -> Iterator[None]:
    """Allow this transaction to rewrite audit rows: GDPR erasure pseudonymising the entries
    about an erased person is the only caller. Must run inside `transaction.atomic()`."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("audit_redaction() must run inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [REDACTION_SETTING])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'off', true)", [REDACTION_SETTING])


def audit_change_record(*, instance: models.Model, changes: Mapping[str, Any]) -> None:
    """An audit entry for a change written with QuerySet.update() (no model signal), e.g. soft
    delete and restore. `changes` maps field -> [old, new]."""
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog
    from django.utils.encoding import smart_str

    if not auditlog.contains(type(instance)):
        return
    masked = set(pii_fields(type(instance)))
    recorded = {
        name: [
            mask_value(smart_str(value)) if name in masked else smart_str(value) for value in values
        ]
        for name, values in changes.items()
    }
    LogEntry.objects.log_create(
        instance, action=LogEntry.Action.UPDATE, changes=recorded, force_log=True
    )
