"""Settings for Liên Thông.

Everything that differs between a developer's laptop and a province's production servers comes from
environment variables, parsed by the small typed helpers below. Defaults are safe for the embedded
mode (SQLite file under ``var/``, local media folder, debug off unless asked for). ``LIENTHONG_MODE=production``
switches on the hardening that ``manage.py check --deploy`` asks for.
Longer than 600 lines because the settings of every app, each with its environment variable, live here.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LIENTHONG_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


MODE = env_str("LIENTHONG_MODE", "development")
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured("LIENTHONG_MODE must be 'development' or 'production'")
PRODUCTION = MODE == "production"

# Django's debug pages (tracebacks, route listings) only when a developer asks for them: LIENTHONG_DEBUG=1.
DEBUG = env_bool("LIENTHONG_DEBUG", False)
if DEBUG and PRODUCTION:
    raise ImproperlyConfigured("LIENTHONG_DEBUG must not be set in production mode")
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY and env_str("DJANGO_SECRET_KEY_FILE"):
    # The key in a file readable only by the service user (deploy/lienthong.env.example), like the audit key.
    try:
        SECRET_KEY = Path(env_str("DJANGO_SECRET_KEY_FILE")).read_text(encoding="utf-8").strip()
    except OSError as _exc:
        raise ImproperlyConfigured(f"DJANGO_SECRET_KEY_FILE cannot be read: {_exc}") from _exc
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production mode (or DJANGO_SECRET_KEY_FILE)")
    SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 32
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must be set in production mode (comma-separated host names, e.g. vanban.example.gov.vn)"
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "lienthong.core.admin_site.AdminConfig",  # django.contrib.admin with the site of core/admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # intcomma: counts grouped by thousands the way of the language ("1.234")
    "django.contrib.postgres",
    "django_q",
    "ninja",  # serves the API docs page from local static files (otherwise it would load a CDN)
    "lienthong.core",
    "lienthong.files",
    "lienthong.agencies",
    "lienthong.accounts",
    "lienthong.audit",
    "lienthong.documents",
    "lienthong.search",
    "lienthong.workcalendar",
    "lienthong.notifications",
    "lienthong.signing",
    "lienthong.drafting",
    "lienthong.authority",
    "lienthong.delivery",
    "lienthong.processing",
    "lienthong.oversight",
    "lienthong.assessment",
    "lienthong.feedback",  # problem reports (báo lỗi / góp ý) and the operator's answers, with their SLA
    "lienthong.publicservices",
    "lienthong.followup",
    "lienthong.reports",
    "lienthong.commendations",
    "lienthong.copies",
    "lienthong.records",  # file plan (danh mục hồ sơ) and case files (hồ sơ)
    "lienthong.monitoring",  # /healthz, /readyz, /metrics, the list of unhandled errors (reads many apps)

    "lienthong.intake",  # metadata of incoming paper, scans and e-mailed files (manage.py extract_metadata)
    "lienthong.imports",  # bulk load of documents from another system (manage.py import_documents)
    "lienthong.exchange",  # edXML packages to and from other systems (QCVN 102:2016), gateway, transports, hub
    "lienthong.web",  # pages and endpoints that combine the apps above (home, document list and page)
    "lienthong.demo",  # the demo province builder and its commands, on top of every app
    "lienthong.backups",  # backup, restore, verify_files: read every app's rows and files through the inventory
]

MIDDLEWARE = [
    "lienthong.core.request_id.RequestIdMiddleware",  # first: every log line of the request carries its id
    "lienthong.core.request_memo.RequestMemoMiddleware",  # answers read several times by one page, read once
    # Next: request counts and latency for /metrics; answers /healthz, /readyz and /metrics itself, before the
    # host check, the HTTPS redirect, the session and the language (a probe is cheap and always the same).
    "lienthong.monitoring.middleware.MonitoringMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files from STATIC_ROOT (collectstatic), DEBUG off too
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lienthong.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lienthong.files.uploads.UploadErrorsMiddleware",  # before the CSRF check reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "lienthong.core.middleware.RefuseNulBytesMiddleware",  # before the session is read; 400 for NUL in input
    "lienthong.core.middleware.OutOfRangeInputMiddleware",  # 400, not 500, for numbers/dates past the range
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lienthong.accounts.middleware.SessionRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lienthong.urls"
WSGI_APPLICATION = "lienthong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lienthong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lienthong.accounts.context_processors.current_positions",
                "lienthong.notifications.context_processors.unread",
                "lienthong.web.navigation.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL in production; the default is an SQLite file in WAL mode with
# IMMEDIATE transactions, so that two writers never deadlock on a lock upgrade.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lienthong.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=30000; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; "
            "PRAGMA temp_store=MEMORY;"
        ),
    }
    # A file (not :memory:) so that the multi-process numbering test can share the test database.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    _db.setdefault("OPTIONS", {})
    # A persistent connection is checked before each request reuses it, so a restarted PostgreSQL costs one
    # failed check instead of one failed request per process (docs/decisions.md "Production stack").
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "documents:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Login throttling (accounts.services, docs/decisions.md): never a hard lock, a back-off. After
# LOGIN_MAX_FAILURES failed logins in a row on one account, its n-th failure makes the next try wait
# LOGIN_BACKOFF_BASE_SECONDS × 2^(n − LOGIN_MAX_FAILURES) seconds, at most LOGIN_BACKOFF_MAX_SECONDS; the
# owner's browser that logged in before has its own count. A client address is slowed the same way only
# once LOGIN_ADDRESS_MAX_ACCOUNTS distinct user names failed from it. Failures older than
# LOGIN_FAILURE_WINDOW_SECONDS are forgotten.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
LOGIN_BACKOFF_BASE_SECONDS = env_int("LOGIN_BACKOFF_BASE_SECONDS", 1)
LOGIN_BACKOFF_MAX_SECONDS = env_int("LOGIN_BACKOFF_MAX_SECONDS", 60)
LOGIN_ADDRESS_MAX_ACCOUNTS = env_int("LOGIN_ADDRESS_MAX_ACCOUNTS", 20)
# Reverse proxies (comma-separated IPs or CIDRs) whose X-Forwarded-For is believed: the client address is
# the right-most entry that is not one of them. Empty: X-Forwarded-For is ignored, REMOTE_ADDR is the client.
LIENTHONG_TRUSTED_PROXIES = env_list("LIENTHONG_TRUSTED_PROXIES", [])
for _proxy in LIENTHONG_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"LIENTHONG_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network") from _exc
# Sliding session timeout.
SESSION_COOKIE_AGE = env_int("SESSION_TIMEOUT_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)  # see accounts.middleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The longest an API token lives; it dies earlier with a password change, a deactivation or a revoke.
CASE_FILE_PDF_MAX_MB = env_int("CASE_FILE_PDF_MAX_MB", 200)  # a whole case file as one PDF (records.file_pdf)
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)

# --- Internationalisation -------------------------------------------------------------------------
# Vietnamese is the source language of every UI string; English comes from locale/en.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first date input in both languages (lienthong/formats/*/formats.py).
FORMAT_MODULE_PATH = ["lienthong.formats"]
# Absolute address of the site, used in links inside e-mails (e.g. https://qlvb.haugiang.gov.vn).
SITE_URL = env_str("LIENTHONG_SITE_URL", "")
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"  # filled by collectstatic (`make run` does it), served by WhiteNoise
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Front-end packages come from the npm registry at install time (package.json), never from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "lienthong" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/html2canvas", BASE_DIR / "node_modules" / "html2canvas" / "dist"),  # the problem report's screenshot
]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Originals, derived files and built reports go to the default storage: the local folder MEDIA_ROOT, or an
# S3-compatible object store when LIENTHONG_S3_BUCKET is set (django-storages; docs/operations.md "Object
# storage (S3-compatible)"). Secrets come as values or as files (*_FILE); without them boto3's own chain
# (AWS_* variables, ~/.aws, the instance profile) is used only when LIENTHONG_S3_USE_DEFAULT_CREDENTIALS
# says so. Timeouts and retries are short so that a store that is down fails an upload in seconds.
S3_BUCKET = env_str("LIENTHONG_S3_BUCKET")


def env_secret(name: str) -> str:
    """The value of ``name``, or the content of the file named by ``name + "_FILE"`` (stripped)."""
    value = env_str(name)
    path = env_str(f"{name}_FILE")
    if value or not path:
        return value
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE: cannot read {path!r} ({exc.strerror})") from exc


if S3_BUCKET:
    from boto3.s3.transfer import TransferConfig as _S3TransferConfig
    from botocore.config import Config as _S3ClientConfig

    S3_ACCESS_KEY_ID = env_secret("LIENTHONG_S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = env_secret("LIENTHONG_S3_SECRET_ACCESS_KEY")
    S3_USE_DEFAULT_CREDENTIALS = env_bool("LIENTHONG_S3_USE_DEFAULT_CREDENTIALS", False)
    if bool(S3_ACCESS_KEY_ID) != bool(S3_SECRET_ACCESS_KEY):
        raise ImproperlyConfigured(
            "LIENTHONG_S3_ACCESS_KEY_ID and LIENTHONG_S3_SECRET_ACCESS_KEY must be set together (or their *_FILE)")
    if PRODUCTION and not (S3_ACCESS_KEY_ID or S3_USE_DEFAULT_CREDENTIALS):
        raise ImproperlyConfigured(
            "LIENTHONG_S3_BUCKET is set but no credentials: set LIENTHONG_S3_ACCESS_KEY_ID and "
            "LIENTHONG_S3_SECRET_ACCESS_KEY (or their *_FILE), or LIENTHONG_S3_USE_DEFAULT_CREDENTIALS=1 to use "
            "the AWS_* variables or the instance profile")
    S3_ADDRESSING_STYLE = env_str("LIENTHONG_S3_ADDRESSING_STYLE", "auto")
    if S3_ADDRESSING_STYLE not in ("auto", "path", "virtual"):
        raise ImproperlyConfigured("LIENTHONG_S3_ADDRESSING_STYLE must be 'auto', 'path' or 'virtual'")
    S3_SSE = env_str("LIENTHONG_S3_SSE")
    S3_SSE_KMS_KEY_ID = env_str("LIENTHONG_S3_SSE_KMS_KEY_ID")
    if S3_SSE not in ("", "AES256", "aws:kms"):
        raise ImproperlyConfigured("LIENTHONG_S3_SSE must be empty, 'AES256' or 'aws:kms'")
    if S3_SSE_KMS_KEY_ID and S3_SSE != "aws:kms":
        raise ImproperlyConfigured("LIENTHONG_S3_SSE_KMS_KEY_ID needs LIENTHONG_S3_SSE=aws:kms")
    _s3_object_parameters = {"ServerSideEncryption": S3_SSE} if S3_SSE else {}
    if S3_SSE_KMS_KEY_ID:
        _s3_object_parameters["SSEKMSKeyId"] = S3_SSE_KMS_KEY_ID
    # TLS: verified by default; LIENTHONG_S3_CA_BUNDLE names the CA file of a private store's certificate.
    S3_CA_BUNDLE = env_str("LIENTHONG_S3_CA_BUNDLE")
    _s3_verify = S3_CA_BUNDLE or env_bool("LIENTHONG_S3_VERIFY_TLS", True)
    S3_CONNECT_TIMEOUT = env_int("LIENTHONG_S3_CONNECT_TIMEOUT", 3)
    S3_READ_TIMEOUT = env_int("LIENTHONG_S3_READ_TIMEOUT", 10)
    S3_MAX_ATTEMPTS = env_int("LIENTHONG_S3_MAX_ATTEMPTS", 2)
    if not (1 <= S3_CONNECT_TIMEOUT <= 60 and 1 <= S3_READ_TIMEOUT <= 300 and 1 <= S3_MAX_ATTEMPTS <= 10):
        raise ImproperlyConfigured("LIENTHONG_S3_CONNECT_TIMEOUT must be 1-60 s, LIENTHONG_S3_READ_TIMEOUT 1-300 s "
                                   "and LIENTHONG_S3_MAX_ATTEMPTS 1-10")
    # Files over 8 MB go up in 8 MB parts, two at a time and at most two read ahead: an upload holds about
    # three parts beyond the bytes already read, whatever the file's size (27 MB for 50 MB, docs/benchmarks.md).
    _s3_transfer_config = _S3TransferConfig(multipart_threshold=8 * 1024 * 1024,
                                            multipart_chunksize=8 * 1024 * 1024, max_concurrency=2)
    _s3_transfer_config.max_in_memory_upload_chunks = 2
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": S3_BUCKET,
        "endpoint_url": env_str("LIENTHONG_S3_ENDPOINT_URL") or None,
        "region_name": env_str("LIENTHONG_S3_REGION") or None,
        "access_key": S3_ACCESS_KEY_ID or None,
        "secret_key": S3_SECRET_ACCESS_KEY or None,
        "location": env_str("LIENTHONG_S3_PREFIX").strip("/"),
        # Names are content-addressed (files.storage): writing a name again writes the same bytes, so an
        # overwrite never leaves a second copy under an invented name.
        "file_overwrite": True,
        "default_acl": None,  # private objects, owned by the bucket; nothing is ever served by URL
        "querystring_auth": True,
        "object_parameters": _s3_object_parameters,
        "verify": _s3_verify,
        "client_config": _S3ClientConfig(
            connect_timeout=S3_CONNECT_TIMEOUT, read_timeout=S3_READ_TIMEOUT,
            retries={"total_max_attempts": S3_MAX_ATTEMPTS, "mode": "standard"},  # the first try included
            s3={"addressing_style": S3_ADDRESSING_STYLE}, signature_version="s3v4",
            tcp_keepalive=True,
        ),
        "transfer_config": _s3_transfer_config,
    }}
elif PRODUCTION and not env_str("MEDIA_ROOT"):
    raise ImproperlyConfigured(
        "Production mode needs a file store: set LIENTHONG_S3_BUCKET (an S3-compatible object store) or "
        "MEDIA_ROOT (a local folder that is backed up), see docs/operations.md")
# Original files: size limit for one upload (default 50 MB).
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_MB", 50) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded originals (lienthong.files, docs/decisions.md): at most UPLOAD_MAX_FILES files in one
# list of files (Django's own ceiling, DATA_UPLOAD_MAX_NUMBER_FILES, stays 100); a PDF of at most
# PDF_MAX_PAGES pages; a PDF with JavaScript, launch actions or embedded files is refused ("refuse") or
# kept but marked and only ever offered as a download ("flag").
UPLOAD_MAX_FILES = env_int("LIENTHONG_UPLOAD_MAX_FILES", 20)
# A problem report's screenshot (lienthong.feedback): over this the report is kept without it.
FEEDBACK_SCREENSHOT_MAX_BYTES = env_int("LIENTHONG_FEEDBACK_SCREENSHOT_MAX_BYTES", 5 * 1024 * 1024)
PDF_MAX_PAGES = env_int("LIENTHONG_PDF_MAX_PAGES", 3000)
PDF_ACTIVE_CONTENT = env_str("LIENTHONG_PDF_ACTIVE_CONTENT", "refuse")
if PDF_ACTIVE_CONTENT not in ("refuse", "flag"):
    raise ImproperlyConfigured("LIENTHONG_PDF_ACTIVE_CONTENT must be 'refuse' or 'flag'")
if not 1 <= UPLOAD_MAX_FILES <= 100:
    raise ImproperlyConfigured("LIENTHONG_UPLOAD_MAX_FILES must be between 1 and 100 (DATA_UPLOAD_MAX_NUMBER_FILES)")
# The PDF register book prints in volumes (quyển) of this many numbers; the XLSX holds the whole year.
REGISTER_BOOK_VOLUME_SIZE = env_int("REGISTER_BOOK_VOLUME_SIZE", 500)
# How drafts are signed and sealed (lienthong.signing.methods): paper with a scanned copy; PAdES signatures
# with a key kept on the server (PKCS#12 + PIN, or the agency's key on an HSM via PKCS#11); USB token.
SIGNING_METHODS = [
    "lienthong.signing.methods.PaperSigning",
    "lienthong.signing.methods.ServerKeySigning",
    "lienthong.signing.methods.RemoteSigning",
]
# Key encrypting the server-held PKCS#12 files at rest (in addition to each file's PIN). Defaults to a key
# derived from SECRET_KEY; set LIENTHONG_SIGNING_KEY (a Fernet key) in production and back it up.
SIGNING_KEY_ENCRYPTION_KEY = env_str("LIENTHONG_SIGNING_KEY", "")
# PKCS#11 module and user PIN of the token/HSM holding agency keys (e.g. /usr/lib/softhsm/libsofthsm2.so).
SIGNING_PKCS11_MODULE = env_str("LIENTHONG_PKCS11_MODULE", "")
SIGNING_PKCS11_PIN = env_str("LIENTHONG_PKCS11_PIN", "")
# Timestamp authority (RFC 3161) URL: with one, signatures are PAdES B-T; without, B-B.
SIGNING_TSA_URL = env_str("LIENTHONG_TSA_URL", "")
# Fetch CRLs/OCSP over the network during verification (off: only CRLs stored in the trust store are used).
SIGNING_REVOCATION_FETCH = env_bool("LIENTHONG_REVOCATION_FETCH", False)
# A server-held key locks after this many wrong PINs in a row, for this long (a token's PIN counter).
SIGNING_PIN_MAX_FAILURES = env_int("LIENTHONG_SIGNING_PIN_MAX_FAILURES", 5)
SIGNING_PIN_LOCK_SECONDS = env_int("LIENTHONG_SIGNING_PIN_LOCK_SECONDS", 900)
SIGNING_REMOTE_TTL_SECONDS = 600  # how long a prepared remote signature waits for the token
SIGNING_CERT_EXPIRY_WARNING_DAYS = 30
SIGNING_CACHE_DIR = VAR_DIR / "cache" / "signing"  # the stamp font rescaled to 1000 units per em
SIGNING_MAX_PDF_BYTES = 50 * 1024 * 1024
# Reminders: an open assignment is "due soon" this many working days before its deadline.
REMINDER_DUE_SOON_WORKING_DAYS = env_int("REMINDER_DUE_SOON_WORKING_DAYS", 2)
# The usage dashboard's thresholds until the overseeing agency saves its own ("Lưu làm ngưỡng mặc định"): shares
# are ratios, overdue items a count. No published figure fixes them (docs/decisions.md); a province edits them here.
OVERSIGHT_DEFAULT_THRESHOLDS = {"active_user_share": 0.7, "sent_electronically_share": 0.8,
                                "digital_sign_valid_share": 0.8, "overdue_items": 10}
# Text extraction runs inline for files up to this size; larger ones go to a background job.
TEXT_EXTRACTION_INLINE_MAX_BYTES = env_int("TEXT_EXTRACTION_INLINE_MAX_BYTES", 5 * 1024 * 1024)
# Dates typed for a document (issued, received, due) are refused before 1 January of this year: 1945, the
# founding of the state whose agencies issue what this system registers (docs/decisions.md).
LIENTHONG_EARLIEST_DOCUMENT_YEAR = env_int("LIENTHONG_EARLIEST_DOCUMENT_YEAR", 1945)
if not 1800 <= LIENTHONG_EARLIEST_DOCUMENT_YEAR <= 2100:
    raise ImproperlyConfigured("LIENTHONG_EARLIEST_DOCUMENT_YEAR must be a year between 1800 and 2100")
# Agency identifier codes (OrganId): the QĐ 20/2020 form of QCVN 102 SĐ1:2022 (groups of 0-9 and A-Z
# separated by ".") is accepted beside the 13-character QCVN 102:2016 form unless off.
AGENCY_CODE_QD20_FORM = env_bool("AGENCY_CODE_QD20_FORM", True)
# The longest agency code accepted (vanthu.md reads SĐ1:2022 as 35, unverified; 36-character codes are in use).
AGENCY_CODE_MAX_LENGTH = env_int("AGENCY_CODE_MAX_LENGTH", 36)
if not 13 <= AGENCY_CODE_MAX_LENGTH <= 64:
    raise ImproperlyConfigured("AGENCY_CODE_MAX_LENGTH must be between 13 and 64")
# The exchange with other systems (issue 15; docs/operations.md "Connecting to another instance or a hub"):
# this instance's system id in signed requests, whether it is a hub that stores and forwards for its members,
# the clock window of a signed request, the retry back-off (base doubling up to the ceiling, ±20 % jitter) and
# the number of tries before a package is marked failed, the client's timeout, the largest package taken.
EXCHANGE_SYSTEM_ID = env_str("EXCHANGE_SYSTEM_ID", "lienthong")
EXCHANGE_HUB = env_bool("EXCHANGE_HUB", False)
EXCHANGE_CLOCK_SKEW_SECONDS = env_int("EXCHANGE_CLOCK_SKEW_SECONDS", 300)
EXCHANGE_RETRY_BASE_SECONDS = env_int("EXCHANGE_RETRY_BASE_SECONDS", 60)
EXCHANGE_RETRY_MAX_SECONDS = env_int("EXCHANGE_RETRY_MAX_SECONDS", 6 * 3600)
EXCHANGE_MAX_ATTEMPTS = env_int("EXCHANGE_MAX_ATTEMPTS", 15)
EXCHANGE_TRANSPORT_TIMEOUT = env_int("EXCHANGE_TRANSPORT_TIMEOUT", 30)
# How long a push owns a package it is sending: a push killed mid-send leaves it to the next after this.
EXCHANGE_SEND_LEASE_SECONDS = env_int("EXCHANGE_SEND_LEASE_SECONDS", 600)
# Packages a push sends at once (threads, each with its own database connection).
EXCHANGE_PUSH_CONCURRENCY = env_int("EXCHANGE_PUSH_CONCURRENCY", 4)
EXCHANGE_MAX_PACKAGE_BYTES = env_int("EXCHANGE_MAX_PACKAGE_BYTES", 100 * 1024 * 1024)
# This instance's key and certificate (PEM files) for partners that require signed packages (XMLDSig).
EXCHANGE_SIGNING_KEY_FILE = env_str("EXCHANGE_SIGNING_KEY_FILE", "")
EXCHANGE_SIGNING_CERT_FILE = env_str("EXCHANGE_SIGNING_CERT_FILE", "")
EXCHANGE_SIGNING_KEY_PASSPHRASE = env_str("EXCHANGE_SIGNING_KEY_PASSPHRASE", "")
# The yearly IT ranking. Self-assessment reminders go this many working days before the deadline (and on
# the day, and once when overdue).
# Tasks given in documents (lienthong.followup): reminders this many working days before the deadline (and on
# the day, and once overdue).
FOLLOWUP_REMINDER_WORKING_DAYS = env_int("FOLLOWUP_REMINDER_WORKING_DAYS", 3)
ASSESSMENT_REMINDER_DAYS = tuple(int(d) for d in env_list("ASSESSMENT_REMINDER_DAYS", ["5", "1"]))
# Commendation proposals (docs/commendations.md): the defaults of the rule combining the ranking with the
# administrative-reform (CCHC) index; the page lets the council change them for one viewing.
COMMENDATION_RULES = {
    "class_levels": env_int("COMMENDATION_CLASS_LEVELS", 1),
    "min_reform_index": env_str("COMMENDATION_MIN_REFORM_INDEX", "80"),
    "it_weight": env_str("COMMENDATION_IT_WEIGHT", "0.5"),
}
# Share of dossiers received online: over the months a procedure had an online service ("online_services")
# or over every dossier ("all", the NQ 17/NQ-CP reading). docs/indicators.md.
DVC_ONLINE_DOSSIER_BASE = env_str("DVC_ONLINE_DOSSIER_BASE", "online_services")

# --- Audit log (lienthong.audit.keys; docs/operations.md "Audit log: key and checkpoints") ------------
# HMAC key sealing the audit chains, kept OUTSIDE the database (at least 32 characters): the value itself or
# a file holding it. Development without one derives a key from SECRET_KEY (system check audit.W001).
AUDIT_KEY = env_str("LIENTHONG_AUDIT_KEY")
AUDIT_KEY_FILE = env_str("LIENTHONG_AUDIT_KEY_FILE")
if PRODUCTION and not (AUDIT_KEY or AUDIT_KEY_FILE):
    raise ImproperlyConfigured("LIENTHONG_AUDIT_KEY or LIENTHONG_AUDIT_KEY_FILE must be set in production mode")
# Id recorded with each entry (default: a fingerprint of the key). After a rotation the old keys stay here,
# as "id:key" pairs separated by commas (or one per line in the file), to verify the entries they sealed.
AUDIT_KEY_ID = env_str("LIENTHONG_AUDIT_KEY_ID")
AUDIT_OLD_KEYS = env_str("LIENTHONG_AUDIT_OLD_KEYS")
AUDIT_OLD_KEYS_FILE = env_str("LIENTHONG_AUDIT_OLD_KEYS_FILE")
# Signed daily checkpoints of the chain heads (one new file each, never overwritten); copy them off the
# machine. With AUDIT_CHECKPOINT_EMAIL each checkpoint is also mailed to the system administrators.
AUDIT_CHECKPOINT_DIR = Path(env_str("LIENTHONG_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints")))
AUDIT_CHECKPOINT_EMAIL = env_bool("LIENTHONG_AUDIT_CHECKPOINT_EMAIL", False)

# --- Background jobs (django-q2, ORM broker: same code on SQLite and PostgreSQL) -------------------
# A task running longer than Q_TIMEOUT_SECONDS is killed; a task taken by a worker that died (killed,
# machine lost) is handed out again Q_RETRY_SECONDS after it was taken. The retry must exceed the timeout,
# or a task still running would be started a second time; every task is written to be run again safely
# (reports.services.report_build_run takes back a build whose worker died). At most max_attempts tries.
Q_TIMEOUT_SECONDS = env_int("Q_TIMEOUT_SECONDS", 300)
Q_RETRY_SECONDS = env_int("Q_RETRY_SECONDS", 360)
if Q_RETRY_SECONDS <= Q_TIMEOUT_SECONDS:
    raise ImproperlyConfigured("Q_RETRY_SECONDS must be greater than Q_TIMEOUT_SECONDS (a running task would be "
                               "started twice)")
Q_CLUSTER = {
    "name": "lienthong",
    "orm": "default",
    "workers": env_int("Q_WORKERS", 1),
    "timeout": Q_TIMEOUT_SECONDS,
    "retry": Q_RETRY_SECONDS,
    "max_attempts": 3,
    "catch_up": False,
    "sync": env_bool("Q_SYNC", False),
}

# --- Mail -----------------------------------------------------------------------------------------
_default_mail_backend = (
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend"
)
MAILERS = {
    "default": {
        "BACKEND": env_str("EMAIL_BACKEND", _default_mail_backend),
        **({"OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
        }} if env_str("EMAIL_BACKEND", _default_mail_backend).endswith("smtp.EmailBackend") else {}),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "lienthong@localhost")

# --- Caches (docs/decisions.md "Production stack: the cache") -------------------------------------------
# Shared by every web and worker process: LIENTHONG_CACHE_URL=redis://host:6379/0 uses Redis; without it
# production mode uses the database (table lienthong_cache, made by `migrate`: lienthong.core.apps), never a
# cache private to one process. Development and tests keep Django's in-process cache.
CACHE_URL = env_str("LIENTHONG_CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("LIENTHONG_CACHE_URL must be a redis://, rediss:// or unix:// address")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "lienthong"}}
elif PRODUCTION:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lienthong_cache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Request size at the proxy ----------------------------------------------------------------------
# The largest request body the reverse proxy lets through (deploy/Caddyfile, deploy/nginx.conf): a form with
# the most files, each at the size limit, plus the non-file fields Django accepts, plus 1 MB for the multipart
# boundaries and part headers: MAX_UPLOAD_MB × LIENTHONG_UPLOAD_MAX_FILES + 5 MB + 1 MB (defaults: 1 006 MB).
# Anything larger is refused by the proxy with 413 before it reaches an application server.
REQUEST_BODY_MAX_BYTES = MAX_UPLOAD_BYTES * UPLOAD_MAX_FILES + DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024

# --- Security -------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"  # the inline PDF preview alone allows same-origin framing (documents.views.document_file)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    # Probes from the proxy and the monitoring on plain HTTP over loopback are answered, not redirected.
    SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)/?$"]
    # Static files under content-hashed names with gzip copies (WhiteNoise's CompressedManifestStaticFilesStorage
    # without Brotli: lienthong/core/staticfiles.py), so the proxy serves them itself and lets browsers keep them
    # for a year. Only the hashed copies are kept (pages name those alone) and source maps, fetched by developer
    # tools alone, are not compressed (docs/decisions.md "Production stack: static files"). Tests and development
    # keep the plain storage.
    STORAGES["staticfiles"] = {"BACKEND": "lienthong.core.staticfiles.GzipManifestStaticFilesStorage"}
    WHITENOISE_KEEP_ONLY_HASHED_FILES = True
    WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
        "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "woff", "woff2", "mp4",
        "map",
    ]

# Error pages: lienthong.core.error_views (handlers in lienthong/urls.py).
CSRF_FAILURE_VIEW = "lienthong.core.error_views.csrf_failure"

# --- Health, metrics and logs (lienthong.monitoring; docs/operations.md "Health, metrics and logs") -------
# Log lines: one JSON object per line ("json", the production default) or plain text ("text", development);
# either way each line has the request id (core.request_id), also in background jobs the request queued.
LOG_FORMAT = env_str("LIENTHONG_LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LIENTHONG_LOG_FORMAT must be 'json' or 'text'")
# /readyz fails when the worker's last heartbeat (a job every minute) is older than this many seconds.
WORKER_HEARTBEAT_MAX_AGE = env_int("LIENTHONG_WORKER_HEARTBEAT_MAX_AGE", 180)
# /metrics answers only these client addresses (IPs or CIDRs; the client address as accounts reads it,
# through LIENTHONG_TRUSTED_PROXIES); others get 404.
METRICS_ALLOWED = env_list("LIENTHONG_METRICS_ALLOWED", ["127.0.0.1", "::1"])
for _network in METRICS_ALLOWED:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"LIENTHONG_METRICS_ALLOWED: {_network!r} is not an IP address or network") from _exc
# Unhandled errors (admin: Giám sát hệ thống › Lỗi chưa xử lý) are deleted after this many days.
ERROR_RETENTION_DAYS = env_int("LIENTHONG_ERROR_RETENTION_DAYS", 90)
if ERROR_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("LIENTHONG_ERROR_RETENTION_DAYS must be at least 1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "lienthong.core.request_id.RequestIdFilter"},
        "request_reference": {"()": "lienthong.core.error_views.RequestReferenceFilter"},
    },
    "formatters": {
        "json": {"()": "lienthong.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "lienthong": {"level": env_str("LOG_LEVEL", "INFO"), "propagate": True},
        "django.security": {"level": "WARNING"},
        "django.request": {"filters": ["request_reference"]},  # a 500's log line names the page's reference
    },
}
