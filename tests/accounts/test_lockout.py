"""Failed-login lockout: at most 10 failures, >= 30 minutes, same answer as a wrong password."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.lockout import _key, login_is_locked
from accounts.models import User

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"
PASSWORD = "a-long-password-9"


@pytest.fixture
def account() -> User:
    return User.objects.create_user(email="erp@example.com", password=PASSWORD)


def _try(email: str, password: str, **extra: Any) -> Any:
    return APIClient().post(TOKEN, {"email": email, "password": password}, format="json", **extra)


def test_the_eleventh_attempt_is_refused_even_with_the_right_password(account: User) -> None:
    answers = [_try("erp@example.com", f"wrong-{n}").json() for n in range(10)]

    locked = _try("erp@example.com", PASSWORD)

    assert locked.status_code == 401
    assert locked.json() == answers[0] == answers[-1]
    assert login_is_locked(email="erp@example.com")


def test_nine_failures_then_the_right_password_logs_in_and_clears_the_count(account: User) -> None:
    for n in range(9):
        _try("erp@example.com", f"wrong-{n}")

    assert _try("erp@example.com", PASSWORD).status_code == 200
    assert cache.get(_key("erp@example.com")) is None
    for n in range(9):
        _try("erp@example.com", f"wrong-{n}")
    assert _try("erp@example.com", PASSWORD).status_code == 200


def test_the_lock_lasts_at_least_thirty_minutes(account: User, settings: Any) -> None:
    for n in range(10):
        _try("erp@example.com", f"wrong-{n}")

    ttl = cache.ttl(_key("erp@example.com"))  # type: ignore[attr-defined]

    assert settings.AUTH_LOCKOUT_THRESHOLD == 10
    assert settings.AUTH_LOCKOUT_SECONDS == 1800
    assert 1790 <= ttl <= 1800


def test_attempts_on_a_locked_account_do_not_extend_the_lock(account: User) -> None:
    for n in range(10):
        _try("erp@example.com", f"wrong-{n}")
    cache.touch(_key("erp@example.com"), 100)

    _try("erp@example.com", PASSWORD)

    assert cache.ttl(_key("erp@example.com")) <= 100  # type: ignore[attr-defined]


def test_the_lock_ends_after_its_duration(account: User, settings: Any) -> None:
    settings.AUTH_LOCKOUT_SECONDS = 1
    for n in range(10):
        _try("erp@example.com", f"wrong-{n}")
    assert _try("erp@example.com", PASSWORD).status_code == 401

    time.sleep(1.2)

    assert _try("erp@example.com", PASSWORD).status_code == 200


def test_unknown_email_wrong_password_and_locked_answer_alike(account: User) -> None:
    wrong = _try("erp@example.com", "wrong")
    unknown = _try("nobody@example.com", "wrong")
    for n in range(10):
        _try("erp@example.com", f"wrong-{n}")
    locked = _try("erp@example.com", PASSWORD)
    inactive_user = User.objects.create_user(email="gone@example.com", password=PASSWORD)
    inactive_user.is_active = False
    inactive_user.save()
    inactive = _try("gone@example.com", PASSWORD)

    bodies = {str(r.json()) for r in (wrong, unknown, locked, inactive)}
    assert {r.status_code for r in (wrong, unknown, locked, inactive)} == {401}
    assert bodies == {
        str(
            {
                "error": {
                    "code": "UNAUTHENTICATED",
                    "message": "No active account found with the given credentials",
                    "details": [],
                }
            }
        )
    }
    assert set(wrong.headers) == set(unknown.headers) == set(locked.headers)


def test_unknown_emails_lock_too_so_the_lock_reveals_nothing() -> None:
    for n in range(10):
        _try("Nobody@Example.com ", f"wrong-{n}")

    assert login_is_locked(email="nobody@example.com")


def test_the_count_ignores_the_case_and_spacing_of_the_email(account: User) -> None:
    for n, email in enumerate(["ERP@example.com", " erp@EXAMPLE.com", "Erp@Example.Com"] * 4):
        _try(email, f"wrong-{n}")

    assert _try("erp@example.com", PASSWORD).status_code == 401


def test_the_cache_key_holds_no_email_address(account: User) -> None:
    _try("erp@example.com", "wrong")

    keys = [str(k) for k in cache.keys("auth:*")]  # type: ignore[attr-defined]

    assert len(keys) == 1
    assert "erp" not in keys[0]


def test_login_unlock_lifts_the_lock(account: User) -> None:
    for n in range(10):
        _try("erp@example.com", f"wrong-{n}")
    out = StringIO()

    call_command("login_unlock", "ERP@example.com", stdout=out)

    assert out.getvalue().strip() == "erp@example.com: unlocked."
    assert _try("erp@example.com", PASSWORD).status_code == 200
