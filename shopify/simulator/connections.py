"""Relay connections as Shopify serves them: edges/nodes/pageInfo, opaque cursors, sortKey, reverse.

A cursor is base64 of ``{"last_id": <id>, "last_value": <sort value>}`` — the shape of Shopify's own
cursors. Records are ordered by ``(sort value, id)``, so a cursor stays valid when records change:
a record updated during a scan moves to the end of an UPDATED_AT ordering, exactly as at Shopify,
and a sync engine that pages by cursor alone misses it.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Sequence
from typing import Any

from graphql import GraphQLError

from shopify.simulator.store import SortKey
from shopify.simulator.values import Record

MAX_PAGE_SIZE = 250


def encode_cursor(key: SortKey) -> str:
    payload = json.dumps({"last_id": key[1], "last_value": key[0]}, separators=(",", ":"))
    return base64.b64encode(payload.encode()).decode()


def decode_cursor(cursor: str) -> SortKey:
    try:
        payload = json.loads(base64.b64decode(cursor.encode(), validate=True))
        value, last_id = payload["last_value"], payload["last_id"]
    except (binascii.Error, ValueError, KeyError, TypeError) as error:
        raise GraphQLError(f"Invalid cursor for current pagination sort: {cursor!r}") from error
    if not isinstance(last_id, int) or not isinstance(value, int | str):
        raise GraphQLError(f"Invalid cursor for current pagination sort: {cursor!r}")
    return value, last_id


def check_page_arguments(first: int | None, last: int | None) -> None:
    """Shopify's rules: one of first/last, each between 0 and 250."""
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    if first is not None and last is not None:
        raise GraphQLError("providing both first and last is not supported")
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= MAX_PAGE_SIZE:
            raise GraphQLError(
                f"The {name} argument must be a value between 0 and {MAX_PAGE_SIZE}."
            )


def connection(
    keys: Sequence[SortKey],
    records: Sequence[Record],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    reverse: bool = False,
    matches: Callable[[Record], bool] | None = None,
) -> dict[str, Any]:
    """One page of `records` (sorted ascending by `keys`), as a connection result."""
    check_page_arguments(first, last)
    try:
        low, high = _window(keys, after, before, reverse)
    except TypeError as error:  # a cursor made for another sortKey
        raise GraphQLError("Invalid cursor for current pagination sort.") from error
    forward = range(low, high) if not reverse else range(high - 1, low - 1, -1)
    accept = matches or _everything
    if first is not None:
        picked, more = _take(forward, records, first, accept)
        has_next, has_previous = (
            more,
            after is not None
            and _any_outside(keys, records, low, high, reverse, accept, leading=True),
        )
    else:
        assert last is not None
        picked, more = _take(reversed(forward), records, last, accept)
        picked.reverse()
        has_next, has_previous = (
            before is not None
            and _any_outside(keys, records, low, high, reverse, accept, leading=False),
            more,
        )
    window = [keys[position] for position in picked]
    edges = [
        {"_key": key, "node": records[position]}
        for key, position in zip(window, picked, strict=True)
    ]
    return {
        "edges": edges,
        "nodes": [edge["node"] for edge in edges],
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": encode_cursor(window[0]) if window else None,
            "endCursor": encode_cursor(window[-1]) if window else None,
        },
    }


def _window(
    keys: Sequence[SortKey], after: str | None, before: str | None, reverse: bool
) -> tuple[int, int]:
    """The [low, high) slice of `keys` strictly between the cursors, in storage order."""
    low, high = 0, len(keys)
    if after is not None:
        cursor = decode_cursor(after)
        if reverse:
            high = min(high, bisect.bisect_left(keys, cursor))
        else:
            low = max(low, bisect.bisect_right(keys, cursor))
    if before is not None:
        cursor = decode_cursor(before)
        if reverse:
            low = max(low, bisect.bisect_right(keys, cursor))
        else:
            high = min(high, bisect.bisect_left(keys, cursor))
    return low, high


def list_connection(items: Sequence[Record], arguments: dict[str, Any]) -> dict[str, Any]:
    """A child connection over a record's list (keyed by position)."""
    keys = [(position, item.get("_id", position)) for position, item in enumerate(items)]
    return connection(
        keys,
        items,
        first=arguments.get("first"),
        after=arguments.get("after"),
        last=arguments.get("last"),
        before=arguments.get("before"),
        reverse=bool(arguments.get("reverse")),
    )


def _everything(record: Record) -> bool:
    return True


def _take(
    positions: Any, records: Sequence[Record], size: int, accept: Callable[[Record], bool]
) -> tuple[list[int], bool]:
    picked: list[int] = []
    for position in positions:
        if accept(records[position]):
            if len(picked) == size:
                return picked, True
            picked.append(position)
    return picked, False


def _any_outside(
    keys: Sequence[SortKey],
    records: Sequence[Record],
    low: int,
    high: int,
    reverse: bool,
    accept: Callable[[Record], bool],
    *,
    leading: bool,
) -> bool:
    """Whether a matching record lies before (leading) or after the window, in connection order."""
    below = leading != reverse
    positions = range(low - 1, -1, -1) if below else range(high, len(keys))
    return any(accept(records[position]) for position in positions)
