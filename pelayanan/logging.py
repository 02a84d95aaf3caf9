"""Structured logs: every log line is one JSON object on stdout, and every request writes one access line.

The access line (logger "pelayanan.access", written by pelayanan.middleware.RequestLogMiddleware) holds
the request id, method, path without the query string, status, duration in milliseconds and the user's
numeric id. Nothing else about the request is logged: no query string, no form data, no e-mail, name or
NIK, and secret tokens in a path (e-mail verification, password reset, survey links) are replaced.

The request id comes from a valid incoming X-Request-ID header (set by the proxy) or is made here; it is
echoed in the response and added to every log line written while the request is handled, so one
request's lines can be found together.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

request_id_var = contextvars.ContextVar("request_id", default="")

# Upstream ids are accepted only in a conservative shape, so a client cannot write arbitrary text into the logs.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
# URL arguments that carry a secret (signed tokens and the encoded user id paired with them).
SECRET_URL_KWARGS = {"token", "uidb64"}
REDACTED = "[redacted]"

# Attributes every LogRecord has; anything else on a record came through `extra=`.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}
# Only plain values from `extra` are written: objects (Django passes the request itself) could print
# query strings or form data.
_PLAIN_TYPES = (str, int, float, bool, type(None))


def request_id_from(header: str | None) -> str:
    """The incoming request id if it is well-formed, else a new one."""
    if header and REQUEST_ID_PATTERN.match(header):
        return header
    return uuid.uuid4().hex


def loggable_path(request) -> str:
    """request.path with the values of secret URL arguments replaced. Never the query string."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match:
        for name, value in match.kwargs.items():
            if name in SECRET_URL_KWARGS and value:
                path = path.replace(str(value), REDACTED)
    return path


def _redacted_message(record) -> str:
    """The message, with secret path parts redacted when it names the request's path (django.request does)."""
    message = record.getMessage()
    request = getattr(record, "request", None)
    path = getattr(request, "path", None)
    if path and path in message:
        message = message.replace(path, loggable_path(request))
    return message


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (empty outside a request)."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, plain `extra` values, exception."""

    def format(self, record):
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _redacted_message(record),
        }
        request_id = getattr(record, "request_id", "") or request_id_var.get()
        if request_id:
            payload["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_") and isinstance(value, _PLAIN_TYPES):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
