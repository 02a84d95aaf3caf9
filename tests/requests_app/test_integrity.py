"""Integrity: replays create one request, failed validation writes nothing, strangers get 404 everywhere,
POST-only endpoints refuse GET."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from requests_app import workflow
from requests_app.models import RequestDocument, RequestEvent, ServiceRequest
from tests.factories import make_leave_request, make_pdf, make_request

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status
APPLY = reverse("requests_app:apply", args=["surat-keterangan-kerja"])


def counts():
    return (ServiceRequest.objects.count(), RequestDocument.objects.count(), RequestEvent.objects.count(),
            len(mail.outbox))


def skk(key, **extra):
    return {"idempotency_key": key, "purpose": "Pengajuan KPR", "addressee": "PT Bank Sumut", **extra}


def attach_pdf(req, user):
    upload = SimpleUploadedFile("sk.pdf", make_pdf(), content_type="application/pdf")
    upload.detected_type = "application/pdf"
    return workflow.attach_document(req, by=user, requirement=req.service.requirements.first(), upload=upload)


# --- replays ----------------------------------------------------------------------------------------------------


def test_a_replayed_first_step_creates_one_draft(client, applicant):
    client.force_login(applicant)
    key = str(uuid.uuid4())
    first = client.post(APPLY, skk(key))
    second = client.post(APPLY, skk(key))
    assert ServiceRequest.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_going_back_and_changing_step_one_updates_the_same_draft(client, applicant):
    client.force_login(applicant)
    key = str(uuid.uuid4())
    client.post(APPLY, skk(key))
    client.post(APPLY, skk(key, addressee="PT Bank Mandiri"))
    assert ServiceRequest.objects.get().details["addressee"] == "PT Bank Mandiri"


def test_another_user_replaying_a_key_gets_nothing(client, applicant, other_applicant):
    key = str(uuid.uuid4())
    client.force_login(applicant)
    client.post(APPLY, skk(key))
    client.force_login(other_applicant)
    response = client.post(APPLY, skk(key), follow=True)
    assert "Formulir ini sudah dipakai" in response.content.decode()
    assert ServiceRequest.objects.get().applicant == applicant


def test_a_double_clicked_submit_submits_once(client, applicant, django_capture_on_commit_callbacks):
    req = make_request(applicant, status="draft")
    attach_pdf(req, applicant)
    client.force_login(applicant)
    url = reverse("requests_app:apply_submit", args=[req.code])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
        second = client.post(url)
    assert first["Location"] == second["Location"] == reverse("requests_app:apply_done", args=[req.code])
    req.refresh_from_db()
    assert req.status == S.SUBMITTED
    assert req.events.count() == 1
    assert len(mail.outbox) == 1


def test_a_replayed_first_step_after_submission_does_not_reopen_it(client, applicant):
    client.force_login(applicant)
    key = str(uuid.uuid4())
    client.post(APPLY, skk(key))
    req = ServiceRequest.objects.get()
    attach_pdf(req, applicant)
    workflow.submit_request(req, by=applicant)
    response = client.post(APPLY, skk(key, purpose="Lain"))
    assert response["Location"] == reverse("requests_app:detail", args=[req.code])
    req.refresh_from_db()
    assert req.status == S.SUBMITTED and req.details["purpose"] == "Pengajuan KPR"


# --- failed validation writes nothing --------------------------------------------------------------------------


def test_invalid_first_steps_write_nothing(client, applicant, atasan):
    client.force_login(applicant)
    before = counts()
    client.post(APPLY, skk(str(uuid.uuid4()), purpose=""))
    client.post(APPLY, skk("bukan-uuid"))
    client.post(APPLY, {"purpose": "x" * 5000, "addressee": "\x00"})
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, tzinfo=ZoneInfo("Asia/Jakarta")), tick=False):
        client.post(reverse("requests_app:apply", args=["izin-cuti"]), {
            "idempotency_key": str(uuid.uuid4()), "leave_policy": "999999", "start_date": "2026-02-30",
            "end_date": "kemarin", "supervisor": atasan.email})
    assert counts() == before


def test_an_invalid_upload_writes_nothing(client, applicant):
    req = make_request(applicant, status="draft")
    client.force_login(applicant)
    before = counts()
    field = f"doc_{req.service.requirements.get().pk}"
    client.post(reverse("requests_app:apply_documents", args=[req.code]),
                {field: SimpleUploadedFile("sk.pdf", b"MZ" + b"\x00" * 100)})
    assert counts() == before


def test_an_invalid_consideration_writes_nothing(client, applicant, atasan):
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, tzinfo=ZoneInfo("Asia/Jakarta")), tick=False):
        req = make_leave_request(applicant, "tahunan", dt.date(2026, 2, 9), dt.date(2026, 2, 10), status="draft",
                                 supervisor=atasan)
        workflow.submit_request(req, by=applicant)
    client.force_login(atasan)
    before = counts()
    url = reverse("requests_app:consider", args=[req.code])
    client.post(url, {"decision": "refused", "note": "   "})
    client.post(url, {"decision": "maybe"})
    assert counts() == before


# --- strangers get 404 ---------------------------------------------------------------------------------------


@pytest.fixture
def victim_requests(applicant, atasan, officer):
    """One request of the applicant in each state a citizen URL can meet, each with a document."""
    reqs = []
    for status in ("draft", "submitted", "revision", "letter_issued", "cancelled"):
        req = make_request(applicant, status="draft")
        attach_pdf(req, applicant)
        ServiceRequest.objects.filter(pk=req.pk).update(status=status)
        reqs.append(req)
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, tzinfo=ZoneInfo("Asia/Jakarta")), tick=False):
        leave_req = make_leave_request(applicant, "sakit", dt.date(2026, 2, 9), dt.date(2026, 2, 10), status="draft",
                                       supervisor=atasan)
        attach_pdf(leave_req, applicant)
        workflow.submit_request(leave_req, by=applicant)
    return [*reqs, leave_req]


def doc_id_range():
    """Every document id in the database and a few on either side (ids keep growing across tests)."""
    ids = RequestDocument.objects.values_list("pk", flat=True)
    return range(max(1, min(ids) - 2), max(ids) + 3)


CODE_URLS = ["detail", "edit", "apply_documents", "apply_review", "apply_done", "cancel", "consider"]
POST_URLS = ["edit", "apply_documents", "apply_submit", "resubmit", "cancel", "consider"]


def test_another_citizen_gets_404_on_every_url_of_every_request(client, other_applicant, victim_requests):
    client.force_login(other_applicant)
    before = counts()
    rows_before = list(ServiceRequest.objects.order_by("pk").values("status", "details", "updated"))
    doc_ids = doc_id_range()
    for req in victim_requests:
        for name in CODE_URLS:
            assert client.get(reverse(f"requests_app:{name}", args=[req.code])).status_code == 404, (name, req.status)
        for name in POST_URLS:
            response = client.post(reverse(f"requests_app:{name}", args=[req.code]),
                                   {"purpose": "x", "addressee": "y", "reason": "z", "decision": "approved"})
            assert response.status_code == 404, (name, req.status)
        for pk in doc_ids:
            assert client.get(reverse("requests_app:document", args=[req.code, pk])).status_code == 404
    assert counts() == before
    assert list(ServiceRequest.objects.order_by("pk").values("status", "details", "updated")) == rows_before


def test_an_officer_of_another_unit_gets_404_on_requests_and_documents(client, foreign_officer, victim_requests):
    client.force_login(foreign_officer)
    for req in victim_requests:
        assert client.get(reverse("requests_app:detail", args=[req.code])).status_code == 404
        for pk in doc_id_range():
            assert client.get(reverse("requests_app:document", args=[req.code, pk])).status_code == 404


def test_unknown_codes_are_404(client, applicant):
    client.force_login(applicant)
    for code in ("SKK-26-AAAAAA", "CUTI-26-ZZZZZZ", "x", "1"):
        assert client.get(reverse("requests_app:detail", args=[code])).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, victim_requests):
    req = victim_requests[1]
    for name in CODE_URLS:
        response = client.get(reverse(f"requests_app:{name}", args=[req.code]))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    doc = req.documents.first()
    response = client.get(reverse("requests_app:document", args=[req.code, doc.pk]))
    assert response.status_code == 302


# --- POST-only endpoints ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["apply_submit", "resubmit"])
def test_post_only_endpoints_refuse_get(client, applicant, name):
    req = make_request(applicant, status="draft")
    client.force_login(applicant)
    assert client.get(reverse(f"requests_app:{name}", args=[req.code])).status_code == 405
    req.refresh_from_db()
    assert req.status == S.DRAFT and not req.events.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_cancel_and_lookup_refuse_other_methods(client, applicant, method):
    req = make_request(applicant, status="submitted")
    client.force_login(applicant)
    assert getattr(client, method)(reverse("requests_app:cancel", args=[req.code])).status_code == 405
    assert getattr(client, method)(reverse("requests_app:lookup")).status_code == 405
