"""Reads of finance, as optimised querysets. Shared file: edit by small insertions."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.functions import Upper

from .models import DiscountCode, GiftCard, Transaction, gift_card_code_digest

# --- Order-facing reads (used by orders) ---------------------------------------------------------


def discount_codes_by_code(*, codes: list[str]) -> dict[str, DiscountCode]:
    """Live discount codes matching `codes` case-insensitively, keyed by the upper-cased code."""
    wanted = {code.upper() for code in codes}
    rows = DiscountCode.objects.annotate(code_upper=Upper("code")).filter(code_upper__in=wanted)
    return {row.code.upper(): row for row in rows}


def order_transactions(*, order_id: int) -> QuerySet[Transaction]:
    return Transaction.objects.filter(order_id=order_id).order_by("created_at", "id")


# --- Gift cards and discount codes (the /api/v1 resources) ---------------------------------------


def gift_card_list(*, search: str | None = None) -> QuerySet[GiftCard]:
    """Live gift cards; `search` matches the last four characters or a whole code."""
    cards = GiftCard.objects.all()
    if search:
        cards = cards.filter(
            Q(last_characters__iexact=search[-4:] if len(search) <= 4 else "")
            | Q(code_digest=gift_card_code_digest(search))
            | Q(note__icontains=search)
        )
    return cards


def discount_code_list(*, search: str | None = None) -> QuerySet[DiscountCode]:
    codes = DiscountCode.objects.all()
    if search:
        codes = codes.filter(Q(code__icontains=search) | Q(title__icontains=search))
    return codes
