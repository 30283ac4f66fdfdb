"""Settings for the intranet, read from environment variables.

Every variable is read through one of the small typed helpers below; a wrong value stops
start-up with a message naming the variable. The README lists them all.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"  # noqa: S105


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


def database_from_env(name: str, default: str) -> dict:
    raw = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several kinds of errors
        raise ImproperlyConfigured(f"{name} is not a usable database URL: {exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name} names no database engine: {raw!r}.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # A web app's SQLite: writers take the write lock when their transaction begins
        # (IMMEDIATE), so two writers queue behind the busy timeout instead of one failing
        # with "database is locked" when it upgrades a read lock; WAL lets readers go on.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY and not env_bool("INTRANET_TESTING", False):
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key while DEBUG is off. Set SECRET_KEY to a long "
        "random value for production, or DEBUG=true for development."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
VAR_DIR = env_path("VAR_DIR", BASE_DIR / "var")

INSTALLED_APPS = [
    "intranet",
    "profiles",
    "wiki",
    "blogs",
    "feeds",
    "search",
    "audit",
    "home",
    "api",
    "webhooks",
    "scim",
    "privacy",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "intranet.middleware.NullCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "profiles.language.UserLanguageMiddleware",
    "profiles.timezone.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "intranet.views.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Wagtail's redirects, but never into a page the reader may not see (then: 404).
    "intranet.middleware.VisibleRedirectMiddleware",
]

ROOT_URLCONF = "intranet.urls"
WSGI_APPLICATION = "intranet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "intranet.context_processors.intranet",
            ],
        },
    },
]

DATABASES = {"default": database_from_env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Zero set-up: the default SQLite file lives in var/, made on first start.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "intranet",
            "OPTIONS": {
                # A Redis outage degrades to cache misses instead of failing requests.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    # Sessions read from Redis and fall back to the database when Redis is down. Only with a
    # shared cache: per-process memory caches would keep a logged-out session alive elsewhere.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Internationalisation: German and English; each user's choice is stored on the profile.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("de", _("German"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "intranet" / "static"]
# Uploaded files are never plain static files: /media/ and /documents/ are views
# (intranet.files) that check access first, with or without DEBUG.
MEDIA_URL = "/media/"
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
# How the checked view hands out local bytes (django-sendfile2): "simple" sends them from
# Python (no proxy, `make serve`); "nginx" (X-Accel-Redirect to SENDFILE_URL, an `internal`
# location) or "xsendfile" (Apache, lighttpd) let the proxy send them.
_SENDFILE_BACKENDS = {
    "simple": "django_sendfile.backends.simple",
    "nginx": "django_sendfile.backends.nginx",
    "xsendfile": "django_sendfile.backends.xsendfile",
}
_sendfile = env_str("SENDFILE_BACKEND", "simple")
if _sendfile not in _SENDFILE_BACKENDS:
    raise ImproperlyConfigured(
        f"SENDFILE_BACKEND must be simple, nginx or xsendfile, not {_sendfile!r}."
    )
SENDFILE_BACKEND = _SENDFILE_BACKENDS[_sendfile]
SENDFILE_ROOT = str(MEDIA_ROOT)
SENDFILE_URL = env_str("SENDFILE_URL", "/protected-media")
# A file the browser was allowed to read may stay in its (private) cache this long.
MEDIA_CACHE_SECONDS = env_int("MEDIA_CACHE_SECONDS", 3600)
# S3 media: the presigned URL a checked request is redirected to lives this long.
MEDIA_URL_EXPIRE_SECONDS = env_int("MEDIA_URL_EXPIRE_SECONDS", 60)
# A file grant in a feed enclosure or an e-mail (intranet.files.shareable_file_url) opens
# that one file, for that one person, while they may still see it, for this long.
FILE_GRANT_MAX_AGE_SECONDS = env_int("FILE_GRANT_MAX_AGE_SECONDS", 7 * 24 * 3600)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not env_bool("INTRANET_TESTING", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if env_str("AWS_STORAGE_BUCKET_NAME"):
    # A private bucket: pages link the checked view, which redirects to a presigned URL.
    STORAGES["default"] = {"BACKEND": "intranet.files.PrivateS3Storage"}
    # Signature version 4: what every current S3 service accepts, and with it the expiry.
    AWS_S3_SIGNATURE_VERSION = env_str("AWS_S3_SIGNATURE_VERSION", "s3v4")

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 12 * 1024 * 1024)
MAX_UPLOAD_SIZE = env_int("MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = MAX_UPLOAD_SIZE
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf", "text/plain"]

# Search: the Whoosh index never lives inside MEDIA_ROOT, because it holds private text.
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "whoosh")
SEARCH_INDEX_DIR = env_path("SEARCH_INDEX_DIR", VAR_DIR / "search-index")
if MEDIA_ROOT in SEARCH_INDEX_DIR.parents or SEARCH_INDEX_DIR == MEDIA_ROOT:
    raise ImproperlyConfigured("SEARCH_INDEX_DIR must not be inside MEDIA_ROOT.")
if SEARCH_BACKEND == "whoosh":
    _search_backend = {"BACKEND": "search.backends.whoosh", "PATH": str(SEARCH_INDEX_DIR)}
elif SEARCH_BACKEND == "database":
    _search_backend = {"BACKEND": "wagtail.search.backends.database"}
elif SEARCH_BACKEND in {"elasticsearch", "opensearch"}:
    _search_url = env_str("SEARCH_URL")
    if not _search_url:
        raise ImproperlyConfigured(f"SEARCH_URL is required when SEARCH_BACKEND={SEARCH_BACKEND}.")
    _search_backend = {
        "BACKEND": (
            "modelsearch.backends.elasticsearch8"
            if SEARCH_BACKEND == "elasticsearch"
            else "modelsearch.backends.opensearch2"
        ),
        "URLS": [_search_url],
        "INDEX": env_str("SEARCH_INDEX_PREFIX", "intranet"),
    }
else:
    raise ImproperlyConfigured(
        "SEARCH_BACKEND must be whoosh, database, elasticsearch or opensearch, "
        f"not {SEARCH_BACKEND!r}."
    )
WAGTAILSEARCH_BACKENDS = {"default": _search_backend}
MODELSEARCH_BACKENDS = WAGTAILSEARCH_BACKENDS

# Background work: immediate by default; a database queue worked by `manage.py db_worker`
# in production (then the worker is the single writer of the search index).
TASK_BACKEND = env_str("TASK_BACKEND", "immediate")
if TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASK_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured(f"TASK_BACKEND must be immediate or database, not {TASK_BACKEND!r}.")
# A task still marked running after this long is taken to belong to a killed worker and
# is queued again when a worker starts (intranet.tasks.requeue_abandoned_tasks).
TASK_STALE_AFTER_MINUTES = env_int("TASK_STALE_AFTER_MINUTES", 30)

# Wagtail
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "Intranet")
WAGTAILADMIN_BASE_URL = env_str("BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# No Gravatar: it would send hashes of employees' e-mail addresses to a third party (and the
# Content-Security-Policy blocks outside images anyway).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
TAGGIT_CASE_INSENSITIVE = True

# Accounts (django-allauth)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_UNIQUE_EMAIL = True
# "-" is the segment of the intranet's own routes beside people (/people/-/suggest/).
ACCOUNT_USERNAME_BLACKLIST = ["-"]
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "intranet.accounts.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "intranet.accounts.SocialAccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "signup": env_str("RATE_LIMIT_SIGNUP", "20/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
}
# The client's address (login rate limits per address, the audit log) comes from the
# connection, or behind that many proxies from the X-Forwarded-For they append to.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SIGNUP_DOMAINS = [d.lower().lstrip("@") for d in env_list("SIGNUP_DOMAINS", ["example.com"])]
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = WAGTAIL_SITE_NAME
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS: dict = {}
if env_str("OIDC_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env_str("OIDC_PROVIDER_ID", "company"),
                "name": env_str("OIDC_NAME", "Company login"),
                "client_id": env_str("OIDC_CLIENT_ID"),
                "secret": env_str("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": env_str("OIDC_SERVER_URL")},
            }
        ]
    }
if env_str("SAML_IDP_ENTITY_ID"):
    SOCIALACCOUNT_PROVIDERS["saml"] = {
        "APPS": [
            {
                "provider_id": env_str("SAML_PROVIDER_ID", "company-saml"),
                "name": env_str("SAML_NAME", "Company SSO (SAML)"),
                "client_id": env_str("SAML_PROVIDER_ID", "company-saml"),
                "settings": {
                    "attribute_mapping": {
                        "uid": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
                        "email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                    },
                    "idp": {
                        "entity_id": env_str("SAML_IDP_ENTITY_ID"),
                        "metadata_url": env_str("SAML_IDP_METADATA_URL"),
                    },
                },
            }
        ]
    }

# E-mail: console in development, EMAIL_URL-style settings in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
if TASK_BACKEND == "database":
    # Requests only enqueue mail; the worker hands it to the real backend, so a slow or
    # unreachable mail server never holds up a page.
    INTRANET_DELIVERY_EMAIL_BACKEND = EMAIL_BACKEND
    EMAIL_BACKEND = "intranet.tasks.TaskEmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "intranet@example.com")
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production values are on unless DEBUG; behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER through SECURE_PROXY=true.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
if env_bool("SECURE_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for the company's domain owners, not for this app.
    "security.W021",
    # SAMEORIGIN, not DENY: the Wagtail admin shows page previews in a same-origin frame.
    "security.W019",
]

# Content-Security-Policy for every page the intranet renders itself: scripts and styles
# only from our own static files, so injected markup in user content cannot run. The site's
# templates use no inline scripts or style attributes; keep it that way.
CSP_STRICT_DIRECTIVES = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": CSP_STRICT_DIRECTIVES,
    # The Wagtail admin gets its own, looser policy (CSP_ADMIN_DIRECTIVES, set by
    # intranet.views.ContentSecurityPolicyMiddleware) because its editors run inline code.
}
# Only staff reach the admin, and its rich-text editor and previews need inline styles;
# scripts still come only from our own origin.
CSP_ADMIN_DIRECTIVES = {
    **CSP_STRICT_DIRECTIVES,
    "style-src": ["'self'", "'unsafe-inline'"],
    "script-src": ["'self'", "'unsafe-inline'"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

DEMO_PASSWORD = "intranet-demo" if DEBUG else ""

# --- api (the REST API, /api/; api/) ---
# Tokens (`Authorization: Bearer …`) for scripts and other systems, the session for a
# signed-in browser (with CSRF). Every call needs an active employee; writes need a token
# with the write scope. JSON only: no browsable HTML API (its inline scripts would break
# the Content-Security-Policy); the docs are Swagger UI at /api/docs/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsEmployee", "api.permissions.TokenScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{WAGTAIL_SITE_NAME} API",
    "DESCRIPTION": (
        "Posts, wiki pages, spaces, people and search: what the caller may see on the web, "
        "nothing more. Make a token at /api/tokens/ and send it as "
        "`Authorization: Bearer <token>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["api.schema.only_the_rest_api"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from the drf-spectacular-sidecar package, served as our own
    # static files: no CDN, and the Content-Security-Policy's script-src 'self' holds.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# --- end api ---

# --- community (activity, following, notifications, guidelines, dashboard) ---
INSTALLED_APPS.insert(INSTALLED_APPS.index("search") + 1, "community")
TEMPLATES[0]["OPTIONS"]["context_processors"].append("community.context_processors.community")
# --- end community ---
