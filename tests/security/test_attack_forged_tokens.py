"""Forged-token suite: every bearer token that did not come from our login is a 401, and every
refresh token that did not is refused by the refresh endpoint."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.settings import api_settings

from accounts.models import User
from tests.accounts.mfa import EnrolledStaff
from tests.security.report import AttackReport
from tests.security.tokens import b64, forge, parts

pytestmark = pytest.mark.django_db

PRODUCTS, REFRESH = "/api/v1/products", "/api/v1/auth/token/refresh"
FAKE_PUBLIC_KEY = (
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n"
    "-----END PUBLIC KEY-----\n"
)


def _bearer(header: str) -> int:
    return int(APIClient(HTTP_AUTHORIZATION=header).get(PRODUCTS).status_code)


def _variants(payload: dict[str, Any], key: str, now: float) -> dict[str, str]:
    """Name -> forged token, from a genuine payload."""
    v: dict[str, str] = {}
    for alg in ("none", "None", "NONE", "nOnE"):
        v[f"alg {alg}, no signature"] = forge(payload, alg=alg, signature="")
        v[f"alg {alg}, genuine-looking signature"] = forge(payload, alg=alg)
    v["no alg header"] = forge(payload, header={"typ": "JWT"}, signature="")
    for n, wrong in enumerate(
        ["", "secret", "stockroom", key[::-1], key + "x", key[:-1], key.upper(), "0" * 64]
    ):
        v[f"wrong key #{n}"] = forge(payload, key=wrong)
    for n in range(5):
        v[f"random key #{n}"] = forge(payload, key=os.urandom(32))
    for alg in ("HS384", "HS512"):
        v[f"right key, {alg} instead of HS256"] = forge(payload, key=key, alg=alg)
    for alg in ("RS256", "RS512", "ES256", "PS256", "EdDSA"):
        v[f"confusion: {alg} header"] = forge(payload, alg=alg)
    v["confusion: HS256 keyed with a public key"] = forge(payload, key=FAKE_PUBLIC_KEY)
    v["confusion: RS256 header, HMAC with the secret"] = forge(
        payload, key=key, header={"alg": "RS256", "typ": "JWT"}, signature=None
    )
    v["kid header injection"] = forge(
        payload, key="attacker", header={"alg": "HS256", "kid": "../../dev/null"}
    )
    v["jku header injection"] = forge(
        payload, key="attacker", header={"alg": "HS256", "jku": "https://evil.example/k"}
    )
    right = {**payload}
    changes: dict[str, dict[str, Any]] = {
        "expired 1 s ago": {"exp": int(now) - 1},
        "expired 1 h ago": {"exp": int(now) - 3600},
        "expired a year ago": {"exp": int(now) - 365 * 86400},
        "exp as a string": {"exp": "9999999999"},
        "exp far future but iat in the future": {"iat": now + 3600},
        "not valid before an hour from now": {"nbf": now + 3600},
        "not valid before 60 s from now": {"nbf": now + 60},
        "wrong audience": {"aud": "another-api"},
        "audience list without ours": {"aud": ["another-api", "x"]},
        "empty audience": {"aud": ""},
        "wrong issuer": {"iss": "https://evil.example"},
        "issuer case variant": {"iss": settings.SIMPLE_JWT["ISSUER"].upper()},
        "refresh type presented as access": {"token_type": "refresh"},
        "type case variant": {"token_type": "Access"},
        "unknown type": {"token_type": "admin"},
        "user id of nobody": {"user_id": "999999999"},
        "user id not a number": {"user_id": "abc"},
        "user id SQL": {"user_id": "1 OR 1=1"},
        "user id list": {"user_id": [1, 2]},
        "user id null": {"user_id": None},
        "user id float": {"user_id": 1.5},
        "iat before tokens_valid_after": {"iat": 1000.0},
        "iat as a string": {"iat": "now"},
        "family of nobody (malformed)": {"fam": "not-a-uuid"},
    }
    for name, change in changes.items():
        if all(right.get(claim) == value for claim, value in change.items()):
            continue  # e.g. "refresh type" on a refresh token: that is the genuine token
        v[f"right key, {name}"] = forge({**right, **change}, key=key)
    for claim in ("exp", "iat", "jti", "token_type", "user_id", "aud", "iss"):
        v[f"right key, missing {claim}"] = forge(
            {k: val for k, val in payload.items() if k != claim}, key=key
        )
    return v


def _tampered(token: str) -> dict[str, str]:
    _, payload, signature = parts(token)
    head = token.split(".")[0]
    v = {}
    for name, change in {
        "other user": {"user_id": str(int(payload["user_id"]) + 1)},
        "longer expiry": {"exp": payload["exp"] + 86400},
        "refresh type": {"token_type": "refresh"},
        "other audience": {"aud": "another-api"},
    }.items():
        body = b64(json.dumps({**payload, **change}).encode())
        v[f"tampered payload: {name}, original signature"] = f"{head}.{body}.{signature}"
    v["signature flipped"] = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    v["signature truncated"] = token[: -len(signature) // 2]
    v["signature removed"] = token.rsplit(".", 1)[0] + "."
    v["payload only"] = token.split(".")[1]
    v["extra segment"] = token + ".AAAA"
    none_header = b64(b'{"alg":"none"}')
    v["header swapped to none"] = f"{none_header}.{token.split('.')[1]}."
    return v


def test_forged_access_tokens_are_all_401() -> None:
    report = AttackReport("forged_access_tokens")
    staff = EnrolledStaff()
    tokens = APIClient().post("/api/v1/auth/token", staff.credentials(), format="json").json()
    key = str(api_settings.SIGNING_KEY)
    _, payload, _ = parts(tokens["access"])
    assert _bearer(f"Bearer {tokens['access']}") == 200  # the genuine token works

    attempts: dict[str, str] = {
        **_variants(payload, key, time.time()),
        **_tampered(tokens["access"]),
        "refresh token used as access": tokens["refresh"],
    }
    for name, token in attempts.items():
        status = _bearer(f"Bearer {token}")
        report.tried(name, got_through=status != 401, status=status)
    for name, header in {
        "empty bearer": "Bearer ",
        "bearer word only": "Bearer",
        "three-part garbage": "Bearer a.b.c",
        "two values after Bearer": f"Bearer {tokens['access']} extra",
        "Basic credentials": "Basic b3BzQGV4YW1wbGUuY29tOmEtbG9uZy1wYXNzd29yZC05",
        "Token scheme": f"Token {tokens['access']}",
        "JWT scheme": f"JWT {tokens['access']}",
        "lower-case scheme": f"bearer {tokens['access']}",
        "huge token": "Bearer " + "A" * 20000,
        "non-ascii token": "Bearer ☃.☃.☃",
        "latin-1 token": "Bearer \xe9\xff.\xe9.\xe9",
    }.items():
        status = _bearer(header)
        report.tried(name, got_through=status != 401, status=status)
    report.assert_none_got_through()


def test_tokens_of_deleted_inactive_or_logged_out_users_are_401() -> None:
    report = AttackReport("forged_tokens_revoked_users")
    client = APIClient()
    cases: list[tuple[str, Callable[[EnrolledStaff, dict[str, str]], object]]] = [
        ("deleted user", lambda s, t: User.objects.filter(pk=s.user.pk).delete()),
        ("inactive user", lambda s, t: User.objects.filter(pk=s.user.pk).update(is_active=False)),
        (
            "logged out",
            lambda s, t: APIClient().post(
                "/api/v1/auth/logout", {"refresh": t["refresh"]}, format="json"
            ),
        ),
        (
            "logged out everywhere",
            lambda s, t: APIClient(HTTP_AUTHORIZATION=f"Bearer {t['access']}").post(
                "/api/v1/auth/logout-all"
            ),
        ),
    ]
    for n, (name, revoke) in enumerate(cases):
        staff = EnrolledStaff(email=f"victim{n}@example.com")
        tokens = client.post("/api/v1/auth/token", staff.credentials(), format="json").json()
        assert _bearer(f"Bearer {tokens['access']}") == 200
        revoke(staff, tokens)
        access = _bearer(f"Bearer {tokens['access']}")
        refresh = APIClient().post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
        report.tried(f"{name}: access", got_through=access != 401, status=access)
        report.tried(
            f"{name}: refresh", got_through=refresh.status_code != 401, status=refresh.status_code
        )
    report.assert_none_got_through()


def test_forged_refresh_tokens_are_refused() -> None:
    report = AttackReport("forged_refresh_tokens")
    staff = EnrolledStaff()
    tokens = APIClient().post("/api/v1/auth/token", staff.credentials(), format="json").json()
    key = str(api_settings.SIGNING_KEY)
    _, payload, _ = parts(tokens["refresh"])
    attempts = {
        **_variants(payload, key, time.time()),
        **_tampered(tokens["refresh"]),
        "access token used as refresh": tokens["access"],
        "right key, unknown jti": forge({**payload, "jti": "0" * 32}, key=key),
        "right key, other family": forge(
            {**payload, "fam": "00000000-0000-0000-0000-000000000000"}, key=key
        ),
        "right key, missing fam": forge({k: v for k, v in payload.items() if k != "fam"}, key=key),
        "right key, another user's id": forge(
            {**payload, "user_id": str(staff.user.pk + 1)}, key=key
        ),
    }
    for name, token in attempts.items():
        response = APIClient().post(REFRESH, {"refresh": token}, format="json")
        report.tried(
            name, got_through=response.status_code not in (400, 401), status=response.status_code
        )
    report.assert_none_got_through()
    genuine = APIClient().post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert genuine.status_code == 200  # none of the forgeries spent or revoked the real one
