"""Casework settings: the only module that reads configuration, and only from ``CASEWORK_*``.

Two profiles:

* ``demo`` (default): runs after a clone with nothing set, on SQLite in ``var/``; a random
  secret key is kept in ``var/secret-key``; email goes to the console.
* ``production``: every secret must be supplied; HTTPS, secure cookies and HSTS are on, and
  ``manage.py check --deploy`` reports nothing.

Every variable is documented in ``docs/operations.md``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from casework.core.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

PROFILE = env_choice("PROFILE", "demo", ("demo", "production"))
PRODUCTION = PROFILE == "production"
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ConfigurationError("CASEWORK_DEBUG cannot be on with CASEWORK_PROFILE=production")


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if PRODUCTION and len(key) < 50:
            raise ConfigurationError("CASEWORK_SECRET_KEY must be at least 50 characters")
        return key
    if PRODUCTION:
        raise ConfigurationError("CASEWORK_SECRET_KEY is required with CASEWORK_PROFILE=production")
    # Demo: a random key kept beside the demo database, never committed.
    path = VAR_DIR / "secret-key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()


def _field_keys() -> list[str]:
    """Fernet keys for field-level encryption (SSN). Newest first; see core/crypto.py."""
    from cryptography.fernet import Fernet

    keys = env_list("FIELD_KEYS", [])
    if not keys:
        if PRODUCTION:
            raise ConfigurationError(
                "CASEWORK_FIELD_KEYS is required with CASEWORK_PROFILE=production "
                "(generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')"
            )
        path = VAR_DIR / "field-key"
        if not path.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(Fernet.generate_key().decode())
            path.chmod(0o600)
        keys = [path.read_text().strip()]
    for key in keys:
        try:
            Fernet(key.encode())
        except ValueError:
            raise ConfigurationError(
                "CASEWORK_FIELD_KEYS holds a value that is not a Fernet key"
            ) from None
    return keys


CASEWORK_FIELD_KEYS = _field_keys()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "casework.core",
    "casework.accounts",
    "casework.audit",
    "casework.notifications",
    "casework.clients",
    "casework.intake",
    "casework.workforce",
    "casework.assessments",
    "casework.plans",
    "casework.resources",
    "casework.referrals",
    "casework.casenotes",
    "casework.scheduling",
    "casework.caseload",
    "casework.interop",
    "casework.api",
    "casework.web",
]

MIDDLEWARE = [
    # API calls with a bearer token take CASEWORK_TOKEN_MIDDLEWARE below instead.
    "casework.api.middleware.TokenRequestMiddleware",
    "casework.core.middleware.RequestContextMiddleware",
    "casework.core.middleware.BodyLimitMiddleware",  # 413 with Connection: close
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "casework.accounts.middleware.SessionLifetimeMiddleware",
    "casework.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Domain NotFound / PermissionDenied from web views become the 404 / 403 pages.
    "casework.web.middleware.DomainErrorMiddleware",
    "casework.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    "casework.audit.middleware.IdRangeMiddleware",  # ids past 64 bits: 404, audited
]

# The chain for API calls that carry a bearer token (casework.api.middleware): they never
# use the session, CSRF, django-otp, axes, messages or htmx, so only what every response
# needs stays. A middleware that must see token calls too belongs in both lists.
CASEWORK_TOKEN_MIDDLEWARE = [
    "casework.core.middleware.RequestContextMiddleware",
    "casework.core.middleware.BodyLimitMiddleware",  # 413 with Connection: close
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "casework.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "casework.urls"
WSGI_APPLICATION = "casework.wsgi.application"
ASGI_APPLICATION = "casework.asgi.application"

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
                "casework.web.context_processors.casework",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'casework.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL)
except ValueError as exc:
    raise ConfigurationError(f"CASEWORK_DATABASE_URL cannot be parsed: {exc}") from None

if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL with synchronous=FULL: a committed case note survives power loss; IMMEDIATE
    # transactions take the write lock up front and avoid SQLITE_BUSY on upgrade.
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(str(_db["NAME"])).parent.mkdir(parents=True, exist_ok=True)
elif _db["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DB_POOL", True):
        _db["CONN_MAX_AGE"] = 0
        _db["OPTIONS"] = {
            "pool": {
                "min_size": env_int("DB_POOL_MIN", 2, minimum=1),
                "max_size": env_int("DB_POOL_MAX", 10, minimum=1),
                "timeout": 10,
            }
        }
    else:
        _db["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 0, minimum=0)
    # Statements run through casework.core.db.bound_cursor (the per-request lookups and the
    # audit INSERT) are prepared on their connection after this many runs; every other
    # query keeps Django's client-side binding. Off behind a pooler that drops them.
    # Prepared, they run PostgreSQL's generic plan, planned once per connection: they are
    # key lookups, an INSERT and the intake search, whose custom plan cost more to make
    # than to run (decision 0112). Django's own queries are never prepared, so never
    # affected.
    _options = _db.setdefault("OPTIONS", {})
    _options["prepare_threshold"] = 2 if env_bool("DB_PREPARE", True) else None
    if _options["prepare_threshold"] is not None:
        _options["options"] = " ".join(
            filter(None, [_options.get("options", ""), "-c plan_cache_mode=force_generic_plan"])
        )
else:
    raise ConfigurationError("CASEWORK_DATABASE_URL must point at SQLite or PostgreSQL")
_db["ATOMIC_REQUESTS"] = False
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_SECONDS", 3600, minimum=300)

# Lockout (django-axes): a run of failures locks the account for a cool-off period.
AXES_FAILURE_LIMIT = env_int("LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOCKOUT_MINUTES", 15, minimum=1))
# One account from one address (decision 0060): a caller elsewhere cannot lock a worker out,
# and one office behind a shared address does not lock out every colleague. Guessing from
# many addresses is slowed per account instead (casework.accounts.throttle).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the email as "username" (Django's AuthenticationForm); axes would
# otherwise look for the user model's USERNAME_FIELD ("email") and never count a failure.
AXES_USERNAME_FORM_FIELD = "username"
# Count "Ana@X.org " and "ana@x.org" as one account, as sign-in itself does.
AXES_USERNAME_CALLABLE = "casework.web.views.auth.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "casework.web.views.auth.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)

OTP_TOTP_ISSUER = env_str("TOTP_ISSUER", "Casework")
# Roles that must sign in with a second factor in every organization, on top of the roles
# an organization adds itself. Production: admins, auditors and supervisors; demo: none.
CASEWORK_MFA_ROLES = env_list(
    "MFA_ROLES",
    ["org_admin", "program_admin", "auditor", "supervisor"] if PRODUCTION else [],
)

# --- Sessions: idle timeout (sliding) plus an absolute lifetime --------------------------

SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False  # SessionLifetimeMiddleware slides it once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "casework_session"
CSRF_COOKIE_NAME = "casework_csrftoken"

# --- Transport security ------------------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Request bodies: oversize uploads are refused with 413 rather than read into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_BODY_BYTES", 2_621_440, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Email --------------------------------------------------------------------------------

_email = env_choice("EMAIL_BACKEND", "smtp" if PRODUCTION else "console", ("console", "smtp"))
EMAIL_BACKEND = f"django.core.mail.backends.{_email}.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "Casework <casework@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (Django's tasks API via django-tasks) --------------------------------

_tasks = env_choice("TASK_BACKEND", "database", ("database", "immediate"))
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if _tasks == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}
# At scale: the RQ backend on Redis, when CASEWORK_TASKS_URL names one (redis://host:6379/0).
# ``casework serve`` then runs RQ's worker with its scheduler (for reminders due later).
TASKS_URL = env_str("TASKS_URL")
if TASKS_URL:
    if not TASKS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError("CASEWORK_TASKS_URL must be a redis:// URL.")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}  # type: ignore[dict-item]  # QUEUES is a list
    RQ_QUEUES = {"default": {"URL": TASKS_URL}}
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
    INSTALLED_APPS.append("django_rq")

# --- Cache -------------------------------------------------------------------------------

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Internationalisation -----------------------------------------------------------------

LANGUAGE_CODE = "en-us"
# "Feb 20, 2022" on every page (casework/core/formats); the API answers ISO 8601.
FORMAT_MODULE_PATH = ["casework.core.formats"]
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static files: USWDS and htmx come from node_modules (npm lock file), never a CDN --------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "static-collected")))
if not PRODUCTION:
    # WhiteNoise serves from the finders in demo mode but still expects the folder to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("signature_pad", BASE_DIR / "node_modules" / "signature_pad" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Demo serves straight from the finders; production serves collected, hashed files.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
if PRODUCTION:
    STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"
MEDIA_ROOT = VAR_DIR / "media"
# Case-note and client attachments: local disk by default; S3-compatible object storage
# (django-storages) when CASEWORK_ATTACHMENTS_S3_BUCKET is set, so several app servers share
# the files. Credentials come from the usual AWS_* variables or the instance role.
_attachments_bucket = env_str("ATTACHMENTS_S3_BUCKET")
_attachments: Any = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _attachments_bucket,
            "endpoint_url": env_str("ATTACHMENTS_S3_ENDPOINT") or None,
            "region_name": env_str("ATTACHMENTS_S3_REGION") or None,
            "location": "attachments",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if _attachments_bucket
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media" / "attachments")},
    }
)
STORAGES["attachments"] = _attachments

# --- Casework ------------------------------------------------------------------------------

CASEWORK_SITE_NAME = env_str("SITE_NAME", "Casework")
CASEWORK_API_PAGE_MAX = 200
CASEWORK_TOKEN_MAX_DAYS = env_int("TOKEN_MAX_DAYS", 365, minimum=1)
# A note signed this long after its service is marked a late entry (CMS sets no deadline).
CASEWORK_LATE_ENTRY_HOURS = env_int("LATE_ENTRY_HOURS", 48, minimum=1)
# Resource directory and referrals (issue 14).
CASEWORK_HOLIDAY_REGION = env_str("HOLIDAY_REGION", "US-NY")  # holidays package: country-subdiv
CASEWORK_DIRECTORY_VERIFY_DAYS = env_int("DIRECTORY_VERIFY_DAYS", 180, minimum=1)
CASEWORK_REFERRAL_RESPONSE_DAYS = env_int("REFERRAL_RESPONSE_DAYS", 3, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
