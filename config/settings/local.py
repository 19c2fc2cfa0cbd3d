"""The embedded profile: SQLite under var/, local-memory cache, in-process tasks."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret-padded-for-hs256"
VAR_DIR.mkdir(exist_ok=True)
