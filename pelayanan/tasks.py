from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(bind=True, max_retries=5, default_retry_delay=30, retry_backoff=True)
def send_email(self, payload):
    """Send one rendered e-mail; SMTP hiccups are retried with backoff."""
    msg = EmailMultiAlternatives(payload["subject"], payload["body"], to=payload["to"])
    msg.attach_alternative(payload["html"], "text/html")
    try:
        msg.send()
    except OSError as exc:  # connection refused, timeouts, SMTP errors (SMTPException is an OSError)
        raise self.retry(exc=exc) from exc
    return len(payload["to"])


@shared_task
def ping():
    """A trivial round trip, used by the health check tests and operators."""
    return "pong"
