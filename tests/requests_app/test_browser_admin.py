"""The staff queue in a real browser (issue 4, "Done when"): an officer takes a submitted request from the
queue, asks for a revision with a reply template, verifies the citizen's resubmission, and a signing
official approves it; every step by clicks in the Django admin, in headless Chromium."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from requests_app import workflow
from requests_app.models import Letter, ReplyTemplate, RequestEvent, Service, ServiceRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "rahasia-kuat-123"  # tests/factories.py
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
S = ServiceRequest.Status


def upload(name="sk-pangkat.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def submitted_request(applicant):
    """A surat keterangan kerja applied for through the workflow, as the citizen pages do."""
    service = Service.objects.get(slug="surat-keterangan-kerja")
    req = workflow.create_draft(service, applicant=applicant, idempotency_key=uuid.uuid4(),
                                details={"purpose": "Pengajuan kredit rumah", "addressee": "PT Bank Sumut"})
    for requirement in workflow.missing_documents(req):
        workflow.attach_document(req, by=applicant, requirement=requirement, upload=upload())
    return workflow.submit_request(req, by=applicant)


def log_in(page, base, user):
    page.context.clear_cookies()
    page.goto(base + reverse("admin:login"))
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(user.get_short_name())


def messages(page):
    return page.locator("ul.messagelist")


def test_officer_and_signer_process_a_request_in_the_admin(live_server, page, applicant, officer, signer):
    req = submitted_request(applicant)
    base = live_server.url
    changelist = base + reverse("admin:requests_app_servicerequest_changelist")
    template = ReplyTemplate.objects.filter(kind=ReplyTemplate.Kind.REVISION, active=True).first()

    # The officer takes the request from the queue with the "Ambil" action.
    log_in(page, base, officer)
    page.goto(changelist)
    expect(page.locator("#result_list")).to_contain_text(req.code)
    page.check(f'input[name="_selected_action"][value="{req.pk}"]')
    page.select_option("select[name=action]", "take_requests")
    page.click("button[name=index]")
    expect(messages(page)).to_contain_text("1 permohonan ditugaskan kepada Anda")

    # ...opens it, fills the revision note from a reply template and sends it back to the citizen.
    page.click(f"#result_list a:text-is('{req.code}')")
    expect(page.locator(".request-state")).to_contain_text("Diverifikasi/Diproses")
    expect(page.locator(".request-page")).to_contain_text(applicant.nik)
    page.select_option("#reply-template-revision", label=template.title)
    expect(page.locator("#id_revision-public_note")).to_have_value(template.text)
    page.click(".transition-revision button[type=submit]")
    expect(messages(page)).to_contain_text(f"Permintaan perbaikan {req.code} dikirim ke pemohon.")
    expect(page.locator(".request-state")).to_contain_text("Perlu Perbaikan")
    assert ServiceRequest.objects.get(pk=req.pk).status == S.REVISION

    # The citizen uploads a better scan and resubmits (the citizen pages call these same functions).
    req.refresh_from_db()
    requirement = req.service.requirements.filter(required=True).first()
    workflow.attach_document(req, by=applicant, requirement=requirement, upload=upload("sk-pangkat-jelas.pdf"))
    workflow.resubmit_request(req, by=applicant, note="Sudah saya pindai ulang.")

    # The officer sees the resubmission and verifies it.
    page.reload()
    expect(page.locator(".request-state")).to_contain_text("Diverifikasi/Diproses")
    expect(page.locator(".request-documents")).to_contain_text("sk-pangkat-jelas.pdf")
    expect(page.locator("#events-group")).to_contain_text("Sudah saya pindai ulang.")
    page.click(".transition-verify button[type=submit]")
    expect(messages(page)).to_contain_text(f"Permohonan {req.code} telah diverifikasi.")
    expect(page.locator(".transition-approve")).to_have_count(0)  # officers do not approve

    # The signing official finds it in the queue and approves it.
    log_in(page, base, signer)
    page.goto(changelist + "?status=in_review")
    page.click(f"#result_list a:text-is('{req.code}')")
    page.click(".transition-approve button[type=submit]")
    expect(messages(page)).to_contain_text(f"Permohonan {req.code} disetujui; surat sedang dibuat.")

    req.refresh_from_db()
    assert req.status in (S.APPROVED, S.LETTER_ISSUED) and req.decided_by == signer and req.verified_by == officer
    assert Letter.objects.filter(request=req, signer=signer).count() == 1
    assert list(RequestEvent.objects.filter(request=req).values_list("action", flat=True))[:6] == [
        "submitted", "assigned", "revision", "resubmitted", "verified", "approved"]
