"""Render deploy/nginx.conf for a run on this machine (bench/public.sh, tests/pelayanan/test_nginx_conf.py).

    python bench/nginx_conf.py --upstream 127.0.0.1:8302 --listen 127.0.0.1:8303 \\
        --static-root bench/out/public/static --state-dir bench/out/public/nginx > bench/out/public/nginx.conf

The shipped file is written for the compose stack; only these values change: the gunicorn address
(http://web:8000), the listen address (listen 80), the static root (/srv/static/), the cache and temporary
files (/var/cache/nginx), the logs (/var/log/nginx/), the pid file and the worker user. Everything else,
the caching rules above all, is used as shipped.
"""

import argparse
import getpass
import grp
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "deploy" / "nginx.conf"


def render(*, upstream: str, listen: str, static_root, state_dir, user: str | None = None, text: str | None = None) -> str:
    """The shipped configuration with this machine's values; fails when a value to replace is missing."""
    text = SHIPPED.read_text() if text is None else text
    state = Path(state_dir).resolve()
    if user is None:
        user = f"{getpass.getuser()} {grp.getgrgid(os.getgid()).gr_name}"
    replacements = [
        ("user nginx;", f"user {user};"),
        ("pid /var/run/nginx.pid;", f"pid {state}/nginx.pid;"),
        ("/var/log/nginx/", f"{state}/log/"),
        ("/var/cache/nginx", f"{state}/cache"),
        ("http://web:8000", f"http://{upstream}"),
        ("listen 80;", f"listen {listen};"),
        ("/srv/static/", f"{Path(static_root).resolve()}/"),
    ]
    for old, new in replacements:
        if old not in text:
            raise ValueError(f"deploy/nginx.conf no longer contains {old!r}; update bench/nginx_conf.py")
        text = text.replace(old, new)
    for sub in ("log", "cache"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", required=True, help="gunicorn's host:port")
    parser.add_argument("--listen", required=True, help="nginx's host:port")
    parser.add_argument("--static-root", required=True)
    parser.add_argument("--state-dir", required=True, help="pid file, logs, cache")
    args = parser.parse_args()
    print(render(upstream=args.upstream, listen=args.listen, static_root=args.static_root, state_dir=args.state_dir), end="")


if __name__ == "__main__":
    main()
