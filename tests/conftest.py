"""Suite-wide fixtures: real PostgreSQL and Redis; no connection leaves the machine."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

_real_connect = socket.socket.connect


def _loopback_only_connect(self: socket.socket, address: Any) -> Any:
    if isinstance(address, tuple) and address:
        host = address[0]
        try:
            is_local = ipaddress.ip_address(host).is_loopback
        except ValueError:
            is_local = host in {"localhost"}
        if not is_local:
            raise ConnectionRefusedError(f"tests may not reach the outside world ({host})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _block_outbound_sockets() -> Iterator[None]:
    socket.socket.connect = _loopback_only_connect  # type: ignore[method-assign,assignment]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign,assignment]


@pytest.fixture(autouse=True, scope="session")
def _clean_redis_namespace() -> Iterator[None]:
    yield
    cache.delete_pattern("*")  # type: ignore[attr-defined]  # only this worker's key prefix


@pytest.fixture
def admin_user(db: Any) -> Any:
    from accounts.models import User

    return User.objects.create_superuser(email="admin@example.com", password="correct-horse-42")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Throttle counters live in Redis; primary keys repeat between tests."""
    cache.delete_pattern("throttle:*")  # type: ignore[attr-defined]
