"""Settings for Samordna.

Everything that differs between the demo, a test run and production comes from the environment:
``DATABASE_URL`` selects PostgreSQL (default: SQLite in WAL mode in the data folder),
``SAMORDNA_DATA_DIR`` is where the SQLite database, the secret key and outgoing demo mail live
(default ``./var``), ``SAMORDNA_SECRET_KEY``, ``SAMORDNA_DEBUG`` and ``SAMORDNA_ALLOWED_HOSTS``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from samordna.accounts import oidc_config

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("SAMORDNA_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    """A stable key per data folder, so a demo keeps its sessions across restarts."""
    if key := os.environ.get("SAMORDNA_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# Prometheus samples of every process on this machine go to one folder, which /metrics sums
# (operations/metrics.py). prometheus_client reads the variable when it is first imported.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(DATA_DIR / "metrics"))
Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
# /metrics: with a token, only `Authorization: Bearer <token>`; without one, only requests from
# this machine that did not come through the reverse proxy (operations/views.py, README).
METRICS_TOKEN = os.environ.get("SAMORDNA_METRICS_TOKEN", "")
# /health/ready: a worker must have started a round within this many seconds.
WORKER_STALE_SECONDS = int(os.environ.get("SAMORDNA_WORKER_STALE_SECONDS", 3 * 60))
DEBUG = os.environ.get("SAMORDNA_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("SAMORDNA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "samordna.organisations",
    "samordna.people",
    "samordna.cases",
    "samordna.sip",
    "samordna.discharge",
    "samordna.messaging",
    "samordna.overview",
    "samordna.reporting",
    "samordna.notifications",
    "samordna.deviations",
    "samordna.documents",
    "samordna.extracts",
    "samordna.operations",
    "samordna.audit",
    "samordna.mypages",
    "samordna.accounts",
    "samordna.api",
    "samordna.interop",
    "samordna.webhooks",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "samordna.operations.apps.TasksDatabaseConfig",  # django_tasks_db, named in Swedish
    "ninja",
    "django_otp",
    "samordna.operations.apps.TotpConfig",  # django_otp.plugins.otp_totp, named in Swedish
    "samordna.operations.apps.StaticConfig",  # django_otp.plugins.otp_static, in Swedish
]

MIDDLEWARE = [
    "samordna.operations.middleware.RequestMetricsMiddleware",  # first: it times all the rest
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "samordna.caching.NoStoreMiddleware",  # after WhiteNoise: static files keep their caching
    "samordna.guards.NulGuardMiddleware",
    "csp.middleware.CSPMiddleware",
    "samordna.operations.middleware.WithoutSessionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samordna.accounts.sessions.SlidingSessionMiddleware",
    "samordna.accounts.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "samordna.accounts.otp.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "samordna.accounts.middleware.ActiveUnitMiddleware",
]

ROOT_URLCONF = "samordna.urls"
WSGI_APPLICATION = "samordna.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samordna.accounts.context_processors.active_unit",
                "samordna.operations.context_processors.banners",
            ],
        },
    },
]

# Django's form renderer with the select list written in Python (rendering.py, issue 11).
FORM_RENDERER = "samordna.rendering.Renderer"

_sqlite_path = DATA_DIR / "samordna.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{_sqlite_path}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while a write is in progress; IMMEDIATE takes the write lock at
        # the start of a transaction so two writers queue instead of failing with "locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
# A PostgreSQL streaming replica for the read-only screens (samordna/replicas.py).
if _replica_url := os.environ.get("SAMORDNA_REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url, conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# The acts' read-model statements are prepared once per connection (samordna/core/sql.py) and
# must run with the plan made once: left to choose, PostgreSQL plans "= ANY($1)" again on every
# run (4-6 ms, against 0.5-1 ms to run it). Django binds its own parameters in the client, so
# of what the app sends only these are prepared; the database's own cached plans (the triggers'
# PL/pgSQL, foreign-key checks) are key lookups, for which a generic plan is what PostgreSQL
# chooses anyway.
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _options = _db.setdefault("OPTIONS", {})
        _options["options"] = (
            _options.get("options", "") + " -c plan_cache_mode=force_generic_plan"
        ).strip()
DATABASE_ROUTERS = ["samordna.replicas.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:choose-unit"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Passwords are checked by Django's model backend behind the lock on repeated failures.
AUTHENTICATION_BACKENDS = ["samordna.accounts.throttle.ThrottledModelBackend"]
# Failed guesses (accounts/throttle.py): an account (the user name as typed) is locked after
# this many failures within the window, an address after its own count (higher: staff of a
# hospital may share one address behind NAT). The same for second-factor codes, and for API
# tokens per address. Counted in the database, so every server process sees the same count.
THROTTLE_WINDOW_SECONDS = int(os.environ.get("SAMORDNA_THROTTLE_WINDOW_SECONDS", 15 * 60))
THROTTLE_ACCOUNT_FAILURES = int(os.environ.get("SAMORDNA_THROTTLE_ACCOUNT_FAILURES", 5))
THROTTLE_ADDRESS_FAILURES = int(os.environ.get("SAMORDNA_THROTTLE_ADDRESS_FAILURES", 20))
# Who must log in with a second factor (accounts/otp.py): "admins" (staff, unit and county
# administrators, the statistics role) or "everyone". A federated login is never asked.
SAMORDNA_OTP_REQUIRED_FOR = os.environ.get("SAMORDNA_OTP_REQUIRED_FOR", "admins")
if SAMORDNA_OTP_REQUIRED_FOR not in ("admins", "everyone"):
    raise ValueError("SAMORDNA_OTP_REQUIRED_FOR must be 'admins' or 'everyone'")
OTP_TOTP_ISSUER = "Samordna"
# django-otp's own per-device back-off is off: accounts/throttle.py counts code guesses with
# the same rule as passwords, so a wrong code never makes the next right one fail.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# The admin never shows a second factor's key, its QR code or the recovery codes: staff who
# could read them could give anyone's code (found by the access matrix, tests/access/).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle timeout: the session lives 30 minutes after the last request (sliding expiry), renewed
# in the database at most once a minute by accounts.sessions.SlidingSessionMiddleware.
SESSION_COOKIE_AGE = int(os.environ.get("SAMORDNA_IDLE_TIMEOUT_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Reverse proxies whose X-Forwarded-For names the client for the access log (accounts.middleware).
TRUSTED_PROXIES = [
    ip.strip() for ip in os.environ.get("SAMORDNA_TRUSTED_PROXIES", "").split(",") if ip.strip()
]
# Interoperability (interop/): the HSA-id of this installation as a source system (RIV
# GetCarePlans' sourceSystemHSAId, FHIR meta.source), and the client certificates a trusted
# proxy verified, by SHA-256 fingerprint, each standing for an API token's system name.
SAMORDNA_SOURCE_SYSTEM_HSA_ID = os.environ.get(
    "SAMORDNA_SOURCE_SYSTEM_HSA_ID", "SE2321000230-SAMORDNA"
)
SAMORDNA_CLIENT_CERT_HEADER = os.environ.get("SAMORDNA_CLIENT_CERT_HEADER", "")
SAMORDNA_CLIENT_CERTIFICATES = {
    fingerprint.strip().replace(":", "").lower(): name.strip()
    for fingerprint, _sep, name in (
        item.partition("=")
        for item in os.environ.get("SAMORDNA_CLIENT_CERTIFICATES", "").split(",")
        if "=" in item
    )
}
if os.environ.get("SAMORDNA_HTTPS") == "1":
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # HSTS for a year, for the host's subdomains too, and eligible for the browsers' preload
    # list (README, Reverse proxy and HTTPS): `manage.py check --deploy` is clean with this.
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Federated login: the county's OpenID providers, a JSON list (accounts/oidc_config.py, README).
OIDC_PROVIDERS = oidc_config.parse(os.environ.get("SAMORDNA_OIDC_PROVIDERS"))
# The individual's e-identification (issue 15, /mina-sidor/): the county's identity broker for
# BankID/Freja, whose ``claim`` is the personal identity number (README, "The individual's own
# pages"). The same format as SAMORDNA_OIDC_PROVIDERS.
INDIVIDUAL_OIDC_PROVIDERS = oidc_config.parse(os.environ.get("SAMORDNA_INDIVIDUAL_OIDC_PROVIDERS"))
# An individual's session ends after this long without a request (its own idle timeout).
INDIVIDUAL_IDLE_TIMEOUT_SECONDS = int(
    os.environ.get("SAMORDNA_INDIVIDUAL_IDLE_TIMEOUT_SECONDS", 15 * 60)
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": oidc_config.form_action([SELF], OIDC_PROVIDERS + INDIVIDUAL_OIDC_PROVIDERS),
    }
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

# `samordna serve` collects the static files into the data folder (or SAMORDNA_STATIC_ROOT);
# WhiteNoise serves them with a content hash in the name, gzip-compressed, hashed files with an
# immutable ten-year Cache-Control, so a browser asks for the CSS and htmx once per release.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("SAMORDNA_STATIC_ROOT") or DATA_DIR / "static").resolve()
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "samordna.staticfiles.ManifestStaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# What `samordna worker` runs every minute: each is ``run(now) -> int`` (items handled) and must
# be idempotent, since two workers may run it at once (BOX-3, DEV-1).
WORKER_JOBS = [
    "samordna.notifications.digest.run",
    "samordna.deviations.jobs.run",
    "samordna.operations.maintenance.run",
    "samordna.accounts.throttle.prune",
    "samordna.webhooks.outbox.announce_overdue",
    "samordna.webhooks.delivery.run",
    "samordna.api.idempotency.prune",
    "samordna.notifications.individual.run",
]
# Jobs the worker also runs between its minutes, every WORKER_FREQUENT_SECONDS: webhooks should
# reach their receivers within seconds, not at the next minute (API-3).
WORKER_FREQUENT_JOBS = ["samordna.webhooks.delivery.run"]
WORKER_FREQUENT_SECONDS = float(os.environ.get("SAMORDNA_WORKER_FREQUENT_SECONDS", 5))
# Webhook delivery (webhooks/delivery.py): each request's connect and read timeouts, the claim's
# lease beyond them and the deliveries one claim takes. The defaults are production's;
# scripts/reliability shortens them so a killed worker's lease runs out within seconds.
WEBHOOK_CONNECT_TIMEOUT = float(os.environ.get("SAMORDNA_WEBHOOK_CONNECT_TIMEOUT", 3))
WEBHOOK_READ_TIMEOUT = float(os.environ.get("SAMORDNA_WEBHOOK_READ_TIMEOUT", 10))
WEBHOOK_LEASE_MARGIN_SECONDS = float(os.environ.get("SAMORDNA_WEBHOOK_LEASE_MARGIN_SECONDS", 30))
WEBHOOK_BATCH = int(os.environ.get("SAMORDNA_WEBHOOK_BATCH", 20))

# Notices to individuals by text message (issue 15 item 5, notifications/sms.py): without a URL,
# SMS is not offered.
SMS_GATEWAY = os.environ.get("SAMORDNA_SMS_GATEWAY", "samordna.notifications.sms.HttpSmsGateway")
SMS_GATEWAY_URL = os.environ.get("SAMORDNA_SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SAMORDNA_SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_SENDER = os.environ.get("SAMORDNA_SMS_GATEWAY_SENDER", "Samordna")

# How long a worker that claimed a digest may take to send it before another run takes it over
# (notifications/digest.py): longer than one run's mails take, short enough to resend soon.
DIGEST_LEASE_SECONDS = int(os.environ.get("SAMORDNA_DIGEST_LEASE_SECONDS", 10 * 60))

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = DATA_DIR / "mail"
# A real mail server: SAMORDNA_SMTP_HOST selects Django's SMTP backend (else files above).
if _smtp_host := os.environ.get("SAMORDNA_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp_host
    EMAIL_PORT = int(os.environ.get("SAMORDNA_SMTP_PORT", 25))
    EMAIL_HOST_USER = os.environ.get("SAMORDNA_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("SAMORDNA_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("SAMORDNA_SMTP_STARTTLS") == "1"
    EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("SAMORDNA_FROM_EMAIL", "Samordna <noreply@samordna.example>")

# The population register (folkbokföringen) adapter; the demo one reads a JSON file.
POPULATION_REGISTER = os.environ.get(
    "SAMORDNA_POPULATION_REGISTER", "samordna.people.register.DemoFileRegister"
)
POPULATION_REGISTER_FILE = os.environ.get(
    "SAMORDNA_POPULATION_FILE", str(PACKAGE_DIR / "demo" / "population.json")
)

# One JSON line per request on stderr (operations/logs.py: request id, view, status, times; no
# path, query, user or address, so no personal data); SAMORDNA_REQUEST_LOG=0 turns it off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "samordna.operations.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "samordna.operations.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"]},
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "samordna.request": {
            "handlers": ["json"],
            "level": "INFO" if os.environ.get("SAMORDNA_REQUEST_LOG", "1") == "1" else "WARNING",
            "propagate": False,
        }
    },
}
