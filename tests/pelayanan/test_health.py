"""/healthz: 200 when the database, Redis and Celery are fine; 503 naming the part that is not, within ~2 s."""

import time

import pytest

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def _healthz(client):
    started = time.monotonic()
    response = client.get("/healthz")
    return response, time.monotonic() - started


def test_it_reports_every_part_ok(client):
    response, _ = _healthz(client)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok", "celery": "eager"}}
    assert "no-cache" in response.headers["Cache-Control"]


def test_it_names_redis_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = UNREACHABLE_REDIS

    response, elapsed = _healthz(client)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["redis"] == "down: ConnectionError"
    assert body["checks"]["database"] == "ok"
    assert elapsed < 2.0


def test_it_names_celery_when_no_worker_answers(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # production: tasks need a worker

    response, elapsed = _healthz(client)

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "celery": "down: no worker answered"}
    assert elapsed < 2.5


def test_it_names_celery_quickly_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = UNREACHABLE_REDIS

    response, elapsed = _healthz(client)

    assert response.status_code == 503
    assert response.json()["checks"]["celery"] == "down: ConnectionError"
    assert elapsed < 2.0


def test_it_rejects_post(client):
    response = client.post("/healthz")

    assert response.status_code == 405
