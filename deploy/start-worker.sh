#!/usr/bin/env sh
set -e
exec .venv/bin/celery -A config worker --loglevel="${LOG_LEVEL:-INFO}" --concurrency="${CELERY_CONCURRENCY:-2}"
