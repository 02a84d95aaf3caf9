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
        # No result is ever read; skipping the result backend keeps a Redis outage from blocking the request.
        send_email.apply_async((payload,), ignore_result=True)
    except (OperationalError, ConnectionError, OSError, RuntimeError) as exc:
        logger.error("e-mail not queued (broker unavailable): %s", exc.__class__.__name__)
