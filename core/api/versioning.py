"""/api/v2/: the v1 resources with one documented difference — money is an object.

v1: `"price": "19.99"`; v2: `"price": {"amount": "19.99", "currencyCode": "USD"}`, in responses
and in request bodies. The currency of a money value is the `currency` of the nearest enclosing
object that has one (an order and its lines), else the view's default: the shop's currency
(catalog prices), or the order's for an order's refunds and transactions. A v2 request whose
money object names another currency is refused. Values that are money objects already (the
`shop_money`/`presentment_money` of a `…_set`) are shown as they are. v1 stays unchanged: v2
views are the v1 views with this translation at the edges, and the schema documents v2 with
`Money`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from functools import cached_property
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet

from core.selectors import shop_currency

from .fast import camel_name

#: snake_case names of the money fields of the v2 resources.
MONEY_FIELDS = frozenset(
    {
        "price",
        "compare_at_price",
        "total_price",
        "subtotal_price",
        "total_tax",
        "total_discounts",
        "total_line_items_price",
        "total_shipping_price",
        "total_outstanding",
        "current_total_price",
        "current_subtotal_price",
        "current_total_tax",
        "current_total_discounts",
        "total_discount",
        "discounted_price",
        "subtotal",
        "amount",
        "pre_tax_price",
        "price_min",
        "price_max",
    }
)
CAMEL_MONEY_FIELDS = frozenset(camel_name(name) for name in MONEY_FIELDS)
MONEY_SCHEMA = {
    "type": "object",
    "required": ["amount", "currencyCode"],
    "properties": {
        "amount": {"type": "string", "format": "decimal", "pattern": r"^-?\d{0,12}(?:\.\d{0,2})?$"},
        "currencyCode": {"type": "string", "minLength": 3, "maxLength": 3},
    },
}


def money_to_objects(data: Any, currency: str, *, camel: bool = False) -> Any:
    """Money values → money objects; `camel`: the data has the API's camelCase keys already."""
    fields, code = (
        (CAMEL_MONEY_FIELDS, "currencyCode") if camel else (MONEY_FIELDS, "currency_code")
    )
    if isinstance(data, list):
        return [money_to_objects(item, currency, camel=camel) for item in data]
    if not isinstance(data, dict) or data.keys() == {"amount", code}:
        return data
    currency = data.get("currency") or currency
    return {
        key: (
            {"amount": str(value), code: currency}
            if key in fields and isinstance(value, str | Decimal)
            else money_to_objects(value, currency, camel=camel)
        )
        for key, value in data.items()
    }


def money_from_objects(data: Any, currency: str, path: str = "") -> Any:
    if isinstance(data, list):
        return [money_from_objects(item, currency, f"{path}{i}.") for i, item in enumerate(data)]
    if not isinstance(data, dict):
        return data
    currency = data.get("currency") or currency
    out = {}
    for key, value in data.items():
        if key in MONEY_FIELDS and value is not None:
            out[key] = _amount(value, currency, f"{path}{key}")
        else:
            out[key] = money_from_objects(value, currency, f"{path}{key}.")
    return out


def _amount(value: Any, currency: str, field: str) -> Any:
    if not isinstance(value, dict) or "amount" not in value:
        raise ValidationError({field: ['A money object {"amount", "currencyCode"} is required.']})
    given = value.get("currency_code", currency)
    if given != currency:
        raise ValidationError({field: [f"The currency must be {currency}, not {given}."]})
    return value["amount"]


class MoneyObjectsMixin:
    """Mixed into a v1 view to make its v2 twin."""

    kwargs: dict[str, Any]
    request: Request
    #: The view's default currency from its URL arguments and request (None: the shop's).
    currency_of: Callable[[dict[str, Any], Request], str | None] | None = None

    @cached_property
    def money_currency(self) -> str:
        """The currency of money with no `currency` nearer: read once per request."""
        currency_of = type(self).currency_of
        return (currency_of(self.kwargs, self.request) if currency_of else None) or shop_currency()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method in {"POST", "PUT", "PATCH"} and isinstance(request.data, dict):
            request._full_data = money_from_objects(request.data, self.money_currency)  # type: ignore[attr-defined]

    def present(self, data: Any) -> Any:
        """The fast path's camelCase rows (see ResourceViewSet.fast_response)."""
        return money_to_objects(data, self.money_currency, camel=True)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        shown = isinstance(response, Response) and response.status_code < 400
        if shown and response.data is not None:
            response.data = money_to_objects(copy.deepcopy(response.data), self.money_currency)
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


def v2(
    view: type[ViewSet],
    *,
    currency_of: Callable[[dict[str, Any], Request], str | None] | None = None,
) -> type[ViewSet]:
    """The v2 twin of a v1 view class. `currency_of(url_kwargs, request)` names the default
    currency of its money when that is not the shop's (an order's refunds: the order's
    currency); it raises Http404 for a parent that does not exist or that the request may not
    reach, as the v1 view would."""
    attrs = {"currency_of": staticmethod(currency_of)} if currency_of else {}
    return type(f"{view.__name__}V2", (MoneyObjectsMixin, view), attrs)


def document_v2_money(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: v2 operations reference `…V2` copies of their
    components, in which every money field is a `Money` object."""
    components = result.get("components", {}).get("schemas", {})
    camel = {_camel(name) for name in MONEY_FIELDS}
    copies: dict[str, str] = {}

    def convert(schema: Any) -> Any:
        if isinstance(schema, list):
            return [convert(item) for item in schema]
        if not isinstance(schema, dict):
            return schema
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = "#/components/schemas/" + v2_component(value.rsplit("/", 1)[1])
            elif key == "properties":
                out[key] = {
                    name: (
                        money_schema(prop)
                        if name in camel and prop.get("type") == "string"
                        else convert(prop)
                    )
                    for name, prop in value.items()
                }
            else:
                out[key] = convert(value)
        return out

    def money_schema(prop: dict[str, Any]) -> dict[str, Any]:
        ref = {"$ref": "#/components/schemas/Money"}
        return {"allOf": [ref], "nullable": True} if prop.get("nullable") else ref

    def v2_component(name: str) -> str:
        if name not in components:
            return name
        if name not in copies:
            copies[name] = f"{name}V2"
            components[f"{name}V2"] = convert(components[name])
        return copies[name]

    for path, operations in result.get("paths", {}).items():
        if path.startswith("/api/v2/"):
            result["paths"][path] = convert(operations)
    if copies:
        components["Money"] = MONEY_SCHEMA
    return result


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
