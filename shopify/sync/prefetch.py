"""Read ahead: run a producer (download and mapping of a bulk result) in a thread, one or two
items ahead of the consumer (the database writes), so both make progress at once."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar, cast

T = TypeVar("T")

_DONE = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(source: Iterator[T], *, depth: int = 2) -> Iterator[T]:
    """The items of `source`, produced in a background thread at most `depth` ahead. An
    exception of the producer is raised here; when the consumer stops early, the producer stops
    at its next item."""
    items: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in source:
                if not put(item):
                    close = getattr(source, "close", None)
                    if close is not None:  # a generator: run its cleanup (open downloads)
                        close()
                    return
        except BaseException as error:  # handed to the consumer, raised there
            put(_Failure(error))
            return
        put(_DONE)

    thread = threading.Thread(target=produce, name="shopify-sync-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield cast(T, item)
    finally:
        stop.set()
        thread.join()
