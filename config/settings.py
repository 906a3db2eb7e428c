"""Settings, read from the environment (django-environ) with strict parsers.

Two ways to run, chosen by what the environment provides:

* ``DATABASE_URL`` unset → SQLite in ``var/db.sqlite3`` (the embedded default of
  ``make run``); set → that database (PostgreSQL in tests, CI and production).
* ``REDIS_URL`` unset → Celery tasks run eagerly in-process and the cache is
  local memory; set → Redis is the broker, result backend and cache.

``DJANGO_ENV=production`` refuses to start without ``SECRET_KEY`` and
``ALLOWED_HOSTS`` and turns on the secure-cookie and HTTPS settings.
"""
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"

SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5


def _strong_secret_key(value: str) -> str:
    """The secret signs sessions, reveal answers and the signed answer links: an empty, short, repetitive or
    Django-generated-insecure one would let anyone forge them, so production refuses to start (Django itself
    only warns, then answers 500 everywhere with an empty one)."""
    if (len(value) < SECRET_KEY_MIN_LENGTH or len(set(value)) < SECRET_KEY_MIN_UNIQUE
            or value.startswith("django-insecure-") or value.startswith("dev-only-")):
        raise ImproperlyConfigured(
            f"SECRET_KEY is missing or weak: production needs at least {SECRET_KEY_MIN_LENGTH} random characters "
            f"(e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))').")
    return value


if PRODUCTION:
    SECRET_KEY = _strong_secret_key(env.str("SECRET_KEY", default=""))  # refuse to start without a strong one
    DEBUG = env.bool("DJANGO_DEBUG", default=False)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-7c1f0e9a5b2d4c6e8f")
    DEBUG = env.bool("DJANGO_DEBUG", default=True)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "captcha",  # the public report page's image captcha (django-simple-captcha, no outside service)
    "rest_framework",  # the department feed API (intake/feeds/api.py)
    "drf_spectacular",  # its OpenAPI document at /api/schema/
    "csp",  # Content-Security-Policy header (django-csp; policy under "security headers" below)
    # ours, in layer order (DESIGN §13)
    "accounts",
    "common",
    "referrals",
    "cases",
    "intake",
    "ledgers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "common.middleware.SecurityHeadersMiddleware",  # Permissions-Policy, CORP (DESIGN §11)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.IdleSessionMiddleware",  # Django's, saving at most once a minute (idle timeout)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    # axes last, as its documentation asks
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------
SILENCED_SYSTEM_CHECKS: list[str] = []
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(env.path("SQLITE_PATH", default=BASE_DIR / "var" / "db.sqlite3")),
            "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
    # The covering indexes (INCLUDE columns, for PostgreSQL's index-only scans) are plain indexes on SQLite:
    # correct, only not covering; the embedded default should not greet a newcomer with that warning.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker, results, cache ----------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Seconds a Redis call may take before Redis is taken for hung, and the pause after a failure during which
# pages and publishers leave it alone (common/circuit.py): a hung Redis costs one timeout, then nothing.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
REDIS_PAUSE_SECONDS = env.float("REDIS_PAUSE_SECONDS", default=30)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    # A Redis outage must not break a page: reads miss, writes are dropped (common/cache.py).
    # Short timeouts: Redis is on the intranet and answers in a millisecond; one that does not is hung.
    CACHES = {"default": {"BACKEND": "common.cache.ForgivingRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                                      "socket_timeout": REDIS_SOCKET_TIMEOUT}}}
    # …and a task the broker refuses is kept in PostgreSQL and sent later (common/outbox.py), after a
    # short try: a page never waits long on a dead broker.
    # A message taken by a worker that then died whole (kill -9, power) is given to another after
    # visibility_timeout (kombu's default is an hour); a killed pool child's message is requeued at once
    # (task_reject_on_worker_lost). Tasks are idempotent, so a message delivered twice does no harm.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2,
                                       "visibility_timeout": env.int("BROKER_VISIBILITY_TIMEOUT", default=600),
                                       "unacked_restore_interval": 10}
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
    CELERY_REDIS_SOCKET_TIMEOUT = 2
    CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                                        "interval_max": 0.2}
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": CELERY_TASK_PUBLISH_RETRY_POLICY}
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed worker's task goes back to the queue, not to the bin
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # with late acks a worker holds one message it has not started, not four
# Long jobs (imports, exports) beat every JOB_HEARTBEAT_SECONDS; silent for JOB_STALE_SECONDS = their worker died:
# the job is taken over and redone (common/heartbeat.py).
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=10)
JOB_STALE_SECONDS = env.float("JOB_STALE_SECONDS", default=90)
CELERY_TASK_SERIALIZER = "json"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic jobs: each app adds its own entry here as it gains one (DESIGN §5).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE: dict = {
    # Every dated duty of the notices (leads, investigations, decisions, papers, follow-ups, roster visits,
    # transfer forms, feed deliveries, monthly reports), one job at 08:30 Asia/Shanghai; nothing on rest days.
    "referrals-chase-obligations": {"task": "referrals.tasks.chase_obligations",
                                    "schedule": crontab(hour=8, minute=30)},
    # Monthly reports: each township's draft of last month on the 1st (chased by the obligation job).
    "ledgers-draft-monthly-reports": {"task": "ledgers.tasks.draft_monthly_reports",
                                      "schedule": crontab(day_of_month=1, hour=1, minute=30)},
    # Roster due dates follow tags and status changed anywhere (a person newly gravely ill is due daily).
    "intake-recompute-roster-due-dates": {"task": "intake.tasks.recompute_roster_due_dates",
                                          "schedule": crontab(hour=2, minute=30)},
    # The public report form stores a captcha per view; expired ones go nightly.
    "intake-clean-expired-captchas": {"task": "intake.tasks.clean_expired_captchas",
                                      "schedule": crontab(hour=3, minute=15)},
    # Tasks the broker refused during an outage (kept in PostgreSQL by common/outbox.py) are sent again.
    "common-send-pending-tasks": {"task": "common.tasks.send_pending_tasks", "schedule": 60.0},
    # Imports and exports whose worker died (their heartbeat went stale) are queued again and redone.
    "intake-rescue-stuck-deliveries": {"task": "intake.feeds.tasks.rescue_stuck_deliveries", "schedule": 60.0},
    "common-rescue-stuck-exports": {"task": "common.exports.rescue_stuck_exports", "schedule": 60.0},
    # Background exports whose download time is over: their files go (common/exports.py).
    "common-delete-expired-exports": {"task": "common.exports.delete_expired_exports",
                                      "schedule": crontab(minute=20)},
}
# Chasers: a transient database/Redis error is retried after this delay, doubled each time (≤ 10 min).
CHASER_RETRY_DELAY_SECONDS = env.int("CHASER_RETRY_DELAY_SECONDS", default=60)
CHASER_MAX_RETRIES = env.int("CHASER_MAX_RETRIES", default=5)
CHASER_LOCK_TIMEOUT_SECONDS = env.int("CHASER_LOCK_TIMEOUT_SECONDS", default=30)
# Reminder emails (where a user has an address): EMAIL_URL like smtp://user:pass@mail.example.gov.cn:25;
# without it, mail is written to the console. SITE_URL makes the links in them absolute.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="jiuzhu@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env.str("SITE_URL", default="")

# --- auth -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend with the user's region joined and their permissions in one query (DECISIONS 1522).
    # Alone: a second ModelBackend would check a wrong password twice (two PBKDF2 hashes a failed login), DECISIONS 1480.
    "accounts.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "accounts.validators.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator"},
    {"NAME": "accounts.validators.PasswordReuseValidator", "OPTIONS": {"count": 5}},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# Idle timeout: the session expires after this many seconds without a request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# Not every request: IdleSessionMiddleware moves the expiry when the last move is older than this
# (one UPDATE and commit a minute per user instead of one per page view; docs/DECISIONS.md).
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- security headers (docs/SECURITY.md) ----------------------------------------------
# Everything the pages load comes from the app itself: no inline <script>, no style="" attribute,
# no on*= handler (JS in static/js/, CSS in static/css/). Scripts may still set element.style
# (CSSOM), which style-src does not govern: Bootstrap's popovers and ECharts rely on it.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Browser features no page uses are switched off for the page and anything it could embed.
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                      "microphone=(), payment=(), usb=()")

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    # The HSTS preload list is for public internet domains; an intranet host is never submitted.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# --- i18n: Chinese first ------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese"))]
# "locale" first: makemessages writes there. The overrides translate messages of Django and
# third-party packages their own catalogues lack.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files: served by the app itself (offline intranet) ----------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = str(env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
if PRODUCTION:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
else:
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- lists --------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
LIST_PAGE_SIZES = (25, 50, 100)
LIST_PAGE_MAX = max(LIST_PAGE_SIZES)  # whatever ?per_page= asks (common.tables.BaseTable.paginate)
# Lists count exactly up to this many rows, then say "more than" with a link to count (common/pagination.py).
LIST_COUNT_CAP = 10_000
# Excel exports (common/exports.py): up to EXPORT_BACKGROUND_ROWS rows the file is written in the request;
# above it a background job writes it into EXPORT_ROOT (private, never served statically) and the user downloads
# it from "My exports" for EXPORT_KEEP_HOURS. Above LIST_EXPORT_MAX_ROWS (a safety limit below Excel's 1,048,576
# rows per sheet) the user narrows the filters.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=5000)
LIST_EXPORT_MAX_ROWS = env.int("LIST_EXPORT_MAX_ROWS", default=1_000_000)
EXPORT_ROOT = str(env.path("EXPORT_ROOT", default=BASE_DIR / "var" / "exports"))
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)

# --- the JSON API for department systems (intake/feeds/api.py) ---------------------------
# Each API view names its own authentication (the department's token); errors are JSON in Chinese.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["common.api.JSONParser"],  # Chinese errors, depth and size limits
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "intake.feeds.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社会救助主动发现平台 · 部门数据接口",
    "DESCRIPTION": "各部门系统按频次推送数据（博政办字〔2021〕27号）：每个部门一个令牌，每次推送一个幂等键，"
                   "与文件报送相同的校验、比对与预警规则；错误以 JSON 返回，说明为中文。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- product ------------------------------------------------------------------------
# The header the production reverse proxy sets to the client's address (it must overwrite it):
# e.g. HTTP_X_REAL_IP. Empty: REMOTE_ADDR (no proxy, or tests).
REAL_IP_HEADER = env.str("REAL_IP_HEADER", default="")
# The district this deployment serves (its 6-digit code); seed_demo uses it too.
DISTRICT_CODE = env.str("DISTRICT_CODE", default="370304")
REGIONS_CSV = str(env.path("REGIONS_CSV", default=BASE_DIR / "accounts" / "data" / "regions.csv"))
# Settings the apps read with a default, declared here so an operator finds them (issue 18):
# A transfer form or task shows "due soon" this many working days before it is due (referrals/deadlines.py).
DUE_SOON_WORKING_DAYS = env.int("DUE_SOON_WORKING_DAYS", default=2)
# Attachments to one transfer form: their number and each file's size (referrals/services.py).
REFERRALS_ATTACHMENTS_PER_FORM = env.int("REFERRALS_ATTACHMENTS_PER_FORM", default=10)
REFERRALS_ATTACHMENT_MAX_BYTES = env.int("REFERRALS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Feed imports on PostgreSQL take the set-based path (intake/feeds/fastpath.py); False forces the ORM path,
# row by row, as on SQLite (the tests compare both).
FEEDS_FAST_PATH = env.bool("FEEDS_FAST_PATH", default=True)
# The phone offline (intake/offline/services.py): photos per visit and each photo's size, and for how many days after
# the last sync a record made offline keeps the time the phone gives it.
OFFLINE_PHOTO_MAX_BYTES = env.int("OFFLINE_PHOTO_MAX_BYTES", default=1024 * 1024)
OFFLINE_PHOTO_MAX_COUNT = env.int("OFFLINE_PHOTO_MAX_COUNT", default=3)
OFFLINE_MAX_DAYS = env.int("OFFLINE_MAX_DAYS", default=7)

# --- the public report page (intake/public/services.py) ----------------------------------------
# The address printed on the QR-code posters (e.g. https://jiuzhu.example.gov.cn); empty = the request's host.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
# Reports one IP address may send (django-ratelimit's "count/period", e.g. "5/10m"); more get HTTP 429.
# django_ratelimit is not an installed app on purpose: its checks reject the locmem cache of `make run`.
PUBLIC_REPORT_RATE_LIMIT = env.str("PUBLIC_REPORT_RATE_LIMIT", default="5/10m")
# With Redis (the counters) down, the public form stays open, still behind its captcha (docs/SECURITY.md).
RATELIMIT_FAIL_OPEN = True
CAPTCHA_FONT_SIZE = 30
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 15  # minutes to fill the form after the picture is drawn
CAPTCHA_NOISE_FUNCTIONS = ("captcha.helpers.noise_dots",)  # no strike-through arcs: readable for the elderly

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
