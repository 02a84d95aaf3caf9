"""/healthz: the state of the database, Redis and the Celery workers, for compose and load balancers.

Every check is bounded by a timeout of about one second, so the endpoint answers within ~2 s even when a
dependency is gone. The body names each part; the status is 503 as soon as one part is down.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


class Unhealthy(Exception):
    """A dependency answered, but not well. The message is shown in the public report."""


def _ping_redis(url):
    import redis

    redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping()


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _redis():
    if not settings.REDIS_URL:
        return "not configured"
    _ping_redis(settings.REDIS_URL)
    return "ok"


def _celery():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    # Kombu retries an unreachable broker for several seconds; a bounded ping first keeps /healthz fast.
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        _ping_redis(settings.CELERY_BROKER_URL)
    from pelayanan.celery import app

    replies = app.control.ping(timeout=1.0)
    if not replies:
        raise Unhealthy("no worker answered")
    return f"ok ({len(replies)} worker)"


CHECKS = {"database": _database, "redis": _redis, "celery": _celery}


@require_GET
@never_cache
def healthz(request):
    report, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Unhealthy as exc:
            healthy = False
            report[name] = f"down: {exc}"
        except Exception as exc:  # any failure of a dependency is reported, never raised
            healthy = False
            report[name] = f"down: {exc.__class__.__name__}"
    return JsonResponse({"status": "ok" if healthy else "down", "checks": report}, status=200 if healthy else 503)
