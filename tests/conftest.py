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
    """Throttle and failed-login counters live in Redis; primary keys and emails repeat
    between tests."""
    cache.delete_pattern("throttle:*")  # type: ignore[attr-defined]
    cache.delete_pattern("auth:*")  # type: ignore[attr-defined]


def _verified_login(client: Any, user: Any) -> Any:
    """Log `user` into `client` as a complete admin login does: password session plus a
    verified TOTP device (created when the user has none). Returns the device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def verified_login(db: Any) -> Any:
    """`verified_login(client, user)`: the admin requires a verified MFA device, so admin tests
    log in with this instead of `client.force_login(user)`."""
    return _verified_login


@pytest.fixture
def admin_client_verified(admin_user: Any, verified_login: Any) -> Any:
    from django.test import Client

    client = Client()
    verified_login(client, admin_user)
    return client
