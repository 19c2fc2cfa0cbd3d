"""Security headers on every response, a strict CSP the admin and Swagger UI work under, CORS
only for listed origins, HTTPS enforcement as production configures it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from core.security_headers import content_security_policy

pytestmark = pytest.mark.django_db

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def test_every_response_carries_the_security_headers() -> None:
    for path in ("/health", "/api/v1/customers", "/nowhere", "/admin/login/"):
        response = Client().get(path)
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert response["X-Frame-Options"] == "DENY", path
        assert "camera=()" in response["Permissions-Policy"], path
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path
        assert response["X-Request-ID"], path
    assert Client().get("/health")["Content-Security-Policy"] == STRICT_CSP


def test_csp_report_uri_is_added_when_configured(settings: Any) -> None:
    settings.CSP_REPORT_URI = "https://csp.example.com/report"
    assert content_security_policy("/health") == STRICT_CSP + (
        "; report-uri https://csp.example.com/report"
    )


def _scripts_and_styles(html: str) -> tuple[list[str], list[str], list[str]]:
    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    inline = [s for s in re.findall(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", html, re.S)]
    links = re.findall(r'<link[^>]*href="([^"]+)"', html)
    return sources, inline, links


def test_swagger_ui_loads_only_same_origin_scripts_under_the_csp() -> None:
    client = Client()
    page = client.get("/api/docs/")
    assert page.status_code == 200
    csp = page["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "https:" not in csp
    sources, inline, links = _scripts_and_styles(page.content.decode())
    assert inline == []  # no inline script: the init script is its own request
    assert len(sources) == 3 and all(src.startswith("/") for src in sources), sources
    assert all(href.startswith("/") for href in links), links
    for asset in (src for src in sources if src.startswith("/static/")):
        assert finders.find(asset.removeprefix("/static/")) is not None, asset
    init = client.get(next(src for src in sources if "script" in src and "static" not in src))
    assert init.status_code == 200 and "SwaggerUIBundle" in init.content.decode()
    assert client.get("/api/schema/").status_code == 200


def test_the_admin_works_under_the_csp(admin_user: Any, verified_login: Any) -> None:
    client = Client()
    login = client.get("/admin/login/")
    assert login.status_code == 200
    assert "style-src 'self' 'unsafe-inline'" in login["Content-Security-Policy"]
    sources, inline, _links = _scripts_and_styles(login.content.decode())
    assert [script for script in inline if script.strip()] == []
    assert all(src.startswith("/static/") for src in sources)
    verified_login(client, admin_user)
    page = client.get("/admin/customers/customer/")
    assert page.status_code == 200
    _sources, inline, _links = _scripts_and_styles(page.content.decode())
    assert [script for script in inline if script.strip()] == []


def test_cors_allows_only_the_listed_origins(settings: Any) -> None:
    client = Client()
    preflight: dict[str, Any] = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"}
    assert "Access-Control-Allow-Origin" not in client.options(
        "/api/v1/customers", HTTP_ORIGIN="https://evil.example.com", **preflight
    )
    settings.CORS_ALLOWED_ORIGINS = ["https://admin.example.com"]
    allowed = client.options(
        "/api/v1/customers", HTTP_ORIGIN="https://admin.example.com", **preflight
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://admin.example.com"
    assert "Access-Control-Allow-Credentials" not in allowed
    refused = client.get("/api/v1/customers", HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in refused
    # Not the API: no CORS at all.
    assert "Access-Control-Allow-Origin" not in client.get(
        "/health", HTTP_ORIGIN="https://admin.example.com"
    )


def test_https_is_enforced_as_production_configures_it(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^health$"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()

    plain = client.get("/api/v1/customers")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/api/v1/customers"
    assert client.get("/health").status_code == 200  # the load balancer's probe
    secure = client.get("/admin/login/", HTTP_X_FORWARDED_PROTO="https")
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    cookie = secure.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
