#!/usr/bin/env sh
# Web process: apply migrations (idempotent) and serve with gunicorn.
set -e
.venv/bin/python manage.py migrate --noinput
exec .venv/bin/gunicorn config.wsgi:application \
  --bind "0.0.0.0:${PORT:-8000}" \
  --workers "${GUNICORN_WORKERS:-3}" \
  --timeout "${GUNICORN_TIMEOUT:-30}" \
  --access-logfile -
