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
    ctx = {"SITE_URL": settings.SITE_URL, "AGENCY_NAME": settings.AGENCY_NAME, **ctx}
    with translation.override(ctx.get("language", settings.LANGUAGE_CODE)):
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", ctx).split())
        body = render_to_string(f"emails/{name}-body.txt", ctx)
        html = render_to_string(f"emails/{name}-body.html", ctx)
    msg = EmailMultiAlternatives(subject, body, to=[to] if isinstance(to, str) else list(to))
    msg.attach_alternative(html, "text/html")
    return msg


def send_after_commit(name, to, ctx):
    """Render now (inside the request, with its data) and queue the send once the transaction commits."""
    msg = make_message(name, to, ctx)
    payload = {"subject": msg.subject, "body": msg.body, "html": msg.alternatives[0][0], "to": msg.to}
    transaction.on_commit(lambda: _queue(payload))


logger = logging.getLogger(__name__)


def _queue(payload):
    """Queue the send; a broker outage must not turn an already committed action into an error page."""
    from kombu.exceptions import OperationalError

    from pelayanan.tasks import send_email

    try:
        send_email.delay(payload)
    except (OperationalError, ConnectionError, OSError) as exc:
        logger.error("e-mail not queued (broker unavailable): %s", exc.__class__.__name__)
