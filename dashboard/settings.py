"""The one settings module. Configured only from the environment; see the README table.

Defaults give the embedded setup: an SQLite file in the project and Celery tasks run
in-process. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and real workers.
"""

import os
from pathlib import Path

import dj_database_url
import plotly
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (production mode).")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The public address of the site, used in e-mails and feeds (links must work outside a request).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' Swagger UI from local static files (no CDN)
    "threads",
    "ci_results",
    "dashboard",
]

# Sessions, users and messages serve the pages; the CI API under /api/ (bearer tokens,
# JSON) skips them: dashboard.middleware subclasses Django's classes for that.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dashboard.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "dashboard.middleware.AuthenticationMiddleware",
    "dashboard.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "dashboard.urls"
WSGI_APPLICATION = "dashboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (gunicorn workers, the dev server's threads, an in-process task)
    # must wait for the write lock instead of failing with "database is locked": WAL lets
    # readers run beside one writer, IMMEDIATE takes the write lock at BEGIN so a
    # transaction never has to upgrade a read lock (the deadlock that busy_timeout can't fix).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "")
# No broker: every task runs in-process, synchronously, at the point it is enqueued.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Celery's Django fixup closes database connections around every task unless this is set;
# dashboard/celery.py closes them as Django does instead (CONN_MAX_AGE, broken ones).
CELERY_DB_REUSE_MAX = 1_000_000_000
# The same jobs have management commands for cron (README: "Periodic jobs").
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "dashboard.tasks.heartbeat", "schedule": 60.0},
    "refresh-tracked-threads": {
        "task": "threads.tasks.refresh_due_threads",
        "schedule": crontab(minute="*/15"),
    },
    # Logs are parsed on commit, by a drain woken once per burst of posts; this one picks
    # up runs whose drain was lost (a broker restart) or failed.
    "parse-new-logs": {"task": "ci_results.tasks.parse_new_logs", "schedule": 60.0},
    # Crash text from mail and gists is classified on commit; this catches anything missed.
    "classify-crash-texts": {
        "task": "ci_results.tasks.classify_crash_texts",
        "schedule": crontab(minute="7,37"),
    },
    # Logs stored for uploads that were then rejected (see ci_results.services.logs).
    "prune-unreferenced-logs": {
        "task": "ci_results.tasks.prune_logs",
        "schedule": crontab(minute=23, hour=4),
    },
    # Hourly: the first run of a period sends it; later runs retry failures and send nothing
    # twice (one delivery row per subscriber and period).
    "send-daily-digests": {
        "task": "dashboard.tasks.send_digests",
        "schedule": crontab(minute=5),
        "kwargs": {"period": "daily"},
    },
    "send-weekly-digests": {
        "task": "dashboard.tasks.send_digests",
        "schedule": crontab(minute=10),
        "kwargs": {"period": "weekly"},
    },
}

# --- Outside sources (tests point these at a server on loopback) -------------------------
LORE_BASE_URL = os.environ.get("LORE_BASE_URL", "https://lore.kernel.org").rstrip("/")
LKML_BASE_URL = os.environ.get("LKML_BASE_URL", "https://lkml.iu.edu").rstrip("/")
GITHUB_API_URL = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
GITHUB_WEB_URL = os.environ.get("GITHUB_WEB_URL", "https://github.com").rstrip("/")
GIST_WEB_URL = os.environ.get("GIST_WEB_URL", "https://gist.github.com").rstrip("/")
GITHUB_TOKEN = os.environ.get("GITHUB_TOKEN", "")
# Where the gists API points truncated files (raw_url); fetched only for gists.
GIST_RAW_URL = os.environ.get("GIST_RAW_URL", "https://gist.githubusercontent.com").rstrip("/")
# Retries of one request on 429/5xx/connection errors, exponential backoff factor (seconds),
# and the longest Retry-After we wait for in-line (longer: the source is rescheduled).
FETCH_RETRIES = env_int("FETCH_RETRIES", 3)
FETCH_BACKOFF = float(os.environ.get("FETCH_BACKOFF", "1"))
FETCH_RETRY_AFTER_MAX = float(os.environ.get("FETCH_RETRY_AFTER_MAX", "60"))
FETCH_TIMEOUT = float(os.environ.get("FETCH_TIMEOUT", "20"))
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 50 * 1024 * 1024)
FETCH_USER_AGENT = os.environ.get(
    "FETCH_USER_AGENT", "kernel-bug-dashboard/0.1 (+https://github.com/; thread follower)"
)

# --- CI results -----------------------------------------------------------------------------
CONSOLE_LOG_DIR = Path(os.environ.get("CONSOLE_LOG_DIR", BASE_DIR / "var" / "logs"))
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kernel-dashboard@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Only collectstatic fills STATIC_ROOT; in development the finders serve the files.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# plotly.js comes from the installed plotly package, never from a CDN.
STATICFILES_DIRS = [("plotly", Path(plotly.__file__).parent / "package_data")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Auth, i18n ---------------------------------------------------------------------------
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# --- Production hardening (DEBUG off) -----------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
