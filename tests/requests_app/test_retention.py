"""Retention of uploaded files (UU PDP Pasal 16(2), DOMAIN.md §7): purge_documents and its weekly beat task."""

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from feedback import workflow as feedback_workflow
from feedback.forms import CheckedUpload
from feedback.models import Feedback
from pelayanan.celery import app as celery_app
from requests_app import letters, tasks, workflow
from requests_app.models import Letter, RequestDocument, ServiceRequest
from tests.factories import make_approved_request, make_pdf, make_request

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status
PRIVATE_NAME = "KTP Ani Lestari.pdf"


def days_ago(days):
    return timezone.now() - dt.timedelta(days=days)


def with_document(applicant, *, status, finished_days_ago=None, updated_days_ago=None):
    req = make_request(applicant, status="draft")
    upload = SimpleUploadedFile(PRIVATE_NAME, make_pdf(), content_type="application/pdf")
    doc = workflow.attach_document(req, by=applicant, requirement=req.service.requirements.first(), upload=upload)
    fields = {"status": status}
    if finished_days_ago is not None:
        fields["finished_at"] = days_ago(finished_days_ago)
    if updated_days_ago is not None:
        fields["updated"] = days_ago(updated_days_ago)
    ServiceRequest.objects.filter(pk=req.pk).update(**fields)
    return doc


def closed_complaint(days, status=Feedback.Status.CLOSED):
    upload = CheckedUpload(file=ContentFile(make_pdf()), name="bukti.pdf", content_type="application/pdf", size=100)
    fb = feedback_workflow.file_feedback(kind="complaint", category="time", title="Lama", text="Surat lama sekali.",
                                         email="sari@example.id", attachment=upload)
    closed_at = days_ago(days) if status in Feedback.FINAL_STATUSES else None
    Feedback.objects.filter(pk=fb.pk).update(status=status, closed_at=closed_at)
    fb.refresh_from_db()
    return fb


def purge(*args):
    out = StringIO()
    call_command("purge_documents", *args, stdout=out)
    return out.getvalue()


def test_files_of_requests_finished_long_ago_go_and_the_rows_stay(client, applicant):
    old = {status: with_document(applicant, status=status, finished_days_ago=400)
           for status in (S.LETTER_ISSUED, S.REJECTED, S.CANCELLED)}
    recent = with_document(applicant, status=S.REJECTED, finished_days_ago=300)
    in_process = with_document(applicant, status=S.IN_REVIEW)
    ServiceRequest.objects.filter(pk=in_process.request_id).update(submitted_at=days_ago(500), updated=days_ago(500))

    output = purge()

    assert "3 file(s) deleted: retention 365 days" in output and PRIVATE_NAME not in output
    for doc in old.values():
        kept = RequestDocument.objects.get(pk=doc.pk)
        assert not default_storage.exists(doc.file.name)
        assert (kept.file.name, kept.original_name, kept.sha256, kept.size) == ("", PRIVATE_NAME, doc.sha256, doc.size)
    for doc in (recent, in_process):
        assert default_storage.exists(doc.file.name) and RequestDocument.objects.get(pk=doc.pk).file.name == doc.file.name

    # The applicant's page says so; the download answers 404 instead of failing.
    gone = old[S.REJECTED]
    client.force_login(applicant)
    detail = client.get(reverse("requests_app:detail", args=[gone.request.code])).content.decode()
    assert "berkas sudah dihapus setelah masa simpan" in detail
    assert reverse("requests_app:document", args=[gone.request.code, gone.pk]) not in detail
    assert client.get(reverse("requests_app:document", args=[gone.request.code, gone.pk])).status_code == 404


def test_the_staff_page_keeps_the_name_and_says_the_file_is_gone(client, applicant, officer):
    doc = with_document(applicant, status=S.REJECTED, finished_days_ago=400)
    ServiceRequest.objects.filter(pk=doc.request_id).update(submitted_at=days_ago(410))
    purge()
    client.force_login(officer)
    html = client.get(reverse("admin:requests_app_servicerequest_change", args=[doc.request_id])).content.decode()
    assert PRIVATE_NAME in html and "berkas sudah dihapus; SHA-256 tersimpan" in html


def test_abandoned_drafts_lose_their_documents_and_fresh_ones_keep_them(applicant):
    abandoned = with_document(applicant, status=S.DRAFT, updated_days_ago=400)
    fresh = with_document(applicant, status=S.DRAFT, updated_days_ago=10)

    purge()

    assert not RequestDocument.objects.filter(pk=abandoned.pk).exists()
    assert not default_storage.exists(abandoned.file.name)
    assert ServiceRequest.objects.filter(pk=abandoned.request_id).exists()  # the draft itself stays, now incomplete
    assert default_storage.exists(fresh.file.name)


def test_complaint_attachments_go_after_closing_and_open_ones_stay():
    old = closed_complaint(400)
    recent = closed_complaint(30)
    still_open = closed_complaint(0, status=Feedback.Status.IN_PROGRESS)
    Feedback.objects.filter(pk=still_open.pk).update(created=days_ago(900))

    purge()

    old_row = Feedback.objects.get(pk=old.pk)
    assert not default_storage.exists(old.attachment.name)
    assert (old_row.attachment.name, old_row.attachment_name) == ("", "bukti.pdf")
    assert default_storage.exists(recent.attachment.name) and default_storage.exists(still_open.attachment.name)


def test_issued_letters_are_never_purged(applicant, signer):
    req = make_approved_request(applicant, signer)
    letter = letters.claim_letter(req.pk)
    letters.store_pdf(letter, make_pdf("Surat"))
    ServiceRequest.objects.filter(pk=req.pk).update(finished_at=days_ago(4000))
    letter.refresh_from_db()

    purge()

    assert default_storage.exists(letter.file.name) and Letter.objects.get(pk=letter.pk).file.name == letter.file.name


def test_dry_run_lists_what_would_go_and_changes_nothing(applicant):
    doc = with_document(applicant, status=S.REJECTED, finished_days_ago=400)
    draft = with_document(applicant, status=S.DRAFT, updated_days_ago=400)
    fb = closed_complaint(400)

    output = purge("--dry-run")

    assert f"would delete document {doc.pk} of {doc.request.code}" in output
    assert f"would delete document {draft.pk} of abandoned draft {draft.request.code}" in output
    assert f"would delete attachment of {fb.code}" in output
    assert "3 file(s) would delete" in output and PRIVATE_NAME not in output
    assert default_storage.exists(doc.file.name) and default_storage.exists(draft.file.name)
    assert RequestDocument.objects.get(pk=doc.pk).file.name == doc.file.name
    assert Feedback.objects.get(pk=fb.pk).attachment.name == fb.attachment.name


def test_the_period_is_a_setting_and_a_second_run_finds_nothing(applicant, settings):
    settings.DOCUMENT_RETENTION_DAYS = 30
    doc = with_document(applicant, status=S.CANCELLED, finished_days_ago=45)

    assert "1 file(s) deleted: retention 30 days" in purge()
    assert "0 file(s) deleted" in purge()
    assert not default_storage.exists(doc.file.name)


def test_a_weekly_beat_task_runs_the_purge(applicant):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-documents"]
    assert entry["task"] == "requests_app.tasks.purge_documents" and entry["task"] in celery_app.tasks
    assert entry["schedule"].day_of_week == {0}  # Sunday
    doc = with_document(applicant, status=S.REJECTED, finished_days_ago=400)

    assert tasks.purge_documents.delay().get() == 1
    assert not default_storage.exists(doc.file.name)
