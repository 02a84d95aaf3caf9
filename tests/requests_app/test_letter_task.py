"""The letter task (eager Celery, real WeasyPrint, real storage): idempotent, claims, retries, final failure,
queuing when the broker is down, and the resend sweep. The real worker is in test_letters_worker.py."""

import datetime as dt
import hashlib
import logging
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from pelayanan.celery import app
from requests_app import letters, workflow
from requests_app.models import Letter, LetterTemplate, RequestEvent, ServiceRequest
from requests_app.tasks import generate_letter, queue_letter, resend_pending_letters
from requests_app.workflow import WorkflowError
from tests.factories import make_approved_request, make_request

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status
L = Letter.Status


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT) / "letters"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@contextmanager
def broker_down():
    """This process's Celery app publishes to a port where nothing listens (connection refused at once)."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    app._pool = app.amqp._producer_pool = None  # pools are built from the URL on first use
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = app.amqp._producer_pool = None


@contextmanager
def eager_without_propagation():
    """Eager Celery that keeps a task's exception in its result: then autoretry runs every retry in turn."""
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        yield
    finally:
        app.conf.task_eager_propagates = saved


def test_approval_renders_stores_and_issues_the_letter(applicant, officer, signer, settings, django_capture_on_commit_callbacks):
    req = make_request(applicant, status=S.IN_REVIEW, assigned_to=officer, verified_by=officer)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_request(req, by=signer)

    letter = Letter.objects.get(request=req)
    assert letter.status == L.ISSUED and letter.claimed_at is None and letter.attempts == 1 and letter.last_error == ""
    [path] = stored_files(settings)
    assert letter.file.name == str(path.relative_to(settings.MEDIA_ROOT))
    assert letter.file.name.startswith(f"letters/{timezone.now():%Y}/")
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-") and letter.sha256 == hashlib.sha256(pdf).hexdigest()
    req.refresh_from_db()
    assert req.status == S.LETTER_ISSUED and req.finished_at
    assert list(req.events.values_list("action", flat=True)) == ["approved", "letter_issued"]
    issued_mail = mail.outbox[-1]
    assert issued_mail.to == [applicant.email] and "Surat Terbit" in issued_mail.body
    assert f"/permohonan/{req.code}/" in issued_mail.body


def test_running_the_task_again_changes_nothing(applicant, signer, settings, django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer)
    with django_capture_on_commit_callbacks(execute=True):
        assert generate_letter.delay(req.pk).get() == req.letter.number
    letter = Letter.objects.get(request=req)
    before = (letter.file.name, letter.sha256, letter.attempts, RequestEvent.objects.count(), len(mail.outbox))

    with django_capture_on_commit_callbacks(execute=True):
        assert generate_letter.delay(req.pk).get() == "skipped"
        assert generate_letter.delay(req.pk).get() == "skipped"

    letter.refresh_from_db()
    assert (letter.file.name, letter.sha256, letter.attempts, RequestEvent.objects.count(), len(mail.outbox)) == before
    assert len(stored_files(settings)) == 1 and Letter.objects.count() == 1


def test_a_live_claim_is_left_alone_and_a_stale_one_is_taken_over(applicant, signer, settings):
    req = make_approved_request(applicant, signer)
    Letter.objects.filter(request=req).update(status=L.RENDERING, claimed_at=timezone.now() - dt.timedelta(minutes=1), attempts=1)

    assert generate_letter.delay(req.pk).get() == "skipped"  # another worker is rendering it right now
    assert Letter.objects.get(request=req).status == L.RENDERING and stored_files(settings) == []

    settings.LETTER_RESEND_AFTER_MINUTES = 5
    Letter.objects.filter(request=req).update(claimed_at=timezone.now() - dt.timedelta(minutes=6))  # its worker died
    assert generate_letter.delay(req.pk).get() == req.letter.number
    letter = Letter.objects.get(request=req)
    assert letter.status == L.ISSUED and letter.attempts == 2 and len(stored_files(settings)) == 1


def test_a_worker_whose_claim_was_taken_over_discards_its_pdf(applicant, signer, settings):
    req = make_approved_request(applicant, signer)
    slow = letters.claim_letter(req.pk)
    pdf = letters.render_pdf(slow)
    # Meanwhile the slow worker was presumed dead and another one claimed the letter.
    Letter.objects.filter(pk=slow.pk).update(claimed_at=timezone.now() + dt.timedelta(seconds=1))

    assert letters.store_pdf(slow, pdf) is False

    letter = Letter.objects.get(pk=slow.pk)
    assert letter.status == L.RENDERING and not letter.file and stored_files(settings) == []


def test_a_file_written_for_a_failed_transaction_is_removed(applicant, signer, settings):
    req = make_approved_request(applicant, signer)
    letter = letters.claim_letter(req.pk)
    pdf = letters.render_pdf(letter)
    ServiceRequest.objects.filter(pk=req.pk).update(status=S.REJECTED)  # mark_letter_issued will refuse

    with pytest.raises(WorkflowError):
        letters.store_pdf(letter, pdf)

    assert stored_files(settings) == []
    assert Letter.objects.get(pk=letter.pk).status == L.RENDERING  # the whole transaction rolled back


def test_an_older_partial_file_is_replaced(applicant, signer, settings):
    req = make_approved_request(applicant, signer)
    letter = letters.claim_letter(req.pk)
    letter.file.save("partial.pdf", letters.ContentFile(b"%PDF-1.7 partial"), save=True)
    [partial] = stored_files(settings)

    assert letters.store_pdf(letter, letters.render_pdf(letter)) is True

    [final] = stored_files(settings)
    assert final != partial and not partial.exists()
    assert Letter.objects.get(pk=letter.pk).sha256 == hashlib.sha256(final.read_bytes()).hexdigest()


def test_after_the_last_retry_the_letter_is_marked_failed_and_can_be_regenerated(applicant, signer, settings,
                                                                                  django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer)
    saved = list(LetterTemplate.objects.values("kind", "body", "closing", "copies_to"))
    LetterTemplate.objects.all().delete()  # a real, persistent failure: no wording to render

    with eager_without_propagation():  # so the eager retries run one after the other, as a worker would
        result = generate_letter.delay(req.pk)

    assert result.failed() and isinstance(result.result, LookupError)

    letter = Letter.objects.get(request=req)
    assert letter.status == L.FAILED and letter.attempts == 6
    assert letter.last_error.startswith("LookupError: No LetterTemplate") and letter.claimed_at is None
    req.refresh_from_db()
    assert req.status == S.APPROVED
    assert list(req.events.filter(action="letter_failed").values_list("note", flat=True)) == [letter.last_error]
    assert "regenerate" in workflow.allowed_actions(req, signer)
    assert stored_files(settings) == []
    assert generate_letter.delay(req.pk).get() == "skipped"  # a failed letter waits for staff

    for row in saved:
        LetterTemplate.objects.create(**row)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.regenerate_letter(req, by=signer)

    letter.refresh_from_db()
    assert letter.status == L.ISSUED and letter.number == req.letter.number and letter.last_error == ""
    assert ServiceRequest.objects.get(pk=req.pk).status == S.LETTER_ISSUED


def test_a_late_failure_never_marks_an_issued_letter_failed(applicant, signer, django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer)
    with django_capture_on_commit_callbacks(execute=True):
        generate_letter.delay(req.pk)
    generate_letter.on_failure(OSError("disk full"), "task-id", (req.pk,), {}, None)  # a duplicate that gave up
    assert Letter.objects.get(request=req).status == L.ISSUED
    assert not RequestEvent.objects.filter(request=req, action="letter_failed").exists()


def test_queue_letter_logs_instead_of_raising_when_the_broker_is_down(applicant, signer, caplog):
    req = make_approved_request(applicant, signer)
    with broker_down(), caplog.at_level(logging.ERROR, logger="requests_app.tasks"):
        assert queue_letter(req.pk) is False
    assert f"Could not queue the letter of request {req.pk}" in caplog.text
    assert Letter.objects.get(request=req).status == L.PENDING  # the sweep will find it


def test_approval_survives_a_dead_broker(applicant, officer, signer, caplog, django_capture_on_commit_callbacks):
    req = make_request(applicant, status=S.IN_REVIEW, assigned_to=officer, verified_by=officer)
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.approve_request(req, by=signer)
    assert len(callbacks) == 2  # the applicant's e-mail, then the letter
    with broker_down(), caplog.at_level(logging.ERROR):
        for callback in callbacks:
            callback()  # neither may raise after the commit
    assert "e-mail not queued (broker unavailable)" in caplog.text
    assert "Could not queue the letter" in caplog.text
    assert ServiceRequest.objects.get(pk=req.pk).status == S.APPROVED
    assert Letter.objects.get(request=req).status == L.PENDING


def test_resend_sweep_queues_pending_and_stuck_letters_after_the_grace_period(applicant, signer, settings,
                                                                              django_capture_on_commit_callbacks):
    settings.LETTER_RESEND_AFTER_MINUTES = 5
    old = timezone.now() - dt.timedelta(minutes=10)
    pending_old = make_approved_request(applicant, signer)
    stuck = make_approved_request(applicant, signer)
    pending_new = make_approved_request(applicant, signer)
    rendering_live = make_approved_request(applicant, signer)
    failed = make_approved_request(applicant, signer)
    Letter.objects.filter(request__in=[pending_old, stuck, rendering_live, failed]).update(issued_at=old)
    Letter.objects.filter(request=stuck).update(status=L.RENDERING, claimed_at=old)
    Letter.objects.filter(request=rendering_live).update(status=L.RENDERING, claimed_at=timezone.now())
    Letter.objects.filter(request=failed).update(status=L.FAILED)

    assert letters.letters_to_resend() == [pending_old.pk, stuck.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert resend_pending_letters.delay().get() == 2

    statuses = dict(Letter.objects.values_list("request_id", "status"))
    assert statuses == {pending_old.pk: L.ISSUED, stuck.pk: L.ISSUED, pending_new.pk: L.PENDING,
                        rendering_live.pk: L.RENDERING, failed.pk: L.FAILED}
    assert letters.letters_to_resend() == []


def test_resend_command(applicant, signer, settings, capsys):
    settings.LETTER_RESEND_AFTER_MINUTES = 5
    req = make_approved_request(applicant, signer)
    Letter.objects.filter(request=req).update(issued_at=timezone.now() - dt.timedelta(minutes=6))
    call_command("resend_pending_letters")
    assert capsys.readouterr().out.strip() == "1 letter(s) queued again."
    assert Letter.objects.get(request=req).status == L.ISSUED
    call_command("resend_pending_letters")
    assert capsys.readouterr().out.strip() == "0 letter(s) queued again."


def test_resend_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["resend-pending-letters"]
    assert entry["task"] == resend_pending_letters.name == "requests_app.tasks.resend_pending_letters"
    assert entry["schedule"] == 300.0
