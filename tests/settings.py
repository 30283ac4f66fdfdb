"""Settings for the test suite: the project's settings with fast, isolated parts."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("INTRANET_TESTING", "true")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-" + "x" * 40)
_TMP = Path(tempfile.mkdtemp(prefix="intranet-tests-"))
os.environ.setdefault("VAR_DIR", str(_TMP))
os.environ.setdefault("SEARCH_INDEX_DIR", str(_TMP / "search-index"))
os.environ.setdefault("MEDIA_ROOT", str(_TMP / "media"))

from intranet.settings import *  # noqa: E402,F403
from intranet.settings import BASE_DIR, DATABASES  # noqa: E402

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
FIXTURE_DIRS = [BASE_DIR / "tests" / "fixtures"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(_TMP / "test.sqlite3")}
# Tests do not want to be rate limited unless they test rate limits.
ACCOUNT_RATE_LIMITS = False

# --- search: modelsearch's own backend test suite needs its test app (block owned by search) ---
# Its models (label "searchtests") and the "search" fixture in tests/fixtures let
# tests/search run modelsearch's BackendTests against the Whoosh backend.
INSTALLED_APPS = [*INSTALLED_APPS, "modelsearch.test.testapp"]  # noqa: F405
# The app's own migrations depend on the "modelsearch" app, which Wagtail
# replaces with "wagtail.search"; ours are generated from its models.
MIGRATION_MODULES = {"searchtests": "tests.search.searchtests_migrations"}
# --- end search block ---
(_TMP / "static").mkdir(exist_ok=True)

# Transactional tests empty the database quickly (tests/testdb): the same backends, whose
# flush keeps content types and permissions, and the `flush` command that then skips
# post_migrate.
INSTALLED_APPS = ["tests.testdb", *INSTALLED_APPS]
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.postgresql": "tests.testdb.postgresql",
    "django.db.backends.sqlite3": "tests.testdb.sqlite3",
}[DATABASES["default"]["ENGINE"]]
# The test database is thrown away: PostgreSQL need not wait for each commit to reach disk.
if DATABASES["default"]["ENGINE"] == "tests.testdb.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
