"""Log hygiene: no log record carries a secret, a token or personal data, and every record carries
the request id.

Two layers, so a handler added later (Celery's, gunicorn's, a test's) is covered too:
- `install_record_factory()` (called from `core.apps`) wraps the log-record factory: every record
  is redacted when it is created, before any handler sees it (message and arguments merged,
  exception text formatted and redacted);
- `RedactingFilter` is set on every handler of `LOGGING` (config/settings/base.py): records built
  before the app registry is ready go through the same redaction.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from core import request_context
from core.redaction import redact

_MARK = "_stockroom_redacted"


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, _MARK, False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep the template only
        message = str(record.msg)
    record.msg = redact(message)
    record.args = None
    if record.exc_info and record.exc_info[0] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = redact(text)
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    if not hasattr(record, "request_id"):
        record.request_id = request_context.request_id() or "-"
    setattr(record, _MARK, True)
    return record


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


_installed = False


def install_record_factory() -> None:
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
