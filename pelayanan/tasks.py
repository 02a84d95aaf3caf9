from celery import shared_task
from django.core.mail import EmailMultiAlternatives


class MailDeliveryError(Exception):
    """An SMTP failure described without the server's text, which names the recipient's address."""


def describe_mail_error(exc: OSError) -> str:
    """"SMTPRecipientsRefused 550": the class and SMTP code only. Celery logs the exception of every retry
    and failure, and a refused recipient's message repeats the address (UU PDP: no e-mail addresses in logs)."""
    codes = getattr(exc, "smtp_code", None)
    if codes is None and isinstance(getattr(exc, "recipients", None), dict):
        codes = ",".join(sorted({str(code) for code, _text in exc.recipients.values()}))
    return f"{exc.__class__.__name__} {codes}".strip() if codes else exc.__class__.__name__


def deliver(task, payload):
    """Send one rendered e-mail from inside `task`; SMTP hiccups make the task retry with backoff."""
    msg = EmailMultiAlternatives(payload["subject"], payload["body"], to=payload["to"])
    msg.attach_alternative(payload["html"], "text/html")
    try:
        msg.send()
    except OSError as exc:  # connection refused, timeouts, SMTP errors (SMTPException is an OSError)
        failure = describe_mail_error(exc)
    else:
        return len(payload["to"])
    # Raised outside the except block, so the logged traceback does not chain the original exception either.
    raise task.retry(exc=MailDeliveryError(failure))


@shared_task(bind=True, max_retries=5, default_retry_delay=30, retry_backoff=True)
def send_email(self, payload):
    """Send one rendered e-mail (routed to the "mail" queue, settings.CELERY_TASK_ROUTES)."""
    return deliver(self, payload)


@shared_task
def ping():
    """A trivial round trip, used by the health check tests and operators."""
    return "pong"
