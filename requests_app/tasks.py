"""Celery tasks of the requests app. Thin: they take ids and call letters.py / workflow.py (STYLE.md rule 11).

The database is the queue of record (STYLE.md rule 12): a Letter row exists from the moment of
approval, every task is idempotent, and the resend_pending_letters sweep queues again whatever the
broker lost (Redis down at approval, a worker killed mid-render).
"""

import logging

from celery import Task, shared_task
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from . import letters, workflow
from .models import Letter, RequestEvent, ServiceRequest

logger = logging.getLogger(__name__)


# --- letters -----------------------------------------------------------------------------------------


class LetterTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """The last retry failed: record it on the request so the admin offers "Buat ulang surat"."""
        request_id = args[0] if args else kwargs.get("request_id")
        try:
            # A duplicate of this task may have issued the letter meanwhile; never mark an issued letter failed.
            if Letter.objects.filter(request_id=request_id).exclude(status=Letter.Status.ISSUED).exists():
                workflow.mark_letter_failed(ServiceRequest.objects.get(pk=request_id), error=f"{exc.__class__.__name__}: {exc}")
        except Exception:
            logger.exception("generate_letter: could not record the failure of request %s", request_id)


@shared_task(
    bind=True, base=LetterTask, acks_late=True,
    autoretry_for=(Exception,), max_retries=5, retry_backoff=True, retry_backoff_max=600, retry_jitter=True,
)
def generate_letter(self, request_id):
    """Render and store the PDF letter of an approved request, then mark the request "Surat Terbit".

    Idempotent: returns early when the letter is issued, failed, or claimed by a live worker. Rendering
    runs outside any transaction; a failed attempt gives the claim back before Celery retries it.
    """
    letter = letters.claim_letter(request_id)
    if letter is None:
        return "skipped"
    try:
        pdf = letters.render_pdf(letter)
        stored = letters.store_pdf(letter, pdf)
    except Exception as exc:
        letters.release_claim(letter, error=f"{exc.__class__.__name__}: {exc}")
        raise
    return letter.number if stored else "superseded"


def queue_letter(request_id):
    """Queue generate_letter, e.g. from an on_commit hook. Never raises when the broker is down.

    The approval is already committed and its Letter row is pending, so a lost message only delays
    the letter: resend_pending_letters queues it again within LETTER_RESEND_AFTER_MINUTES.
    """
    try:
        generate_letter.apply_async((request_id,), ignore_result=True)  # no result is read: skip the backend
    except (BrokerError, RedisError, OSError) as exc:
        logger.error("Could not queue the letter of request %s (%s: %s); the resend sweep will retry.",
                     request_id, exc.__class__.__name__, exc)
        return False
    return True


@shared_task
def resend_pending_letters():
    """Beat task (every 5 minutes): queue again the letters still pending or stuck after the grace period."""
    request_ids = letters.letters_to_resend()
    queued = sum(1 for request_id in request_ids if queue_letter(request_id))
    if request_ids:
        logger.info("resend_pending_letters: %d of %d letters queued again", queued, len(request_ids))
    return queued


# --- e-mail -------------------------------------------------------------------------------------------------


@shared_task(bind=True, max_retries=5, default_retry_delay=30, retry_backoff=True)
def send_status_email(self, event_id):
    """The applicant's e-mail about one event of their request, rendered here on the mail queue
    (workflow._notify(later=True): the letter task queues this instead of rendering the e-mail itself)."""
    from pelayanan.emails import make_message, payload
    from pelayanan.tasks import deliver

    event = RequestEvent.objects.select_related("request__service", "request__applicant").get(pk=event_id)
    req = event.request
    return deliver(self, payload(make_message("request-status", req.applicant.email, workflow.status_context(req, event))))


# --- reminders -----------------------------------------------------------------------------------------


@shared_task
def send_reminders():
    """Beat task (weekdays 07:00 WIB): e-mail officers their due-today and overdue requests, and unit heads
    their units' overdue list. Holidays and cuti bersama are skipped inside (reminders.send_reminders)."""
    from . import reminders

    return reminders.send_reminders()


# --- retention (UU PDP) ----------------------------------------------------------------------------------


@shared_task
def purge_documents():
    """Beat task (weekly): delete the uploaded files whose retention period has passed
    (pelayanan.accounts.privacy.purge_expired_files; the purge_documents command does the same)."""
    from pelayanan.accounts import privacy

    return privacy.purge_expired_files().total
