"""Writes of finance: order-facing discount redemption and transactions (orders engineer);
gift card and discount-code CRUD (finance engineer). Shared file: edit by small insertions."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from core.errors import Conflict, ServiceError, ShopifyManaged
from core.services import event_record, soft_delete
from customers.selectors import customer_get

from .choices import DiscountCodeStatus, DiscountType, GiftCardStatus
from .models import DiscountCode, GiftCard, Transaction

# --- Order-facing: discount code redemption and order transactions (used by orders.services) ---


class DiscountCodeExhausted(ServiceError):
    status_code = 409
    default_code = "DISCOUNT_CODE_EXHAUSTED"


def discount_code_redeem_by_code(*, code: str) -> DiscountCode | None:
    """The live code matching `code` (case-insensitively) with one more use counted, read and
    counted in one query: an UPDATE … RETURNING with the usage limit in its WHERE clause, so
    concurrent orders cannot both take the last use (the row lock serialises them; the loser
    re-checks the condition and matches no row). None when no use was taken: no such code, or
    it is used up.

    The use is taken before the caller has checked the code's status, dates or minimum: call it
    inside the order's transaction, whose refusal gives the use back. The code's row stays
    locked until then."""
    table = connection.ops.quote_name(DiscountCode._meta.db_table)
    taken = DiscountCode.objects.raw(
        f"UPDATE {table} SET used_count = used_count + 1, updated_at = STATEMENT_TIMESTAMP()"
        " WHERE deleted_at IS NULL AND UPPER(code) = %s"
        " AND (usage_limit IS NULL OR used_count < usage_limit) RETURNING *",
        [code.upper()],
    )
    return next(iter(taken), None)


def discount_code_lock_customer(*, discount_code_id: int, customer_key: str) -> None:
    """Serialise once-per-customer checks of one code for one customer until the transaction
    ends (a transaction-scoped advisory lock), so two concurrent orders cannot both pass."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"discount_code:{discount_code_id}:{customer_key}"],
        )


def transactions_create(*, order_id: int, rows: list[dict[str, Any]]) -> list[Transaction]:
    """Insert order transactions (authorization, sale, capture, void, refund) in one query.

    Each row holds Transaction fields: kind, amount, currency, gateway, status, parent_id,
    refund_id, user_id, processed_at, message, test. Amounts are non-negative Decimals."""
    objects = []
    for row in rows:
        amount = row["amount"]
        if not isinstance(amount, Decimal) or amount < 0:
            raise ServiceError("A transaction amount must be a non-negative decimal.")
        objects.append(Transaction(order_id=order_id, **row))
    return Transaction.objects.bulk_create(objects)


# --- Gift cards and discount codes (the /api/v1 resources) ---------------------------------------

GIFT_CARD_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GIFT_CARD_CODE_LENGTH = 16
GIFT_CARD_UPDATE_FIELDS = ("note", "template_suffix", "expires_on", "customer_id")
DISCOUNT_CODE_FIELDS = (
    "code",
    "title",
    "type",
    "value",
    "currency",
    "minimum_amount",
    "usage_limit",
    "starts_at",
    "ends_at",
    "status",
    "once_per_customer",
    "prerequisite_customer_ids",
    "prerequisite_product_ids",
    "prerequisite_collection_ids",
    "prerequisite_subtotal_range",
    "prerequisite_shipping_price_range",
    "prerequisite_quantity_range",
    "prerequisite_to_entitlement_quantity_ratio",
)


def _finance_error(field: str, message: str) -> ServiceError:
    return ServiceError("Invalid input data", details=[{"field": field, "message": message}])


def _finance_refuse_mirrored(row: GiftCard | DiscountCode) -> None:
    if row.shopify_id is not None:
        name = "gift card" if isinstance(row, GiftCard) else "discount code"
        raise ShopifyManaged(f"This {name} is managed by Shopify; change it there.")


def _staff_user_id(actor: Any) -> int | None:
    return getattr(actor, "pk", None)


def gift_card_code_generate() -> str:
    """A new random 16-character code without look-alike characters (0/O, 1/I)."""
    return "".join(secrets.choice(GIFT_CARD_CODE_ALPHABET) for _ in range(GIFT_CARD_CODE_LENGTH))


def _gift_card_check_customer(customer_id: int | None) -> None:
    if customer_id is not None and customer_get(customer_id=customer_id) is None:
        raise _finance_error("customerId", "No such customer.")


@transaction.atomic
def gift_card_create(*, data: dict[str, Any], actor: Any = None) -> tuple[GiftCard, str]:
    """Issue a card; returns it with its plaintext code, which is never stored nor shown again.

    The code is generated when absent; only its digest and last four characters are kept."""
    code = re.sub(r"[\s-]", "", data.get("code") or gift_card_code_generate()).upper()
    expires_on = data.get("expires_on")
    if expires_on is not None and expires_on < timezone.localdate():
        raise _finance_error("expiresOn", "The expiry date is in the past.")
    _gift_card_check_customer(data.get("customer_id"))
    card = GiftCard(
        initial_value=data["initial_value"],
        balance=data["initial_value"],
        currency=data.get("currency") or "USD",
        note=data.get("note") or "",
        template_suffix=data.get("template_suffix") or "",
        expires_on=expires_on,
        customer_id=data.get("customer_id"),
        user_id=_staff_user_id(actor),
    )
    card.set_code(code)
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError as exc:
        raise Conflict(
            "This gift card code is already in use.",
            details=[{"field": "code", "message": "Must be unique."}],
        ) from exc
    event_record(subject=card, verb="create", actor=actor)
    return card, code


@transaction.atomic
def gift_card_update(*, gift_card: GiftCard, data: dict[str, Any], actor: Any = None) -> GiftCard:
    """Change a card's note, template, expiry or customer; balance moves only by adjustments."""
    card = GiftCard.objects.select_for_update().get(pk=gift_card.pk)
    _finance_refuse_mirrored(card)
    fields = {key: data[key] for key in GIFT_CARD_UPDATE_FIELDS if key in data}
    if "customer_id" in fields:
        _gift_card_check_customer(fields["customer_id"])
    for key in ("note", "template_suffix"):
        if key in fields and fields[key] is None:
            fields[key] = ""
    for key, value in fields.items():
        setattr(card, key, value)
    if card.status == GiftCardStatus.EXPIRED and (
        card.expires_on is None or card.expires_on >= timezone.localdate()
    ):
        card.status = GiftCardStatus.ENABLED
    card.save()
    event_record(subject=card, verb="update", actor=actor, arguments={"fields": sorted(fields)})
    return card


@transaction.atomic
def gift_card_disable(*, gift_card: GiftCard, actor: Any = None) -> GiftCard:
    """Disable a card for good (idempotent: disabling a disabled card changes nothing)."""
    card = GiftCard.objects.select_for_update().get(pk=gift_card.pk)
    _finance_refuse_mirrored(card)
    if card.status == GiftCardStatus.DISABLED:
        return card
    card.status, card.disabled_at = GiftCardStatus.DISABLED, timezone.now()
    card.save(update_fields=["status", "disabled_at", "updated_at"])
    event_record(subject=card, verb="update", actor=actor, message=f"GiftCard {card.pk} disabled")
    return card


@transaction.atomic
def gift_card_adjust(
    *, gift_card_id: int, amount: Decimal, note: str = "", actor: Any = None
) -> GiftCard:
    """Credit (amount > 0) or debit (amount < 0) a card's balance in one conditional UPDATE.

    The WHERE clause carries every rule (enabled, not expired, enough balance for a debit), so
    concurrent debits serialise on the row lock and the losers re-check the condition: the
    balance never goes below zero. A refusal says why with its own code."""
    if amount == 0:
        raise _finance_error("amount", "The amount may not be zero.")
    today = timezone.localdate()
    candidates = GiftCard.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today),
        pk=gift_card_id,
        shopify_id__isnull=True,
        status=GiftCardStatus.ENABLED,
    )
    if amount < 0:
        candidates = candidates.filter(balance__gte=-amount)
    updated = candidates.update(balance=F("balance") + amount, updated_at=Now())
    card = GiftCard.objects.get(pk=gift_card_id)
    if updated != 1:
        _finance_refuse_mirrored(card)
        if card.status == GiftCardStatus.DISABLED:
            raise ServiceError(
                "The gift card is disabled.", code="GIFT_CARD_DISABLED", status_code=409
            )
        if card.status == GiftCardStatus.EXPIRED or (
            card.expires_on is not None and card.expires_on < today
        ):
            raise ServiceError(
                "The gift card has expired.", code="GIFT_CARD_EXPIRED", status_code=409
            )
        raise ServiceError(
            "The gift card balance is too low for this debit.",
            code="GIFT_CARD_INSUFFICIENT_BALANCE",
            status_code=409,
            details=[{"field": "amount", "message": f"The balance is {card.balance}."}],
        )
    event_record(
        subject=card,
        verb="adjusted",
        actor=actor,
        message=note,
        arguments={"amount": str(amount), "balance": str(card.balance), "note": note},
    )
    return card


def _discount_code_check(fields: dict[str, Any], *, used_count: int = 0) -> None:
    """The seed's rules: percentage <= 100, starts before it ends, a limit of at least the uses."""
    if fields.get("type") == DiscountType.PERCENTAGE and fields.get("value", 0) > 100:
        raise _finance_error("value", "A percentage is at most 100.")
    starts_at: datetime | None = fields.get("starts_at")
    ends_at: datetime | None = fields.get("ends_at")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise _finance_error("endsAt", "Must be after startsAt.")
    usage_limit = fields.get("usage_limit")
    if usage_limit is not None and usage_limit < max(used_count, 1):
        raise _finance_error("usageLimit", f"Must be at least {max(used_count, 1)}.")


def _discount_code_status(fields: dict[str, Any]) -> str:
    """Disabled stays disabled; otherwise the dates say scheduled, active or expired."""
    if fields.get("status") == DiscountCodeStatus.DISABLED:
        return DiscountCodeStatus.DISABLED
    now = timezone.now()
    if fields.get("ends_at") is not None and fields["ends_at"] <= now:
        return DiscountCodeStatus.EXPIRED
    if fields.get("starts_at") is not None and fields["starts_at"] > now:
        return DiscountCodeStatus.SCHEDULED
    return DiscountCodeStatus.ACTIVE


def _discount_code_save(code: DiscountCode) -> None:
    try:
        with transaction.atomic():
            code.save()
    except IntegrityError as exc:
        raise Conflict(
            "This discount code already exists.",
            details=[{"field": "code", "message": "Must be unique (case-insensitively)."}],
        ) from exc


@transaction.atomic
def discount_code_create(*, data: dict[str, Any], actor: Any = None) -> DiscountCode:
    fields = {key: data[key] for key in DISCOUNT_CODE_FIELDS if key in data}
    fields["code"] = fields["code"].strip()
    _discount_code_check(fields)
    fields["status"] = _discount_code_status(fields)
    code = DiscountCode(**fields)
    code.amount = code.value if code.type != DiscountType.PERCENTAGE else None
    _discount_code_save(code)
    event_record(subject=code, verb="create", actor=actor)
    return code


@transaction.atomic
def discount_code_update(
    *, discount_code: DiscountCode, data: dict[str, Any], actor: Any = None
) -> DiscountCode:
    code = DiscountCode.objects.select_for_update().get(pk=discount_code.pk)
    _finance_refuse_mirrored(code)
    changes = {key: data[key] for key in DISCOUNT_CODE_FIELDS if key in data}
    if "code" in changes:
        changes["code"] = changes["code"].strip()
    merged = {key: getattr(code, key) for key in DISCOUNT_CODE_FIELDS} | changes
    _discount_code_check(merged, used_count=code.used_count)
    merged["status"] = _discount_code_status(merged)
    for key, value in merged.items():
        setattr(code, key, value)
    code.amount = code.value if code.type != DiscountType.PERCENTAGE else None
    _discount_code_save(code)
    event_record(subject=code, verb="update", actor=actor, arguments={"fields": sorted(changes)})
    return code


@transaction.atomic
def discount_code_delete(*, discount_code: DiscountCode, actor: Any = None) -> None:
    _finance_refuse_mirrored(discount_code)
    soft_delete(instance=discount_code)
    event_record(subject=discount_code, verb="destroy", actor=actor)
