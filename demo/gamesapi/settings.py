"""Django settings of the demo games API; every knob comes from the environment.

| variable                   | default                          | meaning                                  |
|----------------------------|----------------------------------|------------------------------------------|
| DJANGO_SECRET_KEY          | random per process (see below)   | Django's signing key                     |
| DATABASE_URL               | unset                            | e.g. postgres://...; wins over SQLite    |
| SIMPL_GAMES_DB             | <repo>/run/games.sqlite3         | SQLite file when DATABASE_URL is unset   |
| SIMPL_PASSWORD_ITERATIONS  | 20000                            | PBKDF2-SHA256 iterations for new hashes  |
| SIMPL_BASIC_AUTH_CACHE_SECONDS | 300                          | how long a worker trusts a verified Basic password (0 = never) |

Not for: the staff account (the `ensure_staff` command reads SIMPL_STAFF_EMAIL/PASSWORD) or the
profiler's own settings (`modelservice.conf`).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

REPO_DIR = Path(__file__).resolve().parents[2]


def _positive_int_env(name: str, default: int, *, allow_zero: bool = False) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0 or (value == 0 and not allow_zero):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a {'non-negative' if allow_zero else 'positive'} integer; "
            f"fix or unset it (default {default})")
    return value


# A random key when none is given is safe for this demo: the API authenticates every request with
# HTTP Basic and keeps no sessions, so nothing signed outlives the process. The stack passes one
# shared key to all gunicorn workers anyway (docs/stack-contracts.md).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "django_filters",
    "demo.gamesapi.games",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CommonMiddleware gives the reference's 301 to the slashed URL for a GET without a trailing slash.
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "demo.gamesapi.urls"
WSGI_APPLICATION = "demo.gamesapi.wsgi.application"
AUTH_USER_MODEL = "games.User"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False

if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    SIMPL_GAMES_DB = Path(os.environ.get("SIMPL_GAMES_DB") or REPO_DIR / "run" / "games.sqlite3")
    # SQLite refuses to create a file in a missing directory; make it here.
    try:
        SIMPL_GAMES_DB.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(f"SIMPL_GAMES_DB={str(SIMPL_GAMES_DB)!r}: cannot create its directory "
                                   f"({exc.strerror or exc}); point it at a writable path") from None
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SIMPL_GAMES_DB),
            # Several gunicorn workers write at once. WAL lets readers run beside the one writer;
            # IMMEDIATE takes the write lock when a transaction starts, so a waiting writer sleeps
            # on the busy timeout instead of failing with "database is locked" on a lock upgrade.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            },
            "CONN_MAX_AGE": 60,
        }
    }

SIMPL_PASSWORD_ITERATIONS = _positive_int_env("SIMPL_PASSWORD_ITERATIONS", 20000)
SIMPL_BASIC_AUTH_CACHE_SECONDS = _positive_int_env("SIMPL_BASIC_AUTH_CACHE_SECONDS", 300, allow_zero=True)
PASSWORD_HASHERS = ["demo.gamesapi.hashers.SettingsIterationsPBKDF2Hasher"]
AUTH_PASSWORD_VALIDATORS: list[dict] = []

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["demo.gamesapi.games.auth.CachedBasicAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "demo.gamesapi.games.pagination.LinkHeaderPagination",
    "PAGE_SIZE": 500,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "demo.gamesapi.games.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    # django.request logs every 4xx as a warning; under load that is noise, so only 5xx are logged.
    "loggers": {"django": {"handlers": ["stderr"], "level": "WARNING"},
                "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
}
