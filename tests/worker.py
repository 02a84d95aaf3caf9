"""A real Celery worker in a subprocess, for the few tests that prove the broker path (STYLE.md rule 17).

Everywhere else Celery runs eagerly. A test that needs the real thing asks for `celery_worker_process`:

    @pytest.mark.worker
    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_letter_is_rendered_by_the_worker(celery_worker_process, ...):
        ...  # .delay() / on_commit now go through Redis to the worker

The fixture starts `celery -A pelayanan worker --pool=solo` on the pytest-django test database (rows are
committed, the data the migrations seed is restored) and the test Redis, switches this process's Celery app
from eager to the broker for the test, and points MEDIA_ROOT of both processes at the same folder. Mail the
worker sends is written to files: read it with `sent_mail()`.
The worker's output is printed at teardown, so pytest shows it when the test fails.

The worker lives for one test on purpose: the autouse isolation fixture flushes the Redis test database
between tests, and with it the queue bindings a longer-lived worker would rely on. Start-up is ~1-2 s.
"""

import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"  # what Django's file e-mail backend writes after each message


def database_url(db):
    """The DATABASE_URL that reaches the database described by a settings.DATABASES entry."""
    if "postgresql" not in db["ENGINE"]:
        raise RuntimeError("The worker tests run on PostgreSQL only.")
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


class CeleryWorker:
    """Context manager: a worker subprocess that is ready on entry and always stopped on exit."""

    def __init__(self, workdir, *, database, broker_url, result_backend, redis_url, ready_timeout=30):
        self.workdir = Path(workdir)
        self.mail_dir = self.workdir / "mail"
        self.media_root = self.workdir / "media"
        self.log_path = self.workdir / "worker.log"
        self.nodename = f"pytest-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        self.ready_timeout = ready_timeout
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pelayanan.settings",
            "PRODUCTION": "false",
            "DATABASE_URL": database_url(database),
            "CONN_MAX_AGE": "0",  # no idle connection may block the test database's flush or drop
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": result_backend,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": "filemail:///" + str(self.mail_dir.resolve()),  # environ drops one leading slash
            "MEDIA_ROOT": str(self.media_root),
            "PYTHONUNBUFFERED": "1",
        }
        self.process = None

    @classmethod
    def for_current_settings(cls, workdir, **kwargs):
        from django.conf import settings

        return cls(
            workdir,
            database=settings.DATABASES["default"],  # after pytest-django's setup: the test database
            broker_url=settings.CELERY_BROKER_URL,
            result_backend=settings.CELERY_RESULT_BACKEND,
            redis_url=settings.REDIS_URL,
            **kwargs,
        )

    def command(self):
        return [
            sys.executable, "-m", "celery", "-A", "pelayanan", "worker", "--pool=solo", "--loglevel=INFO",
            "-n", self.nodename, "--without-mingle", "--without-gossip", "--without-heartbeat",
        ]

    def __enter__(self):
        for folder in (self.mail_dir, self.media_root):
            folder.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def _wait_until_ready(self):
        deadline = time.monotonic() + self.ready_timeout
        while " ready." not in self.log():
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"The Celery worker was not ready after {self.ready_timeout} s:\n{self.log()}")
            time.sleep(0.1)

    def stop(self):
        """Kill the worker's whole process group.

        The test is over and its results are in, so nothing the worker would still do matters; a warm or cold
        shutdown only waits (~1 s) for the broker poll to return. Its database connections close with it.
        """
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, text, timeout=10):
        """Wait until the worker has logged `text` (it logs a task's success just after storing the result)."""
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if time.monotonic() > deadline:
                raise AssertionError(f"The worker did not log {text!r} within {timeout} s:\n{self.log()}")
            time.sleep(0.05)
        return True

    def sent_mail(self):
        """Every message the worker sent, oldest first, as email.message.EmailMessage objects."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for chunk in path.read_text().split(MAIL_SEPARATOR):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk, policy=email.policy.default))
        return messages


@pytest.fixture
def celery_worker_process(request, transactional_db, settings, tmp_path):
    """A real worker for this test; this process sends tasks through Redis until the test ends.

    The test runs outside a transaction, so the worker sees what it commits, and starts with the data the
    migrations seed (roles, units, services), which an earlier transactional test's flush would have removed.
    pytest-django serializes that data at set-up only for tests whose marker asks for it, hence the check.
    """
    from pelayanan.celery import app

    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction") and marker.kwargs.get("serialized_rollback")):
        pytest.fail("A test using celery_worker_process needs "
                    "@pytest.mark.django_db(transaction=True, serialized_rollback=True).", pytrace=False)

    with CeleryWorker.for_current_settings(tmp_path / "celery-worker") as worker:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.MEDIA_ROOT = worker.media_root
        was_eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            yield worker
        finally:
            app.conf.task_always_eager = was_eager
            worker.stop()
            print(f"--- Celery worker log ({worker.log_path}) ---\n{worker.log()}")
