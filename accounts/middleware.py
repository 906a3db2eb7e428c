import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.shortcuts import redirect
from django.urls import reverse

# When IdleSessionMiddleware last moved the session's expiry (seconds since the epoch).
SESSION_REFRESHED_KEY = "_idle_refreshed_at"


class PasswordChangeRequiredMiddleware:
    """Accounts created by an administrator must set their own password first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:password_change")
        return self.get_response(request)


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, saving a signed-in session at most once a minute instead of on every request.

    The idle timeout (``SESSION_COOKIE_AGE``, 30 minutes) is the session row's expiry, which a save moves
    to "now + 30 minutes". ``SESSION_SAVE_EVERY_REQUEST`` did that with an UPDATE and a commit on every
    page view; here a request only marks the session for saving when its last refresh is older than
    ``SESSION_REFRESH_SECONDS``, so a session expires between 29 and 30 minutes after its last request
    (docs/DECISIONS.md). Sessions that hold nothing (anonymous visitors) are never written by this.
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if now - session.get(SESSION_REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[SESSION_REFRESHED_KEY] = now
        return super().process_response(request, response)


def session_refreshed_at_login(sender, request, user, **kwargs):
    """Signing in saves the session (its expiry is "now + 30 minutes"): the next minute needs no refresh."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_REFRESHED_KEY] = int(time.time())
