"""Money on an order: the financial status its transactions imply, and what is left to capture,
void or refund on each of them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from core.models import ZERO
from finance.choices import TransactionKind, TransactionStatus
from finance.models import Transaction

from .choices import FinancialStatus


def financial_status_for(*, total_price: Decimal, transactions: Iterable[Transaction]) -> str:
    """pending -> authorized -> partially_paid/paid -> partially_refunded/refunded; voided when
    every authorization was voided before any capture."""
    authorized = captured = refunded = ZERO
    authorizations: set[int] = set()
    voided: set[int] = set()
    for row in transactions:
        if row.status != TransactionStatus.SUCCESS:
            continue
        if row.kind == TransactionKind.AUTHORIZATION:
            authorized += row.amount
            authorizations.add(row.pk)
        elif row.kind in (TransactionKind.CAPTURE, TransactionKind.SALE):
            captured += row.amount
        elif row.kind == TransactionKind.REFUND:
            refunded += row.amount
        elif row.kind == TransactionKind.VOID and row.parent_id is not None:
            voided.add(row.parent_id)
    if refunded > 0:
        return (
            FinancialStatus.REFUNDED if refunded >= captured else FinancialStatus.PARTIALLY_REFUNDED
        )
    if captured > 0:
        return FinancialStatus.PAID if captured >= total_price else FinancialStatus.PARTIALLY_PAID
    if authorizations and authorizations <= voided:
        return FinancialStatus.VOIDED
    if authorized > 0:
        return FinancialStatus.AUTHORIZED
    return FinancialStatus.PAID if total_price == 0 else FinancialStatus.PENDING


def refundable_captures(rows: list[Transaction]) -> list[tuple[Transaction, Decimal]]:
    """Successful captures/sales with what is left to refund on each, oldest first."""
    refunded: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        if (
            row.kind == TransactionKind.REFUND
            and row.status == TransactionStatus.SUCCESS
            and row.parent_id is not None
        ):
            refunded[row.parent_id] += row.amount
    return [
        (row, row.amount - refunded[row.pk])
        for row in rows
        if row.kind in (TransactionKind.CAPTURE, TransactionKind.SALE)
        and row.status == TransactionStatus.SUCCESS
        and row.amount - refunded[row.pk] > 0
    ]


def open_authorizations(rows: list[Transaction]) -> list[tuple[Transaction, Decimal]]:
    """Successful authorizations not voided, with the amount not captured yet."""
    captured: dict[int, Decimal] = defaultdict(lambda: ZERO)
    voided: set[int] = set()
    for row in rows:
        if row.status != TransactionStatus.SUCCESS or row.parent_id is None:
            continue
        if row.kind == TransactionKind.CAPTURE:
            captured[row.parent_id] += row.amount
        elif row.kind == TransactionKind.VOID:
            voided.add(row.parent_id)
    return [
        (row, row.amount - captured[row.pk])
        for row in rows
        if row.kind == TransactionKind.AUTHORIZATION
        and row.status == TransactionStatus.SUCCESS
        and row.pk not in voided
    ]
