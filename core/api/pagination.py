"""Opaque cursor pagination: `?limit=` (default 50, max 250) and `?cursor=`; never COUNT(*).

The cursor encodes the position in a unique ordering (`-id` unless a view says otherwise), so a
page is stable while rows are inserted. The next page is in the body (`next`) and in a `Link`
header (rel="next"), as Shopify does."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response


class StockroomCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 250
    ordering = "-id"

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": ["Invalid cursor."]}) from None

    def page_payload(self, data: Any) -> tuple[dict[str, Any], dict[str, str] | None]:
        """The body and the headers of a page of `data` (serialised rows)."""
        next_url, previous_url = self.get_next_link(), self.get_previous_link()
        links = []
        if next_url:
            links.append(f'<{next_url}>; rel="next"')
        if previous_url:
            links.append(f'<{previous_url}>; rel="previous"')
        headers = {"Link": ", ".join(links)} if links else None
        return {"results": data, "next": next_url, "previous": previous_url}, headers

    def get_paginated_response(self, data: Any) -> Response:
        body, headers = self.page_payload(data)
        return Response(body, headers=headers)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "results": schema,
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
            },
        }
