"""The compose stack, the image and .env.example, checked statically (Docker does not run on CI machines)."""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["web", "worker", "beat"]

ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']|os\.(?:environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
EXAMPLE_LINE = re.compile(r"^#?([A-Z][A-Z0-9_]*)=", re.MULTILINE)
INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def _settings_variables():
    text = (ROOT / "pelayanan" / "settings.py").read_text()
    return {a or b for a, b in ENV_READ.findall(text)}


def _example_variables():
    return set(EXAMPLE_LINE.findall((ROOT / ".env.example").read_text()))


def _compose_variables():
    return set(INTERPOLATION.findall((ROOT / "docker-compose.yml").read_text()))


def _url(value):
    """Parse a URL that holds compose interpolations, with each ${...} replaced by a plain word."""
    return urlparse(re.sub(r"\$\{[^}]*\}", "secret", value))


def _named_volumes(service):
    return dict(volume.split(":")[:2] for volume in service.get("volumes", []) if not volume.startswith((".", "/")))


def test_the_stack_has_every_service_with_a_healthcheck(services):
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ["db", "redis", "web", "worker", "beat"]:
        assert services[name]["healthcheck"]["test"], name


def test_each_healthcheck_asks_the_service_itself(services):
    def command(name):
        return " ".join(services[name]["healthcheck"]["test"])

    assert "pg_isready" in command("db")
    assert "redis-cli ping" in command("redis")
    assert "http://127.0.0.1:8000/healthz" in command("web")
    assert "celery -A pelayanan inspect ping" in command("worker")
    assert "beat" in command("beat") and ".ping()" in command("beat")


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_app_services_wait_for_a_healthy_database_and_redis(services, name):
    depends_on = services[name]["depends_on"]

    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_start_after_migrations(services, name):
    assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_app_services_are_wired_to_the_db_and_redis_services(services, name):
    env = services[name]["environment"]
    database, redis_url = _url(env["DATABASE_URL"]), _url(env["REDIS_URL"])
    db_env = services["db"]["environment"]

    assert (database.scheme, database.hostname, database.port) == ("postgres", "db", 5432)
    assert database.username == db_env["POSTGRES_USER"]
    assert database.path == "/" + db_env["POSTGRES_DB"]
    assert "${POSTGRES_PASSWORD" in env["DATABASE_URL"] and "${POSTGRES_PASSWORD" in db_env["POSTGRES_PASSWORD"]
    assert (redis_url.scheme, redis_url.hostname) == ("redis", "redis")
    assert env["PRODUCTION"] == "true" and env["DEBUG"] == "false"
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")  # compose refuses to start without one
    assert env["SECURE_SSL_REDIRECT"].startswith("${SECURE_SSL_REDIRECT:-")


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_app_services_run_one_image(services, name):
    assert services[name]["build"] == "."
    assert services[name]["image"] == services["web"]["image"]


def test_commands_start_gunicorn_celery_worker_and_beat(services):
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "command" not in services["web"]  # the image's CMD
    assert re.search(r'CMD \["gunicorn", "pelayanan\.wsgi:application", "--bind", "0\.0\.0\.0:8000"', dockerfile)
    assert services["worker"]["command"][:4] == ["celery", "-A", "pelayanan", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "pelayanan", "beat"]


def test_database_redis_and_media_live_on_volumes(compose, services):
    declared = set(compose["volumes"])

    assert _named_volumes(services["db"]) == {"pgdata": "/var/lib/postgresql/data"}
    assert _named_volumes(services["redis"]) == {"redisdata": "/data"}
    for name in ["web", "worker"]:
        assert _named_volumes(services[name]) == {"media": services[name]["environment"]["MEDIA_ROOT"]}
    assert {"pgdata", "redisdata", "media"} <= declared


def test_only_nginx_is_published_on_loopback_behind_the_host_proxy(services):
    assert "ports" not in services["web"]
    assert services["nginx"]["ports"] == ["127.0.0.1:${WEB_PORT:-8000}:80"]
    assert services["web"]["environment"]["NUM_PROXIES"] == "${NUM_PROXIES:-2}"  # the host's TLS proxy, then nginx


def test_env_example_lists_every_variable_the_settings_read():
    missing = _settings_variables() - _example_variables()

    assert missing == set(), "add these to .env.example with a comment"


def test_env_example_lists_only_variables_something_reads():
    unread = _example_variables() - _settings_variables() - _compose_variables()

    assert unread == set(), "these are read neither by pelayanan/settings.py nor by docker-compose.yml"


def test_env_example_documents_every_compose_variable():
    assert _compose_variables() - _example_variables() == set()


def test_settings_variables_are_found():
    # Guards the regular expression above: these are read in three different ways.
    assert {"SECRET_KEY", "DATABASE_URL", "EMAIL_URL", "AGENCY_NAME", "CONTENT_SECURITY_POLICY", "STATIC_ROOT"} <= (
        _settings_variables()
    )


def test_readme_documents_every_variable():
    readme = (ROOT / "README.md").read_text()

    assert {name for name in _example_variables() if f"`{name}`" not in readme} == set()


def test_dockerfile_builds_a_non_root_image_with_the_letter_fonts():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert dockerfile.startswith("# ") and "FROM python:3.11-slim-bookworm\n" in dockerfile
    for package in ["fonts-liberation", "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "gettext"]:
        assert f" {package}" in dockerfile
    assert "pip install -r requirements.txt" in dockerfile
    assert re.search(r"SECRET_KEY=\S+ STATIC_MANIFEST=true python manage.py collectstatic --noinput", dockerfile)
    assert re.search(r"^USER app$", dockerfile, re.MULTILINE)
    assert "ENV SECRET_KEY" not in dockerfile  # the build-time key never reaches the running image


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert {".env", ".git", ".venv", "db.sqlite3", "media"} <= set(ignored)
