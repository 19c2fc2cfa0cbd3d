"""Forging JWTs by hand: any header, any payload, any signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return json.loads(unb64(header)), json.loads(unb64(payload)), signature


DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def forge(
    payload: dict[str, Any],
    *,
    key: bytes | str | None = None,
    alg: str = "HS256",
    header: dict[str, Any] | None = None,
    signature: str | None = None,
) -> str:
    """A token with `header` (default {"alg": alg, "typ": "JWT"}) and `payload`, signed with
    HMAC-`alg` under `key`, or carrying `signature` verbatim (random bytes when neither)."""
    head = header if header is not None else {"alg": alg, "typ": "JWT"}
    signing_input = f"{b64(json.dumps(head).encode())}.{b64(json.dumps(payload).encode())}"
    if signature is None:
        if key is not None and alg in DIGESTS:
            raw_key = key.encode() if isinstance(key, str) else key
            signature = b64(hmac.new(raw_key, signing_input.encode(), DIGESTS[alg]).digest())
        else:
            signature = b64(os.urandom(256))
    return f"{signing_input}.{signature}"
