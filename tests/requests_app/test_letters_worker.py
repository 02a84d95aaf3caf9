"""Nothing lost: letters through a real Celery worker on the real Redis broker and the test database.

The worker is a subprocess (tests/worker.py) started *after* the approval, as after an outage.
"""

import contextlib
import hashlib
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from kombu.exceptions import OperationalError as BrokerError

from pelayanan.celery import app
from requests_app import letters, workflow
from requests_app.models import Letter, LetterCounter, RequestEvent, ServiceRequest
from requests_app.tasks import generate_letter, resend_pending_letters
from tests.factories import make_request
from tests.requests_app.test_letter_task import broker_down
from tests.worker import CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
S = ServiceRequest.Status


@pytest.fixture
def worker(settings, tmp_path):
    """A worker that is not running yet; this process sends tasks through Redis meanwhile."""
    w = CeleryWorker.for_current_settings(tmp_path / "celery-worker")
    w.media_root.mkdir(parents=True)
    settings.MEDIA_ROOT = w.media_root
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield w
    finally:
        app.conf.task_always_eager = eager
        w.stop()
        print(f"--- Celery worker log ---\n{w.log()}")


def wait_for(condition, timeout=60):  # generous: a loaded CI machine starts a worker slowly
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def queued_messages():
    return redis.Redis.from_url(django_settings.CELERY_BROKER_URL).llen(app.conf.task_default_queue)


def letter_files(worker):
    return sorted(p for p in (Path(worker.media_root) / "letters").rglob("*") if p.is_file())


def mail_bodies(worker):
    return [m.get_body(("plain",)).get_content() for m in worker.sent_mail()]


def verified_request(applicant, officer):
    return make_request(applicant, status=S.IN_REVIEW, assigned_to=officer, verified_by=officer)


def test_approved_while_the_worker_is_down_the_letter_appears_exactly_once(worker, applicant, officer, signer):
    req = verified_request(applicant, officer)

    workflow.approve_request(req, by=signer)  # committed; the task waits in Redis

    assert Letter.objects.get(request=req).status == Letter.Status.PENDING
    assert queued_messages() >= 1
    with worker:
        wait_for(lambda: Letter.objects.get(request=req).status == Letter.Status.ISSUED)
        # Delivered twice more (a redelivery, the sweep): the worker finds the letter issued and stops.
        again = [generate_letter.delay(req.pk), generate_letter.delay(req.pk)]
        assert [r.get(timeout=20) for r in again] == ["skipped", "skipped"]
        wait_for(lambda: any("Surat Terbit" in body for body in mail_bodies(worker)))  # sent by the worker after its commit

    letter = Letter.objects.get(request=req)
    [path] = letter_files(worker)
    assert letter.file.name == str(path.relative_to(worker.media_root))
    assert letter.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and letter.attempts == 1
    assert Letter.objects.count() == 1 and LetterCounter.objects.get().last_number == 1 and letter.sequence == 1
    req.refresh_from_db()
    assert req.status == S.LETTER_ISSUED
    assert RequestEvent.objects.filter(request=req, action="letter_issued").count() == 1
    [issued_mail] = [body for body in mail_bodies(worker) if "Surat Terbit" in body]
    assert req.code in issued_mail and "Surat dapat diunduh." in issued_mail
    assert f"Task requests_app.tasks.generate_letter[{again[0].id}] succeeded" in worker.log()


def test_a_letter_lost_while_redis_was_down_is_recovered_by_the_sweep(worker, applicant, officer, signer, settings):
    req = verified_request(applicant, officer)
    with broker_down(), contextlib.suppress(BrokerError):
        # The letter hook logs the dead broker and returns; the applicant's e-mail hook after it may still raise.
        workflow.approve_request(req, by=signer)

    assert ServiceRequest.objects.get(pk=req.pk).status == S.APPROVED  # the approval was committed
    assert Letter.objects.get(request=req).status == Letter.Status.PENDING
    assert queued_messages() == 0  # nothing reached Redis
    settings.LETTER_RESEND_AFTER_MINUTES = 0  # the beat would run this five minutes later
    assert letters.letters_to_resend() == [req.pk]

    with worker:
        assert resend_pending_letters() == 1
        wait_for(lambda: Letter.objects.get(request=req).status == Letter.Status.ISSUED)

    assert len(letter_files(worker)) == 1
    assert ServiceRequest.objects.get(pk=req.pk).status == S.LETTER_ISSUED
    assert letters.letters_to_resend() == []
