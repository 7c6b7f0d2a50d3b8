"""Production settings and the protections every environment shares: CSP, frame denial,
cookies, idle timeout, login throttling, password rules, logging without personal data."""

import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from config.client_ip import client_ip
from config.middleware import RENEW_AFTER, RENEWED
from tests.factories import UserFactory

PROD = "config.settings.prod"


def manage(*args, env_extra=None, drop=()):
    # The test settings allow async-unsafe calls through the environment; production must not.
    drop = {*drop, "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PROD_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "pdca.example.jp",
    "DJANGO_SETTINGS_MODULE": PROD,
}


def test_check_deploy_is_clean_with_the_required_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_prod_refuses_to_start_without(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = manage("check", env_extra=env, drop=[missing])
    assert result.returncode != 0
    assert f"The environment variable {missing} must be set." in result.stderr


def test_prod_serves_static_files_through_whitenoise_and_secures_cookies():
    result = manage("shell", "--verbosity", "0", "-c", _PROD_STATIC_PROBE, env_extra=PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "True",
    ]


_PROD_STATIC_PROBE = """
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
print(settings.STORAGES["staticfiles"]["BACKEND"])
print(settings.MIDDLEWARE[1])
print(settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
      and settings.SECURE_HSTS_SECONDS >= 31536000 and settings.SECURE_SSL_REDIRECT)
"""


@pytest.mark.django_db
def test_pages_carry_a_self_only_csp_and_deny_framing(client, users):
    client.force_login(users["staff"])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    csp = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    for directive in ("default-src", "script-src", "style-src", "img-src", "connect-src"):
        assert csp[directive] == "'self'", directive
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_no_page_needs_inline_script_or_style(client, users):
    """The CSP forbids inline code, so the templates must have none."""
    client.force_login(users["staff"])
    for url in (reverse("home"), reverse("login"), reverse("project_list")):
        page = client.get(url).content.decode()
        assert "<script>" not in page and "<style" not in page and " style=" not in page, url
        assert " onclick=" not in page and " onload=" not in page, url


@pytest.mark.django_db
def test_session_cookie_is_httponly_and_ends_after_idle_time(client):
    user = UserFactory(username="idle")
    client.post(reverse("login"), {"username": "idle", "password": "test-pass-2006"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE <= 60 * 60
    session = SessionStore(cookie.value)
    assert session["_auth_user_id"] == str(user.pk)
    signed_in_until = session.get_expiry_date()
    # Just renewed at the login: a page now writes nothing.
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    # A minute later, activity moves the expiry on: the timeout counts from the last activity.
    session[RENEWED] -= RENEW_AFTER
    session.save()
    response = client.get(reverse("home"))
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    assert SessionStore(cookie.value).get_expiry_date() > signed_in_until
    # Idle past the age, the session is gone and the user signs in again.
    Session.objects.filter(session_key=cookie.value).update(expire_date=timezone.now())
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(client):
    UserFactory(username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "target", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(reverse("login"), {"username": "target", "password": "wrong"})
    assert response.status_code == 429
    assert "ログインを一時的に制限しています" in response.content.decode()
    # Even the right password is refused while the lock holds.
    response = client.post(reverse("login"), {"username": "target", "password": "test-pass-2006"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_throttle_of_one_address_does_not_lock_the_user_out_elsewhere(client):
    UserFactory(username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "target", "password": "wrong"})
    response = client.post(
        reverse("login"),
        {"username": "target", "password": "test-pass-2006"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 302


def test_client_address_is_taken_from_the_trusted_proxy_hop_only():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7"
    )
    assert client_ip(request) == "10.0.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        # The client may have written 203.0.113.9 itself; the proxy saw 198.51.100.7.
        assert client_ip(request) == "198.51.100.7"
    with override_settings(TRUSTED_PROXY_COUNT=3):
        assert client_ip(request) == "10.0.0.2"


@pytest.mark.django_db
def test_passwords_follow_djangos_validators():
    user = UserFactory(username="tanaka")
    for weak in ("short", "12345678901", "password123", "tanaka2006"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("kanto-cluster-plan-2006", user)


def test_error_log_lines_carry_no_request_data(rf):
    """A 500 is logged with the path only: no POST data, cookies or user name."""
    from django.utils.log import log_response

    request = rf.post("/projects/x/", {"comment": "山田太郎 090-1234-5678"})
    request.COOKIES["sessionid"] = "secret-session"
    request.user = type("U", (), {"username": "yamada", "is_authenticated": True})()
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep()
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        from django.http import HttpResponse

        log_response(
            "Internal Server Error: %s",
            request.path,
            response=HttpResponse(status=500),
            request=request,
        )
    finally:
        logger.removeHandler(handler)
    assert records and "/projects/x/" in records[0]
    for personal in ("山田", "090-1234", "secret-session", "yamada"):
        assert personal not in records[0]
    configured = {h["class"] for h in settings.LOGGING["handlers"].values()}
    assert configured == {"logging.StreamHandler"}  # no AdminEmailHandler mailing requests
