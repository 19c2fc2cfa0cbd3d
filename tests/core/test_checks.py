"""Our system checks (core.checks) pass on the shipped settings and fire on each bad setting;
`check --deploy --fail-level WARNING` is clean with production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings

from core.checks import check_api_defaults, check_deploy_settings


def ids(messages: list[Any]) -> list[str]:
    return sorted(message.id for message in messages)


def test_the_shipped_settings_pass_our_checks() -> None:
    assert ids(check_api_defaults()) == []


def test_deploy_checks_pass_with_a_production_key(settings: Any) -> None:
    settings.SECRET_KEY = "k" * 10 + "Zq8!vR2#pL5@xW9$mN3^bT6&hY1*cF4%"
    assert ids(check_deploy_settings()) == []


REST: dict[str, Any] = dict(django_settings.REST_FRAMEWORK)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"REST_FRAMEWORK": {**REST, "DEFAULT_PERMISSION_CLASSES": []}}, ["stockroom.E001"]),
        (
            {
                "REST_FRAMEWORK": {
                    **REST,
                    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
                }
            },
            ["stockroom.E001"],
        ),
        ({"REST_FRAMEWORK": {**REST, "DEFAULT_THROTTLE_CLASSES": []}}, ["stockroom.E002"]),
        (
            {"MIDDLEWARE": [m for m in django_settings.MIDDLEWARE if "request_context" not in m]},
            ["stockroom.E003"],
        ),
        (
            {"MIDDLEWARE": [*django_settings.MIDDLEWARE[1:], django_settings.MIDDLEWARE[0]]},
            ["stockroom.E003"],
        ),
        (
            {
                "LOGGING": {
                    "version": 1,
                    "handlers": {"file": {"class": "logging.FileHandler", "filename": "x"}},
                }
            },
            ["stockroom.W004"],
        ),
    ],
)
def test_each_bad_api_setting_raises_its_check(
    settings: Any, override: dict[str, Any], expected: list[str]
) -> None:
    for name, value in override.items():
        setattr(settings, name, value)
    assert ids(check_api_defaults()) == expected


GOOD_KEY = "Zq8!vR2#pL5@xW9$mN3^bT6&hY1*cF4%-production-signing"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"DEBUG": True}, ["stockroom.E010"]),
        (
            {
                "REST_FRAMEWORK": {
                    **REST,
                    "DEFAULT_RENDERER_CLASSES": [
                        *REST["DEFAULT_RENDERER_CLASSES"],
                        "rest_framework.renderers.BrowsableAPIRenderer",
                    ],
                }
            },
            ["stockroom.E011"],
        ),
        ({"SECRET_KEY": "short"}, ["stockroom.E012"]),
        ({"SECRET_KEY": "django-insecure-" + "a" * 40}, ["stockroom.E012"]),
        ({"SECRET_KEY": "local-development-only-not-secret-padded-for-hs256"}, ["stockroom.E012"]),
        (
            {"SIMPLE_JWT": {**django_settings.SIMPLE_JWT, "SIGNING_KEY": "too-short"}},
            ["stockroom.E012"],
        ),
        (
            {
                "SIMPLE_JWT": {
                    **django_settings.SIMPLE_JWT,
                    "ACCESS_TOKEN_LIFETIME": timedelta(hours=1),
                }
            },
            ["stockroom.W013"],
        ),
        ({"CORS_ALLOW_ALL_ORIGINS": True}, ["stockroom.E014"]),
        ({"CORS_ALLOWED_ORIGINS": ["*"]}, ["stockroom.E014"]),
        (
            {"MIDDLEWARE": [m for m in django_settings.MIDDLEWARE if "security_headers" not in m]},
            ["stockroom.E015"],
        ),
    ],
)
def test_each_bad_deploy_setting_raises_its_check(
    settings: Any, override: dict[str, Any], expected: list[str]
) -> None:
    settings.SECRET_KEY = GOOD_KEY
    for name, value in override.items():
        setattr(settings, name, value)
    assert ids(check_deploy_settings()) == expected


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "p7#Lx2!qZ9@vR4$mW8^nB3&kT6*yH1%cF5-production-only-key",
    "DJANGO_ALLOWED_HOSTS": "stockroom.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
    "CORS_ALLOWED_ORIGINS": "https://admin.example.com",
}


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = run_check(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_on_a_weak_production_setting() -> None:
    result = run_check({**PRODUCTION_ENV, "DJANGO_SECURE_HSTS_SECONDS": "0"})
    assert result.returncode == 1
    assert "security.W004" in result.stderr + result.stdout
