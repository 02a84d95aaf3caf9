"""Personal data (UU 27/2022): the notice at registration, NIK/NIP masked wherever they are listed,
"Unduh data saya" and "Hapus akun"."""

import datetime as dt
import io
import json
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail, serializers
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback.models import Feedback, FeedbackEvent, SuggestionSupport
from pelayanan import identity
from pelayanan.accounts import privacy, services
from pelayanan.models import User
from requests_app import letters, workflow
from requests_app.models import Letter, RequestDocument, RequestEvent, ServiceRequest
from tests.factories import UserFactory, make_approved_request, make_leave_request, make_pdf, make_request

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status
WIB = ZoneInfo("Asia/Jakarta")
EXPORT, DELETE, NOTICE = reverse("accounts:privacy_export"), reverse("accounts:privacy_delete"), reverse("accounts:privacy_notice")
PASSWORD = "rahasia-kuat-123"  # tests/factories.py
DOC_MARKER = "ISI-DOKUMEN-RAHASIA-7731"


def attach(req, by, *, name="KTP Ani Lestari.pdf", marker=DOC_MARKER):
    """Upload a document through the workflow (the request must be a draft or in revision)."""
    requirement = req.service.requirements.first()
    upload = SimpleUploadedFile(name, make_pdf(marker), content_type="application/pdf")
    return workflow.attach_document(req, by=by, requirement=requirement, upload=upload)


def finished_with_document(applicant, status=S.REJECTED, **fields):
    req = make_request(applicant, status="draft", details={"purpose": "Kredit rumah di Bank Sumut", "addressee": "PT Bank Sumut"})
    doc = attach(req, applicant)
    ServiceRequest.objects.filter(pk=req.pk).update(status=status, submitted_at=timezone.now(), finished_at=timezone.now(), **fields)
    req.refresh_from_db()
    return req, doc


def issue_letter(applicant, signer):
    """An approved request whose letter is issued, stored without WeasyPrint (a small PDF stands in)."""
    req = make_approved_request(applicant, signer, details={"purpose": "Syarat beasiswa", "addressee": "Universitas Sumatera Utara"})
    letter = letters.claim_letter(req.pk)
    assert letters.store_pdf(letter, make_pdf("Surat untuk Ani Lestari"))
    return Letter.objects.select_related("request").get(pk=letter.pk)


def zip_of(response):
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# --- notice and consent -----------------------------------------------------------------------------------


def test_registration_states_purpose_legal_basis_retention_and_rights(client, settings):
    settings.DOCUMENT_RETENTION_DAYS = 400
    html = client.get(reverse("accounts:register")).content.decode()

    for expected in ("Pemberitahuan pelindungan data pribadi", "Tujuan", "memproses permohonan yang Anda ajukan",
                     "Pasal 20 ayat (2) huruf c dan e", "Pelayanan Publik", "Masa simpan", "dihapus 400 hari",
                     "Kearsipan", "Hak Anda", "meminta penghapusannya", "menarik persetujuan", "data kesehatan",
                     f'href="{NOTICE}"', "Saya menyetujui pemrosesan data pribadi saya"):
        assert expected in html, expected


def test_the_full_notice_is_public_and_linked_from_every_page(client):
    page = client.get(NOTICE)
    html = page.content.decode()

    assert page.status_code == 200
    assert "Menggunakan hak Anda" in html and "Pasal 46" in html and "Survei kepuasan masyarakat bersifat anonim" in html
    assert f'href="{EXPORT}"' not in html  # links to the account pages only for someone logged in
    assert f'href="{NOTICE}"' in client.get("/").content.decode()


def test_the_profile_links_the_export_and_the_deletion(client, applicant):
    client.force_login(applicant)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{EXPORT}"' in html and "Unduh data saya" in html
    assert f'href="{DELETE}"' in html and "Hapus akun" in html
    assert applicant.nik in html  # one's own profile shows the full numbers


# --- masking --------------------------------------------------------------------------------------------


def test_the_atasan_sees_the_employees_nip_masked(client, applicant, atasan):
    req = make_leave_request(applicant, "tahunan", dt.date(2026, 3, 2), dt.date(2026, 3, 4), status="with_supervisor",
                             supervisor=atasan)
    client.force_login(atasan)

    listing = client.get(reverse("requests_app:consider_list")).content.decode()
    page = client.get(reverse("requests_app:consider", args=[req.code])).content.decode()

    assert applicant.full_name in listing and applicant.full_name in page
    assert f"NIP {identity.mask(applicant.nip)}" in page
    for html in (listing, page):
        assert applicant.nip not in html and identity.format_nip(applicant.nip) not in html and applicant.nik not in html


def test_citizen_pages_show_numbers_masked(client, applicant, atasan, officer):
    req = make_leave_request(applicant, "tahunan", dt.date(2026, 3, 2), dt.date(2026, 3, 4), status="draft",
                             supervisor=atasan)
    client.force_login(applicant)
    review = client.get(reverse("requests_app:apply_review", args=[req.code])).content.decode()
    assert identity.mask(applicant.nip) in review and identity.mask(atasan.nip) in review
    for number in (applicant.nip, identity.format_nip(applicant.nip), atasan.nip, identity.format_nip(atasan.nip)):
        assert number not in review

    client.force_login(officer)  # at the counter, filing for the applicant
    page = client.get(reverse("requests_app:apply", args=["surat-keterangan-kerja"]) + f"?pemohon={applicant.email}")
    banner = page.content.decode()
    assert f"NIK {applicant.nik_masked}" in banner and f"NIP {applicant.nip_masked}" in banner
    assert applicant.nik not in banner and identity.format_nip(applicant.nip) not in banner


def test_admin_lists_mask_and_the_request_page_shows_full_numbers(client, applicant, officer):
    req = make_request(applicant)
    superuser = UserFactory(email="root@example.id", is_staff=True, is_superuser=True)
    client.force_login(superuser)

    users = client.get(reverse("admin:pelayanan_user_changelist")).content.decode()
    queue = client.get(reverse("admin:requests_app_servicerequest_changelist")).content.decode()
    change = client.get(reverse("admin:requests_app_servicerequest_change", args=[req.pk])).content.decode()

    assert applicant.nik_masked in users and applicant.nip_masked in users
    for html in (users, queue):
        assert applicant.nik not in html and applicant.nip not in html
    # The officer checks the numbers against the SK and KTP-el before a letter is signed: full on purpose.
    assert applicant.nik in change and identity.format_nip(applicant.nip) in change


def test_emails_never_carry_nik_or_nip(client, applicant, atasan, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, 0, tzinfo=WIB), tick=False):
        req = make_leave_request(applicant, "tahunan", dt.date(2026, 2, 9), dt.date(2026, 2, 13), status="draft",
                                 supervisor=atasan)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.submit_request(req, by=applicant)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.consider_leave(req, by=atasan, decision=ServiceRequest.SupervisorDecision.APPROVED)

    assert {m.to[0] for m in mail.outbox} == {applicant.email, atasan.email} and len(mail.outbox) >= 3
    for message in mail.outbox:
        text = "\n".join([message.subject, message.body, message.alternatives[0][0]])
        for person in (applicant, atasan):
            for number in (person.nik, person.nip, identity.format_nip(person.nip)):
                assert number not in text


def test_the_public_lookup_shows_no_identity_numbers(client, applicant):
    req = make_request(applicant)
    response = client.post(reverse("requests_app:lookup"), {"code": req.code, "nik_last4": applicant.nik[-4:]})
    html = response.content.decode()
    assert req.code in html and applicant.nik not in html and applicant.nip not in html and applicant.full_name not in html


# --- Unduh data saya -------------------------------------------------------------------------------------


def test_export_needs_login_and_a_post(client, applicant):
    assert client.get(EXPORT)["Location"].startswith(reverse("accounts:login"))
    assert client.post(EXPORT)["Location"].startswith(reverse("accounts:login"))
    client.force_login(applicant)
    page = client.get(EXPORT)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "data.json" in page.content.decode() and "anonim" in page.content.decode()
    assert client.put(EXPORT).status_code == 405


def test_export_holds_the_account_requests_documents_letters_and_feedback(
        client, applicant, other_applicant, signer, file_item_with_email):
    finished, doc = finished_with_document(applicant, rejection_reason="Berkas tidak lengkap")
    RequestEvent.objects.create(request=finished, action=RequestEvent.Action.REJECTED, to_status=S.REJECTED,
                                public_note="Mohon lengkapi SK terakhir.", note="Catatan internal petugas XYZ")
    draft_doc = attach(make_request(applicant, status="draft"), applicant, name="lama.pdf", marker="versi lama")
    letter = issue_letter(applicant, signer)
    leave = make_leave_request(applicant, "tahunan", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    strangers = make_request(other_applicant, details={"purpose": "Milik orang lain"})
    complaint = file_item_with_email(applicant.email)
    file_item_with_email("orang.lain@example.id")
    client.force_login(applicant)

    response = client.post(EXPORT)

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'attachment; filename="data-saya-' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    archive = zip_of(response)
    data = json.loads(archive.read("data.json"))
    account = data["account"]
    assert (account["email"], account["nik"], account["nip"], account["full_name"]) == (
        applicant.email, applicant.nik, applicant.nip, applicant.full_name)
    assert account["privacy_consent_at"] is None and account["phone"] == applicant.phone
    by_code = {r["code"]: r for r in data["requests"]}
    assert strangers.code not in by_code and set(by_code) == {finished.code, draft_doc.request.code, letter.request.code, leave.code}

    row = by_code[finished.code]
    assert row["details"]["purpose"] == "Kredit rumah di Bank Sumut" and row["rejection_reason"] == "Berkas tidak lengkap"
    assert [h["note"] for h in row["history"]] == ["Mohon lengkapi SK terakhir."]
    assert "Catatan internal petugas XYZ" not in json.dumps(data)
    [document] = row["documents"]
    assert (document["original_name"], document["sha256"], document["size"]) == (doc.original_name, doc.sha256, doc.size)
    assert archive.read(document["file_in_zip"]) == default_storage.open(doc.file.name).read()

    issued = by_code[letter.request.code]["letter"]
    assert issued["number"] == letter.number and issued["date"].startswith(f"{letter.issued_at:%Y-%m-%d}")
    assert archive.read(issued["file_in_zip"]) == letter.file.open("rb").read()
    assert by_code[leave.code]["leave"]["start_date"] == "2026-03-02" and by_code[leave.code]["leave"]["type"]
    assert [f["code"] for f in data["feedback"]] == [complaint.code]
    assert any("survei" in note and "anonim" in note for note in data["notes"])


def test_export_skips_purged_files_and_unverified_addresses_get_no_feedback(client, applicant, file_item_with_email):
    req, doc = finished_with_document(applicant)
    RequestDocument.objects.filter(pk=doc.pk).update(file="")
    applicant.email_verified = False
    applicant.save()
    file_item_with_email(applicant.email)
    client.force_login(applicant)

    archive = zip_of(client.post(EXPORT))

    data = json.loads(archive.read("data.json"))
    [document] = data["requests"][0]["documents"]
    assert document["file_in_zip"] is None and document["sha256"] == doc.sha256
    assert archive.namelist() == ["data.json"] and data["feedback"] == []


def test_export_is_limited_to_five_an_hour(client, applicant):
    client.force_login(applicant)
    for _ in range(5):
        assert client.post(EXPORT).status_code == 200
    refused = client.post(EXPORT)
    assert refused.status_code == 429 and "5 kali dalam satu jam" in refused.content.decode()


# --- Hapus akun ----------------------------------------------------------------------------------------------


def test_the_deletion_page_explains_what_goes_what_stays_and_why(client, applicant):
    assert client.get(DELETE)["Location"].startswith(reverse("accounts:login"))
    client.force_login(applicant)
    html = client.get(DELETE).content.decode()
    for expected in ("Yang dihapus", "NIK, NIP", "Semua berkas yang Anda unggah", "Yang tetap disimpan, dan mengapa",
                     "UU Nomor 43 Tahun 2009 tentang Kearsipan", "Peraturan ANRI Nomor 22 Tahun 2017",
                     "Pasal 20 ayat (2) huruf c", 'name="password"', "Hapus akun saya secara permanen", f'href="{EXPORT}"'):
        assert expected in html, expected


def test_a_wrong_password_deletes_nothing(client, applicant):
    client.force_login(applicant)
    response = client.post(DELETE, {"password": "bukan-kata-sandinya"})

    assert response.status_code == 400
    assert "Kata sandi salah. Akun tidak dihapus." in response.content.decode()
    assert 'class="alert alert-danger error-summary"' in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.is_active and applicant.email == "ani@example.id" and applicant.nik
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_password_tries_are_limited(client, applicant):
    client.force_login(applicant)
    for _ in range(5):
        client.post(DELETE, {"password": "salah"})
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 429 and "Terlalu banyak percobaan" in response.content.decode()
    assert User.objects.get(pk=applicant.pk).is_active


def test_a_request_in_process_blocks_deletion_with_a_way_out(client, applicant):
    waiting = make_request(applicant, status=S.SUBMITTED)
    in_review = make_request(applicant, status=S.IN_REVIEW)
    client.force_login(applicant)

    page = client.get(DELETE).content.decode()
    assert "Akun ini belum dapat dihapus" in page and waiting.code in page and in_review.code in page
    assert reverse("requests_app:cancel", args=[waiting.code]) in page
    assert reverse("requests_app:cancel", args=[in_review.code]) not in page
    assert 'name="password"' not in page

    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 409
    applicant.refresh_from_db()
    assert applicant.is_active and applicant.nik and ServiceRequest.objects.filter(applicant=applicant).count() == 2


def test_an_atasan_with_leave_waiting_for_them_is_refused(client, applicant, atasan):
    req = make_leave_request(applicant, "tahunan", dt.date(2026, 3, 2), dt.date(2026, 3, 4), status="with_supervisor",
                             supervisor=atasan)
    client.force_login(atasan)
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 409 and req.code in response.content.decode()
    assert User.objects.get(pk=atasan.pk).is_active


def test_staff_cannot_delete_their_own_account(client, officer):
    client.force_login(officer)
    assert "Akun petugas tidak dapat dihapus sendiri" in client.get(DELETE).content.decode()
    assert client.post(DELETE, {"password": PASSWORD}).status_code == 409
    officer.refresh_from_db()
    assert officer.is_active and officer.full_name == "Dedi Petugas"


def test_deleting_anonymises_the_account_and_keeps_the_archive(
        client, applicant, signer, file_item_with_email, django_capture_on_commit_callbacks):
    finished, doc = finished_with_document(applicant, status=S.CANCELLED)
    letter = issue_letter(applicant, signer)
    draft = make_request(applicant, status="draft", details={"purpose": "Draf pribadi"})
    draft_doc = attach(draft, applicant, name="draf.pdf")
    complaint = file_item_with_email(applicant.email, name=applicant.full_name)
    supported = file_item_with_email("lain@example.id", kind="suggestion")
    SuggestionSupport.objects.create(feedback=supported, user=applicant)
    AccessAttempt.objects.create(username=applicant.email, ip_address="10.0.0.1", user_agent="x", get_data="",
                                 post_data="", http_accept="", path_info="/akun/masuk/", failures_since_start=1,
                                 attempt_time=timezone.now())
    files = [doc.file.name, draft_doc.file.name]
    assert all(default_storage.exists(name) for name in files)
    personal = [applicant.email, applicant.full_name, "Ani Lestari", applicant.nik, applicant.nip, applicant.phone,
                "Kredit rumah di Bank Sumut", "Syarat beasiswa", "KTP Ani Lestari"]
    other_session = Client()
    other_session.force_login(applicant)
    client.force_login(applicant)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Akun Anda sudah dihapus." in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert other_session.get(reverse("accounts:profile")).status_code == 302  # every other session ended too
    user = User.objects.get(pk=applicant.pk)
    assert (user.email, user.full_name, user.nik, user.nip, user.phone) == (f"deleted-{user.pk}@invalid", "Akun dihapus", "", "", "")
    assert not user.is_active and not user.has_usable_password() and privacy.is_erased(user)
    assert not user.groups.exists()

    # Nothing personal is left in the rows that stay (grep a dump of them).
    dump = serializers.serialize("json", [
        user, *ServiceRequest.objects.all(), *RequestDocument.objects.all(), *Letter.objects.all(),
        *RequestEvent.objects.all(), *Feedback.objects.all(), *FeedbackEvent.objects.all(), *AccessAttempt.objects.all(),
    ])
    for value in personal:
        assert value not in dump, value

    # Files gone; drafts gone; records and letters kept.
    assert not any(default_storage.exists(name) for name in files)
    assert not ServiceRequest.objects.filter(pk=draft.pk).exists()
    kept = RequestDocument.objects.get(pk=doc.pk)
    assert (kept.file.name, kept.sha256, kept.size) == ("", doc.sha256, doc.size)
    assert set(ServiceRequest.objects.filter(applicant=user).values_list("code", flat=True)) == {finished.code, letter.request.code}
    assert ServiceRequest.objects.get(pk=finished.pk).details == {}
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED and default_storage.exists(letter.file.name)
    assert Letter.objects.get(number=letter.number).pk == letter.pk
    complaint.refresh_from_db()
    assert (complaint.name, complaint.email, complaint.phone) == ("", "", "") and complaint.text
    assert SuggestionSupport.objects.filter(feedback=supported).count() == 1  # the count on the public page stays

    # The letter still verifies; the page says whose name it cannot show.
    page = client.get(reverse("requests_app:verify", args=[letter.verification_code])).content.decode()
    assert "Asli — tercatat di sistem" in page and letter.number in page
    assert "Akun pemegang surat telah dihapus" in page
    match = client.post(reverse("requests_app:verify", args=[letter.verification_code]),
                        {"pdf": SimpleUploadedFile("s.pdf", letter.file.open("rb").read(), content_type="application/pdf")})
    assert "Cocok" in match.content.decode()

    # The old address is told; the old login no longer works.
    [notice] = mail.outbox
    assert notice.to == ["ani@example.id"] and "sudah dihapus" in notice.subject
    assert "Kearsipan" in notice.body and applicant.nik not in notice.body
    login = Client().post(reverse("accounts:login"), {"username": "ani@example.id", "password": PASSWORD})
    assert login.status_code == 200 and not login.context["user"].is_authenticated


def test_the_same_address_and_numbers_can_register_again(applicant):
    nik, nip = applicant.nik, applicant.nip
    privacy.delete_account(applicant, password=PASSWORD)
    profile = {"full_name": "Ani Lestari", "phone": "", "nik": nik, "asn_type": "pns", "nip": nip, "rank": "",
               "position": "", "work_unit": ""}

    again = services.register(email="ani@example.id", password="Kata-Sandi-Baru-2026", profile=profile)

    assert again is not None and again.pk != applicant.pk and again.nik == nik


def test_the_service_checks_the_password_itself(applicant):
    with pytest.raises(privacy.PrivacyError):
        privacy.delete_account(applicant, password="salah")
    assert User.objects.get(pk=applicant.pk).is_active


# --- fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture
def file_item_with_email(db):
    from feedback import workflow as feedback_workflow

    def make(email, kind="complaint", name="Pelapor Lain"):
        return feedback_workflow.file_feedback(
            kind=kind, category="time", title="Surat belum terbit",
            text="Permohonan saya sudah lewat batas waktu.", name=name, email=email, phone="081299990000",
        )

    return make
