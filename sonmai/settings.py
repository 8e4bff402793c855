"""Settings for the Sơn Mai directive-tracking portal.

Everything that differs between a laptop and production comes from environment variables,
read through ``sonmai.lib.env.Env`` so that a bad value stops the process with a clear message.
A development checkout also has the ``.env`` that ``make run`` writes (DEBUG=1, its own
SECRET_KEY), read under the environment; a server has none, and without DEBUG it requires its
settings. With DEBUG=1 and nothing else the portal runs on the embedded default: a SQLite file
and a Celery broker kept in files under ``var/``, no server needed.
"""

import datetime
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from sonmai.lib.env import Env, parse_email_url
from sonmai.lib.vntext import nfc

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env.for_project()

DEBUG = env.bool("DEBUG", False)
VAR_DIR = Path(env.str("VAR_DIR", str(BASE_DIR / "var")))

_DEV_SECRET_KEY = "dev-only-secret-key-not-for-production-use-0123456789abcdefghij"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

# Absolute address of the portal, used for links in e-mails and documents.
SITE_URL = env.url("SITE_URL", {"http", "https"}, "http://127.0.0.1:8000" if DEBUG else None)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    # Two-factor sign-in; before "units", whose admin takes their device pages away.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "units",
    "directives",
    "reports",
    "notifications",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before the two header middlewares below: they keep
    # WhiteNoise's long caching and need no page policy.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outside the session, CSRF and auth middlewares so that it sees the cookies they set.
    "sonmai.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sonmai.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything that reads request.POST (the CSRF check is the first): a body over its
    # page's cap is refused unread (sonmai.lib.uploads).
    "sonmai.lib.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(), then the two-factor gate on every page (units/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "units.middleware.TwoFactorMiddleware",
    "sonmai.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a request flagged as locked out into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sonmai.urls"
WSGI_APPLICATION = "sonmai.wsgi.application"

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
                "django.template.context_processors.i18n",
                "directives.context_processors.waiting_work",
                "reports.context_processors.waiting_reports",
                "notifications.context_processors.notifications",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "django.templatetags.static",
                "sonmai.templatetags",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env.url(
    "DATABASE_URL",
    {"sqlite", "postgres", "postgresql"},
    f"sqlite:///{VAR_DIR / 'sonmai.sqlite3'}",
)
_database = dj_database_url.parse(DATABASE_URL)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh checkout has no var/ yet: SQLite creates the file but not its folder.
    if _database["NAME"] and _database["NAME"] != ":memory:":
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share one file: WAL lets readers run beside a writer, and IMMEDIATE
    # transactions make a writer wait for the lock instead of failing half-way.
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    _database["ENGINE"] = "django.db.backends.postgresql"
    _database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    _database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, Celery, cache -------------------------------------------------------------------
REDIS_URL = env.url("REDIS_URL", {"redis", "rediss"}) if env.is_set("REDIS_URL") else ""
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Kombu's filesystem transport: a broker made of files, so `make run` needs no server.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Kombu keeps exchange bindings here; its default is ./control in the working directory.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
# One deployment's queue; a second deployment (or a test) on the same Redis uses its own name.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", "celery")
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only after it ran, so a worker killed mid-task leaves it queued.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", False)

# --- E-mail ---------------------------------------------------------------------------------
_email = parse_email_url(
    env.url(
        "EMAIL_URL",
        {"smtp", "smtps", "console", "file", "locmem"},
        f"file://{VAR_DIR / 'mail'}" if DEBUG else None,
    )
)
globals().update(_email)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", "Cổng theo dõi nhiệm vụ xã Sơn Mai <no-reply@sonmai.localhost>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Admin", address) for address in env.list("ADMINS")]

# --- Notifications and reminders (notifications/) -------------------------------------------
# Reminders go out in working hours, in the commune's time zone, on Vietnamese working days.
REMINDER_WINDOW_START = env.time("REMINDER_WINDOW_START", "07:30")
REMINDER_WINDOW_END = env.time("REMINDER_WINDOW_END", "17:00")
if REMINDER_WINDOW_END <= REMINDER_WINDOW_START:
    raise ImproperlyConfigured("REMINDER_WINDOW_END must be later than REMINDER_WINDOW_START.")
# A delivery being sent is leased for this long; a worker that died mid-send loses its lease and
# the periodic pass hands the delivery to another. Must exceed the SMTP timeout (checked).
NOTIFICATIONS_SENDING_LEASE = env.int("NOTIFICATIONS_SENDING_LEASE", 300, minimum=1)
# Failed deliveries are retried after RETRY_BASE, doubling up to RETRY_MAX seconds, and given up
# (marked failed, visible to the monitoring office) after GIVE_UP_HOURS.
NOTIFICATIONS_RETRY_BASE = env.int("NOTIFICATIONS_RETRY_BASE", 60, minimum=1)
NOTIFICATIONS_RETRY_MAX = env.int("NOTIFICATIONS_RETRY_MAX", 1800, minimum=1)
NOTIFICATIONS_GIVE_UP_HOURS = env.int("NOTIFICATIONS_GIVE_UP_HOURS", 72, minimum=1)
# A delivery handed to the broker and still pending after this long is handed again (the
# message was lost: Redis restarted without persistence, or a worker died holding it).
NOTIFICATIONS_REQUEUE_AFTER = env.int("NOTIFICATIONS_REQUEUE_AFTER", 120, minimum=1)

# --- Registering directives from their documents (directives/docimport/) --------------------
# Largest file accepted; the file is read in a child process of the worker limited to
# IMPORT_MEMORY_MB of memory and IMPORT_TIMEOUT seconds (OCR takes about two seconds a page).
DIRECTIVE_IMPORT_MAX_BYTES = env.int("DIRECTIVE_IMPORT_MAX_BYTES", 25 * 1024 * 1024, minimum=1)
DIRECTIVE_IMPORT_TIMEOUT = env.int("DIRECTIVE_IMPORT_TIMEOUT", 240, minimum=10)
DIRECTIVE_IMPORT_MEMORY_MB = env.int("DIRECTIVE_IMPORT_MEMORY_MB", 1024, minimum=128)

# --- Uploads: sizes refused before the body is read, photos shrunk within a memory limit ----
# Every page's request body is capped (sonmai.lib.uploads): pages that take files declare their
# own cap, any other page gets REQUEST_MAX_BYTES. A body over its cap is answered with 413
# before anything reads it; one that grows past it while streaming is stopped there.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", 3 * 1024 * 1024, minimum=64 * 1024)
FILE_UPLOAD_HANDLERS = [
    "sonmai.lib.uploads.BodyLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Files up to this size stay in memory while the request is handled; larger ones go to a
# temporary file (so six 10 MB photos cost the web process nothing until they are decoded).
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Form fields other than files (Django's default, stated here because it bounds every page).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A photo too big to decode in the web process, and every Excel sheet being imported, are read
# by a child process limited to this memory and time (sonmai.lib.sandbox): a 60-megapixel PNG
# needs about 450 MB.
UPLOAD_CHILD_MEMORY_MB = env.int("UPLOAD_CHILD_MEMORY_MB", 512, minimum=128)
UPLOAD_CHILD_TIMEOUT = env.int("UPLOAD_CHILD_TIMEOUT", 30, minimum=5)

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "units.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out username or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 first: a hash made by another hasher is rewritten with Argon2 at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    # Django's own says "too short" in English in Vietnamese (its catalogue lags its message).
    {"NAME": "units.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=300)
# How long the link of a "Quên mật khẩu?" e-mail works.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_MINUTES", 120, minimum=5) * 60

# --- Sign-in throttling (django-axes) ----------------------------------------------------------
# After SIGN_IN_FAILURE_LIMIT failed attempts for one username, or from one address, further
# attempts are refused (even with the right password) until SIGN_IN_COOLOFF_MINUTES after the
# last one; an attempt during the lockout starts the wait again. The approval's password
# re-check and the current password on "Đổi mật khẩu" count as attempts too (units/signin.py).
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("SIGN_IN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A successful sign-in does not wipe the failures: axes would wipe every failure from the same
# address too, so anyone with an account could reset the count against the chairman between
# guesses from a shared address.
AXES_RESET_ON_SUCCESS = False
# The Vietnamese page (status 429) that says until when; units.signin keeps the record
# (SignInEvent) instead of axes's access log, and units.admin shows and lifts the locks.
AXES_LOCKOUT_CALLABLE = "units.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
# axes keeps a failed attempt's form data and masks only these fields (and "password"): the
# change form's passwords, the new one included, must not be stored readable.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
    "otp_token",
]
# Where a client's address comes from. Directly served: the connection's. Behind the HTTPS
# proxy (nginx), the connection is the proxy's own; each proxy appends the address it saw to
# X-Forwarded-For, so the client is the entry TRUSTED_PROXY_COUNT places from the right and
# whatever the client wrote there itself, further left, is ignored (IPWARE_STRICT off, so such
# entries do not make ipware fall back to the proxy's address).
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", False)
if BEHIND_HTTPS_PROXY:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    # ipware counts the proxies listed after the client in the header: one fewer than the hops.
    AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 1, minimum=1) - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Two-factor sign-in (units/twofactor.py): who must confirm every sign-in with a code from an
# authenticator app. Role values (units/choices.py: chairman, vice_chairman, monitoring_officer,
# clerk, unit_head, hamlet_head, unit_staff) and "admin" for staff and superusers; "none" for
# no one. Production asks it of the leaders, the monitoring office and administrators; the demo
# (DEBUG on) of no one, so its accounts sign in with the password alone. Anyone not required may
# still turn it on for themselves. Unknown names stop the process (units/apps.py).
TWO_FACTOR_ROLES = [
    name
    for name in env.list(
        "TWO_FACTOR_ROLES",
        [] if DEBUG else ["chairman", "vice_chairman", "monitoring_officer", "admin"],
    )
    if name != "none"
]
# The name an authenticator app shows beside the person's username and codes.
OTP_TOTP_ISSUER = nfc(env.str("TWO_FACTOR_ISSUER", "Cổng theo dõi nhiệm vụ xã Sơn Mai"))

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
# Day-first date input on every page and in the admin (sonmai/formats/).
FORMAT_MODULE_PATH = ["sonmai.formats"]
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files are never served from MEDIA_URL: every download goes through an access check.
MEDIA_URL = "/media-not-served/"
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


# --- Reports: signing, verification, edXML ------------------------------------------------
def _readable_file(name: str, default: Path | None = None) -> Path | None:
    """A file named by an environment variable: it must exist and be readable when set.

    Without the variable, ``default`` is used only if that file exists (the demo certificate
    that ``manage.py create_demo_certificate`` writes under VAR_DIR).
    """
    if not env.is_set(name):
        return default if default is not None and default.is_file() else None
    path = Path(env.str(name)).expanduser()
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as error:
        raise ImproperlyConfigured(f"{name}={path} cannot be read: {error.strerror}.") from None
    return path


# The commune's certificate and private key (PEM or DER) sign approved reports (PAdES); the
# verification page trusts this certificate as the root. Unset: signing is unavailable.
REPORT_SIGNING_DIR = VAR_DIR / "signing"
# The demo's self-signed pair in REPORT_SIGNING_DIR (``reports.signing.demo_credentials`` finds
# or makes it): the one place its files are named. Used in debug mode when none is configured.
REPORT_SIGNING_DEMO_FILES = ("demo-cert.pem", "demo-key.pem")
REPORT_SIGNING_CERT = _readable_file(
    "REPORT_SIGNING_CERT", REPORT_SIGNING_DIR / REPORT_SIGNING_DEMO_FILES[0] if DEBUG else None
)
REPORT_SIGNING_KEY = _readable_file(
    "REPORT_SIGNING_KEY", REPORT_SIGNING_DIR / REPORT_SIGNING_DEMO_FILES[1] if DEBUG else None
)
REPORT_SIGNING_KEY_PASSPHRASE = env.str("REPORT_SIGNING_KEY_PASSPHRASE", "")
if env.is_set("REPORT_SIGNING_CERT") != env.is_set("REPORT_SIGNING_KEY"):
    raise ImproperlyConfigured("REPORT_SIGNING_CERT and REPORT_SIGNING_KEY go together.")
# Largest PDF the verification page accepts.
REPORT_VERIFY_MAX_BYTES = env.int("REPORT_VERIFY_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# edXML (QCVN 102:2016): the receiving organisation (UBND tỉnh, via Sở Nội vụ). Its id is not
# public; the sender's id is Organisation.edxml_organ_id.
EDXML_RECEIVER_ORGAN_ID = env.str("EDXML_RECEIVER_ORGAN_ID", "")
EDXML_RECEIVER_NAME = env.str("EDXML_RECEIVER_NAME", "Ủy ban nhân dân tỉnh Quảng Ngãi")

# --- Backups (sonmai/backup/, README "Backup and restore") -----------------------------------
# One archive per backup: database, MEDIA_ROOT and the signing certificate and key. The daily
# job (beat, at BACKUP_SCHEDULE, see sonmai/celery.py) keeps the newest archive of each of the
# last KEEP_DAILY days and KEEP_WEEKLY weeks.
BACKUP_DIR = Path(env.str("BACKUP_DIR", str(VAR_DIR / "backups")))
if BACKUP_DIR.resolve().is_relative_to(MEDIA_ROOT.resolve()):
    raise ImproperlyConfigured("BACKUP_DIR must not be inside MEDIA_ROOT.")
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", 7, minimum=1)
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", 8, minimum=0)
# Archives are encrypted (AES-256-GCM, key from the passphrase by scrypt) when a passphrase is
# given, in the variable or, kept out of the environment, in a file.
if env.is_set("BACKUP_PASSPHRASE") and env.is_set("BACKUP_PASSPHRASE_FILE"):
    raise ImproperlyConfigured("Set BACKUP_PASSPHRASE or BACKUP_PASSPHRASE_FILE, not both.")
_backup_passphrase_file = _readable_file("BACKUP_PASSPHRASE_FILE")
BACKUP_PASSPHRASE = (
    _backup_passphrase_file.read_text(encoding="utf-8").strip()
    if _backup_passphrase_file
    else env.str("BACKUP_PASSPHRASE", "")
)
if BACKUP_PASSPHRASE and len(BACKUP_PASSPHRASE) < 12:
    raise ImproperlyConfigured("The backup passphrase must be at least 12 characters.")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security (production) ------------------------------------------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is a promise to browsers that is slow to take back: only when asked.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # The deployment check asks for preloading; leaving it off is deliberate (above).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if BEHIND_HTTPS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere. Every script,
# style, image and font comes from this site's static files; data passed to scripts travels in
# data-* attributes or json_script. Downloads carry their own, stricter policy
# (sonmai.lib.downloads), which the middleware leaves in place.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "permission_denied_one_line": {"()": "sonmai.lib.logs.PermissionDeniedWithoutTraceback"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["permission_denied_one_line"]},
        # WeasyPrint logs every layout step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes announces itself at INFO on every start and every command.
        "axes": {"level": "WARNING"},
        # pyHanko logs every signature that fails validation with a traceback; the
        # verification page reports those to the person, they are not faults of the portal.
        "pyhanko": {"level": "ERROR"},
    },
}
