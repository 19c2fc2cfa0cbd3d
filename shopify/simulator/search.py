"""The subset of Shopify's search syntax (the ``query:`` argument) a sync engine relies on.

Supported: ``field:value``, ``field:>value``, ``field:>=value``, ``field:<value``, ``field:<=value``
with quoted ('…' or "…") or bare values, terms joined by whitespace or ``AND``, a leading ``-``
to negate a term, and free text (matched against the title/name). Timestamps (``updated_at``,
``created_at``, ``processed_at``) take ISO 8601 date-times or dates (midnight UTC) and compare at
Shopify's second precision; ``id`` compares numeric ids (or GIDs). Unknown fields are ignored, as
Shopify ignores them.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from graphql import GraphQLError

from shopify.simulator.values import Record, stamp

_TERM = re.compile(
    r"""\s*(?P<neg>-)?(?:(?P<field>[a-z_][a-z0-9_]*):(?P<op>>=|<=|>|<|=)?)?"""
    r"""(?P<value>'[^']*'|"[^"]*"|[^\s()]+)"""
)
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
}
TIMESTAMP_FIELDS = {
    "updated_at": "updatedAt",
    "created_at": "createdAt",
    "processed_at": "processedAt",
}
# Text fields Shopify's search understands, per kind: search field -> record field.
TEXT_FIELDS: dict[str, dict[str, str]] = {
    "products": {
        "title": "title",
        "handle": "handle",
        "vendor": "vendor",
        "product_type": "productType",
        "status": "status",
    },
    "collections": {"title": "title", "handle": "handle"},
    "customers": {"state": "state", "first_name": "firstName", "last_name": "lastName"},
    "orders": {
        "name": "name",
        "email": "email",
        "financial_status": "displayFinancialStatus",
        "fulfillment_status": "displayFulfillmentStatus",
    },
    "locations": {"name": "name"},
    "inventory_items": {"sku": "sku"},
    "events": {"action": "action", "subject_type": "subjectType"},
}
_FREE_TEXT = ("title", "name", "displayName", "sku")


def parse_timestamp(text: str) -> datetime:
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise GraphQLError(f"Invalid date in search query: {text!r}") from error
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Term:
    field: str | None
    op: str
    value: str
    negated: bool


def parse_query(query: str) -> list[Term]:
    terms: list[Term] = []
    position = 0
    text = query.strip()
    while position < len(text):
        match = _TERM.match(text, position)
        if match is None:
            raise GraphQLError(f"Invalid search query: {query!r}")
        position = match.end()
        value = match["value"]
        if match["field"] is None and value in {"AND", "OR", "NOT"}:
            if value == "OR":
                raise GraphQLError("The simulator does not support OR in search queries")
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        terms.append(
            Term(match["field"], match["op"] or "=", value, negated=match["neg"] is not None)
        )
        if position < len(text) and not text[position].isspace():
            raise GraphQLError(f"Invalid search query: {query!r}")
    return terms


def _timestamp_test(record_field: str, op: str, value: str) -> Callable[[Record], bool]:
    """Compare at second precision on the wire strings (fixed width, so they sort as times)."""
    moment = parse_timestamp(value)
    if moment.microsecond:
        floor = moment.replace(microsecond=0)
        if op in {">", ">="}:
            op, moment = ">=", floor + timedelta(seconds=1)
        elif op in {"<", "<="}:
            op, moment = "<=", floor
        else:
            return lambda record: False
    wanted = stamp(moment)
    compare = _OPERATORS[op]

    def test(record: Record) -> bool:
        actual = record.get(record_field)
        return actual is not None and compare(actual, wanted)

    return test


def _id_test(op: str, value: str) -> Callable[[Record], bool]:
    try:
        wanted = int(value.rsplit("/", 1)[-1])
    except ValueError as error:
        raise GraphQLError(f"Invalid id in search query: {value!r}") from error
    compare = _OPERATORS[op]
    return lambda record: compare(record["_id"], wanted)


def _text_test(record_field: str, op: str, value: str) -> Callable[[Record], bool]:
    wanted = value.lower()
    compare = _OPERATORS[op]

    def test(record: Record) -> bool:
        actual = str(record.get(record_field) or "").lower()
        if op == "=" and wanted.endswith("*"):
            return actual.startswith(wanted[:-1])
        return compare(actual, wanted)

    return test


def _free_text_test(value: str) -> Callable[[Record], bool]:
    wanted = value.lower()

    def test(record: Record) -> bool:
        return any(wanted in str(record.get(name) or "").lower() for name in _FREE_TEXT)

    return test


def build_filter(kind: str, query: str | None) -> Callable[[Record], bool] | None:
    """A predicate for `query` over records of `kind`, or None when everything matches."""
    if not query or not query.strip():
        return None
    tests: list[tuple[Callable[[Record], bool], bool]] = []
    texts = TEXT_FIELDS.get(kind, {})
    for term in parse_query(query):
        if term.field is None:
            tests.append((_free_text_test(term.value), term.negated))
        elif term.field in TIMESTAMP_FIELDS:
            tests.append(
                (_timestamp_test(TIMESTAMP_FIELDS[term.field], term.op, term.value), term.negated)
            )
        elif term.field == "id":
            tests.append((_id_test(term.op, term.value), term.negated))
        elif term.field in texts:
            tests.append((_text_test(texts[term.field], term.op, term.value), term.negated))
    if not tests:
        return None

    def matches(record: Record) -> bool:
        return all(test(record) != negated for test, negated in tests)

    return matches
