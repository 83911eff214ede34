"""TTXD settings, driven by the environment (with settings_https.py and settings_apps.py).

Every secret may also come from a file: set FOO_FILE instead of FOO (Docker
secrets). Without DATABASE_URL the embedded development cluster started by
`make run` / `make test` is used (its URL is written to var/database_url).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from backend.environment import env, env_bool, env_float, env_int

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and env("DJANGO_REQUIRE_SECRET", "0") == "1":
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
    # Development only: a stable per-checkout key kept out of git.
    key_file = BASE_DIR / "var" / "secret_key"
    if key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    else:
        import secrets

        SECRET_KEY = secrets.token_urlsafe(50)
        try:
            key_file.parent.mkdir(exist_ok=True)
            key_file.write_text(SECRET_KEY)
        except OSError:
            pass

ALLOWED_HOSTS = [
    h.strip()
    for h in (env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost") or "").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in (env("DJANGO_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    # Per-device API tokens (backend.accounts.models.DeviceToken).
    "knox",
    "rest_framework_gis",
    "drf_spectacular",
    "csp",
    # Shared infrastructure: idempotency records (backend.core.models).
    "backend.core",
    "backend.accounts",
    "backend.wards",
    "backend.permits",
    "backend.cases",
    "backend.photos",
    "backend.sites",
    "backend.intake",
    "backend.audit",
    "backend.maps",
    "backend.reports",
    "backend.notifications",
    "backend.field",
    "backend.web",
    "backend.ogc",
    "fixtures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Tiles of an already authenticated session, in one statement; everything
    # else goes on down the stack (see the module).
    "backend.maps.middleware.TileFastPathMiddleware",
    # Content-Security-Policy on every response the stack builds (django-csp).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale (its 400 is in the user's language), before anything reads input.
    "backend.core.middleware.RefuseControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if not DATABASE_URL:
    url_file = BASE_DIR / "var" / "database_url"
    if url_file.exists():
        DATABASE_URL = url_file.read_text().strip()
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set and no embedded database is running: use `make run`."
    )
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# Every connection of the app runs without JIT compilation and parallel
# workers. Its statements take milliseconds (a map tile above all), but
# PostGIS declares its functions expensive, so the planner would JIT-compile
# (20–400 ms) and start workers for them, which only slows them down. Set once
# per connection, not per statement: a SET costs as much as a light tile.
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = (
    str(_db_options.get("options", "")) + " -c jit=off -c max_parallel_workers_per_gather=0"
).strip()
DATABASES["default"].setdefault("TEST", {})["NAME"] = env("DATABASE_TEST_NAME", None)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time: Vietnamese first, Asia/Ho_Chi_Minh, dd/mm/yyyy ------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "backend" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["backend.formats"]

# --- Static files and uploads ----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "frontend" / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "frontend" / "static",
    # Libraries installed from npm by the setup; served locally, never from a CDN.
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet-geoman", NODE_MODULES / "@geoman-io" / "leaflet-geoman-free" / "dist"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
]
WHITENOISE_USE_FINDERS = DEBUG
# Served at the site's root: /favicon.ico, which browsers ask for on every page
# (drawn by `manage.py build_icons`, backend/web/icons.py).
WHITENOISE_ROOT = BASE_DIR / "frontend" / "root"

MEDIA_ROOT = Path(env("TTXD_MEDIA_ROOT", str(BASE_DIR / "var" / "media")) or "")
# Files are never served from a public web root: see backend.photos views.
MEDIA_URL = "/media-not-public/"

STORAGE_BACKEND = env("TTXD_STORAGE", "local")
if STORAGE_BACKEND == "s3":
    _default_storage: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME", "ttxd"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "access_key": env("AWS_ACCESS_KEY_ID"),
            "secret_key": env("AWS_SECRET_ACCESS_KEY"),
            "region_name": env("AWS_S3_REGION_NAME", "us-east-1"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 300),
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
elif STORAGE_BACKEND == "local":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    }
else:
    raise ImproperlyConfigured("TTXD_STORAGE must be 'local' or 's3'.")
STORAGES = {
    "default": _default_storage,
    # Signed URLs are computed for the host the browser will use: behind
    # docker compose the app reaches MinIO as http://minio:9000 but browsers
    # reach it at AWS_S3_PUBLIC_ENDPOINT_URL (the signature covers the host).
    "signed_urls": (
        {
            **_default_storage,
            "OPTIONS": {
                **_default_storage["OPTIONS"],
                "endpoint_url": env("AWS_S3_PUBLIC_ENDPOINT_URL")
                or _default_storage["OPTIONS"]["endpoint_url"],
            },
        }
        if STORAGE_BACKEND == "s3"
        else _default_storage
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # A request that carries a device token is judged by it, not by a
        # session cookie that may come along (backend.accounts.authentication).
        "backend.accounts.authentication.SessionUnlessTokenAuthentication",
        "backend.accounts.authentication.DeviceTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: no browsable HTML API that could reflect input into a page;
    # people read the API at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The form parsers refuse control characters in text fields (backend.core.parsers);
    # JSON bodies are checked by backend.core.middleware before any view runs.
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "backend.core.parsers.FormParser",
        "backend.core.parsers.MultiPartParser",
    ],
    # drf-spectacular plus the refusals every operation shares (401/403/404/...).
    "DEFAULT_SCHEMA_CLASS": "backend.core.schema.ApiSchema",
    "EXCEPTION_HANDLER": "backend.core.api_errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "backend.core.pagination.GeoJsonPagination",
    "PAGE_SIZE": 100,
}
# Device tokens for phones (django-rest-knox): stored as a digest and knox's
# 15-character prefix, which cannot authenticate; a token expires after
# TTXD_TOKEN_TTL_DAYS without use, renewed while in use.
KNOX_TOKEN_MODEL = "accounts.DeviceToken"  # noqa: S105 - a model name, not a secret
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": datetime.timedelta(days=env_int("TTXD_TOKEN_TTL_DAYS", 30)),
    "AUTO_REFRESH": True,
    # One write per minute at most for a token in steady use.
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",
}
# knox's own token table is swapped for DeviceToken: nothing of it to migrate.
MIGRATION_MODULES = {"knox": None}
SPECTACULAR_SETTINGS = {
    "TITLE": "TTXD API",
    "DESCRIPTION": "Construction permits and violation cases for ward governments.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Signed-in users only, unless TTXD_API_DOCS_PUBLIC (backend.core.permissions).
    "SERVE_PERMISSIONS": ["backend.core.permissions.SignedInUnlessApiDocsPublic"],
    "COMPONENT_SPLIT_REQUEST": True,
    # The API docs page loads Swagger UI from our own static files, not a CDN.
    "SWAGGER_UI_DIST": STATIC_URL + "vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": STATIC_URL + "ttxd/favicon-32.png",
    # One name per choice set, wherever it appears.
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "backend.cases.models.Stage",
        "ViolationTypeEnum": "backend.cases.models.ViolationType",
        "OutcomeEnum": "backend.cases.models.Outcome",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # The error bodies, then the map tiles (a plain Django view, not DRF).
        "backend.core.schema.postprocess",
        "backend.maps.openapi.schema_tile_paths",
    ],
}

# /api/schema/ and /api/docs/ for anyone, not only signed-in users.
TTXD_API_DOCS_PUBLIC = env_bool("TTXD_API_DOCS_PUBLIC", False)

# --- Domain settings ---------------------------------------------------------
# A case with no permit parcel containing it is matched to the nearest permit
# parcel within this distance (metres, measured on the geography).
TTXD_PERMIT_MATCH_RADIUS_M = env_float("TTXD_PERMIT_MATCH_RADIUS_M", 30.0)

# --- Mail, security, logging --------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "ttxd@localhost")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# HTTPS, cookies, the reverse proxy and the security headers: backend/settings_https.py.
from backend.settings_https import *  # noqa: E402, F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Maps --------------------------------------------------------------------
# The base map's tile URL is a setting: a ward office on a closed network
# points it at its own tile server, or leaves it empty (data layers still show).
TTXD_BASEMAP_URL = env("TTXD_BASEMAP_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
TTXD_BASEMAP_ATTRIBUTION = env("TTXD_BASEMAP_ATTRIBUTION", "© OpenStreetMap contributors")
# The field app's offline copy of a ward (backend.field.offline) may also
# fetch the base map's tiles ahead of time, only if this is switched on, and
# only from a tile server whose terms allow it: OpenStreetMap's public
# servers forbid bulk prefetching, so the setting is refused for them
# (a system check error, and the package leaves the base map out).
TTXD_BASEMAP_PREFETCH = env_bool("TTXD_BASEMAP_PREFETCH", False)
TTXD_BASEMAP_PREFETCH_MAX_ZOOM = env_int("TTXD_BASEMAP_PREFETCH_MAX_ZOOM", 17)
# Where maps open when there is nothing to show: central Ho Chi Minh City (lat, lon).
TTXD_MAP_CENTER = (10.7769, 106.7009)


# --- Content-Security-Policy (django-csp) -------------------------------------
# No inline script, handler or style attribute on any page: a script that
# reaches a page through user input cannot run. The one inline block (the map
# page's import map) carries the request's nonce. Images may also come from
# the base map's tile server and, with S3 storage, from the object store that
# serves signed photo URLs (which the service worker also fetches); nothing
# else leaves the app's own origin.
def _origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


_object_store_origins = [
    o
    for o in [_origin(env("AWS_S3_PUBLIC_ENDPOINT_URL") or env("AWS_S3_ENDPOINT_URL"))]
    if o and STORAGE_BACKEND == "s3"
]
_image_origins = [o for o in [_origin(TTXD_BASEMAP_URL)] if o] + _object_store_origins
# Each of the a./b./c. servers of a "{s}" URL, as Leaflet and the field app ask them.
_basemap_prefetch_origins = sorted(
    {o for s in "abc" if (o := _origin((TTXD_BASEMAP_URL or "").replace("{s}", s)))}
    if TTXD_BASEMAP_PREFETCH
    else set()
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *_image_origins],
        "font-src": [SELF],
        # The field app's service worker fetches photo thumbnails, which
        # redirect to the object store: each redirect is checked here too.
        # With TTXD_BASEMAP_PREFETCH the field app fetches base-map tiles itself.
        "connect-src": [
            SELF,
            *_object_store_origins,
            *_basemap_prefetch_origins,
        ],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Debian 12 ships GDAL 3.6, which cannot sandbox file/network access. A user
# names a coordinate system only by EPSG code or VN-2000 meridian (never a
# PROJ string or WKT); the definitions inside uploaded files (.prj, a
# GeoPackage's) are parsed by GDAL with PROJ's network access off. The
# warning is acknowledged here rather than repeated in every run's output.
os.environ.setdefault("PROJ_NETWORK", "OFF")
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Map page (backend.maps) -------------------------------------------------------
# Vector-tile decoding for the map, ES modules from npm served as static files.
STATICFILES_DIRS += [
    ("vendor/pbf", NODE_MODULES / "pbf"),
    ("vendor/mapbox-vector-tile", NODE_MODULES / "@mapbox" / "vector-tile"),
    ("vendor/mapbox-point-geometry", NODE_MODULES / "@mapbox" / "point-geometry"),
]

# --- Sessions and the session's user (backend.accounts.sessions, .backends) ---
# Still the database table of django.contrib.sessions (shared by every process)
# and Django's ModelBackend; the session and its user are read with one plain
# statement each instead of ORM queries on every request.
SESSION_ENGINE = "backend.accounts.sessions"
AUTHENTICATION_BACKENDS = ["backend.accounts.backends.UserBackend"]

# --- Sign-in throttle (backend.accounts.throttle) ----------------------------
# Failed sign-ins (login page, admin, API token) are counted in PostgreSQL,
# shared by every web process. Within the window, a username is refused after
# the first number of failures, a client address after the second (0: off).
# The address is REMOTE_ADDR, never X-Forwarded-For: behind a reverse proxy
# set TTXD_TRUSTED_PROXY_COUNT (backend.wsgi then puts the client's address in
# REMOTE_ADDR), or TTXD_LOGIN_FAILURES_PER_IP=0 (every client would share the
# proxy's).
TTXD_LOGIN_FAILURES_PER_USERNAME = env_int("TTXD_LOGIN_FAILURES_PER_USERNAME", 5)
TTXD_LOGIN_FAILURES_PER_IP = env_int("TTXD_LOGIN_FAILURES_PER_IP", 30)
TTXD_LOGIN_FAILURE_WINDOW_MINUTES = env_int("TTXD_LOGIN_FAILURE_WINDOW_MINUTES", 15)
# Checked before any backend looks at a password; it never lets anyone in
# itself. The backends set above (or Django's default) follow it.
AUTHENTICATION_BACKENDS = [
    "backend.accounts.throttle.LoginThrottleBackend",
    *globals().get("AUTHENTICATION_BACKENDS", ["django.contrib.auth.backends.ModelBackend"]),
]

# --- The apps' own settings (photos, field app, workflow) ----------------------
from backend.settings_apps import *  # noqa: E402, F403
