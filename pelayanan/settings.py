"""Settings for the Layanan Kepegawaian portal.

Every knob comes from the environment (see .env.example). With nothing set, the
portal runs for local development: SQLite, Celery tasks run eagerly after commit,
e-mail goes to the console. With PRODUCTION=true it refuses to start without a
secret key and a database, and turns on every transport-security setting.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PRODUCTION = env.bool("PRODUCTION", default=False)
DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when PRODUCTION=true.")

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    # Outside production a fixed development key lets management commands (and the migration
    # check) run on a bare checkout; production refuses to start without a real key.
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when PRODUCTION=true.")
    SECRET_KEY = "dev-only-insecure-key-" + "x" * 40

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Reverse proxies in front of gunicorn that append the client's address to X-Forwarded-For; rate limits
# (pelayanan/ratelimit.py) take the address that many entries from the right. 0: clients connect directly.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# The agency's official name must be confirmed with the city (DOMAIN.md §6), so it is a setting.
AGENCY_NAME = env.str(
    "AGENCY_NAME",
    default="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kota Medan",
)
AGENCY_SHORT_NAME = env.str("AGENCY_SHORT_NAME", default="BKPSDM Kota Medan")
AGENCY_ADDRESS = env.str(
    "AGENCY_ADDRESS", default="Jl. Kapten Maulana Lubis No. 2, Medan Petisah, Medan 20112"
)
AGENCY_PHONE = env.str("AGENCY_PHONE", default="(061) 4512412")
AGENCY_EMAIL = env.str("AGENCY_EMAIL", default="bkpsdm@pemkomedan.go.id")

INSTALLED_APPS = [
    "pelayanan.apps.AdminConfig",  # django.contrib.admin, with the guarded admin site (pelayanan/admin_guards.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    # Two-factor authentication for staff (pelayanan/otp.py): TOTP apps (RFC 6238) and one-time backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pelayanan",
    "requests_app",
    "feedback",
]

MIDDLEWARE = [
    "pelayanan.middleware.RequestLogMiddleware",  # first: request id and one access line for every response
    "django.middleware.security.SecurityMiddleware",
    "pelayanan.middleware.SecurityHeadersMiddleware",
    "pelayanan.middleware.RejectNulMiddleware",  # %00 in the path or query string: 400, never a query
    "pelayanan.middleware.OutageMiddleware",  # database/Redis down: the 503 "layanan sedang gangguan" page
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a TOTP code was given in this session
    "django.contrib.messages.middleware.MessageMiddleware",
    "pelayanan.middleware.SessionTimeoutMiddleware",  # after messages: it says why the session ended
    "pelayanan.otp.TwoFactorMiddleware",  # second step of the login; enrolment where it is required
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pelayanan.urls"
WSGI_APPLICATION = "pelayanan.wsgi.application"

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
                "pelayanan.context_processors.agency",
                "pelayanan.context_processors.public_info",
            ],
        },
    },
]

# SQLite when DATABASE_URL is unset keeps `make run` dependency-free; tests and
# production always set a PostgreSQL URL.
if PRODUCTION and not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must be set when PRODUCTION=true.")
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "pelayanan.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Length over complexity (NIST SP 800-63B): at least 10 characters, long passphrases welcome (up to 128, a
# bound that only stops megabyte "passwords" from tying up the hasher), no rules about character classes;
# refused when common, all digits, or close to the person's own name or e-mail.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "pelayanan.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sessions (pelayanan/middleware.py: SessionTimeoutMiddleware): everyone is logged out SESSION_COOKIE_AGE
# seconds after logging in, however active (default 12 hours: a working day, short enough that a session left
# open on a shared or warnet computer does not last until the next day). Staff, who see other people's personal
# data, are also logged out after STAFF_SESSION_IDLE_MINUTES without a request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)

# Two-factor authentication (pelayanan/otp.py). Staff may turn it on at /akun/2fa/; superusers and members of
# "Pejabat Penandatangan" must, before they reach any page, while OTP_REQUIRED_FOR_PRIVILEGED is on.
OTP_REQUIRED_FOR_PRIVILEGED = env.bool("OTP_REQUIRED_FOR_PRIVILEGED", default=PRODUCTION)
OTP_TOTP_ISSUER = AGENCY_SHORT_NAME  # the account's label in the authenticator app
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # no TOTP secrets or backup codes on the admin pages

# Brute-force protection (django-axes): lock a username+IP pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_USERNAME_FORM_FIELD = "username"
# Login is case-insensitive, so the lockout counts Ani@… and ani@… as one account.
AXES_USERNAME_CALLABLE = "pelayanan.accounts.services.axes_username"
AXES_VERBOSE = False

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["pelayanan.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents and letters live outside the web root and are only served
# through views that check permission; there is deliberately no public MEDIA_URL route.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=PRODUCTION)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Layanan Kepegawaian <noreply@pemkomedan.go.id>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Redis is optional for development: without it, cache is local memory and Celery runs eagerly.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only when it has finished, and is redelivered if the worker dies:
# the database row stays the record of truth and every task is idempotent (STYLE.md rule 12).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_RESULT_EXPIRES = 3600
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
# Keep a worker process's database connection across tasks (Celery's Django fixup would open a new one
# for every task); pelayanan/celery.py closes it like Django after a request: past CONN_MAX_AGE or broken.
CELERY_DB_REUSE_MAX = CELERY_WORKER_MAX_TASKS_PER_CHILD
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Two queues, both consumed by every worker started without -Q: e-mail on "mail", everything else (letters,
# sweeps) on "celery". Redis serves a worker's queues in turn, so a backlog of hundreds of letters never holds
# back a "permohonan diterima" e-mail, and a burst of e-mails never delays a letter by more than one send.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery", routing_key="celery"), Queue("mail", routing_key="mail"))
CELERY_TASK_ROUTES = {
    "pelayanan.tasks.send_email": {"queue": "mail"},
    "requests_app.tasks.send_status_email": {"queue": "mail"},
}
# An unacknowledged task is redelivered after visibility_timeout: keep it well above CELERY_TASK_TIME_LIMIT.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A late-ack task cannot be acknowledged once the broker connection is lost; it is redelivered anyway,
# so stop it instead of letting it run twice (the Celery 6 default).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Periodic tasks run by `celery -A pelayanan beat`. Each feature adds its entry here, e.g.
#   "send-overdue-reminders": {"task": "requests_app.tasks.remind_overdue", "schedule": crontab(hour=7, minute=0)},
# tests/pelayanan/test_settings.py checks that every entry names a registered task.
CELERY_BEAT_SCHEDULE = {}

# Security headers. Transport settings switch on with PRODUCTION; the rest always apply.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Only the plain-http benchmark stack (bench/stack.sh) turns these off; a real deployment never should.
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)

# One JSON object per line on stdout (pelayanan/logging.py); every request adds one "pelayanan.access" line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pelayanan.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "pelayanan.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs seven INFO lines per letter; keep its warnings only.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# The admin's path is configurable so it is not where scanners look first.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").lstrip("/")
if not ADMIN_URL.endswith("/"):
    ADMIN_URL += "/"

# Letter numbering (DOMAIN.md §3.3). The unit code and pattern must be confirmed by the
# agency's arsiparis, so they are settings: {kka} {seq} {unit} {year} {month_roman}.
LETTER_NUMBER_FORMAT = env.str("LETTER_NUMBER_FORMAT", default="{kka}/{seq}/{unit}/{year}")
LETTER_UNIT_CODE = env.str("LETTER_UNIT_CODE", default="BKPSDM")
LETTER_DEFAULT_CLASSIFICATION = env.str("LETTER_DEFAULT_CLASSIFICATION", default="800.1.11")
# Letters (requests_app/letters.py). The place printed before the date, and an optional local image
# file (PNG or SVG) of the city's lambang for the kop; without it a drawn placeholder is used.
LETTER_PLACE = env.str("LETTER_PLACE", default="Medan")
LETTER_EMBLEM_FILE = env.str("LETTER_EMBLEM_FILE", default="")
# A letter still pending, or claimed by a worker, this many minutes after approval is queued again
# by the resend_pending_letters sweep. Keep it at or above CELERY_TASK_TIME_LIMIT (5 min): a claim older
# than that belongs to a worker that died.
LETTER_RESEND_AFTER_MINUTES = env.int("LETTER_RESEND_AFTER_MINUTES", default=5)
CELERY_BEAT_SCHEDULE["resend-pending-letters"] = {
    "task": "requests_app.tasks.resend_pending_letters",
    "schedule": 300.0,
}
# Morning reminders of the staff queue (requests_app/reminders.py): weekdays at 07:00 in CELERY_TIMEZONE
# (Asia/Jakarta, WIB); the task itself skips national holidays, cuti bersama and closures.
CELERY_BEAT_SCHEDULE["send-reminders"] = {
    "task": "requests_app.tasks.send_reminders",
    "schedule": crontab(minute=0, hour=7, day_of_week="mon-fri"),
}

# Leave balance (requests_app/leave.py): the portal holds no leave history from before it went live.
# Years before this one count as "annual leave fully used" for carry-over unless the employee has a
# leave request in the portal in that year, so nobody gets 18 or 24 days from missing data.
LEAVE_HISTORY_START_YEAR = env.int("LEAVE_HISTORY_START_YEAR", default=2026)

# Personal data (pelayanan/accounts/privacy.py, UU 27/2022). Uploaded files of requests finished, and of
# complaints closed, more than this many days ago are deleted by the weekly purge (Sunday 02:30 WIB); the
# rows keep the original name, size and SHA-256. Issued letters are never purged (law on archives).
DOCUMENT_RETENTION_DAYS = env.int("DOCUMENT_RETENTION_DAYS", default=365)
if DOCUMENT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("DOCUMENT_RETENTION_DAYS must be at least 1.")
CELERY_BEAT_SCHEDULE["purge-documents"] = {
    "task": "requests_app.tasks.purge_documents",
    "schedule": crontab(minute=30, hour=2, day_of_week="sun"),
}
