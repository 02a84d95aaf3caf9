"""The project's WSGI application plus one bench-only view, GET /__floor__ -> "ok" (bench/public.sh case a).

    gunicorn bench.floor_wsgi:application -w 2

The view goes through the project's full middleware stack (request log, security headers, sessions, locale,
CSRF, auth, messages, axes), so its throughput is the floor every page of the portal pays before doing any
work of its own. The path exists only in processes started from this module: the product's URLconf
(pelayanan.urls) and its WSGI module (pelayanan.wsgi) are untouched, so production never serves it.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pelayanan.settings")

import django  # noqa: E402

django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

# Before the first request: the URL resolver reads ROOT_URLCONF when it first resolves a path.
settings.ROOT_URLCONF = "bench.floor_urls"
application = get_wsgi_application()
