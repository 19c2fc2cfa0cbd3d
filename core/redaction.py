"""Secrets and personal data out of text that leaves the database: log lines and audit entries.

`redact(text)` removes credentials (Authorization values, API keys, JWTs, Shopify tokens,
`password=`/`token=`/`secret=`/cookie values), e-mail addresses, phone numbers and card
numbers (PCI: masked to first six / last four). It is deliberately greedy around credentials
(a key named like a secret loses its value whatever it is) and conservative for phone numbers
(international `+` numbers and the 3-3-4 grouping), so timestamps, ids and amounts survive.
"""

from __future__ import annotations

import re
from typing import Any

from core.pci import mask_pans_in_text

REDACTED = "[redacted]"

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Credentials carried by a scheme word: "Bearer eyJ...", "Basic dXNlcjpw", "Api-Key sr_..".
    (re.compile(r"(?i)\b(bearer|basic|token|api-key|apikey)(\s+)[^\s\"',;]+"), r"\1\2" + REDACTED),
    # key=value / "key": "value" / key: value for names that hold secrets.
    (
        re.compile(
            r"(?i)((?:[\w-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|"
            r"authorization|cookie|session(?:id)?|csrf[\w-]*|otp|totp|signature|hmac|"
            r"private[_-]?key|access[_-]?key|client[_-]?secret)[\w-]*)[\"']?\s*[:=]\s*"
            r"[\"']?)([^\s\"'&,;}\]]+)"
        ),
        r"\1" + REDACTED,
    ),
    # JSON Web Tokens.
    (re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*"), "[jwt]"),
    # Shopify access tokens and secrets.
    (re.compile(r"\bshp(?:at|ca|pa|ss|ua|ua)_[A-Za-z0-9]{16,}"), "[shopify-token]"),
    # Our API keys: sr_<prefix>_<secret>.
    (re.compile(r"\bsr_[0-9a-f]{6,}_[\w-]{8,}"), "[api-key]"),
    # E-mail addresses.
    (re.compile(r"[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[email]"),
    # Phone numbers: international (+...) and the 3-3-4 grouping.
    (re.compile(r"(?<![\w+])\+\d(?:[ ().-]{0,2}\d){6,14}(?!\d)"), "[phone]"),
    (re.compile(r"(?<![\w-])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\w-])"), "[phone]"),
)


def redact(text: str) -> str:
    if not text:
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return mask_pans_in_text(text, anywhere=True)


def redact_value(value: Any) -> Any:
    """`redact` applied to every string nested in a JSON-like value."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value
