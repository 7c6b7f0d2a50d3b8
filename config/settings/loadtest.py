"""Production settings served over plain HTTP on 127.0.0.1, for `make loadtest` only: the load
generator speaks HTTP to gunicorn directly, so cookies may not be Secure-only and nothing
redirects to HTTPS. Everything else (CSP, throttling, whitenoise, sessions) is production's."""

from .prod import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
