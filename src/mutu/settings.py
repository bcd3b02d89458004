"""Settings for Mutu, read from the environment (12-factor).

Everything a deployment changes comes from an environment variable; the README lists
them. Defaults make `make demo` work on a fresh machine (SQLite under ``var/``).
With ``DJANGO_DEBUG`` off, a missing ``DJANGO_SECRET_KEY`` or ``DJANGO_ALLOWED_HOSTS``
stops the start-up: Mutu never runs in production on a default secret.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MUTU_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" are yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list without blanks."""
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY wajib diisi bila DJANGO_DEBUG mati / "
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "django-insecure-mutu-development-only"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS wajib diisi bila DJANGO_DEBUG mati / "
        "DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "mutu.audit",
    "mutu.registry",
    "mutu.accounts",
    "mutu.messaging",
    "mutu.surveys",
    "mutu.evaluations",
    "mutu.reports",
    "mutu.complaints",
    "mutu.demo",
    "mutu.ops",
    "mutu.benchdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The page headers above the rest, so that every answer carries them, also one
    # made from an error raised in a middleware below (a disallowed host).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mutu.language.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mutu.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    # Read-your-writes: a browser that writes reads from the primary for a while.
    "mutu.dbrouting.ReadYourWritesMiddleware",
    # Last, so that its answers (413, 503, the bodies of bare error answers) still
    # pass through the security headers of the middleware above.
    "mutu.error_answers.ErrorAnswerMiddleware",
]

ROOT_URLCONF = "mutu.urls"
WSGI_APPLICATION = "mutu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'mutu.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Read replicas (mutu.dbrouting, docs/scaling-replicas.md): PostgreSQL streaming
# replicas of DATABASE_URL, comma-separated; the views marked read-only (public pages,
# dashboards, reports, exports) read from them. Empty: everything on DATABASE_URL.
# A browser that has just written reads from the primary for
# MUTU_READ_YOUR_WRITES_SECONDS, longer than the replicas' lag is expected to be.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS")
MUTU_REPLICA_ALIASES = [
    f"replica{number}" for number in range(1, len(DATABASE_REPLICA_URLS) + 1)
]
for _alias, _url in zip(MUTU_REPLICA_ALIASES, DATABASE_REPLICA_URLS, strict=True):
    DATABASES[_alias] = {
        **dj_database_url.parse(
            _url,
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        ),
        # a test run reads the test database through the replica's alias
        "TEST": {"MIRROR": "default"},
    }
# Behind PgBouncer in transaction pooling, a server-side cursor (a queryset's
# .iterator() on PostgreSQL) may lose its server between two fetches: turn them off.
for _database in DATABASES.values():
    _database["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS"
    )
DATABASE_ROUTERS = ["mutu.dbrouting.ReplicaRouter"]
MUTU_READ_YOUR_WRITES_SECONDS = int(
    os.environ.get("MUTU_READ_YOUR_WRITES_SECONDS", "15")
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "home"

# Login lockout (django-axes): after MUTU_LOGIN_FAILURE_LIMIT failures for one
# username from one address, that pair is locked for MUTU_LOGIN_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("MUTU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("MUTU_LOGIN_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Failures are cleared only when the whole login succeeds (password and, where one is
# needed, the two-factor code: mutu.accounts.two_factor.login_failures_reset), not
# at the password step, so wrong codes keep counting towards the lockout.
AXES_RESET_ON_SUCCESS = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Two-factor login (django-otp, TOTP + recovery codes; mutu.accounts.two_factor).
# National admins, evaluators and coordinators must use it whenever DEBUG is off; it is
# deliberately not an environment knob, so a production cannot run without it. Anyone
# else may enrol, and an enrolled user always gives a code.
MUTU_TWO_FACTOR_REQUIRED = not DEBUG
MUTU_RECOVERY_CODE_COUNT = 10
OTP_TOTP_ISSUER = "Mutu"
# A wrong code makes the next one wait 1, 2, 4 … seconds on that device (any address).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# SKM survey knobs (see mutu.surveys.integrity and the survey form).
MUTU_SURVEY_MIN_SECONDS = int(os.environ.get("MUTU_SURVEY_MIN_SECONDS", "5"))
MUTU_SURVEY_DUPLICATE_WINDOW_MINUTES = int(
    os.environ.get("MUTU_SURVEY_DUPLICATE_WINDOW_MINUTES", str(24 * 60))
)
MUTU_SURVEY_BURST_PER_MINUTE = int(os.environ.get("MUTU_SURVEY_BURST_PER_MINUTE", "6"))
MUTU_SURVEY_STRAIGHT_LINE_RUN = int(
    os.environ.get("MUTU_SURVEY_STRAIGHT_LINE_RUN", "3")
)
MUTU_SURVEY_HOURS_GRACE_MINUTES = int(
    os.environ.get("MUTU_SURVEY_HOURS_GRACE_MINUTES", "60")
)
MUTU_SURVEY_FOURS_JUMP = float(os.environ.get("MUTU_SURVEY_FOURS_JUMP", "0.25"))
MUTU_SURVEY_FOURS_MIN_ANSWERS = int(
    os.environ.get("MUTU_SURVEY_FOURS_MIN_ANSWERS", "90")
)
# Integrity rules of the public form and kiosk run this long after the commit.
MUTU_SURVEY_INTEGRITY_DELAY_SECONDS = float(
    os.environ.get("MUTU_SURVEY_INTEGRITY_DELAY_SECONDS", "5")
)
# The submission window of every channel: a response may be at most this old and
# this far ahead of the server's clock (the kiosk files a time outside it at the
# time of receipt; the API and the paper import refuse it).
MUTU_SURVEY_MAX_AGE_DAYS = int(os.environ.get("MUTU_SURVEY_MAX_AGE_DAYS", "400"))
# The official SKM report of a period is rendered and kept by the worker when the
# period is published (otherwise at its first download); mutu.reports.services.
MUTU_REPORTS_KEEP_ON_PUBLISH = env_bool("MUTU_REPORTS_KEEP_ON_PUBLISH", True)
# The newest comments of a unit's period read for the themes of its results page
# (issue 15 item 7): bounded, and the page says so.
MUTU_COMMENT_THEMES_READ = int(os.environ.get("MUTU_COMMENT_THEMES_READ", "5000"))
# D12: responses a unit needs to be ranked when it states no population.
MUTU_RANKING_MINIMUM_SAMPLE = int(os.environ.get("MUTU_RANKING_MINIMUM_SAMPLE", "50"))
# Seconds a region's trend keeps the figures of the periods before the chosen one
# (mutu.reports.dashboards.region_trend); 0 reads them on every request.
MUTU_TREND_CACHE_SECONDS = int(os.environ.get("MUTU_TREND_CACHE_SECONDS", "300"))
# The licence of the open data at /data/ (name and the URL of its text; the URL
# names the version, 4.0, so the name needs none).
MUTU_OPEN_DATA_LICENCE_NAME = os.environ.get(
    "MUTU_OPEN_DATA_LICENCE_NAME", "Creative Commons Atribusi (CC BY)"
)
MUTU_OPEN_DATA_LICENCE_URL = os.environ.get(
    "MUTU_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/deed.id"
)
MUTU_SURVEY_MAX_SKEW_MINUTES = int(os.environ.get("MUTU_SURVEY_MAX_SKEW_MINUTES", "5"))
MUTU_API_BULK_MAX = int(os.environ.get("MUTU_API_BULK_MAX", "1000"))
# Request body limits (mutu.error_answers, mutu.api.parsers). The API's fits its
# largest valid request, measured by tests/api/test_parsers.py: a bulk of
# MUTU_API_BULK_MAX (1,000) items, each with a 2,000-character comment of characters
# outside the Basic Multilingual Plane (12 bytes each as json.dumps escapes them, a
# surrogate pair) is 24,456,000 bytes (23.3 MiB); 24 MiB leaves 2.9 % for
# indentation (raise both together). The kiosk's fits 100 queued responses as its
# page sends them (JSON.stringify, UTF-8: 835,090 bytes); the webhook's fits a
# WhatsApp Cloud delivery (Meta: "payloads can be up to 3MB").
MUTU_API_MAX_BODY_MB = float(os.environ.get("MUTU_API_MAX_BODY_MB", "24"))
MUTU_KIOSK_MAX_BODY_KB = int(os.environ.get("MUTU_KIOSK_MAX_BODY_KB", "1024"))
MUTU_WEBHOOK_MAX_BODY_KB = int(os.environ.get("MUTU_WEBHOOK_MAX_BODY_KB", "3072"))
# Django's own limit on a body read whole (request.body, form fields; files are
# apart): the largest such body is a webhook delivery. The API reads its body itself
# under MUTU_API_MAX_BODY_MB; past this limit a page answers 413 (HTML), a JSON
# endpoint 413 in its own shape.
DATA_UPLOAD_MAX_MEMORY_SIZE = MUTU_WEBHOOK_MAX_BODY_KB * 1024
# While the database is unreachable every answer is 503 with this Retry-After: a
# PostgreSQL restart or a fail-over takes seconds to tens of seconds.
MUTU_OUTAGE_RETRY_AFTER_SECONDS = int(
    os.environ.get("MUTU_OUTAGE_RETRY_AFTER_SECONDS", "30")
)
MUTU_PUBLIC_POSTS_PER_MINUTE = int(os.environ.get("MUTU_PUBLIC_POSTS_PER_MINUTE", "20"))
MUTU_COMPLAINT_SOLVED_ASK_DAYS = int(
    os.environ.get("MUTU_COMPLAINT_SOLVED_ASK_DAYS", "14")
)  # "Apakah masalah Anda sudah selesai?" this many days after closing (issue 13)
MUTU_COMPLAINT_LOOKUPS_PER_MINUTE = int(
    os.environ.get("MUTU_COMPLAINT_LOOKUPS_PER_MINUTE", "20")
)  # tracking-code look-ups per address and minute, against enumeration
MUTU_SMS_TIMEOUT_MINUTES = int(os.environ.get("MUTU_SMS_TIMEOUT_MINUTES", "30"))
MUTU_SMS_GATEWAY_TOKEN = os.environ.get("MUTU_SMS_GATEWAY_TOKEN", "")
MUTU_WHATSAPP_APP_SECRET = os.environ.get("MUTU_WHATSAPP_APP_SECRET", "")
MUTU_WHATSAPP_VERIFY_TOKEN = os.environ.get("MUTU_WHATSAPP_VERIFY_TOKEN", "")
MUTU_SMS_OUTBOUND_SENDER = os.environ.get("MUTU_SMS_OUTBOUND_SENDER", "")
# Outbound messages (docs/sms-whatsapp.md "Sending replies"): a sender is on when its
# credentials are set. Base URLs are settings so tests point them at a local server.
MUTU_WHATSAPP_API_BASE = os.environ.get(
    "MUTU_WHATSAPP_API_BASE", "https://graph.facebook.com"
)
MUTU_WHATSAPP_API_VERSION = os.environ.get("MUTU_WHATSAPP_API_VERSION", "v21.0")
MUTU_WHATSAPP_PHONE_NUMBER_ID = os.environ.get("MUTU_WHATSAPP_PHONE_NUMBER_ID", "")
MUTU_WHATSAPP_ACCESS_TOKEN = os.environ.get("MUTU_WHATSAPP_ACCESS_TOKEN", "")
# purpose=template name pairs: the pre-approved templates used outside the 24-hour
# window, e.g. "survey_invitation=mutu_undangan,complaint_update=mutu_aduan".
MUTU_WHATSAPP_TEMPLATES = os.environ.get("MUTU_WHATSAPP_TEMPLATES", "")
MUTU_WHATSAPP_TEMPLATE_LANGUAGE = os.environ.get(
    "MUTU_WHATSAPP_TEMPLATE_LANGUAGE", "id"
)
MUTU_TWILIO_API_BASE = os.environ.get("MUTU_TWILIO_API_BASE", "https://api.twilio.com")
MUTU_TWILIO_ACCOUNT_SID = os.environ.get("MUTU_TWILIO_ACCOUNT_SID", "")
MUTU_TWILIO_AUTH_TOKEN = os.environ.get("MUTU_TWILIO_AUTH_TOKEN", "")
MUTU_TWILIO_SMS_FROM = os.environ.get("MUTU_TWILIO_SMS_FROM", "")
MUTU_TWILIO_WHATSAPP_FROM = os.environ.get("MUTU_TWILIO_WHATSAPP_FROM", "")
# The generic HTTP gateway: inbound field mapping (dotted paths in a JSON or form
# body) and the outbound request (URL, method, one auth header, a body template).
MUTU_SMS_GATEWAY_TOKEN_HEADER = os.environ.get(
    "MUTU_SMS_GATEWAY_TOKEN_HEADER", "X-Mutu-Token"
)
MUTU_SMS_GATEWAY_INBOUND_FIELDS = os.environ.get(
    "MUTU_SMS_GATEWAY_INBOUND_FIELDS", "from=from,text=text,message_id=message_id"
)
MUTU_SMS_GATEWAY_SEND_URL = os.environ.get("MUTU_SMS_GATEWAY_SEND_URL", "")
MUTU_SMS_GATEWAY_SEND_METHOD = os.environ.get("MUTU_SMS_GATEWAY_SEND_METHOD", "POST")
MUTU_SMS_GATEWAY_AUTH_HEADER = os.environ.get("MUTU_SMS_GATEWAY_AUTH_HEADER", "")
MUTU_SMS_GATEWAY_BODY_FORMAT = os.environ.get("MUTU_SMS_GATEWAY_BODY_FORMAT", "json")
MUTU_SMS_GATEWAY_BODY_TEMPLATE = os.environ.get(
    "MUTU_SMS_GATEWAY_BODY_TEMPLATE", '{"to": "{phone}", "text": "{text}"}'
)
MUTU_SMS_GATEWAY_PHONE_FORMAT = os.environ.get("MUTU_SMS_GATEWAY_PHONE_FORMAT", "62")
MUTU_SMS_GATEWAY_ID_FIELD = os.environ.get("MUTU_SMS_GATEWAY_ID_FIELD", "id")
# The queue: attempts before a 5xx becomes a failure, the first backoff (doubled
# each attempt), the HTTP timeout, the daily cap per number, quiet hours (WIB).
MUTU_MESSAGING_MAX_ATTEMPTS = int(os.environ.get("MUTU_MESSAGING_MAX_ATTEMPTS", "5"))
MUTU_MESSAGING_RETRY_SECONDS = int(os.environ.get("MUTU_MESSAGING_RETRY_SECONDS", "30"))
MUTU_MESSAGING_HTTP_TIMEOUT_SECONDS = float(
    os.environ.get("MUTU_MESSAGING_HTTP_TIMEOUT_SECONDS", "10")
)
MUTU_MESSAGING_DAILY_CAP = int(os.environ.get("MUTU_MESSAGING_DAILY_CAP", "60"))
MUTU_MESSAGING_QUIET_START = int(os.environ.get("MUTU_MESSAGING_QUIET_START", "21"))
MUTU_MESSAGING_QUIET_END = int(os.environ.get("MUTU_MESSAGING_QUIET_END", "6"))
# Fernet keys (comma-separated, newest first) sealing the phone numbers kept for
# later messages; empty: one key derived from SECRET_KEY (development only).
MUTU_MESSAGING_KEYS = [
    key.strip()
    for key in os.environ.get("MUTU_MESSAGING_KEYS", "").split(",")
    if key.strip()
]
MUTU_IMPORT_MAX_ROWS = int(os.environ.get("MUTU_IMPORT_MAX_ROWS", "200000"))
MUTU_IMPORT_MAX_MB = int(os.environ.get("MUTU_IMPORT_MAX_MB", "50"))
MUTU_EVIDENCE_MAX_MB = int(os.environ.get("MUTU_EVIDENCE_MAX_MB", "10"))
MUTU_KIOSK_SYNC_PER_MINUTE = int(os.environ.get("MUTU_KIOSK_SYNC_PER_MINUTE", "60"))
MUTU_KIOSK_IDLE_SECONDS = int(os.environ.get("MUTU_KIOSK_IDLE_SECONDS", "60"))
MUTU_PUBLIC_BASE_URL = os.environ.get("MUTU_PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# Background work (django-tasks): the database backend by default; a worker runs it
# with `mutu db_worker`. MUTU_TASKS_BACKEND=immediate runs tasks in the request.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("MUTU_TASKS_BACKEND") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# The cache holds what must be counted or shared across requests: rate limits
# (mutu.ratelimit, the API throttles), survey places (mutu.surveys.places) and units'
# own network ranges (mutu.surveys.integrity). Django's per-process memory cache by
# default, which is right for one process; with several web processes or hosts set
# MUTU_CACHE_URL=redis://host:6379/N so every process counts and forgets together.
# Short socket timeouts: a stalled Redis must not hold a web worker for long.
MUTU_CACHE_URL = os.environ.get("MUTU_CACHE_URL", "").strip()
if MUTU_CACHE_URL:
    if not MUTU_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "MUTU_CACHE_URL harus berawalan redis://, rediss:// atau unix:// / "
            "MUTU_CACHE_URL must start with redis://, rediss:// or unix://."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": MUTU_CACHE_URL,
            "KEY_PREFIX": "mutu",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# REST API (DRF + drf-spectacular): token auth for systems, sessions for people.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "public": os.environ.get("MUTU_PUBLIC_RATE", "60/minute"),
        "system": os.environ.get("MUTU_API_SYSTEM_RATE", "1200/minute"),
        "system_bulk": os.environ.get("MUTU_API_BULK_RATE", "60/minute"),
    },
    "DEFAULT_PARSER_CLASSES": ["mutu.api.parsers.MutuJSONParser"],
    "EXCEPTION_HANDLER": "mutu.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mutu API",
    "DESCRIPTION": "API Mutu: respons SKM, data terbuka / Mutu API: SKM responses, open data.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mutu.api.schema.refuse_unknown_keys",
    ],
}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language on every page (src/mutu/formats/).
FORMAT_MODULE_PATH = ["mutu.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "mutu@localhost")

# Security: secure cookies and HSTS whenever DEBUG is off.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY") else None
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): no inline script, everything from our origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("MUTU_LOG_LEVEL", "WARNING"),
    },
}
