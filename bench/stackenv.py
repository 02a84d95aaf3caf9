"""The environment of the bench stack (`bench/stack.sh env`), for the Python tools in bench/ and the stack tests."""

import os
import shlex
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "bench" / "stack.sh"
OUT = ROOT / "bench" / "out"


def stack_env() -> dict:
    """The variables the stack's processes run with (database, Redis, MEDIA_ROOT, STACK_URL...)."""
    out = subprocess.run([str(STACK), "env"], capture_output=True, text=True, check=True)
    env = {}
    for line in out.stdout.splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export "):].partition("=")
            env[name] = shlex.split(value)[0] if value else ""
    return env


def setup_django():
    """Point this process at the stack's database and settings, then django.setup()."""
    os.environ.update(stack_env())
    import django

    django.setup()


def stack(*args, check=True, timeout=300):
    """Run bench/stack.sh with arguments; its messages go to our stderr."""
    return subprocess.run([str(STACK), *args], check=check, timeout=timeout)
