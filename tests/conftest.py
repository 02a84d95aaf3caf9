import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside the ORM

import pytest  # noqa: E402

from tests.worker import celery_worker_process  # noqa: E402,F401  (real Celery worker fixture)

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def pytest_sessionstart(session):
    """Fail at once, and say how to fix it, when PostgreSQL or Redis is not there. Never skip."""
    from django.conf import settings

    # Fast hashing for the many test users; production keeps Django's PBKDF2 default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    problems = []
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        problems.append("DATABASE_URL does not point at PostgreSQL; the suite runs on PostgreSQL only (use `make test`).")
    else:
        import psycopg2

        try:
            psycopg2.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
                             dbname="postgres", connect_timeout=3).close()
        except psycopg2.OperationalError as exc:
            problems.append(f"PostgreSQL is unreachable ({exc.__class__.__name__}). Start it with: "
                            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set; the suite needs Redis (use `make test`).")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except redis.exceptions.RedisError as exc:
            problems.append(f"Redis is unreachable ({exc.__class__.__name__}). Start it with: "
                            'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no')
    if problems:
        pytest.exit("Test services missing:\n- " + "\n- ".join(problems), returncode=3)


@pytest.fixture(autouse=True)
def _isolation(settings, tmp_path):
    """Each test gets its own media folder, a clean cache and the locmem mail outbox."""
    from django.core.cache import cache

    from requests_app.public_cache import forget_local

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    forget_local()  # the public pages' copies in this process's memory go with the cache
    yield
    cache.clear()
    forget_local()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep the seed data Django serialized at set-up reachable from every connection object.

    Once Playwright's sync API has started its event loop in the main thread, asgiref hands each context a
    new connection object, which lacks `_test_serialized_contents`; every serialized_rollback test after
    the first one then silently starts on a flushed, empty database. On the class, every object sees it.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents
    yield


# Personas (healthchecks' Alice/Bob idea): see tests/factories.py for the builders.
@pytest.fixture
def units(db):
    from pelayanan.models import OrganisationUnit

    return {u.code: u for u in OrganisationUnit.objects.all()}


@pytest.fixture
def applicant(db):
    from tests.factories import UserFactory

    return UserFactory(email="ani@example.id", full_name="Ani Lestari, S.E.", asn_type="pns")


@pytest.fixture
def other_applicant(db):
    from tests.factories import UserFactory

    return UserFactory(email="budi@example.id", full_name="Budi Santoso", asn_type="pns")


@pytest.fixture
def citizen(db):
    from tests.factories import UserFactory

    return UserFactory(email="warga@example.id", full_name="Rina Warga", asn_type="none", nip="")


@pytest.fixture
def officer(db, units):
    from tests.factories import staff_user

    return staff_user("petugas@example.id", "Petugas Layanan", unit=units["ppi"], full_name="Dedi Petugas")


@pytest.fixture
def other_officer(db, units):
    from tests.factories import staff_user

    return staff_user("petugas2@example.id", "Petugas Layanan", unit=units["ppi"], full_name="Eka Petugas")


@pytest.fixture
def foreign_officer(db, units):
    """An officer of another unit, who must not see PPI's requests."""
    from tests.factories import staff_user

    return staff_user("petugas.psdm@example.id", "Petugas Layanan", unit=units["psdm"], full_name="Fajar Lain")


@pytest.fixture
def signer(db, units):
    from tests.factories import staff_user

    return staff_user("pejabat@example.id", "Pejabat Penandatangan", unit=units["ppi"], full_name="Dr. Gita Pejabat, M.Si.")


@pytest.fixture
def supervisor(db, units):
    from tests.factories import staff_user

    return staff_user("supervisor@example.id", "Supervisor", unit=None, full_name="Hadi Supervisor")


@pytest.fixture
def atasan(db):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(email="atasan@example.id", full_name="Indra Atasan", asn_type="pns")
    user.groups.add(Group.objects.get(name="Atasan Langsung"))
    return user


def pytest_collection_modifyitems(items):
    """Transactional tests flush the database afterwards, seed data from migrations included (roles,
    catalogue). Restoring it (serialized_rollback) keeps every later test on the same seeded database."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        uses_live_server = "live_server" in getattr(item, "fixturenames", ())
        transactional = uses_live_server or (marker is not None and marker.kwargs.get("transaction"))
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Browse as an Indonesian visitor (the portal's first language); tests that switch language do it on the page."""
    return {**browser_context_args, "locale": "id-ID"}
