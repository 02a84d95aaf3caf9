"""E-mail from template triples (STYLE.md rule 14), sent by a Celery task after commit.

templates/emails/<name>-subject.txt, <name>-body.txt and <name>-body.html are rendered
in the recipient's language (Indonesian by default).
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def make_message(name, to, ctx):
    agency = {name: getattr(settings, name) for name in
              ("AGENCY_NAME", "AGENCY_SHORT_NAME", "AGENCY_ADDRESS", "AGENCY_PHONE", "AGENCY_EMAIL")}
    ctx = {"SITE_URL": settings.SITE_URL, **agency, **ctx}
    with translation.override(ctx.get("language", settings.LANGUAGE_CODE)):
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", ctx).split())
        body = render_to_string(f"emails/{name}-body.txt", ctx)
        html = render_to_string(f"emails/{name}-body.html", ctx)
    msg = EmailMultiAlternatives(subject, body, to=[to] if isinstance(to, str) else list(to))
    msg.attach_alternative(html, "text/html")
    return msg


def payload(msg) -> dict:
    """A rendered message as the JSON the send_email task takes."""
    return {"subject": msg.subject, "body": msg.body, "html": msg.alternatives[0][0], "to": msg.to}


def send_after_commit(name, to, ctx):
    """Render now (inside the request, with its data) and queue the send once the transaction commits."""
    rendered = payload(make_message(name, to, ctx))
    transaction.on_commit(lambda: queue_task("pelayanan.tasks.send_email", rendered))


def render_after_commit(task_name, *args):
    """Queue a task that renders and sends an e-mail itself (on the mail queue) once the transaction commits.

    For callers whose own time is scarcer than the mail worker's, such as the letter task, where rendering
    the applicant's e-mail cost a few percent of the letter.
    """
    transaction.on_commit(lambda: queue_task(task_name, *args))


logger = logging.getLogger(__name__)


def queue_task(task_name, *args):
    """Queue a mail task; a broker outage must not turn an already committed action into an error page."""
    from django.utils.module_loading import import_string
    from kombu.exceptions import OperationalError

    task = import_string(task_name)  # task names are their dotted paths; the web process may not have them yet
    try:
        # No result is ever read; skipping the result backend keeps a Redis outage from blocking the request.
        task.apply_async(args, ignore_result=True)
    except (OperationalError, ConnectionError, OSError, RuntimeError) as exc:
        logger.error("e-mail not queued (broker unavailable): %s", exc.__class__.__name__)
