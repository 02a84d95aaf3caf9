"""No log line, at any level, carries a password, NIK, NIP, the citizen's e-mail address or a document's bytes.

One journey through the portal (register, a failed login, a login, a request with a document, the public
lookup with NIK digits, a data export and an account deletion), every record captured at DEBUG from the
root logger down, each formatted as the console handler writes it (JSON), then grepped.
"""

import logging
import re
import smtplib
from unittest import mock

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from celery.exceptions import Retry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pelayanan import identity
from pelayanan.logging import JsonFormatter, RequestIdFilter
from pelayanan.models import User
from pelayanan.tasks import send_email
from requests_app.models import ServiceRequest
from tests.factories import make_pdf

pytestmark = pytest.mark.django_db

EMAIL = "andi.pratama@example.id"
PASSWORD = "Rahasia-Sekali-2026"
WRONG_PASSWORD = "Tebakan-Salah-9981"
NIK = "1271051203880002"
NIP = "198803122015031002"
PHONE = "081260001001"
DOC_MARKER = "ISI-DOKUMEN-RAHASIA-5512"


def _written(caplog):
    formatter, request_ids = JsonFormatter(), RequestIdFilter()
    lines = []
    for record in caplog.records:
        request_ids.filter(record)
        lines.append(formatter.format(record))
        lines.append(record.getMessage())  # what any other formatter would print
    return "\n".join(lines)


def _secrets(user=None):
    values = [EMAIL, PASSWORD, WRONG_PASSWORD, NIK, NIP, identity.format_nip(NIP), PHONE, DOC_MARKER]
    if user is not None:
        values += [user.email, user.nik, user.nip]
    return [v for v in values if v]


def _journey(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"), {
            "email": EMAIL, "full_name": "Andi Pratama", "phone": PHONE, "nik": NIK, "asn_type": "pns", "nip": NIP,
            "rank": "Penata (III/c)", "position": "Analis", "work_unit": "Dinas Kominfo",
            "password1": PASSWORD, "password2": PASSWORD, "consent": "on",
        })
    user = User.objects.get(email=EMAIL)
    user.email_verified = True
    user.save(update_fields=["email_verified"])

    failed = client.post(reverse("accounts:login"), {"username": EMAIL, "password": WRONG_PASSWORD})
    assert failed.status_code == 200
    assert client.post(reverse("accounts:login"), {"username": EMAIL, "password": PASSWORD}).status_code == 302

    apply = reverse("requests_app:apply", args=["surat-keterangan-kerja"])
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', client.get(apply).content.decode()).group(1)
    client.post(apply, {"idempotency_key": key, "purpose": "Pengajuan KPR", "addressee": "PT Bank Sumut"})
    req = ServiceRequest.objects.get(applicant=user)
    requirement = req.service.requirements.get()
    upload = SimpleUploadedFile("KTP Andi.pdf", make_pdf(DOC_MARKER), content_type="application/pdf")
    client.post(reverse("requests_app:apply_documents", args=[req.code]), {f"doc_{requirement.pk}": upload})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("requests_app:apply_submit", args=[req.code]))
    req.refresh_from_db()
    assert req.status == ServiceRequest.Status.SUBMITTED and req.documents.count() == 1

    client.get(reverse("requests_app:document", args=[req.code, req.documents.get().pk]))
    client.post(reverse("requests_app:lookup"), {"code": req.code, "nik_last4": NIK[-4:]})
    client.post(reverse("requests_app:lookup"), {"code": req.code, "nik_last4": NIK})  # a whole NIK typed in
    client.get(reverse("accounts:profile") + f"?nik={NIK}&email={EMAIL}")
    client.post(reverse("accounts:privacy_export"))
    return user, req


def test_a_whole_journey_logs_no_password_nik_nip_email_or_document(client, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)

    user, req = _journey(client, django_capture_on_commit_callbacks)

    assert any(r.name == "pelayanan.access" for r in caplog.records)
    assert any(r.name.startswith("axes") for r in caplog.records)  # django-axes did log the failed login...
    written = _written(caplog)
    assert "********" in written  # ...with the username masked
    for secret in _secrets(user):
        assert secret not in written, secret
    assert "KTP Andi" not in written and "Pengajuan KPR" not in written  # file names and answers either


def test_deleting_the_account_logs_only_its_number(client, caplog, django_capture_on_commit_callbacks):
    user, req = _journey(client, django_capture_on_commit_callbacks)
    ServiceRequest.objects.filter(pk=req.pk).update(status=ServiceRequest.Status.REJECTED)
    caplog.clear()
    caplog.set_level(logging.DEBUG)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:privacy_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    written = _written(caplog)
    assert f"account {user.pk} deleted" in written
    for secret in _secrets():
        assert secret not in written, secret


def test_axes_database_rows_hold_no_password(client, applicant):
    client.post(reverse("accounts:login"), {"username": applicant.email, "password": WRONG_PASSWORD})

    attempt = AccessAttempt.objects.get()
    assert WRONG_PASSWORD not in attempt.post_data and WRONG_PASSWORD not in attempt.get_data
    assert applicant.email not in attempt.post_data  # the lockout key is its own column, not repeated here
    assert not AccessFailureLog.objects.exists()  # no never-expiring log of failures keyed by e-mail address


def test_a_refused_recipient_is_retried_without_the_address_in_what_celery_logs():
    refused = smtplib.SMTPRecipientsRefused({EMAIL: (550, f"5.1.1 <{EMAIL}>: user unknown".encode())})
    payload = {"subject": "s", "body": "b", "html": "<p>b</p>", "to": [EMAIL]}

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused), pytest.raises(Retry) as raised:
        send_email.delay(payload)

    # Celery's worker writes str(Retry) on each retry and the exception with its traceback after the last one.
    assert str(raised.value) == "Retry in 30s: MailDeliveryError('SMTPRecipientsRefused 550')"
    assert raised.value.exc.__context__ is None and raised.value.exc.__cause__ is None
    assert EMAIL not in repr(raised.value.exc)
