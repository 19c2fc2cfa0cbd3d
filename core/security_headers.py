"""Response headers Django's SecurityMiddleware does not set: Content-Security-Policy and
Permissions-Policy (Referrer-Policy, X-Content-Type-Options, Cross-Origin-Opener-Policy and HSTS
come from SecurityMiddleware and the SECURE_* settings).

The policy is `default-src 'self'` with no framing (`frame-ancestors 'none'`), no plugins, no
base-URI or form-action elsewhere, images also from `data:` (Swagger UI's icons). Scripts are
same-origin only everywhere: the Swagger UI at /api/docs/ is the split view (its init script is
a separate same-origin request) with its assets served locally (drf-spectacular-sidecar). The
admin and the docs page keep inline `style` attributes, so they get `style-src 'unsafe-inline'`;
no page gets inline scripts. `CSP_REPORT_URI` adds a `report-uri`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
INLINE_STYLE_PREFIXES = ("/admin/", "/api/docs/")
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


def content_security_policy(path: str) -> str:
    policy = dict(BASE_POLICY)
    if path.startswith(INLINE_STYLE_PREFIXES):
        policy["style-src"] = "'self' 'unsafe-inline'"
    report_uri = getattr(settings, "CSP_REPORT_URI", "")
    if report_uri:
        policy["report-uri"] = report_uri
    return "; ".join(f"{name} {value}" for name, value in policy.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(request.path)
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
