"""E-mail from template triples (STYLE.md rule 14), sent by a Celery task after commit.

templates/emails/<name>-subject.txt, <name>-body.txt and <name>-body.html are rendered
in the recipient's language (Indonesian by default).
"""

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
    from pelayanan.tasks import send_email

    transaction.on_commit(lambda: send_email.delay(payload))
