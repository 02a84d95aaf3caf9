"""Structured request logs: one JSON line per request, with a request id, and never any personal data."""

import json
import logging

import pytest
from django.conf import settings

from pelayanan.logging import JsonFormatter, RequestIdFilter, request_id_var

pytestmark = pytest.mark.django_db

NIK = "1271051203880002"
PASSWORD = "Rahasia-Sekali-2026"
EMAIL = "andi.pratama@example.id"
ACCESS_FIELDS = {"time", "level", "logger", "message", "request_id", "method", "path", "status", "duration_ms", "user_id"}


def _lines(caplog):
    """Every record captured, formatted exactly as the console handler writes it."""
    formatter = JsonFormatter()
    return [formatter.format(record) for record in caplog.records]


def _access(caplog):
    return [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "pelayanan.access"]


def test_the_console_handler_writes_json_with_the_request_id():
    handler = settings.LOGGING["handlers"]["console"]

    assert settings.LOGGING["formatters"][handler["formatter"]]["()"] == "pelayanan.logging.JsonFormatter"
    assert "request_id" in handler["filters"]
    assert settings.MIDDLEWARE[0] == "pelayanan.middleware.RequestLogMiddleware"


def test_a_request_writes_one_access_line_and_echoes_its_id(client, caplog):
    caplog.set_level(logging.INFO)

    response = client.get("/layanan/?q=cuti&nik=" + NIK)

    [line] = _access(caplog)
    assert set(line) == ACCESS_FIELDS
    assert line["method"] == "GET" and line["path"] == "/layanan/" and line["status"] == response.status_code == 200
    assert line["user_id"] is None
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert NIK not in "\n".join(_lines(caplog))  # the query string is never logged


def test_a_post_full_of_personal_data_logs_none_of_it(client, caplog):
    caplog.set_level(logging.INFO)

    response = client.post("/akun/daftar/", {
        "email": EMAIL, "full_name": "Andi Pratama", "phone": "081260001001", "nik": NIK,
        "asn_type": "none", "nip": "", "password1": PASSWORD, "password2": PASSWORD, "consent": "on",
    })

    assert response.status_code in (200, 302)
    [line] = _access(caplog)
    assert (line["method"], line["path"], line["status"]) == ("POST", "/akun/daftar/", response.status_code)
    written = "\n".join(_lines(caplog))
    for secret in (NIK, PASSWORD, EMAIL, "081260001001", "Andi Pratama"):
        assert secret not in written


def test_a_failed_login_logs_neither_the_address_nor_the_password(client, caplog):
    caplog.set_level(logging.INFO)

    client.post("/akun/masuk/", {"username": EMAIL, "password": PASSWORD})

    assert len(_access(caplog)) == 1
    written = "\n".join(_lines(caplog))
    assert EMAIL not in written and PASSWORD not in written


def test_the_user_is_logged_by_numeric_id_only(client, applicant, caplog):
    client.force_login(applicant)
    caplog.set_level(logging.INFO)

    client.get("/akun/profil/")

    [line] = _access(caplog)
    assert line["user_id"] == applicant.pk
    written = "\n".join(_lines(caplog))
    assert applicant.email not in written and applicant.nik not in written


def test_an_upstream_request_id_is_kept_and_a_bad_one_replaced(client, caplog):
    caplog.set_level(logging.INFO)

    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-4f2a9c1e"})
    replaced = client.get("/healthz", headers={"X-Request-ID": 'x"; injected\nline'})

    assert kept.headers["X-Request-ID"] == "proxy-4f2a9c1e"
    assert replaced.headers["X-Request-ID"] != 'x"; injected\nline' and len(replaced.headers["X-Request-ID"]) == 32
    assert [line["request_id"] for line in _access(caplog)] == ["proxy-4f2a9c1e", replaced.headers["X-Request-ID"]]


def test_secret_tokens_in_the_path_are_redacted(client, caplog):
    caplog.set_level(logging.INFO)

    client.get("/akun/verifikasi/MTIzNA/cm5v2a-0123456789abcdef0123456789abcdef/")

    [line] = _access(caplog)
    assert line["path"] == "/akun/verifikasi/[redacted]/[redacted]/"
    assert "0123456789abcdef" not in "\n".join(_lines(caplog))


def test_other_log_lines_carry_the_request_id_and_only_plain_extras():
    record = logging.LogRecord("pelayanan.test", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
    record.request = object()  # Django passes the request object; its repr could show a query string
    record.status_code = 404
    token = request_id_var.set("abc12345")
    try:
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)

    assert line["message"] == "hello world" and line["level"] == "WARNING" and line["logger"] == "pelayanan.test"
    assert line["request_id"] == "abc12345" and line["status_code"] == 404
    assert "request" not in line


def test_a_login_logs_the_id_of_the_account_it_signed_in(client, applicant, caplog):
    caplog.set_level(logging.INFO)

    response = client.post("/akun/masuk/", {"username": applicant.email, "password": "rahasia-kuat-123"})

    assert response.status_code == 302
    [line] = _access(caplog)
    assert line["user_id"] == applicant.pk
    written = "\n".join(_lines(caplog))
    assert applicant.email not in written and "rahasia-kuat-123" not in written
