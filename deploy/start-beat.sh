#!/usr/bin/env sh
set -e
exec .venv/bin/celery -A config beat --loglevel="${LOG_LEVEL:-INFO}"
