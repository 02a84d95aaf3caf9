import logging
import sys
import time

import kombu.exceptions
import redis.exceptions
from django import db
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _
from django.views import defaults

from pelayanan.logging import loggable_path, request_id_from, request_id_var


class SecurityHeadersMiddleware:
    """Adds the headers Django's SecurityMiddleware does not: CSP and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# --- NUL bytes in the URL: a 400, before anything hands them to PostgreSQL ----------------------------


class RejectNulMiddleware:
    """Answers 400 when the path or a query parameter holds a NUL byte (%00).

    No URL of the portal can contain one, and PostgreSQL refuses NUL in text, so a parameter that reaches a
    query unchecked (a code in the path, an admin list filter, ?layanan=) would otherwise end in a 500.
    Form fields are covered by Django's ProhibitNullCharactersValidator.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = (value for key, values in request.GET.lists() for value in (key, *values))
        if "\x00" in request.path_info or any("\x00" in value for value in params):
            raise BadRequest("NUL byte in the URL")
        return self.get_response(request)


# --- Sessions end: SESSION_COOKIE_AGE after login, and for staff after inactivity ------------------------

LOGIN_AT_KEY = "pelayanan_login_at"
LAST_ACTIVITY_KEY = "pelayanan_last_activity"
ACTIVITY_RESOLUTION = 60  # seconds: the session is written at most once a minute to record activity


@receiver(user_logged_in, dispatch_uid="pelayanan.middleware.record_login_time")
def _record_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = request.session[LAST_ACTIVITY_KEY] = int(time.time())


class SessionTimeoutMiddleware:
    """Logs people out SESSION_COOKIE_AGE seconds after they logged in, however active they were (Django alone
    would extend a session each time it is written), and staff also after STAFF_SESSION_IDLE_MINUTES without a
    request: staff see other people's personal data, often on shared office computers.

    Login and last-request times are kept in the session; the latter to the minute, so that the session is not
    written on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(LOGIN_AT_KEY, now)
            if now - login_at > settings.SESSION_COOKIE_AGE:
                return _end_session(request, _("Sesi Anda sudah berakhir. Silakan masuk lagi."))
            if user.is_staff:
                last = session.get(LAST_ACTIVITY_KEY)
                if isinstance(last, int) and now - last > settings.STAFF_SESSION_IDLE_MINUTES * 60:
                    return _end_session(request, _("Sesi Anda berakhir karena tidak aktif selama %(minutes)d menit. "
                                                   "Silakan masuk lagi.") % {"minutes": settings.STAFF_SESSION_IDLE_MINUTES})
                if not isinstance(last, int) or now - last >= ACTIVITY_RESOLUTION:
                    session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def _end_session(request, message):
    logout(request)
    messages.warning(request, message)
    return redirect_to_login(request.get_full_path() if request.method == "GET" else request.path)


# --- Request ids and the access log (pelayanan/logging.py) ----------------------------------------------

access_log = logging.getLogger("pelayanan.access")


class RequestLogMiddleware:
    """First in MIDDLEWARE: gives each request an id (X-Request-ID, echoed) and writes one access line.

    The user id is taken only from what the request already loaded (the user or the session), so logging
    never adds a query, and works while the database is down.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get("X-Request-ID"))
        token = request_id_var.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response.headers["X-Request-ID"] = request.request_id
            path = loggable_path(request)
            access_log.info(
                "%s %s %s", request.method, path, response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _loaded_user_id(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def _loaded_user_id(request):
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped  # not loaded yet: do not load it for the log
    if user is not None:  # loaded, or replaced by login()/logout() during the request
        return user.pk if user.is_authenticated else None
    session = getattr(request, "session", None)
    if session is not None and hasattr(session, "_session_cache"):
        user_id = session.get(SESSION_KEY)
        return int(user_id) if user_id and str(user_id).isdigit() else user_id
    return None


# --- Dependency outages: a clear 503 page instead of a server error ----------------------------------

outage_log = logging.getLogger("pelayanan.outage")

# The database or Redis (cache, sessions, Celery broker) cannot be reached. These pass by themselves;
# the user is asked to try again. Any other exception stays a 500.
OUTAGE_ERRORS = (
    db.OperationalError,
    db.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)
RETRY_AFTER_SECONDS = 30


def is_outage(exc) -> bool:
    return isinstance(exc, OUTAGE_ERRORS)


def outage_response(request=None):
    """The "layanan sedang gangguan" page. Rendered without a request: no context processor, no query."""
    # "Coba lagi" repeats a page view; after a failed form post it leads to the home page instead.
    retry_url = request.path if request is not None and request.method == "GET" else "/"
    html = render_to_string("503.html", {
        "AGENCY_NAME": settings.AGENCY_NAME,
        "AGENCY_SHORT_NAME": settings.AGENCY_SHORT_NAME,
        "AGENCY_PHONE": settings.AGENCY_PHONE,
        "AGENCY_EMAIL": settings.AGENCY_EMAIL,
        "retry_url": retry_url,
    })
    response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _log_outage(exc):
    outage_log.error("dependency unavailable: %s", exc.__class__.__name__, exc_info=exc,
                     extra={"error": exc.__class__.__name__})


class OutageMiddleware:
    """Turns a database or Redis outage raised by a view (or its template) into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        _log_outage(exception)
        return outage_response(request)


def server_error(request, *args, **kwargs):
    """handler500: an outage raised outside a view (a middleware saving the session) still gets the 503 page.

    Django calls the handler inside its `except` block, so sys.exc_info() is the exception being handled.
    """
    exc = sys.exc_info()[1]
    if is_outage(exc):
        _log_outage(exc)
        return outage_response(request)
    return defaults.server_error(request, *args, **kwargs)
