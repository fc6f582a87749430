"""Django settings: the one place that reads the environment (and an optional .env)."""

import importlib.util
import ipaddress
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()
environ.Env.read_env(BASE_DIR.parent / ".env", overwrite=False)

DATA_DIR = Path(env.str("PARLEY_DATA_DIR", default=str(BASE_DIR.parent / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """PARLEY_SECRET_KEY, else a key generated once and kept in the data dir."""
    configured = env.str("PARLEY_SECRET_KEY", default="")
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("PARLEY_DEBUG", default=False)
# Where `parley serve` writes the address links should use (parley/cli/serve.py), so that
# `parley createadmin` and `parley jwt mint --link`, run beside it without PARLEY_PUBLIC_URL,
# print links to the port it really serves on.
SERVED_URL_FILE = DATA_DIR / "served_url"


def _public_url() -> str:
    """PARLEY_PUBLIC_URL; else where `parley serve` last served this data dir; else port 8000."""
    configured = env.str("PARLEY_PUBLIC_URL", default="")
    if configured:
        return configured
    try:
        served = SERVED_URL_FILE.read_text().strip()
    except OSError:
        served = ""
    return served or "http://127.0.0.1:8000"


PUBLIC_URL = _public_url().rstrip("/")
_PUBLIC = urlsplit(PUBLIC_URL)
if _PUBLIC.scheme not in ("http", "https") or not _PUBLIC.hostname:
    raise ImproperlyConfigured(
        f"PARLEY_PUBLIC_URL must be an http:// or https:// address, not {PUBLIC_URL!r}"
    )
HTTPS = _PUBLIC.scheme == "https"
_LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


def _default_allowed_hosts() -> list[str]:
    """The public URL's host. A development instance (http, on a loopback or listen-all
    address: the default, or `parley serve --host 0.0.0.0` unconfigured) also answers on
    the loopback names, so http://localhost:8000 and http://127.0.0.1:8000 both work.
    Health probes that use an IP as Host are answered before the host check
    (parley/ops/middleware.py), so production needs no IP here."""
    host = _PUBLIC.hostname
    hosts = [f"[{host}]" if ":" in host else host]
    try:
        address = ipaddress.ip_address(host)
        local = address.is_loopback or address.is_unspecified
    except ValueError:
        local = host == "localhost"
    if local and not HTTPS:
        hosts += [name for name in _LOOPBACK_HOSTS if name not in hosts]
    return hosts


# Only these hosts are served: anything else gets a 400, so no page, redirect or email can
# be built from a forged Host or X-Forwarded-Host (emails use PUBLIC_URL regardless).
ALLOWED_HOSTS = env.list("PARLEY_ALLOWED_HOSTS", default=None) or _default_allowed_hosts()
CSRF_TRUSTED_ORIGINS = [f"{_PUBLIC.scheme}://{_PUBLIC.netloc}"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Behind a reverse proxy, X-Forwarded-For/-Proto/-Host are believed only from the proxy's
# own addresses (parley/web/proxy.py strips them from anyone else, before Django reads them).
PARLEY_BEHIND_PROXY = env.bool("PARLEY_BEHIND_PROXY", default=False)


def _trusted_proxies() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for text in env.list("PARLEY_TRUSTED_PROXIES", default=["127.0.0.1/32", "::1/128"]):
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"PARLEY_TRUSTED_PROXIES: {text.strip()!r} is not an IP address or network "
                "(CIDR such as 10.0.0.0/8 or fd00::/8); separate several with commas"
            ) from None
    return networks


PARLEY_TRUSTED_PROXIES = _trusted_proxies()
USE_X_FORWARDED_HOST = PARLEY_BEHIND_PROXY
if PARLEY_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
# Strict-Transport-Security on https responses when the public URL is https: one year,
# this host only (subdomains and preloading are the operator's call). 0 turns it off.
SECURE_HSTS_SECONDS = env.int("PARLEY_HSTS_SECONDS", default=365 * 24 * 3600) if HTTPS else 0
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured("PARLEY_HSTS_SECONDS must be 0 (off) or a number of seconds")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "parley.sso.socialaccount_app.LazySocialAccountConfig",  # allauth.socialaccount
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.socialaccount.providers.saml",
    "parley.accounts",
    "parley.groups",
    "parley.branding",
    "parley.audit",
    "parley.external_auth",
    "parley.sso",
    "parley.adminpanel",
    "parley.chat",
    "parley.web",
    "parley.api",
    "parley.widget",
    "parley.scim",
    "parley.ops",
]

MIDDLEWARE = [
    "parley.web.proxy.ForwardedHeadersMiddleware",  # first: before anything reads them
    "parley.ops.middleware.RequestMetricsMiddleware",  # counts every response
    "parley.ops.middleware.ProbeMiddleware",  # health probes answer for any Host
    "django.middleware.security.SecurityMiddleware",
    "parley.widget.middleware.FrameAncestorsMiddleware",  # before whitenoise: static too
    "parley.web.security_headers.SecurityHeadersMiddleware",  # CSP, no-store: HTML pages
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parley.external_auth.middleware.ExternalAuthCodeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "parley.web.middleware.TimezoneMiddleware",
]

ROOT_URLCONF = "parley.urls"
# django-ninja's templates and static files (the API docs page works offline) without the
# "ninja" app: installing it imports ninja and pydantic in every process, `parley seats` too.
# find_spec locates the package without running it.
NINJA_DIR = Path(importlib.util.find_spec("ninja").origin).parent
WSGI_APPLICATION = "parley.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "parley.web.context_processors.auth",  # Django's, without the lazy proxy
                "django.contrib.messages.context_processors.messages",
                "parley.web.context_processors.site",
                "parley.branding.context_processors.branding",  # name, logo, accent
            ],
            # `{% static %}` that works a path's URL out once per process, for every
            # template that loads "static" (parley/web/templatetags/cached_static.py).
            "libraries": {"static": "parley.web.templatetags.cached_static"},
            # `{% url 'name' %}` without arguments, also once per process (cached_url.py).
            "builtins": ["parley.web.templatetags.cached_url"],
        },
    },
]

# Database: SQLite in the data dir unless DATABASE_URL says otherwise.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{DATA_DIR / 'parley.sqlite3'}"
DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every transaction take the write lock at BEGIN, so a seat check and
    # the insert it guards cannot interleave with another writer (DESIGN §2).
    # Tests use a file (not the in-memory default) so threads and live servers share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
        ),
    }
    # Keep each thread's connection open between requests: opening one and running the
    # PRAGMAs above cost more than the page's own query (bench/README.md). A file
    # database has no server to drop the link, so no health check is needed.
    DATABASES["default"]["CONN_MAX_AGE"] = None
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Processes serving this instance on this host: `parley serve --workers N` sets it before
# settings load, and granian's workers inherit it.
SERVE_WORKERS = env.int("PARLEY_SERVE_WORKERS", default=1)
# One worker on SQLite is the only process serving the instance. Several workers, or
# PostgreSQL (which other hosts may be serving as well), need state every process shares.
_ONE_PROCESS = SERVE_WORKERS == 1 and DATABASES["default"]["ENGINE"].endswith("sqlite3")

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that degrades when Redis is gone (parley/ops/cache.py):
            # short timeouts, reads become misses, jti/rate-limit operations a clear 503.
            "BACKEND": "parley.ops.cache.FaultTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("PARLEY_CACHE_PREFIX", default="parley"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
elif _ONE_PROCESS:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Rate limits count in the cache: in each worker's memory every worker would allow the
    # limit anew. A table (made wherever Parley migrates, parley/cli/base.py) is shared by all.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "parley_cache",
            # Culling at Django's default of 300 entries would drop live counters early.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# Sessions live in the database. Read through the cache when it is fast and shared (Redis,
# or the one worker's memory), so a warm page view costs no session query. Otherwise the
# cache is a table (above): reading sessions through it would save no query.
if REDIS_URL or _ONE_PROCESS:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The signed-in user's row, read through the same fast shared cache (accounts/user_cache.py).
# Every change clears it at once in this process and, with Redis, in all; the expiry bounds
# how long a one-worker server's memory keeps a row a `parley` command (another process)
# changed.
USER_CACHE_SECONDS = 300 if REDIS_URL else 10 if _ONE_PROCESS else 0
SESSION_COOKIE_NAME = "parley_session"
SESSION_COOKIE_AGE = env.int("PARLEY_SESSION_MAX_AGE", default=14 * 24 * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "parley.accounts.user_cache.CachedModelBackend",  # ModelBackend, the user via the cache
    "django.contrib.auth.backends.ModelBackend",  # sessions from before keep working
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Email login (DESIGN §3): passwordless, by one-time code.
ACCOUNT_ADAPTER = "parley.accounts.adapter.ParleyAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email_normalized"  # allauth looks up lower-cased emails
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 5
# An email signup waits this long for its code before it is removed: the code's lifetime
# plus a margin, so a code typed in its last second still finds its signup.
UNCONFIRMED_SIGNUP_LIFETIME = ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT + 5 * 60
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 5
# "Send a new code" on the code page (twice at most), for a mail that got lost or expired.
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
ACCOUNT_FORMS = {
    "login": "parley.accounts.adapter.EmailLoginForm",
    "signup": "parley.accounts.adapter.EmailSignupForm",
    "confirm_email_verification_code": "parley.accounts.adapter.ConfirmSignupCodeForm",
}
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
# The subject prefix and the sender name come from Admin → Branding (parley.accounts.adapter).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "request_login_code": "20/m/ip,3/m/key",
}

# Single sign-on (parley/sso): providers live in the database; allauth's socialaccount is
# only the protocol machinery. PKCE on for every provider; allauth's own requests (token,
# userinfo) time out like Parley's.
SOCIALACCOUNT_ADAPTER = "parley.sso.allauth_adapter.ParleySocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
SOCIALACCOUNT_REQUESTS_TIMEOUT = 5
SOCIALACCOUNT_STORE_TOKENS = False
# Tests only: an identity provider on http://127.0.0.1 or localhost. Production needs https.
SSO_ALLOW_HTTP_LOOPBACK = env.bool("PARLEY_SSO_ALLOW_HTTP_LOOPBACK", default=False)

# Second factors (DESIGN §3, docs/security.md): an authenticator app (TOTP) with recovery
# codes, and passkeys. Adding or removing one asks for a fresh email code (or a factor) first.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Parley"
MFA_REAUTHENTICATION_REQUIRED = True
MFA_FORMS = {
    "authenticate_webauthn": "parley.accounts.mfa_forms.AuthenticateWebAuthnForm",
    "reauthenticate_webauthn": "parley.accounts.mfa_forms.ReauthenticateWebAuthnForm",
    "add_webauthn": "parley.accounts.mfa_forms.AddWebAuthnForm",
}
# Browsers offer WebAuthn on http only at localhost (a development instance); the origin
# check is then relaxed to match. Over https, fido2 checks the origin against the host.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not HTTPS

EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
vars().update(environ.Env.email_url_config(EMAIL_URL))
# Its address is the sender of every mail; the name shown is Admin → Branding's sender name.
DEFAULT_FROM_EMAIL = env.str("PARLEY_FROM_EMAIL", default="Parley <parley@localhost>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static", NINJA_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Error reports and logs never carry login codes or tokens (see parley/web/scrub.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "parley.web.scrub.ScrubbingExceptionReporterFilter"
LOG_LEVEL = env.str("PARLEY_LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "parley.web.scrub.ScrubSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub"], "formatter": "plain"},
        # The access line is scrubbed where it is made (parley/web/access_log.py): no second pass.
        "access": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # The provider SDK's HTTP client logs an INFO line per request ("HTTP Request: POST
        # …"), one per chat message: a log write on the event loop for every stream started.
        # Shown only when debugging (PARLEY_LOG_LEVEL=DEBUG).
        **{
            name: {"level": "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING"}
            for name in ("httpx", "httpcore", "openai")
        },
        "parley.access": {
            "handlers": ["access"],
            "level": "INFO" if env.bool("PARLEY_ACCESS_LOG", default=True) else "WARNING",
            "propagate": False,
        },
    },
}

# Retired: the failed-login limit and its window are instance settings (JwtSettings). Read
# only so `parley serve` can warn an operator who still sets it that it has no effect.
PARLEY_JWT_FAILURE_LIMIT_RETIRED = env.str("PARLEY_JWT_FAILURE_LIMIT", default="")

# How many chat streams do their start-up work at once (parley/chat/stream.py); sized by
# bench/chat_stream.py (bench/README.md). For measuring, not for operators to tune.
CHAT_STARTING_AT_ONCE = env.int("PARLEY_CHAT_STARTING_AT_ONCE", default=4)

# Operations (parley/ops): /metrics answers only with `Authorization: Bearer <this token>`;
# unset, /metrics is off (404). /healthz and /readyz are always on and reveal nothing.
PARLEY_METRICS_TOKEN = env.str("PARLEY_METRICS_TOKEN", default="")
