"""Morning reminders to officers and unit heads (issue 4, item 10), with real 2026 dates.

Wednesday 10 June 2026 is a working day; Tuesday 16 June 2026 is Tahun Baru Islam; 13 June is a Saturday.
"""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from requests_app import reminders
from requests_app.models import ServiceRequest
from requests_app.tasks import send_reminders
from tests.factories import make_request, staff_user

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def at(day, hour=7):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=WIB), tick=False)


@pytest.fixture
def head(units):
    head = staff_user("kabid.ppi@example.id", "Petugas Layanan", unit=units["ppi"], full_name="Kepala Bidang PPI")
    units["ppi"].head = head
    units["ppi"].save()
    return head


@pytest.fixture
def due(applicant, other_applicant, officer, other_officer):
    """PPI requests around Wednesday 10 June 2026."""
    return {
        "late": make_request(applicant, status=S.IN_REVIEW, assigned_to=officer, due_date=dt.date(2026, 6, 8)),
        "today": make_request(other_applicant, status=S.IN_REVIEW, assigned_to=officer, due_date=dt.date(2026, 6, 10)),
        "later": make_request(applicant, status=S.IN_REVIEW, assigned_to=other_officer, due_date=dt.date(2026, 6, 17)),
        "late_unassigned": make_request(other_applicant, due_date=dt.date(2026, 6, 9)),
        "paused": make_request(applicant, status=S.REVISION, assigned_to=other_officer, due_date=dt.date(2026, 6, 5),
                               paused_at=dt.datetime(2026, 6, 4, 10, tzinfo=WIB)),
        "done": make_request(applicant, status=S.REJECTED, assigned_to=other_officer, due_date=dt.date(2026, 6, 1)),
    }


def run_task(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return send_reminders.delay().get()


def by_recipient():
    return {m.to[0]: m for m in mail.outbox}


def test_officer_gets_one_email_with_due_today_and_overdue(django_capture_on_commit_callbacks, officer, other_officer, due):
    with at(dt.date(2026, 6, 10)):
        assert run_task(django_capture_on_commit_callbacks) == 1
    [message] = mail.outbox
    assert message.to == [officer.email]
    assert message.subject == "Pengingat antrean: 2 permohonan jatuh tempo atau terlambat"
    body = message.body
    assert due["late"].code in body and due["today"].code in body
    assert "terlambat 2 hari kerja" in body  # due Mon 8 June, today Wed 10 June
    assert body.index("TERLAMBAT") < body.index(due["late"].code) < body.index("JATUH TEMPO HARI INI") < body.index(due["today"].code)
    for other in ("later", "late_unassigned", "paused", "done"):
        assert due[other].code not in body
    html = message.alternatives[0][0]
    assert settings.SITE_URL + reverse("admin:requests_app_servicerequest_change", args=[due["late"].pk]) in html
    # other_officer has nothing due (a later due date, a paused and a finished request): no e-mail.
    assert other_officer.email not in by_recipient()


def test_unit_head_gets_the_units_overdue_list(django_capture_on_commit_callbacks, officer, head, due):
    with at(dt.date(2026, 6, 10)):
        assert run_task(django_capture_on_commit_callbacks) == 2
    message = by_recipient()[head.email]
    assert message.subject == "Pengingat unit: 2 permohonan terlambat"
    assert due["late"].code in message.body and due["late_unassigned"].code in message.body
    assert due["today"].code not in message.body  # due today is not overdue
    assert "petugas: Dedi Petugas" in message.body and "belum ditugaskan" in message.body
    assert due["late"].service.unit.name.upper() in message.body


def test_head_who_also_handles_requests_gets_a_single_email(django_capture_on_commit_callbacks, head, applicant, due):
    own = make_request(applicant, status=S.IN_REVIEW, assigned_to=head, due_date=dt.date(2026, 6, 10))
    with at(dt.date(2026, 6, 10)):
        run_task(django_capture_on_commit_callbacks)
    to_head = [m for m in mail.outbox if m.to == [head.email]]
    assert len(to_head) == 1
    assert "Permohonan yang Anda tangani sendiri" in to_head[0].body and own.code in to_head[0].body


@pytest.mark.parametrize("day", [dt.date(2026, 6, 13), dt.date(2026, 6, 14), dt.date(2026, 6, 16)],
                         ids=["saturday", "sunday", "tahun-baru-islam"])
def test_nothing_is_sent_on_non_working_days(django_capture_on_commit_callbacks, head, due, day):
    with at(day):
        assert run_task(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_nothing_is_sent_when_nothing_is_due(django_capture_on_commit_callbacks, officer, head, applicant):
    make_request(applicant, status=S.IN_REVIEW, assigned_to=officer, due_date=dt.date(2026, 6, 17))
    with at(dt.date(2026, 6, 10)):
        assert run_task(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_second_run_the_same_day_sends_nothing_more(django_capture_on_commit_callbacks, officer, due):
    with at(dt.date(2026, 6, 10)):
        assert run_task(django_capture_on_commit_callbacks) == 1
        assert run_task(django_capture_on_commit_callbacks) == 0
    with at(dt.date(2026, 6, 11)):
        assert run_task(django_capture_on_commit_callbacks) == 1  # Thursday: a new day, a new reminder
    assert len(mail.outbox) == 2


def test_inactive_officers_are_not_emailed(django_capture_on_commit_callbacks, officer, due):
    officer.is_active = False
    officer.save()
    with at(dt.date(2026, 6, 10)):
        assert reminders.send_reminders() == 0


def test_beat_schedule_runs_weekday_mornings_in_jakarta():
    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] == "requests_app.tasks.send_reminders"
    schedule = entry["schedule"]
    assert schedule.hour == {7} and schedule.minute == {0} and schedule.day_of_week == {1, 2, 3, 4, 5}
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"
