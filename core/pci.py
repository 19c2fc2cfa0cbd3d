"""PCI DSS 3.3/3.4: no primary account number (card number) is ever written in full.

`mask_pans(value)` replaces every card number in a string, or in any string nested in a JSON
document, with its first six and last four digits (`4111 1111 1111 1111` -> `411111******1111`).
A card number is a run of 13 to 19 digits, optionally grouped by single spaces or dashes, that
starts like a card scheme's number and has one of its lengths (Visa 4: 13/16/19, Mastercard
51-55/2221-2720: 16, Amex 34/37: 15, Diners 300-305/36/38/39: 14-19, JCB 3528-3589: 16-19,
Discover/UnionPay/Maestro 50/56-69: 16-19) and passes the Luhn check; so a 13-digit Shopify id
in a note (6..., 7..., 5...) is not one. Runs that are part of something else are left alone: digits
after `/` (a Shopify GID, a URL path), `+` (a phone number) or `.`, a run
longer than 19 digits (tracking numbers), a decimal number, and values under JSON keys naming an
id (`id`, `order_id`, `variantIds`, ...). Integers are never touched (Shopify ids are integers).

It is applied where data enters: every model save of our apps (`core.apps`: a pre_save receiver
over text and JSON fields), the Shopify mirror's bulk writer (`shopify.mirror.upsert`), webhook
intake (after the HMAC check, over the parsed payload) and the API's JSON parser.
"""

from __future__ import annotations

import re
from typing import Any

# A maximal run of digit groups (single space/dash separators), not glued to a preceding digit
# run, path, phone prefix or decimal point, and not a decimal number itself.
_CANDIDATE = re.compile(r"(?<![\d/+.])(?<!\d[ -])\d(?:[ -]?\d)*(?![.,]\d)")
# For text that is not data (log lines, audit values): card numbers anywhere, in paths too.
_CANDIDATE_ANYWHERE = re.compile(r"(?<!\d)(?<!\d[ -])\d(?:[ -]?\d)*(?![.,]\d)")
_GROUP = re.compile(r"\d+")
_MIN_LENGTH = 13
# Keys and columns holding identifiers, not free text: ids, GIDs, SKUs, barcodes, handles,
# tracking numbers, customs codes (a SKU or EAN may well pass the Luhn check).
_ID_KEY = re.compile(
    r"(^|_)(id|ids|gid|sku|barcode|handle|tracking_numbers?|harmonized_system_code)$"
    r"|[a-z](Id|Ids|ID|Sku|Barcode)$"
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def mask_pan(digits: str) -> str:
    """First six and last four digits kept, the rest starred (PCI DSS 3.4.1)."""
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def _brand_lengths(digits: str) -> range | tuple[int, ...]:
    """The lengths a card number starting with these digits has (ISO/IEC 7812 ranges of the
    schemes that issue them); () when no scheme issues numbers starting so."""
    two, four = int(digits[:2]), int(digits[:4])
    if digits[0] == "4":
        return (13, 16, 19)  # Visa
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return (16,)  # Mastercard
    if two in (34, 37):
        return (15,)  # American Express
    if 300 <= int(digits[:3]) <= 305 or two in (36, 38, 39):
        return range(14, 20)  # Diners Club
    if 3528 <= four <= 3589:
        return range(16, 20)  # JCB
    if two == 50 or 56 <= two <= 69:
        return range(16, 20)  # Discover, UnionPay, Maestro, RuPay
    return ()


def _is_pan(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and len(digits) in _brand_lengths(digits) and luhn_valid(digits)


def _replace(match: re.Match[str]) -> str:
    """The whole run when it is a card number; else the longest run of whole groups inside it
    that is one ("qty 2 4111 1111 1111 1111"); else the text unchanged."""
    text = match.group(0)
    whole = text.replace(" ", "").replace("-", "")
    if len(whole) < _MIN_LENGTH:
        return text
    if _is_pan(whole):
        return mask_pan(whole)
    groups = [(group.start(), group.end()) for group in _GROUP.finditer(text)]
    if len(groups) < 2:
        return text
    for size in range(len(groups) - 1, 0, -1):
        for first in range(len(groups) - size + 1):
            start, end = groups[first][0], groups[first + size - 1][1]
            digits = text[start:end].replace(" ", "").replace("-", "")
            if _is_pan(digits):
                return text[:start] + mask_pan(digits) + _replace_rest(text[end:])
    return text


def _replace_rest(text: str) -> str:
    return _CANDIDATE.sub(_replace, text) if text else text


def mask_pans_in_text(text: str, *, anywhere: bool = False) -> str:
    """`anywhere`: also digit runs after `/`, `+` or `.` (for log lines, not for stored data,
    where those are ids, phone numbers and amounts)."""
    if len(text) < _MIN_LENGTH:
        return text
    return (_CANDIDATE_ANYWHERE if anywhere else _CANDIDATE).sub(_replace, text)


def contains_pan(value: Any) -> bool:
    return mask_pans(value) != value


def mask_pans(value: Any, *, key: str = "") -> Any:
    """`value` with every card number masked; the same object when there is none."""
    if isinstance(value, str):
        if key and _ID_KEY.search(key):
            return value
        masked_text = mask_pans_in_text(value)
        return value if masked_text == value else masked_text
    if isinstance(value, dict):
        changed = False
        masked: dict[Any, Any] = {}
        for item_key, item in value.items():
            new = mask_pans(item, key=str(item_key))
            changed = changed or new is not item
            masked[item_key] = new
        return masked if changed else value
    if isinstance(value, list):
        items = [mask_pans(item, key=key) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            return items
        return value
    return value


# Applied at every model save of our apps --------------------------------------------------

_TEXT_FIELDS: dict[type[Any], tuple[str, ...]] = {}
_SKIPPED_FIELDS = re.compile(r"^password$|_digest$")


def _text_fields(model: type[Any]) -> tuple[str, ...]:
    fields = _TEXT_FIELDS.get(model)
    if fields is None:
        from django.conf import settings
        from django.db import models

        ours = {label.rsplit(".", 1)[-1] for label in settings.LOCAL_APPS}
        fields = ()
        if model._meta.app_label in ours:
            fields = tuple(
                field.attname
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField | models.JSONField)
                and not _SKIPPED_FIELDS.search(field.name)
            )
        _TEXT_FIELDS[model] = fields
    return fields


def mask_pans_before_save(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    """pre_save receiver: card numbers in any text or JSON field are masked before the write."""
    for attname in _text_fields(sender):
        value = getattr(instance, attname, None)
        if not value or isinstance(value, int | float | bool):
            continue
        masked = mask_pans(value, key=attname)
        if masked is not value:
            setattr(instance, attname, masked)
