"""The Celery application. Configuration lives in settings under the CELERY_ prefix.

Tasks are found in each app's tasks.py; periodic ones are listed in settings.CELERY_BEAT_SCHEDULE.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pelayanan.settings")

app = Celery("pelayanan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
