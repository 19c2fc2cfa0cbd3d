"""The API's JSON parser: camelCase in, snake_case out, and card numbers masked (core.pci) in
every string of every request body before a serializer, service or bulk write sees them
(bulk_create and QuerySet.update() send no pre_save signal). Credentials are passed through
untouched (a password is the user's, whatever digits it holds)."""

from __future__ import annotations

import re
from typing import Any

from djangorestframework_camel_case.parser import CamelCaseJSONParser

from core.pci import mask_pans

_CREDENTIAL_KEY = re.compile(r"password|secret|token|otp|(^|_)key$|(^|_)code$", re.IGNORECASE)


def _mask(value: Any, key: str = "") -> Any:
    if key and _CREDENTIAL_KEY.search(key):
        return value
    if isinstance(value, dict):
        return {item_key: _mask(item, str(item_key)) for item_key, item in value.items()}
    if isinstance(value, list):
        return [_mask(item, key) for item in value]
    return mask_pans(value, key=key)


class PanMaskingJSONParser(CamelCaseJSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return _mask(super().parse(stream, media_type, parser_context))
