"""Metafield values checked against their type and a definition's validations (Shopify's rules).

A value is text, as in Shopify: "42", "true", "2024-05-01", '{"value": 2.5, "unit": "kg"}',
'["a", "b"]' for a list type. `value_errors` returns what is wrong with a value (empty: fine);
`validations_errors` what is wrong with a definition's validations for its type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.dateparse import parse_date, parse_datetime

MAX_INTEGER = 9_007_199_254_740_991
COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
REFERENCE = re.compile(r"^gid://shopify/[A-Za-z]+/\d+$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
UNITS = {
    "weight": {"g", "kg", "lb", "oz", "GRAMS", "KILOGRAMS", "POUNDS", "OUNCES"},
    "volume": {
        "ml", "cl", "l", "m3", "us_fl_oz", "us_pt", "us_qt", "us_gal", "imp_fl_oz", "imp_pt",
        "imp_qt", "imp_gal",
        "MILLILITERS", "CENTILITERS", "LITERS", "CUBIC_METERS", "FLUID_OUNCES", "PINTS",
        "QUARTS", "GALLONS", "IMPERIAL_FLUID_OUNCES", "IMPERIAL_PINTS", "IMPERIAL_QUARTS",
        "IMPERIAL_GALLONS",
    },
    "dimension": {
        "mm", "cm", "m", "in", "ft", "yd",
        "MILLIMETERS", "CENTIMETERS", "METERS", "INCHES", "FEET", "YARDS",
    },
}  # fmt: skip
TEXT = {"single_line_text_field", "multi_line_text_field"}
# The validations each base type accepts; list types add list.min and list.max.
VALIDATIONS: dict[str, set[str]] = {
    "single_line_text_field": {"min", "max", "regex", "choices"},
    "multi_line_text_field": {"min", "max", "regex"},
    "number_integer": {"min", "max"},
    "number_decimal": {"min", "max", "max_precision"},
    "date": {"min", "max"},
    "date_time": {"min", "max"},
    "rating": {"scale_min", "scale_max"},
}


def _decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    try:
        number = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _json_object(value: str, keys: set[str]) -> dict[str, Any] | str:
    try:
        data = json.loads(value)
    except ValueError:
        return "Enter a JSON object."
    if not isinstance(data, dict) or not keys <= data.keys():
        return f"Enter a JSON object with {', '.join(sorted(keys))}."
    return data


def _measurement(kind: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        data = _json_object(value, {"value", "unit"})
        if isinstance(data, str):
            return data
        if _decimal(data["value"]) is None:
            return "The value is a number."
        if data["unit"] not in UNITS[kind]:
            return f"Unknown {kind} unit {data['unit']!r}."
        return None

    return check


def _integer(value: str) -> str | None:
    if not re.fullmatch(r"[+-]?\d+", value) or abs(int(value)) > MAX_INTEGER:
        return "Enter a whole number."
    return None


def _decimal_text(value: str) -> str | None:
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", value):
        return "Enter a decimal number."
    return None


def _boolean(value: str) -> str | None:
    return None if value in ("true", "false") else 'Enter "true" or "false".'


def _date(value: str) -> str | None:
    try:
        ok = parse_date(value) is not None
    except ValueError:
        ok = False
    return None if ok else "Enter a date (YYYY-MM-DD)."


def _date_time(value: str) -> str | None:
    try:
        ok = parse_datetime(value) is not None
    except ValueError:
        ok = False
    return None if ok else "Enter an ISO 8601 date and time."


def _json(value: str) -> str | None:
    try:
        json.loads(value)
    except ValueError:
        return "Enter valid JSON."
    return None


def _url(value: str) -> str | None:
    if re.match(r"^(mailto|sms|tel):\S+$", value):
        return None
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return "Enter an http(s), mailto, sms or tel URL."
    return None


def _color(value: str) -> str | None:
    return None if COLOR.match(value) else "Enter a color as #RRGGBB."


def _rating(value: str) -> str | None:
    data = _json_object(value, {"value", "scale_min", "scale_max"})
    if isinstance(data, str):
        return data
    low, high, rating = (_decimal(data[k]) for k in ("scale_min", "scale_max", "value"))
    if low is None or high is None or rating is None or low >= high:
        return "Give numbers, with scale_min below scale_max."
    if not low <= rating <= high:
        return f"The rating is between {low} and {high}."
    return None


def _money(value: str) -> str | None:
    data = _json_object(value, {"amount", "currency_code"})
    if isinstance(data, str):
        return data
    if _decimal(data["amount"]) is None:
        return "The amount is a decimal number."
    if not isinstance(data["currency_code"], str) or not CURRENCY.match(data["currency_code"]):
        return "The currency code is an ISO 4217 code, e.g. USD."
    return None


def _single_line(value: str) -> str | None:
    return "A single line of text has no line breaks." if "\n" in value else None


def _link(value: str) -> str | None:
    data = _json_object(value, {"text", "url"})
    if isinstance(data, str):
        return data
    return _url(str(data["url"]))


def _rich_text(value: str) -> str | None:
    try:
        data = json.loads(value)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("type") != "root":
        return 'Enter a rich text document: {"type": "root", "children": [...]}.'
    return None


def _reference(value: str) -> str | None:
    return None if REFERENCE.match(value) else "Enter a Shopify GID, e.g. gid://shopify/Product/1."


def _present(value: str) -> str | None:
    return None if value.strip() else "Enter a value."


CHECKS: dict[str, Callable[[str], str | None]] = {
    "single_line_text_field": _single_line,
    "multi_line_text_field": lambda value: None,
    "number_integer": _integer,
    "number_decimal": _decimal_text,
    "boolean": _boolean,
    "date": _date,
    "date_time": _date_time,
    "json": _json,
    "url": _url,
    "color": _color,
    "weight": _measurement("weight"),
    "volume": _measurement("volume"),
    "dimension": _measurement("dimension"),
    "rating": _rating,
    "money": _money,
    "link": _link,
    "rich_text_field": _rich_text,
    "id": _present,
}


def _check(type_name: str) -> Callable[[str], str | None]:
    return CHECKS.get(type_name, _reference if type_name.endswith("_reference") else _present)


def _comparable(type_name: str, raw: str) -> Any:
    """A value (or a min/max bound) as something to compare, or None when it is not one."""
    if type_name in TEXT:
        number = _decimal(raw)
        return int(number) if number is not None and number == int(number) else None
    if type_name in ("number_integer", "number_decimal"):
        return _decimal(raw)
    if type_name == "date":
        try:
            return parse_date(raw)
        except ValueError:
            return None
    if type_name == "date_time":
        try:
            return parse_datetime(raw)
        except ValueError:
            return None
    return None


def _choices(raw: Any) -> list[str] | None:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    if isinstance(raw, list) and raw and all(isinstance(c, str) for c in raw):
        return raw
    return None


def validations_errors(type_name: str, validations: Any) -> list[str]:
    """What is wrong with a definition's validations ([{"name", "value"}]) for its type."""
    if not isinstance(validations, list):
        return ["Enter a list of {name, value} objects."]
    is_list = type_name.startswith("list.")
    base = type_name.removeprefix("list.")
    allowed = VALIDATIONS.get(base, set()) | ({"list.min", "list.max"} if is_list else set())
    errors, names = [], []
    for n, rule in enumerate(validations):
        if not isinstance(rule, dict) or set(rule) != {"name", "value"}:
            errors.append(f"Validation {n}: give its name and value.")
            continue
        name, raw = rule["name"], rule["value"]
        names.append(name)
        if name not in allowed:
            errors.append(f"Validation {n}: {name!r} does not apply to {type_name}.")
        elif name in ("min", "max") and _comparable(base, str(raw)) is None:
            errors.append(f"Validation {n}: {raw!r} is not a valid {name} for {type_name}.")
        elif name in ("list.min", "list.max", "max_precision") and not re.fullmatch(
            r"\d+", str(raw)
        ):
            errors.append(f"Validation {n}: {name} is a whole number.")
        elif name in ("scale_min", "scale_max") and _decimal(raw) is None:
            errors.append(f"Validation {n}: {name} is a number.")
        elif name == "regex":
            try:
                re.compile(str(raw))
            except re.error:
                errors.append(f"Validation {n}: not a valid regular expression.")
        elif name == "choices" and _choices(raw) is None:
            errors.append(f"Validation {n}: choices is a non-empty list of text.")
    if len(set(names)) != len(names):
        errors.append("Each validation appears once.")
    if base == "rating" and not {"scale_min", "scale_max"} <= set(names):
        errors.append("A rating definition gives scale_min and scale_max.")
    return errors


def _rule_errors(base: str, value: str, rules: dict[str, Any]) -> list[str]:
    errors = []
    measured: Any = len(value) if base in TEXT else _comparable(base, value)
    if "min" in rules and measured is not None and measured < _comparable(base, rules["min"]):
        unit = " characters" if base in TEXT else ""
        errors.append(f"Must be at least {rules['min']}{unit}.")
    if "max" in rules and measured is not None and measured > _comparable(base, rules["max"]):
        unit = " characters" if base in TEXT else ""
        errors.append(f"Must be at most {rules['max']}{unit}.")
    if "regex" in rules and not re.fullmatch(rules["regex"], value):
        errors.append(f"Must match {rules['regex']}.")
    if "choices" in rules and value not in (_choices(rules["choices"]) or []):
        errors.append(f"Must be one of: {', '.join(_choices(rules['choices']) or [])}.")
    places = len(value.split(".", 1)[1]) if "." in value else 0
    if "max_precision" in rules and places > int(rules["max_precision"]):
        errors.append(f"Use at most {rules['max_precision']} decimal places.")
    if base == "rating" and {"scale_min", "scale_max"} <= rules.keys():
        data = json.loads(value)
        if (_decimal(data["scale_min"]), _decimal(data["scale_max"])) != (
            _decimal(rules["scale_min"]),
            _decimal(rules["scale_max"]),
        ):
            errors.append(f"The scale is {rules['scale_min']} to {rules['scale_max']}.")
    return errors


def _item_text(item: Any) -> str:
    if isinstance(item, (dict, list)):
        return json.dumps(item)
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)


def value_errors(type_name: str, value: str, validations: list[dict[str, Any]] | None) -> list[str]:
    """What is wrong with `value` for a metafield of `type_name` under these validations."""
    rules = {rule["name"]: rule["value"] for rule in validations or []}
    base = type_name.removeprefix("list.")
    if not type_name.startswith("list."):
        error = _check(base)(value)
        return [error] if error else _rule_errors(base, value, rules)
    try:
        items = json.loads(value)
    except ValueError:
        items = None
    if not isinstance(items, list):
        return ['Enter a JSON list, e.g. ["a", "b"].']
    errors = []
    if "list.min" in rules and len(items) < int(rules["list.min"]):
        errors.append(f"Give at least {rules['list.min']} items.")
    if "list.max" in rules and len(items) > int(rules["list.max"]):
        errors.append(f"Give at most {rules['list.max']} items.")
    for n, item in enumerate(items):
        text = _item_text(item)
        error = _check(base)(text)
        for message in [error] if error else _rule_errors(base, text, rules):
            errors.append(f"Item {n}: {message}")
    return errors


__all__ = ["validations_errors", "value_errors"]
