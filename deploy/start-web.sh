#!/usr/bin/env sh
# Web process: apply migrations (idempotent) and serve with gunicorn, threaded workers (the
# choice measured against granian in bench/RESULTS.md).
set -e
.venv/bin/python manage.py migrate --noinput
exec .venv/bin/gunicorn config.wsgi:application \
  --bind "0.0.0.0:${PORT:-8000}" \
  --worker-class gthread \
  --workers "${GUNICORN_WORKERS:-3}" \
  --threads "${GUNICORN_THREADS:-8}" \
  --timeout "${GUNICORN_TIMEOUT:-30}" \
  --access-logfile -
