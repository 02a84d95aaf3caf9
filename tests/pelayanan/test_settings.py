"""Settings come from the environment: production refuses bad configuration, development needs nothing."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from pelayanan.celery import app

PRODUCTION_ENV = {
    "PRODUCTION": "true",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "DATABASE_URL": "postgres://pelayanan:s3cret@db.internal:5432/pelayanan",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "ALLOWED_HOSTS": "kepegawaian.pemkomedan.go.id",
    "SECURE_SSL_REDIRECT": None,
    "CELERY_TASK_ALWAYS_EAGER": None,
    "CELERY_BROKER_URL": None,
    "CELERY_RESULT_BACKEND": None,
    "DJANGO_ALLOW_ASYNC_UNSAFE": None,  # set for the test run only; the deploy check rejects it
}

DUMP_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from pelayanan.celery import app
from pelayanan.tasks import ping
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SECURE_PROXY_SSL_HEADER", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER"]
dump = {name: getattr(settings, name, None) for name in names}
dump["cache"] = settings.CACHES["default"]["BACKEND"]
dump["staticfiles"] = settings.STORAGES["staticfiles"]["BACKEND"]
dump["app_eager"] = app.conf.task_always_eager
if app.conf.task_always_eager:
    result = ping.delay()
    dump["ping"] = [type(result).__name__, result.get()]
print(json.dumps(dump))
"""


def _run(args, env_changes):
    """Run python with `args` in a fresh process whose environment is ours plus `env_changes` (None removes)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pelayanan.settings", **env_changes}
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run([sys.executable, *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=60)


def _settings_with(env_changes):
    out = _run(["-c", DUMP_SETTINGS], env_changes)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_settings_pass_the_deploy_checks_without_warnings():
    out = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)

    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues (0 silenced)." in out.stdout
    assert "WARNING" not in out.stdout + out.stderr


def test_production_turns_on_transport_security():
    dump = _settings_with(PRODUCTION_ENV)

    assert dump["DEBUG"] is False
    assert dump["SECURE_SSL_REDIRECT"] is True
    assert dump["SECURE_HSTS_SECONDS"] >= 31536000
    assert dump["SESSION_COOKIE_SECURE"] is True and dump["CSRF_COOKIE_SECURE"] is True
    assert dump["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert dump["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_ssl_redirect_can_be_left_to_the_proxy():
    dump = _settings_with({**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "false"})

    assert dump["SECURE_SSL_REDIRECT"] is False
    assert dump["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set when PRODUCTION=true"),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    out = _run(["manage.py", "check"], {**PRODUCTION_ENV, missing: ""})

    assert out.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in out.stderr


def test_production_refuses_debug():
    out = _run(["manage.py", "check"], {**PRODUCTION_ENV, "DEBUG": "true"})

    assert out.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be off when PRODUCTION=true." in out.stderr


def test_without_redis_celery_runs_eagerly_and_the_cache_is_local_memory():
    dump = _settings_with({"REDIS_URL": "", "CELERY_TASK_ALWAYS_EAGER": None, "CELERY_BROKER_URL": None,
                           "CELERY_RESULT_BACKEND": None})

    assert dump["CELERY_TASK_ALWAYS_EAGER"] is True and dump["app_eager"] is True
    assert dump["CELERY_BROKER_URL"] == "memory://localhost/"
    assert dump["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert dump["ping"] == ["EagerResult", "pong"]


def test_with_redis_celery_uses_the_broker_and_the_cache_is_redis():
    dump = _settings_with({"REDIS_URL": "redis://redis.internal:6379/0", "CELERY_TASK_ALWAYS_EAGER": None,
                           "CELERY_BROKER_URL": None, "CELERY_RESULT_BACKEND": None})

    assert dump["CELERY_TASK_ALWAYS_EAGER"] is False and dump["app_eager"] is False
    assert dump["CELERY_BROKER_URL"] == "redis://redis.internal:6379/0"
    assert dump["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_celery_is_configured_for_reliable_delivery():
    conf = app.conf

    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.result_serializer == "json"
    assert conf.accept_content == ["json"]
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    # A message not acknowledged within the visibility timeout is delivered again: it must outlast any task.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.worker_max_tasks_per_child > 0
    assert conf.timezone == "Asia/Jakarta"


def test_every_beat_schedule_entry_names_a_registered_task():
    app.loader.import_default_modules()

    assert app.conf.beat_schedule is settings.CELERY_BEAT_SCHEDULE
    assert {"pelayanan.tasks.send_email", "pelayanan.tasks.ping"} <= set(app.tasks)
    unknown = {name: entry["task"] for name, entry in app.conf.beat_schedule.items() if entry["task"] not in app.tasks}
    assert unknown == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/"),
        ("get", "/healthz"),
        ("post", "/healthz"),  # 405
        ("get", "/layanan/"),
        ("get", "/halaman-yang-tidak-ada/"),  # 404
        ("get", f"/{settings.ADMIN_URL}login/"),
    ],
)
def test_every_response_carries_the_security_headers(client, method, path):
    response = getattr(client, method)(path)

    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


def test_outside_production_a_bare_checkout_runs_management_commands_without_a_secret_key():
    out = _run(["manage.py", "makemigrations", "--check", "--dry-run"],
               {"PRODUCTION": None, "DEBUG": None, "SECRET_KEY": None, "DATABASE_URL": None, "REDIS_URL": None})
    assert out.returncode == 0, out.stderr
    assert "No changes detected" in out.stdout
