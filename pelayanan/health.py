"""/healthz: the state of the database, Redis and the Celery workers, for compose and load balancers."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _redis():
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
    return "ok"


def _celery():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from pelayanan.celery import app

    replies = app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no worker answered")
    return f"ok ({len(replies)} worker)"


CHECKS = {"database": _database, "redis": _redis, "celery": _celery}


@require_GET
@never_cache
def healthz(request):
    report, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # any failure of a dependency is reported, never raised
            healthy = False
            report[name] = f"down: {exc.__class__.__name__}"
    # Without Redis the worker cannot be asked, so only report what depends on it.
    return JsonResponse({"status": "ok" if healthy else "down", "checks": report}, status=200 if healthy else 503)
