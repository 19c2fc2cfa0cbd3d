"""The fast path for hot reads: rows from `.values()`, serialised by orjson.

DRF's nested serializers build every field of every row through Python objects (~20-35
requests/s for a 50-product page on 2 cores); a hot endpoint instead reads the columns it needs
and writes JSON bytes directly. The output is the same JSON as the serializer's (tests compare
them): camelCase keys, decimals as strings, datetimes in ISO 8601 with `Z`."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpResponse
from djangorestframework_camel_case.util import camelize

OPTIONS = orjson.OPT_UTC_Z


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, default=_default, option=OPTIONS)


class OrjsonResponse(HttpResponse):
    def __init__(self, data: Any, status: int = 200, headers: dict[str, str] | None = None):
        super().__init__(dumps(data), status=status, headers=headers)
        self["Content-Type"] = "application/json"


@functools.cache
def camel_name(name: str) -> str:
    """A key as the API's renderer names it (the same library, so the two paths agree)."""
    return next(iter(camelize({name: None}, **settings.JSON_CAMEL_CASE)))


class CamelRows(list[dict[str, Any]]):
    """Rows built with the API's keys already (see camel_keys): `camel` passes them through."""


def camel_keys(fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(camel_name(field) for field in fields)


def camel(data: Any) -> Any:
    """Rows with model field names → the API's camelCase keys (values are kept as they are;
    only nested lists and dicts are walked)."""
    if isinstance(data, CamelRows):
        return data
    if isinstance(data, dict):
        return {
            camel_name(key): camel(value) if isinstance(value, list | dict) else value
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [camel(item) if isinstance(item, list | dict) else item for item in data]
    return data
