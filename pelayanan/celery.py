"""The Celery application. Configuration lives in settings under the CELERY_ prefix.

Tasks are found in each app's tasks.py; periodic ones are listed in settings.CELERY_BEAT_SCHEDULE.
"""

import gc
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pelayanan.settings")

app = Celery("pelayanan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def tune_gc(**kwargs):
    """Garbage collection tuned for the letter renders each worker process does.

    WeasyPrint allocates container objects by the million: with the default threshold (a young-generation
    collection every 700 allocations) one letter triggered ~13,000 collections, about a tenth of its render
    time. gc.freeze() parks everything imported before the first task (Django, WeasyPrint, fonts) where no
    collection walks it again, and a young generation of 10,000 objects makes collections rarer; renders
    measured 12 % faster (bench/letters.py), memory stays flat from letter 50 to 500. Cycles are still
    collected, only less often.
    """
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


@task_prerun.connect
@task_postrun.connect
def close_old_db_connections(**kwargs):
    """Django's per-request rule for database connections, applied per task.

    Celery's Django fixup would close the connection before and after every task (unless DB_REUSE_MAX is
    set), so each letter paid a new PostgreSQL connection: ~15 ms of the worker waiting, measured by
    bench/letters.py. settings.CELERY_DB_REUSE_MAX keeps it open; this closes it, as Django does after a
    web request, once it is older than CONN_MAX_AGE or after an error left it unusable (a restarted server).
    """
    from django.db import close_old_connections

    task = kwargs.get("sender")
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run inside the caller's request or transaction: its connection is not ours to close
    close_old_connections()
