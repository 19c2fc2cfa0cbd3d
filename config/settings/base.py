"""Settings shared by every profile. Every value comes from the environment (see README)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

DJANGO_APPS = [
    "accounts.admin_apps.StockroomAdminConfig",  # django.contrib.admin with the MFA admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "guardian",
    "auditlog",
    "corsheaders",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "core",
    "accounts",
    "catalog",
    "customers",
    "orders",
    "inventory",
    "finance",
    "shipping",
    "b2b",
    "markets",
    "compliance",
    "webhooks",
    "shopify",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First: the request id, client address and request every audit entry and log line carry.
    "core.request_context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.security_headers.SecurityHeadersMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.api.middleware.ApiHttpSemanticsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: PostgreSQL in production and tests; the embedded profile overrides with SQLite.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'stockroom.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutModelBackend",  # ModelBackend + the failed-login lockout
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# Cache: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="stockroom")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# Celery: the broker is Redis when configured; without one, tasks run in-process (eager).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "purge-idempotency-keys": {"task": "core.tasks.purge_idempotency_keys", "schedule": 3600.0},
    "purge-expired-refresh-tokens": {
        "task": "accounts.tasks.purge_expired_refresh_tokens",
        "schedule": crontab(hour=4, minute=0),
    },
    # Shopify connector: incremental sync (deletions included) every 5 minutes, reconciliation
    # with repair nightly at 03:00 UTC. Without a configured shop both do nothing.
    "shopify-sync-incremental": {"task": "shopify.tasks.shopify_sync_task", "schedule": 300.0},
    "shopify-reconcile-nightly": {
        "task": "shopify.tasks.shopify_reconcile_task",
        "schedule": crontab(hour=3, minute=0),
    },
    # Data retention policies (compliance.DataRetentionPolicy), nightly at 02:30 UTC.
    "compliance-retention-nightly": {
        "task": "compliance.tasks.retention_run_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Webhook deliveries that failed (e.g. waiting for a parent record) are retried.
    "webhooks-retry-failed": {
        "task": "webhooks.tasks.webhook_retry_failed_task",
        "schedule": 300.0,
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.StockroomAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ApiKeyAuthentication",
        "core.api.authentication.StockroomJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.HasResourceScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.ApiKeyRateThrottle",
        "core.api.throttling.UserRateThrottle",
        "core.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StockroomCursorPagination",
    "DEFAULT_RENDERER_CLASSES": ["djangorestframework_camel_case.render.CamelCaseJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.PanMaskingJSONParser"],
    "EXCEPTION_HANDLER": "core.api.errors.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# camelCase JSON: keep `option1` as `option1` (not `option_1`).
JSON_CAMEL_CASE = {"JSON_UNDERSCOREIZE": {"no_underscore_before_number": True}}
# Requests per API key (the seed: 1000/hour). DRF rate syntax: N/second|minute|hour|day.
API_KEY_RATE_LIMIT = env.str("API_KEY_RATE_LIMIT", default="1000/hour")
# Per signed-in user (JWT), per client address without credentials, and per client address on
# the sign-in endpoints (/api/v1/auth/token, /refresh).
API_USER_RATE_LIMIT = env.str("API_USER_RATE_LIMIT", default="2000/hour")
API_ANON_RATE_LIMIT = env.str("API_ANON_RATE_LIMIT", default="300/minute")
API_AUTH_RATE_LIMIT = env.str("API_AUTH_RATE_LIMIT", default="30/minute")
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: the header is
# ignored and the peer address is the client (a spoofed header makes no new throttle bucket).
API_TRUSTED_PROXY_COUNT = env.int("API_TRUSTED_PROXY_COUNT", default=0)
# DRF's own notion of the client address agrees (its default trusts the whole header).
REST_FRAMEWORK["NUM_PROXIES"] = API_TRUSTED_PROXY_COUNT
# JWTs for staff (accounts.tokens): HS256 only, audience and issuer set and verified; refresh
# tokens rotate on every use and are tracked in accounts.IssuedRefreshToken.
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_TOKEN_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_TOKEN_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": False,  # our own family table does it (accounts.tokens)
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "AUDIENCE": env.str("JWT_AUDIENCE", default="stockroom-api"),
    "ISSUER": env.str("JWT_ISSUER", default="stockroom"),
    "LEEWAY": 0,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "AUTH_TOKEN_CLASSES": ("accounts.tokens.StockroomAccessToken",),
}
# The signing key defaults to DJANGO_SECRET_KEY (read by simplejwt from the final settings).
if JWT_SIGNING_KEY := env.str("JWT_SIGNING_KEY", default=""):
    SIMPLE_JWT["SIGNING_KEY"] = JWT_SIGNING_KEY
# Failed logins (admin and API token endpoint, counted per account in the shared cache across
# processes and source addresses): after AUTH_LOCKOUT_THRESHOLD the account is locked for
# AUTH_LOCKOUT_SECONDS after the last counted attempt (PCI DSS 8.3.4: at most 10, >= 30 min).
AUTH_LOCKOUT_THRESHOLD = env.int("AUTH_LOCKOUT_THRESHOLD", default=10)
AUTH_LOCKOUT_SECONDS = env.int("AUTH_LOCKOUT_SECONDS", default=30 * 60)
# MFA (django-otp): the issuer shown in authenticator apps; recovery codes per enrollment;
# failed code guesses wait 1, 2, 4, 8 … seconds times the factor per device.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Stockroom")
MFA_RECOVERY_CODE_COUNT = env.int("MFA_RECOVERY_CODE_COUNT", default=10)
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)
OTP_RECOVERY_THROTTLE_FACTOR = env.int("OTP_RECOVERY_THROTTLE_FACTOR", default=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "Stockroom API",
    "DESCRIPTION": "Commerce back office and data platform",
    "VERSION": "1.0.0",
    # Enums that share a field name across resources get their own component names.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.choices.OrderStatus",
        "OrderFinancialStatusEnum": "orders.choices.FinancialStatus",
        "OrderFulfillmentStatusEnum": "orders.choices.OrderFulfillmentStatus",
        "LineItemFulfillmentStatusEnum": "orders.choices.LineItemFulfillmentStatus",
        "FulfillmentStatusEnum": "orders.choices.FulfillmentStatus",
        "FulfillmentShipmentStatusEnum": "orders.choices.ShipmentStatus",
        "FulfillmentOrderStatusEnum": "orders.choices.FulfillmentOrderStatus",
        "FulfillmentOrderRequestStatusEnum": "orders.choices.FulfillmentOrderRequestStatus",
        "CancelReasonEnum": "orders.choices.CancelReason",
        "RestockTypeEnum": "orders.choices.RestockType",
        "TransactionKindEnum": "finance.choices.TransactionKind",
        "TransactionStatusEnum": "finance.choices.TransactionStatus",
        "GiftCardStatusEnum": "finance.choices.GiftCardStatus",
        "DiscountCodeStatusEnum": "finance.choices.DiscountCodeStatus",
        "ProductStatusEnum": "catalog.choices.ProductStatus",
        "SellingPlanStatusEnum": "catalog.choices.SellingPlanStatus",
        "MarketStatusEnum": "markets.choices.MarketStatus",
        "AdjustmentReasonEnum": "inventory.choices.AdjustmentReason",
        "WeightUnitEnum": "core.choices.WeightUnit",
        "WebhookFormatEnum": "webhooks.choices.WebhookFormat",
        "DataSubjectRequestTypeEnum": "compliance.choices.DataSubjectRequestType",
        "DataSubjectRequestStatusEnum": "compliance.choices.DataSubjectRequestStatus",
        "DataSubjectRequestSourceEnum": "compliance.choices.DataSubjectRequestSource",
        "ConsentSourceEnum": "compliance.choices.ConsentSource",
        "MarketingOptInLevelEnum": "customers.choices.MarketingOptInLevel",
    },
    # Swagger UI's assets are served from our static files (a strict CSP allows no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
        "core.api.versioning.document_v2_money",
    ],
}

# Admin: list pages above this many rows show an estimated count instead of COUNT(*).
ADMIN_ESTIMATED_COUNT_THRESHOLD = env.int("ADMIN_ESTIMATED_COUNT_THRESHOLD", default=10_000)

# Demo data and the demo admin created by `make run`.
DEMO_ADMIN_EMAIL = env.str("DEMO_ADMIN_EMAIL", default="admin@example.com")
DEMO_ADMIN_PASSWORD = env.str("DEMO_ADMIN_PASSWORD", default="")

# Shopify connector (used from the Shopify connector issue on).
SHOPIFY_SHOP_DOMAIN = env.str("SHOPIFY_SHOP_DOMAIN", default="")
SHOPIFY_ACCESS_TOKEN = env.str("SHOPIFY_ACCESS_TOKEN", default="")
SHOPIFY_API_VERSION = env.str("SHOPIFY_API_VERSION", default="2026-10")
SHOPIFY_API_SECRET = env.str("SHOPIFY_API_SECRET", default="")
# Secrets being rotated out: webhooks signed with them are still accepted.
SHOPIFY_API_SECRETS_PREVIOUS = env.list("SHOPIFY_API_SECRETS_PREVIOUS", default=[])
SHOPIFY_API_BASE_URL = env.str("SHOPIFY_API_BASE_URL", default="")
SHOPIFY_API_KEY = env.str("SHOPIFY_API_KEY", default="")
# Sync: incremental windows start this long before the high-water mark; a window holding more
# records than the threshold runs as a bulk operation; bulk status is polled from every POLL
# seconds, backing off to POLL_MAX.
SHOPIFY_SYNC_OVERLAP_SECONDS = env.int("SHOPIFY_SYNC_OVERLAP_SECONDS", default=120)
SHOPIFY_SYNC_BULK_THRESHOLD = env.int("SHOPIFY_SYNC_BULK_THRESHOLD", default=2000)
# A bulk result is applied (and checkpointed) in chunks of this many JSONL lines.
SHOPIFY_SYNC_CHUNK_LINES = env.int("SHOPIFY_SYNC_CHUNK_LINES", default=2000)
SHOPIFY_BULK_POLL_SECONDS = env.float("SHOPIFY_BULK_POLL_SECONDS", default=1.0)
SHOPIFY_BULK_POLL_MAX_SECONDS = env.float("SHOPIFY_BULK_POLL_MAX_SECONDS", default=10.0)
SHOPIFY_SCOPES = env.str(
    "SHOPIFY_SCOPES",
    default="read_products,read_customers,read_orders,read_inventory,read_locations",
)

# GDPR: where export documents are written (one JSON file per request, mode 0600), how long
# they are kept before the retention run deletes them; the nightly retention run's batch size.
GDPR_EXPORT_DIR = env.path("GDPR_EXPORT_DIR", default=VAR_DIR / "gdpr-exports")
GDPR_EXPORT_RETENTION_DAYS = env.int("GDPR_EXPORT_RETENTION_DAYS", default=30)
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=500)
# Audit (core.audit): every change of our models goes to django-auditlog; the request context
# middleware supplies actor, address and request id (its `cid`).
AUDITLOG_CID_GETTER = "core.request_context.cid"

# Transport and headers (production.py turns on HTTPS-only behaviour).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env.str("DJANGO_SECURE_REFERRER_POLICY", default="same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Content-Security-Policy violations are reported here when set (core.security_headers).
CSP_REPORT_URI = env.str("CSP_REPORT_URI", default="")
# CORS: browsers may call the API only from these origins (none by default).
CORS_ALLOWED_ORIGINS: list[str] = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "X-Request-ID", "Idempotent-Replayed"]

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# Every handler redacts secrets and personal data (core.log_hygiene) and prints the request id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "core.log_hygiene.RedactingFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # httpx logs every request at INFO: a sync would print one line per GraphQL page.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
