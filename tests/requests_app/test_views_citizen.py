"""Following one's requests: the list, the detail page with its timeline, revision and resubmission,
cancelling, downloading documents, and the atasan langsung's consideration."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from requests_app import workflow
from requests_app.models import RequestEvent, ServiceRequest
from tests.factories import make_image, make_leave_request, make_pdf, make_request

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status
WIB = ZoneInfo("Asia/Jakarta")


def detail_url(req):
    return reverse("requests_app:detail", args=[req.code])


def attach_pdf(req, user, name="SK Pangkat.pdf"):
    """Attach a real PDF to a draft through the workflow, as the documents step does."""
    upload = SimpleUploadedFile(name, make_pdf(), content_type="application/pdf")
    upload.detected_type = "application/pdf"
    return workflow.attach_document(req, by=user, requirement=req.service.requirements.first(), upload=upload)


@pytest.fixture
def in_review(applicant, officer):
    req = make_request(applicant, status="draft")
    attach_pdf(req, applicant)
    workflow.submit_request(req, by=applicant)
    return workflow.assign_request(req, by=officer)


# --- Permohonan Saya ----------------------------------------------------------------------------------------


def test_my_requests_lists_only_my_requests_and_my_drafts_apart(client, applicant, other_applicant):
    mine = make_request(applicant, status="submitted")
    draft = make_request(applicant, status="draft")
    theirs = make_request(other_applicant, status="submitted")
    their_draft = make_request(other_applicant, status="draft")
    client.force_login(applicant)
    html = client.get(reverse("requests_app:my_requests")).content.decode()
    assert mine.code in html and draft.code in html
    assert theirs.code not in html and their_draft.code not in html
    assert "Belum dikirim (draf)" in html and "Lanjutkan" in html
    assert "Diajukan" in html and mine.due_date.strftime("%Y") in html


def test_my_requests_and_the_atasan_page_are_in_the_navigation(client, applicant, atasan):
    client.force_login(applicant)
    html = client.get(reverse("home")).content.decode()
    assert reverse("requests_app:my_requests") in html
    assert reverse("requests_app:consider_list") not in html
    client.force_login(atasan)
    assert reverse("requests_app:consider_list") in client.get(reverse("home")).content.decode()


def test_my_requests_needs_login(client):
    response = client.get(reverse("requests_app:my_requests"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- the detail page -------------------------------------------------------------------------------------------


def test_detail_shows_data_documents_holder_and_public_notes_only(client, applicant, in_review, officer):
    workflow.request_revision(in_review, by=officer, public_note="Unggah SK pangkat terbaru (2025).",
                              note="Catatan internal: cek arsip lama dulu.")
    client.force_login(applicant)
    html = client.get(detail_url(in_review)).content.decode()
    assert "Pengajuan kredit" in html and "Bank Sumut" in html
    assert "SK Pangkat.pdf" in html
    assert "Permohonan diajukan" in html and "Perbaikan diminta" in html
    assert "Unggah SK pangkat terbaru (2025)." in html
    assert "Catatan internal" not in html and "Ditugaskan kepada" not in html
    assert "Permohonan perlu diperbaiki" in html
    assert reverse("requests_app:resubmit", args=[in_review.code]) in html


def test_detail_says_the_file_is_with_the_unit_and_by_when(client, applicant, on_monday_submitted):
    client.force_login(applicant)
    html = client.get(detail_url(on_monday_submitted)).content.decode()
    assert "Bidang Pengadaan, Pemberhentian dan Informasi Kepegawaian (menunggu diperiksa petugas)" in html
    assert "Kamis, 5 Februari 2026" in html


@pytest.fixture
def on_monday_submitted(applicant):
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, tzinfo=WIB), tick=False):
        req = make_request(applicant, status="draft")
        attach_pdf(req, applicant)
        yield workflow.submit_request(req, by=applicant)


def test_leave_detail_names_the_atasan_holding_it(client, applicant, atasan):
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, tzinfo=WIB), tick=False):
        req = make_leave_request(applicant, "tahunan", dt.date(2026, 2, 9), dt.date(2026, 2, 10), status="draft",
                                 supervisor=atasan)
        workflow.submit_request(req, by=applicant)
        client.force_login(applicant)
        html = client.get(detail_url(req)).content.decode()
    assert "Atasan langsung: Indra Atasan (pertimbangan)" in html
    assert "Menunggu pertimbangan Indra Atasan." in html


def test_the_letter_link_appears_only_when_the_letter_is_issued(client, applicant):
    req = make_request(applicant, status="letter_issued")
    client.force_login(applicant)
    html = client.get(detail_url(req)).content.decode()
    try:
        letter_url = reverse("requests_app:letter_pdf", args=[req.code])
    except NoReverseMatch:
        letter_url = None
    if letter_url:
        assert letter_url in html and "Unduh surat (PDF)" in html
    else:
        assert "Unduh surat (PDF)" not in html
    pending = make_request(applicant, status="approved")
    assert "Unduh surat (PDF)" not in client.get(detail_url(pending)).content.decode()


def test_a_finished_request_invites_the_satisfaction_survey(client, applicant):
    # The invitation is the feedback app's templates/feedback/includes/survey_link.html.
    finished = make_request(applicant, status="letter_issued")
    open_one = make_request(applicant, status="in_review")
    client.force_login(applicant)
    assert "survey-invitation" in client.get(detail_url(finished)).content.decode()
    assert "survey-invitation" not in client.get(detail_url(open_one)).content.decode()


def test_an_officer_of_the_unit_may_view_the_detail_but_not_of_another_unit(client, in_review, officer, foreign_officer):
    client.force_login(officer)
    assert client.get(detail_url(in_review)).status_code == 200
    client.force_login(foreign_officer)
    assert client.get(detail_url(in_review)).status_code == 404


# --- revision and resubmission -------------------------------------------------------------------------------


def test_the_applicant_corrects_fields_and_documents_then_resubmits(client, applicant, in_review, officer,
                                                                   django_capture_on_commit_callbacks):
    workflow.request_revision(in_review, by=officer, public_note="Instansi tujuan kurang lengkap; SK buram.")
    client.force_login(applicant)
    edit_url = reverse("requests_app:edit", args=[in_review.code])
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, {"purpose": "Pengajuan kredit", "addressee": "PT Bank Sumut Cabang Medan"})
    assert response["Location"] == detail_url(in_review)

    requirement = in_review.service.requirements.get()
    response = client.post(reverse("requests_app:apply_documents", args=[in_review.code]), {
        f"doc_{requirement.pk}": SimpleUploadedFile("sk-jelas.png", make_image("PNG"), content_type="image/png")})
    assert response["Location"] == detail_url(in_review)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("requests_app:resubmit", args=[in_review.code]), {"note": "SK sudah dipindai ulang."})
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW and in_review.paused_at is None
    assert in_review.details["addressee"] == "PT Bank Sumut Cabang Medan"
    assert in_review.documents.get(superseded=False).original_name == "sk-jelas.png"
    event = in_review.events.order_by("-pk").first()
    assert event.action == RequestEvent.Action.RESUBMITTED and event.public_note == "SK sudah dipindai ulang."


def test_a_submitted_request_cannot_be_edited(client, applicant):
    req = make_request(applicant, status="submitted")
    client.force_login(applicant)
    response = client.post(reverse("requests_app:edit", args=[req.code]), {"purpose": "x", "addressee": "y"}, follow=True)
    assert "tidak dapat diubah lagi" in response.content.decode()
    req.refresh_from_db()
    assert req.details["purpose"] == "Pengajuan kredit"


def test_resubmitting_without_a_revision_is_refused_with_a_message(client, applicant):
    req = make_request(applicant, status="submitted")
    client.force_login(applicant)
    response = client.post(reverse("requests_app:resubmit", args=[req.code]), follow=True)
    assert "tindakan ini tidak dapat dilakukan" in response.content.decode()
    assert not req.events.exists()


# --- cancelling ------------------------------------------------------------------------------------------------


def test_cancel_asks_first_then_cancels(client, applicant, django_capture_on_commit_callbacks):
    req = make_request(applicant, status="submitted")
    client.force_login(applicant)
    page = client.get(reverse("requests_app:cancel", args=[req.code]))
    assert page.status_code == 200 and "Batalkan permohonan?" in page.content.decode()
    req.refresh_from_db()
    assert req.status == S.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("requests_app:cancel", args=[req.code]), {"reason": "Sudah tidak diperlukan."},
                               follow=True)
    req.refresh_from_db()
    assert req.status == S.CANCELLED
    assert f"Permohonan {req.code} dibatalkan." in response.content.decode()
    assert req.events.get().public_note == "Sudah tidak diperlukan."


def test_a_request_in_process_cannot_be_cancelled(client, applicant, in_review):
    client.force_login(applicant)
    assert "tidak dapat dibatalkan lagi" in client.get(reverse("requests_app:cancel", args=[in_review.code])).content.decode()
    response = client.post(reverse("requests_app:cancel", args=[in_review.code]), follow=True)
    assert "tindakan ini tidak dapat dilakukan" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW
    assert not in_review.events.filter(action=RequestEvent.Action.CANCELLED).exists()


# --- documents ---------------------------------------------------------------------------------------------------


def test_the_owner_downloads_a_document_as_an_attachment(client, applicant):
    req = make_request(applicant, status="draft")
    doc = attach_pdf(req, applicant, name="SK Pangkat (2024).exe")
    client.force_login(applicant)
    response = client.get(reverse("requests_app:document", args=[req.code, doc.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="SK_Pangkat_2024.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_staff_of_the_unit_may_download_others_may_not(client, applicant, officer, foreign_officer, other_applicant,
                                                       atasan, in_review):
    doc = in_review.documents.get()
    url = reverse("requests_app:document", args=[in_review.code, doc.pk])
    client.force_login(officer)
    assert client.get(url).status_code == 200
    for stranger in (foreign_officer, other_applicant, atasan):
        client.force_login(stranger)
        assert client.get(url).status_code == 404


def test_a_document_of_another_request_cannot_be_reached_through_mine(client, applicant, other_applicant):
    mine = make_request(applicant, status="draft")
    theirs = make_request(other_applicant, status="draft")
    their_doc = attach_pdf(theirs, other_applicant)
    client.force_login(applicant)
    assert client.get(reverse("requests_app:document", args=[mine.code, their_doc.pk])).status_code == 404


# --- the atasan langsung ------------------------------------------------------------------------------------------


@pytest.fixture
def leave_waiting(applicant, atasan):
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, tzinfo=WIB), tick=False):
        req = make_leave_request(applicant, "tahunan", dt.date(2026, 2, 9), dt.date(2026, 2, 13), status="draft",
                                 supervisor=atasan)
        yield workflow.submit_request(req, by=applicant)


def test_the_atasan_sees_the_waiting_request_with_length_and_balance(client, atasan, leave_waiting):
    client.force_login(atasan)
    listing = client.get(reverse("requests_app:consider_list")).content.decode()
    assert leave_waiting.code in listing and "Ani Lestari, S.E." in listing
    with time_machine.travel(dt.datetime(2026, 2, 3, 9, tzinfo=WIB), tick=False):
        client.force_login(atasan)  # the next morning: yesterday's session ended after 12 hours
        page = client.get(reverse("requests_app:consider", args=[leave_waiting.code])).content.decode()
    assert "Lama cuti: <strong>5 hari kerja</strong>" in page
    assert "Sisa cuti tahunan 2026 yang masih dapat diajukan: <strong>12 hari kerja</strong>" in page
    assert "Disetujui" in page and "Ditangguhkan" in page and "Tidak disetujui" in page and "Perubahan" in page


def test_a_reason_is_required_except_for_approval(client, atasan, leave_waiting):
    client.force_login(atasan)
    url = reverse("requests_app:consider", args=[leave_waiting.code])
    html = client.post(url, {"decision": "deferred", "note": ""}).content.decode()
    assert "Tuliskan alasan untuk pertimbangan \u201cDitangguhkan\u201d." in html and "Ada masalah" in html
    leave_waiting.refresh_from_db()
    assert leave_waiting.status == S.WITH_SUPERVISOR and not leave_waiting.supervisor_decision


def test_approval_sends_the_request_on_to_the_officers(client, atasan, leave_waiting, django_capture_on_commit_callbacks):
    client.force_login(atasan)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("requests_app:consider", args=[leave_waiting.code]), {"decision": "approved"})
    assert response["Location"] == reverse("requests_app:consider_list")
    leave_waiting.refresh_from_db()
    assert leave_waiting.status == S.SUBMITTED and leave_waiting.supervisor_decision == "approved"


def test_a_change_request_goes_back_to_the_applicant(client, atasan, applicant, leave_waiting):
    client.force_login(atasan)
    client.post(reverse("requests_app:consider", args=[leave_waiting.code]),
                {"decision": "changed", "note": "Mohon mundurkan satu minggu: ada audit."})
    leave_waiting.refresh_from_db()
    assert leave_waiting.status == S.REVISION
    client.force_login(applicant)
    html = client.get(detail_url(leave_waiting)).content.decode()
    assert "Mohon mundurkan satu minggu: ada audit." in html


def test_a_second_decision_is_refused(client, atasan, leave_waiting):
    client.force_login(atasan)
    url = reverse("requests_app:consider", args=[leave_waiting.code])
    client.post(url, {"decision": "approved"})
    response = client.post(url, {"decision": "refused", "note": "Berubah pikiran."}, follow=True)
    assert "sudah diberikan" in response.content.decode()
    leave_waiting.refresh_from_db()
    assert leave_waiting.supervisor_decision == "approved"
    assert leave_waiting.events.filter(action=RequestEvent.Action.SUPERVISOR_DECIDED).count() == 1


def test_only_the_chosen_atasan_may_consider(client, leave_waiting, applicant, officer):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    other_atasan = UserFactory(email="atasan2@example.id", full_name="Joko Atasan Lain")
    other_atasan.groups.add(Group.objects.get(name="Atasan Langsung"))
    url = reverse("requests_app:consider", args=[leave_waiting.code])
    for user in (other_atasan, applicant, officer):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "approved"}).status_code == 404
    leave_waiting.refresh_from_db()
    assert leave_waiting.status == S.WITH_SUPERVISOR


def test_the_atasan_list_needs_the_role(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("requests_app:consider_list")).status_code == 403
