"""Morning reminders of the staff queue (issue 4, item 10).

Each working day the beat task `requests_app.tasks.send_reminders` calls `send_reminders()`:
- every officer with requests assigned to them that are due today or overdue gets one e-mail listing them;
- every unit head (OrganisationUnit.head) gets one e-mail listing the overdue requests of their unit(s);
- a head who also has requests of their own gets a single e-mail with both lists.
Nothing is sent to people with nothing due, and nothing at all on a non-working day (weekends, national
holidays, cuti bersama and closures from calendar.py). Requests paused for the applicant's revision are not due.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from pelayanan.emails import send_after_commit

from . import calendar
from .models import ServiceRequest

log = logging.getLogger(__name__)


@dataclass
class Item:
    """One request line of a reminder."""

    request: ServiceRequest
    url: str
    days_late: int = 0


@dataclass
class Digest:
    person: object
    due_today: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    units: dict = field(default_factory=dict)  # unit -> [Item] of overdue requests (heads only)

    @property
    def is_head(self):
        return bool(self.units)


def _item(req, today):
    url = settings.SITE_URL + reverse("admin:requests_app_servicerequest_change", args=[req.pk])
    days_late = -calendar.working_days_until(today, req.due_date) if req.due_date < today else 0
    return Item(request=req, url=url, days_late=days_late)


def digests(today):
    """{person: Digest} of everyone who has something to hear about today."""
    found = {}
    due = (
        ServiceRequest.objects.open()
        .filter(paused_at__isnull=True, due_date__lte=today, assigned_to__isnull=False, assigned_to__is_active=True)
        .select_related("service", "applicant", "assigned_to")
        .order_by("due_date", "code")
    )
    for req in due:
        digest = found.setdefault(req.assigned_to_id, Digest(person=req.assigned_to))
        (digest.due_today if req.due_date == today else digest.overdue).append(_item(req, today))
    late = (
        ServiceRequest.objects.overdue(today)
        .filter(service__unit__head__isnull=False, service__unit__head__is_active=True)
        .select_related("service__unit__head", "applicant", "assigned_to")
        .order_by("due_date", "code")
    )
    for req in late:
        unit = req.service.unit
        digest = found.setdefault(unit.head_id, Digest(person=unit.head))
        digest.units.setdefault(unit, []).append(_item(req, today))
    return found


def send_reminders(today=None):
    """Queue today's reminder e-mails; returns how many. Runs once per day even if beat fires twice."""
    today = today or timezone.localdate()
    if not calendar.is_working_day(today):
        log.info("reminders: %s is not a working day, nothing sent", today)
        return 0
    if not cache.add(f"requests_app:reminders:{today.isoformat()}", 1, timeout=36 * 3600):
        log.info("reminders: already sent for %s", today)
        return 0
    try:
        return _send_all(today)
    except Exception:
        cache.delete(f"requests_app:reminders:{today.isoformat()}")  # let a retry send them
        raise


def _send_all(today):
    queue_url = settings.SITE_URL + reverse("admin:requests_app_servicerequest_changelist")
    sent = 0
    for digest in sorted(digests(today).values(), key=lambda d: d.person.email):
        context = {
            "person": digest.person,
            "today": today,
            "due_today": digest.due_today,
            "overdue": digest.overdue,
            "own_total": len(digest.due_today) + len(digest.overdue),
            "units": sorted(digest.units.items(), key=lambda pair: pair[0].name),
            "overdue_total": sum(len(items) for items in digest.units.values()),
            "queue_url": queue_url,
            "my_queue_url": queue_url + "?ditangani=saya",
            "overdue_queue_url": queue_url + "?batas=terlambat",
        }
        send_after_commit("reminder-head" if digest.is_head else "reminder-officer", digest.person.email, context)
        sent += 1
    log.info("reminders: %d e-mails queued for %s", sent, today)
    return sent
