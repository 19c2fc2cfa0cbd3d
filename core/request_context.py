"""Who is acting, from where, under which request id: one context for audit rows and logs.

`RequestContextMiddleware` (first in MIDDLEWARE) accepts the caller's `X-Request-ID` when it is a
sane token (1-64 characters of letters, digits, `-`, `_`, `.`, `:`), generates a UUID4 otherwise,
echoes it in the response, and keeps it, the request and the client address in a context
variable for the length of the request. Audit entries (django-auditlog's `cid`, core.Event's
`request_id`) and every log record (`%(request_id)s`) read it from here. Celery tasks and
management commands run outside a request: their request id is the one the task was published
with (see `core.apps`), else empty.

The client address is REMOTE_ADDR unless the deployment says how many proxies it trusts
(DRF's `REST_FRAMEWORK["NUM_PROXIES"]`): then it is that many hops from the right of
`X-Forwarded-For`, so a client cannot choose the address its actions are recorded under.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_META = "HTTP_X_REQUEST_ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@dataclass(frozen=True, slots=True)
class RequestContext:
    request_id: str
    remote_addr: str | None = None
    request: HttpRequest | None = None

    def principal(self) -> Any:
        """Who the request authenticated as (DRF sets `request.user` once it has authenticated
        the JWT or API key): a User, an API key's user (pk None), or None."""
        user = getattr(self.request, "user", None) if self.request is not None else None
        if user is not None and getattr(user, "is_authenticated", False):
            return user
        return None

    def actor(self) -> Any:
        """The authenticated User (a database row) of the request, else None."""
        user = self.principal()
        return user if user is not None and user.pk is not None else None


_current: ContextVar[RequestContext | None] = ContextVar("stockroom_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def request_id() -> str:
    """The current request id ('' outside a request or task); auditlog's AUDITLOG_CID_GETTER."""
    context = _current.get()
    return context.request_id if context is not None else ""


def cid() -> str | None:
    """auditlog's correlation id: the request id, None when there is none."""
    return request_id() or None


def remote_addr() -> str | None:
    context = _current.get()
    return context.remote_addr if context is not None else None


def actor() -> Any:
    context = _current.get()
    return context.actor() if context is not None else None


def sane_request_id(value: str | None) -> str | None:
    """The caller's request id when it is safe to log and echo, else None."""
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bound(
    request_id: str, *, remote_addr: str | None = None, request: HttpRequest | None = None
) -> Iterator[RequestContext]:
    """Run a block under a request context (a request, a task, a command)."""
    context = RequestContext(request_id=request_id, remote_addr=remote_addr, request=request)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def client_addr(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the trusted hop of X-Forwarded-For."""
    from rest_framework.settings import api_settings

    remote = request.META.get("REMOTE_ADDR") or None
    proxies = api_settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = remote
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-min(int(proxies), len(hops))]
    return _valid_ip(address)


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


class RequestContextMiddleware:
    """Bind the request id, client address and request for the request's lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = sane_request_id(request.META.get(_REQUEST_ID_META)) or new_request_id()
        request.META[_REQUEST_ID_META] = rid
        with bound(rid, remote_addr=client_addr(request), request=request):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = rid
        return response
