"""The staff queue's partial index: requests in process, by due date (issue 4, item 11; see bench/admin_queue.py).

It serves the default changelist ordering and, being small and holding service and paused_at, answers the
changelist counts and the overdue / due-today figures with index-only scans.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0003_catalogue")]

    operations = [
        migrations.AddIndex(
            model_name="servicerequest",
            index=models.Index(
                condition=models.Q(("status__in", ["draft", "letter_issued", "rejected", "cancelled"]), _negated=True),
                fields=["due_date", "service"], include=("paused_at",), name="req_open_due",
            ),
        ),
    ]
