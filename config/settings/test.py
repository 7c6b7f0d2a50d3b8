"""Settings for pytest. DATABASE_URL (from base) selects SQLite or PostgreSQL."""

import os

from .base import *  # noqa: F403

DEBUG = False
# Tests compute against the real date unless a test overrides it (override_settings).
PDCA_TODAY = None
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Playwright's sync API runs an event loop in the test thread; Django's live_server tests need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
