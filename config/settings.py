"""Settings, read from the environment.

Unset variables fall back to an embedded setup (SQLite, Celery in-process) so that
`make run` works on a machine that has only the repository.
"""
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "accounts.admin_site.ScopedAdminSiteConfig",  # django.contrib.admin, limited to admin roles
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "accounts",
    "inspection",
    "rectification",
    "ingest",
    "ledger",
    "notices",
    "dashboard",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
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
                "dashboard.context_processors.navigation",
                "notices.context_processors.unread_notices",
                "rectification.context_processors.todo",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env_str("DB_CONN_MAX_AGE", "60")),
        # A connection PostgreSQL dropped (restart, failover, pg_terminate_backend) is replaced before the
        # request uses it, instead of answering one 500 per process.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: it compiles a plan whenever the *estimated* cost passes jit_above_cost, and region-prefix
    # estimates are poor, so short page queries paid 0.3–0.6 s of compiling at a million tasks (measured).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user name from one
# address, that pair is locked out for AXES_COOLOFF_TIME hours. Attempts are kept in the database.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env_str("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env_str("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit log (accounts.AuditEvent)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy set AXES_IPWARE_PROXY_COUNT (and SECURE_PROXY_SSL_HEADER below) to its number of hops.
if env_str("AXES_IPWARE_PROXY_COUNT", ""):
    AXES_IPWARE_PROXY_COUNT = int(env_str("AXES_IPWARE_PROXY_COUNT", "1"))
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Sessions end after 8 hours or when the browser closes, whichever is first.
SESSION_COOKIE_AGE = int(env_str("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# HTTPS: on by default in production. A local gunicorn benchmark over plain HTTP sets
# SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0; behind a TLS proxy set SECURE_PROXY_SSL_HEADER=1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The container health check asks over plain HTTP from inside; it must get the answer, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only;
# no inline scripts, no CDN. Vendored assets live under static/vendor/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "zh-hans"
# Chinese only: no LocaleMiddleware, so a browser asking for English still gets every text (Django's admin
# and form errors, DRF's messages) in Chinese, and no request pays for choosing a language.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# A filter's empty choice reads 全部 (django-filter's default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = "全部"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (整改佐证材料): never served at a public URL — only through views that check who is asking.
# Local folder by default; S3-compatible object storage (django-storages, `pip install -e ".[s3]"`) when
# EVIDENCE_S3_BUCKET is set. Files are private there too (no ACL, no public URL is ever handed out).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
EVIDENCE_MAX_BYTES = int(env_str("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
EVIDENCE_MAX_FILES = 10
EVIDENCE_S3_BUCKET = env_str("EVIDENCE_S3_BUCKET", "")
DEFAULT_FILE_STORAGE_BACKEND = (
    {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": EVIDENCE_S3_BUCKET,
        "endpoint_url": env_str("EVIDENCE_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("EVIDENCE_S3_REGION", "") or None,
        "access_key": env_str("EVIDENCE_S3_ACCESS_KEY", "") or None,
        "secret_key": env_str("EVIDENCE_S3_SECRET_KEY", "") or None,
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }}
    if EVIDENCE_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": DEFAULT_FILE_STORAGE_BACKEND,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Celery: with REDIS_URL unset every task runs eagerly in-process, the same code path.
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Every job is idempotent: a message is acknowledged when its task ends, and one whose pool child died (killed,
# out of memory) goes back to the queue. A job that keeps killing its child is stopped by its own attempt
# count (articles, imports) and by the sweeps that fail stuck work (`ingest.tasks.articles_sweep`,
# `ledger.tasks.imports_sweep`).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits for every task (a task may set its own): the soft one raises inside the task, which records
# why it stopped; the hard one kills the child.
CELERY_TASK_SOFT_TIME_LIMIT = int(env_str("CELERY_TASK_SOFT_TIME_LIMIT", "600"))
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
# Memory: a child is replaced after a task leaves it above this (KiB), and may never allocate more than
# WORKER_MEMORY_LIMIT_MB (config.celery._limit_child_memory; 0 = no limit).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(env_str("CELERY_WORKER_MAX_MEMORY_PER_CHILD", str(1024 * 1024)))
WORKER_MEMORY_LIMIT_MB = int(env_str("WORKER_MEMORY_LIMIT_MB", "3072"))
# Every Redis client gives up on a Redis that does not answer: a hung Redis costs a request at most a
# couple of seconds and a clear answer, never a gunicorn worker killed at its timeout.
REDIS_CONNECT_TIMEOUT = float(env_str("REDIS_CONNECT_TIMEOUT", "1"))
REDIS_SOCKET_TIMEOUT = float(env_str("REDIS_SOCKET_TIMEOUT", "2"))
# The broker's socket timeout must outlast its blocking reads (BRPOP waits 1 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": max(REDIS_SOCKET_TIMEOUT, 2),
    "health_check_interval": 25,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for Redis rather than exiting
CELERY_WORKER_CONSUMER = "config.worker:BrokerLossConsumer"  # survives a broker blip (see config/worker.py)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 25
CELERY_RESULT_EXPIRES = 24 * 3600
# Cache: Redis when REDIS_URL is set, shared by every web process and worker (rates answers of the API and the
# overview page, see core.versioned_cache). Without Redis nothing is cached: processes that each kept
# their own copy would not see each other's recomputes.
CACHES = {"default": {
    "BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "xuncha",  # Django's, one client a pool
    # A Redis that hangs must not hang the requests: the cache only saves work (see snapshot_cached).
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
} if REDIS_URL else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# A cached rates answer lives this long at most; a recompute or a change of group members ends it sooner.
RATES_CACHE_SECONDS = int(env_str("RATES_CACHE_SECONDS", "60"))
# The overview's content and the 待办 count live this long at most (0: not cached); any change to what they show
# ends them sooner (core.versioned_cache). The timeout bounds only a change whose end Redis missed.
PAGE_CACHE_SECONDS = int(env_str("PAGE_CACHE_SECONDS", "300"))
# Scheduled jobs (celery beat): rates of every scope nightly, warnings hourly (overdue is derived, never stored).
CELERY_BEAT_SCHEDULE = {
    "rates-recompute-all-nightly": {
        "task": "rectification.tasks.rates_recompute_all",
        "schedule": crontab(minute=10, hour=0),
    },
    "warnings-refresh-hourly": {"task": "rectification.tasks.warnings_refresh", "schedule": crontab(minute=15)},
    # Work a change still owes (rate scopes, warnings, articles, imports): sent again after an outage, or failed with
    # the reason once stuck past its limit.
    "rates-sweep": {"task": "rectification.tasks.rates_sweep", "schedule": 60.0},
    "warnings-sweep": {"task": "rectification.tasks.warnings_sweep", "schedule": 60.0},
    "articles-sweep": {"task": "ingest.tasks.articles_sweep", "schedule": 60.0},
    "ledger-imports-sweep": {"task": "ledger.tasks.imports_sweep", "schedule": 60.0},
    # Notices: tasks due soon at 07:30, the digest mails at 08:00 (both idempotent per day).
    "notices-due-soon-daily": {"task": "notices.tasks.notices_due_soon_scan", "schedule": crontab(minute=30, hour=7)},
    "notices-digest-daily": {"task": "notices.tasks.notices_digest_send", "schedule": crontab(minute=0, hour=8)},
    "notices-email-sweep": {"task": "notices.tasks.notices_email_sweep", "schedule": 300.0},
}

# 整改时限: the usual window after feedback, in months.
RECTIFICATION_WINDOW_MONTHS = 2
# Graded warnings: 提醒 this many days or fewer before the deadline, 黄牌 this many or fewer
# (task still open); 红牌 once the deadline has passed.
RECTIFICATION_WARNING_NOTICE_DAYS = int(env_str("RECTIFICATION_WARNING_NOTICE_DAYS", "20"))
RECTIFICATION_WARNING_YELLOW_DAYS = int(env_str("RECTIFICATION_WARNING_YELLOW_DAYS", "10"))

# The printed 督查情况专报: who issues it (编发单位) and its classification (密级).
BRIEFING_ISSUER = env_str("BRIEFING_ISSUER", "巡察工作领导小组办公室")
BRIEFING_CLASSIFICATION = env_str("BRIEFING_CLASSIFICATION", "内部资料 注意保存")
# After a change, its scopes' rates are recomputed this many seconds later, together with every
# change made in between (one recompute per scope for a burst).
RATES_DEBOUNCE_SECONDS = int(env_str("RATES_DEBOUNCE_SECONDS", "3"))

# Notices (站内消息) and their mail. A task whose deadline is this many days away or fewer tells its unit.
NOTICES_DUE_SOON_DAYS = int(env_str("NOTICES_DUE_SOON_DAYS", "7"))
# The address of the site, for the links in mails.
NOTICES_SITE_URL = env_str("NOTICES_SITE_URL", "http://127.0.0.1:8000")
# Mail: printed to the console unless EMAIL_HOST is set (then SMTP; see README).
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                        else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(env_str("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "巡察整改跟踪系统 <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# 整改台账 import: the upload size limit, the row count above which a Celery worker does the
# import (the page then shows its progress), and the most rows one file may hold.
LEDGER_MAX_UPLOAD_BYTES = int(env_str("LEDGER_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
LEDGER_ASYNC_ROWS = int(env_str("LEDGER_ASYNC_ROWS", "2000"))
LEDGER_MAX_ROWS = int(env_str("LEDGER_MAX_ROWS", "100000"))

# API token use is audited in batches written every this many seconds (accounts.audit.token_use_log): a crash
# loses at most this long's rows. 0 writes each row in its request.
AUDIT_FLUSH_SECONDS = float(env_str("AUDIT_FLUSH_SECONDS", "1"))

# REST API (`api/`): token or session authentication, one error shape, scoped reads, admin writes.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the pages' own calls; CSRF enforced
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadScopedWriteAdmin"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.ORJSONRenderer"],  # DRF's JSON, written by orjson
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "api.filtering.GivenFiltersBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,  # rates are numbers in JSON
}
SPECTACULAR_SETTINGS = {
    "TITLE": "巡察整改跟踪系统 API",
    "DESCRIPTION": "巡察轮次、问题、线索、整改任务与整改率的只读接口（巡察办管理员可写）。"
                   "认证：请求头 `Authorization: Token <令牌>`。所有数据按令牌所代表用户的地区范围限定。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["api.permissions.ReadScopedWriteAdmin"],  # the schema and its pages: reading roles only
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe_generated",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "rectification.choices.TaskStatus",
        "ExtensionStatusEnum": "rectification.choices.ExtensionStatus",
        "LeadStatusEnum": "inspection.choices.LeadStatus",
        "ArticleStatusEnum": "ingest.choices.ArticleStatus",
    },
}

# Ingest: the largest article file accepted (any door), in bytes.
INGEST_MAX_BYTES = int(env_str("INGEST_MAX_BYTES", str(20 * 1024 * 1024)))
# ... the longest article text (characters; longer files are refused), and the most figures and rounds kept
# from one article (beyond it the rest are dropped, the article says so and its uploader sees it).
INGEST_MAX_CHARS = int(env_str("INGEST_MAX_CHARS", "200000"))
INGEST_MAX_FACTS = int(env_str("INGEST_MAX_FACTS", "1000"))
# Queued articles (and large ledger imports) are handed to the broker again after this many seconds while
# still waiting (a broker outage, a lost message), and fail with a reason when still queued after the limit.
INGEST_RESEND_SECONDS = LEDGER_RESEND_SECONDS = int(env_str("JOB_RESEND_SECONDS", "120"))
INGEST_QUEUE_LIMIT_SECONDS = LEDGER_QUEUE_LIMIT_SECONDS = int(env_str("JOB_QUEUE_LIMIT_SECONDS", str(6 * 3600)))
