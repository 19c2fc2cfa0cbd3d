"""Refresh-token reuse and parallel refresh: a refresh token works once; a second presentation
(sequential or racing) revokes every token of that login."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import IssuedRefreshToken
from tests.accounts.mfa import EnrolledStaff
from tests.security.concurrency import in_parallel
from tests.security.report import AttackReport

TOKEN, REFRESH, PRODUCTS = "/api/v1/auth/token", "/api/v1/auth/token/refresh", "/api/v1/products"


def _login(staff: EnrolledStaff) -> dict[str, str]:
    response = APIClient().post(TOKEN, staff.credentials(), format="json")
    assert response.status_code == 200, response.json()
    return dict(response.json())


def _refresh(token: str) -> Any:
    return APIClient().post(REFRESH, {"refresh": token}, format="json")


def _access_works(access: str) -> bool:
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {access}").get(PRODUCTS).status_code == 200


@pytest.mark.django_db
def test_reusing_a_refresh_token_revokes_the_whole_family() -> None:
    report = AttackReport("refresh_reuse")
    staff = EnrolledStaff()
    for rotations in (1, 2, 3, 5, 8):
        first = _login(staff)
        chain = [first]
        for _ in range(rotations):
            response = _refresh(chain[-1]["refresh"])
            assert response.status_code == 200
            chain.append(response.json())
        # The stolen (oldest) token is presented again.
        replay = _refresh(first["refresh"])
        report.tried(f"replay after {rotations} rotations", got_through=replay.status_code == 200)
        for depth, pair in enumerate(chain):
            later = _refresh(pair["refresh"])
            report.tried(
                f"after {rotations} rotations: refresh #{depth} of the revoked family",
                got_through=later.status_code == 200,
            )
            report.tried(
                f"after {rotations} rotations: access #{depth} of the revoked family",
                got_through=_access_works(pair["access"]),
            )
    report.assert_none_got_through()


@pytest.mark.django_db
def test_an_attacker_who_rotates_first_loses_everything_when_the_victim_refreshes() -> None:
    report = AttackReport("refresh_reuse_attacker_first")
    staff = EnrolledStaff()
    for round_ in range(4):
        victim = _login(staff)
        stolen = _refresh(victim["refresh"]).json()  # the attacker uses the stolen token first
        victim_try = _refresh(victim["refresh"])  # the victim's client refreshes: reuse
        assert victim_try.status_code == 401
        attacker_next = _refresh(stolen["refresh"])
        report.tried(
            f"round {round_}: attacker refresh", got_through=attacker_next.status_code == 200
        )
        report.tried(
            f"round {round_}: attacker access", got_through=_access_works(stolen["access"])
        )
    report.assert_none_got_through()


@pytest.mark.django_db
def test_a_logged_out_refresh_token_is_refused() -> None:
    report = AttackReport("refresh_after_logout")
    staff = EnrolledStaff()
    for round_ in range(3):
        tokens = _login(staff)
        rotated = _refresh(tokens["refresh"]).json()
        APIClient().post("/api/v1/auth/logout", {"refresh": rotated["refresh"]}, format="json")
        for name, token in (("rotated", rotated["refresh"]), ("original", tokens["refresh"])):
            report.tried(
                f"round {round_}: {name} after logout",
                got_through=_refresh(token).status_code == 200,
            )
        report.tried(
            f"round {round_}: access after logout", got_through=_access_works(rotated["access"])
        )
    report.assert_none_got_through()


def _refresher(token: str) -> Callable[[int], int]:
    return lambda _: int(_refresh(token).status_code)


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_refreshes_with_one_token_succeed_exactly_once() -> None:
    report = AttackReport("refresh_parallel")
    staff = EnrolledStaff()
    for round_ in range(3):
        tokens = _login(staff)
        results = in_parallel(20, _refresher(tokens["refresh"]))

        assert not [r for r in results if isinstance(r, Exception)], results
        assert sorted(results) == [200] + [401] * 19, results
        winners = 0
        for index, status in enumerate(results):
            winners += status == 200
            report.tried(
                f"round {round_}: parallel refresh #{index}",
                got_through=status == 200 and winners > 1,
                status=status,
            )
        # The losers were reuses: the family, the winner's new tokens included, is revoked.
        family = IssuedRefreshToken.objects.filter(user=staff.user).order_by("-pk").first()
        assert family is not None
        assert (
            IssuedRefreshToken.objects.filter(family=family.family, revoked_at__isnull=True).count()
            == 0
        )
    report.assert_none_got_through()
