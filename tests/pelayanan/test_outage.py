"""A database or Redis outage shows the Indonesian "layanan sedang gangguan" page (503), never a 500 or a trace."""

import logging
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory, override_settings

from pelayanan import middleware
from tests.factories import UserFactory

DEAD_PORT = 1  # nothing listens there: connections are refused at once
DEAD_REDIS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                "LOCATION": f"redis://127.0.0.1:{DEAD_PORT}/0"}}


def assert_outage_page(response):
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Request-ID"]
    assert "Content-Security-Policy" in response.headers
    html = response.content.decode()
    assert "<title>Layanan sedang gangguan" in html
    assert "sedang mengalami gangguan teknis" in html
    assert "tetap tersimpan" in html
    for leak in ("Traceback", "OperationalError", "ConnectionError", "127.0.0.1", "psycopg2", "Server Error"):
        assert leak not in html


@contextmanager
def database_down():
    """The default connection points at a port where no PostgreSQL listens; restored (and reconnected) after."""
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=DEAD_PORT)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@pytest.fixture
def dead_redis():
    # Django rebuilds the cache handler on this change; undone before the conftest clears the cache.
    with override_settings(CACHES=DEAD_REDIS_CACHE):
        yield


# Closing the connection needs a transactional database; serialized_rollback puts the seeded catalogue back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_while_the_database_is_down_pages_and_forms_answer_503_and_then_recover():
    client, signed_in = Client(raise_request_exception=False), Client(raise_request_exception=False)
    signed_in.force_login(UserFactory())
    with database_down():
        for path in ["/", "/layanan/", "/jam-layanan/", "/transparansi/", "/lacak/?kode=SKK-26-ABC123"]:
            assert_outage_page(client.get(path))
        assert_outage_page(client.post("/akun/masuk/", {"username": "ani@example.id", "password": "rahasia-kuat-123"}))
        assert_outage_page(signed_in.get("/permohonan/"))  # the session itself is in the database

    assert client.get("/layanan/").status_code == 200
    assert signed_in.get("/permohonan/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/layanan/", "/jam-layanan/", "/transparansi/"])
def test_pages_answer_503_while_redis_is_down(dead_redis, path):
    response = Client(raise_request_exception=False).get(path)

    assert_outage_page(response)


@pytest.mark.django_db
def test_a_form_post_answers_503_while_redis_is_down(dead_redis):
    # Login counts attempts in the cache (rate limit) before it checks the password.
    response = Client(raise_request_exception=False).post("/akun/masuk/", {"username": "ani@example.id",
                                                                            "password": "rahasia-kuat-123"})

    assert_outage_page(response)


@pytest.mark.django_db
def test_the_outage_is_logged_for_operators_without_the_page_showing_it(dead_redis, caplog):
    caplog.set_level(logging.INFO)

    Client(raise_request_exception=False).get("/layanan/")

    [outage] = [r for r in caplog.records if r.name == "pelayanan.outage"]
    assert outage.levelno == logging.ERROR and outage.error == "ConnectionError" and outage.exc_info
    [access] = [r for r in caplog.records if r.name == "pelayanan.access"]
    assert access.status == 503


@pytest.mark.django_db
def test_healthz_still_reports_instead_of_showing_the_page(settings, dead_redis):
    settings.REDIS_URL = f"redis://127.0.0.1:{DEAD_PORT}/0"

    response = Client(raise_request_exception=False).get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "down: ConnectionError"


def test_an_outage_raised_outside_a_view_gets_the_page_too():
    """handler500 covers a middleware (say, saving the session) failing after the view: Django calls it
    inside its except block, which this reproduces."""
    request = RequestFactory().get("/permohonan/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = middleware.server_error(request)

    assert_outage_page_body(response)


def test_other_errors_stay_server_errors():
    request = RequestFactory().get("/permohonan/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = middleware.server_error(request)

    assert response.status_code == 500
    assert middleware.OutageMiddleware(lambda r: None).process_exception(request, ValueError("a bug")) is None


def test_the_page_needs_no_database():
    # No django_db mark: any query here would fail the test outright.
    response = middleware.outage_response(RequestFactory().get("/lacak/"))

    assert_outage_page_body(response)
    assert 'href="/lacak/"' in response.content.decode()


def assert_outage_page_body(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    html = response.content.decode()
    assert "Layanan sedang gangguan" in html and "Traceback" not in html
