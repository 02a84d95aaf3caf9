"""The production-like stack of bench/stack.sh (gunicorn, Celery worker and beat, its own Redis, PostgreSQL).

Tests marked `stack` drive the real processes over http, not the test server: no eager tasks, no test
database. The session fixture starts the stack (idempotent) and stops it at the end, unless it was already
running before the session began (a developer's stack is left as it was).
"""

import fcntl
import subprocess

import pytest

from bench.stackenv import OUT, STACK, stack_env

COMPONENTS = ("redis", "worker", "beat", "web")


def _running():
    out = subprocess.run([str(STACK), "status"], capture_output=True, text=True, timeout=30).stdout
    return all(f"{name}: running" in out for name in COMPONENTS)


@pytest.fixture(scope="session")
def stack():
    # One test session at a time uses the stack: another one (a second `make test`) waits here, so neither
    # stops the stack under the other.
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "stack-tests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        was_running = _running()
        subprocess.run([str(STACK), "up"], check=True, timeout=600)
        try:
            yield stack_env()
        finally:
            if not was_running:
                subprocess.run([str(STACK), "down"], check=True, timeout=120)
