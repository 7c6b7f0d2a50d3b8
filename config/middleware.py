"""Idle session timeout without a database write on every request.

A database session expires SESSION_COOKIE_AGE after it was last saved. Saving it on every request
(SESSION_SAVE_EVERY_REQUEST) would add a write, with its queries, to every page. Instead the session
is renewed when it was last renewed more than RENEW_AFTER seconds ago: a user active within the
timeout stays signed in, one idle for SESSION_COOKIE_AGE is signed out.
"""

import time

RENEWED = "_renewed_at"
RENEW_AFTER = 60


class IdleSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session the request used already (no extra read) and that holds a sign-in.
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        renewed = session.get(RENEWED)
        if session.modified or (renewed is not None and now - renewed >= RENEW_AFTER):
            # Saved anyway, or due: SessionMiddleware saves it with a new expiry and cookie.
            session[RENEWED] = now
        return response


KEPT_INPUT = "_kept_input"  # the session key; only this middleware reads or writes it
MAX_KEPT_BYTES = 200_000
NOT_KEPT = {"login", "logout", "set_language"}


class KeepInputAcrossSignInMiddleware:
    """A form sent after the session expired is not lost. The POST of a signed-out user (valid
    CSRF token, so it comes from one of our forms) is kept in the new anonymous session, the
    user is sent to log in with a message saying so, and after logging in the form's page shows
    the typed input again to be checked and saved. Logging in keeps the anonymous session's data
    (Django cycles its key). Files cannot be kept: the message asks for them again. Goes after
    CSRF, authentication and messages.

    The kept input reaches the page through the request: `request.take_kept_input()` gives it
    (a QueryDict) once, on the page it was typed on, else None; the session is read only when
    a view asks (evaluation.views.helpers.posted binds its form with it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.take_kept_input = lambda: take_kept_input(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.contrib import messages
        from django.contrib.auth.views import redirect_to_login
        from django.utils.translation import gettext as _

        if request.method != "POST" or request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.url_name in NOT_KEPT or match.namespace == "admin":
            return None
        if request.path.startswith("/api/"):
            return None  # the API answers for itself (401); there is no form to come back to
        data = {key: request.POST.getlist(key) for key in request.POST}
        data.pop("csrfmiddlewaretoken", None)
        if sum(len(v) for values in data.values() for v in values) > MAX_KEPT_BYTES:
            return None
        request.session[KEPT_INPUT] = {"path": request.path, "data": data}
        text = _(
            "ログインの有効期限が切れたため、保存されていません。入力した内容は保管してあります。"
            "ログインすると元の画面に戻り、入力した内容が表示されます。"
        )
        if request.FILES:
            text += _("ファイルは保管できないため、もう一度選んでください。")
        messages.warning(request, text)
        return redirect_to_login(request.path)


def take_kept_input(request):
    """The input kept for the page of this request, as a QueryDict, removed from the session
    (shown once); None when there is none or it was typed on another page."""
    from django.http import QueryDict

    session = getattr(request, "session", None)
    if session is None or KEPT_INPUT not in session:
        return None
    kept = session[KEPT_INPUT]
    if kept.get("path") != request.path:
        return None
    del session[KEPT_INPUT]
    data = QueryDict(mutable=True)
    for key, values in kept.get("data", {}).items():
        data.setlist(key, values)
    return data
