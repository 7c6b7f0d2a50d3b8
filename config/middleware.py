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
