"""The test profile: real PostgreSQL and Redis, chosen by the test command."""

import os

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-not-secret-padded-to-32-bytes-for-hs256"
DEBUG = False
DATABASES = {
    "default": env.db_url(
        "TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/postgres"
    )
}
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_stockroom")}
REDIS_URL = env.str("TEST_REDIS_URL", default="redis://127.0.0.1:6379/13")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": (
            f"stockroom-{DATABASES['default']['TEST']['NAME']}-"
            f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        ),
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "core.log_hygiene.RedactingFilter"}},
}
# Suites send many requests from one test address; the throttle tests set tight limits themselves.
API_ANON_RATE_LIMIT = env.str("API_ANON_RATE_LIMIT", default="100000/minute")
API_AUTH_RATE_LIMIT = env.str("API_AUTH_RATE_LIMIT", default="100000/minute")
