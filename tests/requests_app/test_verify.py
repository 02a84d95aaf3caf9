"""The public verification page behind the QR code: /verifikasi/<code>/."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from requests_app import letters, workflow
from requests_app.models import Letter, ServiceRequest
from requests_app.tasks import generate_letter
from requests_app.verify import UPLOAD_LIMIT, VERIFY_LIMIT
from tests.factories import make_approved_request, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(applicant, signer, django_capture_on_commit_callbacks):
    signer.position = "Kepala Bidang Pengadaan, Pemberhentian dan Informasi Kepegawaian"
    signer.save()
    req = make_approved_request(applicant, signer)
    with django_capture_on_commit_callbacks(execute=True):
        generate_letter.delay(req.pk)
    return Letter.objects.select_related("request").get(request=req)


def url(letter):
    return reverse("requests_app:verify", args=[letter.verification_code])


def upload(content, name="surat.pdf", content_type="application/pdf"):
    return {"pdf": SimpleUploadedFile(name, content, content_type=content_type)}


def test_page_shows_the_register_entry_with_a_masked_name(client, issued):
    response = client.get(url(issued))

    assert response.status_code == 200
    html = response.text
    assert "Asli — tercatat di sistem" in html
    for expected in (issued.number, letters.long_date(issued.issued_at), "SURAT KETERANGAN", "Surat Keterangan Aktif Bekerja",
                     "Ani L*****", "Dr. Gita Pejabat, M.Si., Kepala Bidang Pengadaan, Pemberhentian dan Informasi Kepegawaian",
                     letters.group_code(issued.verification_code)):
        assert expected in html, expected
    for leak in ("Lestari", "S.E.", issued.request.applicant.nip, issued.request.applicant.email, issued.request.code):
        assert leak not in html, leak
    assert "DICABUT" not in html
    assert "atas nama" not in html
    assert "Tanggal cuti" not in html  # a surat keterangan grants no leave


def test_page_names_the_authority_a_letter_was_signed_on_behalf_of(client, issued):
    Letter.objects.filter(pk=issued.pk).update(on_behalf_of="Wali Kota Medan")
    html = client.get(url(issued)).text
    assert "Kepala Bidang Pengadaan, Pemberhentian dan Informasi Kepegawaian, atas nama Wali Kota Medan" in html


def test_a_leave_letter_shows_the_dates_and_length_it_grants(client, applicant, signer, django_capture_on_commit_callbacks):
    """A forged date range on a paper copy can be spotted: the register shows what the letter grants."""
    req = make_approved_request(applicant, signer, leave=("tahunan", dt.date(2026, 12, 7), dt.date(2026, 12, 11)))
    with django_capture_on_commit_callbacks(execute=True):
        generate_letter.delay(req.pk)
    html = client.get(url(Letter.objects.get(request=req))).text
    assert "7 Desember 2026 s.d. 11 Desember 2026" in html
    assert "5 (lima) hari kerja" in html
    # In English: what the letter says, as printed (Indonesian), marked so for screen readers.
    english = client.get(url(Letter.objects.get(request=req)), headers={"accept-language": "en"}).text
    assert '<span lang="id">SURAT IZIN CUTI TAHUNAN</span>' in english
    assert '<span lang="id">7 Desember 2026</span> to <span lang="id">11 Desember 2026</span>' in english
    assert '<span lang="id">5 (lima) hari kerja</span>' in english


def test_the_comparison_answer_is_shown_where_the_form_is(client, issued):
    assert 'action="#compare-title"' in client.get(url(issued)).text


def test_revoked_letter_shows_a_clear_warning_with_reason_and_date(client, issued, signer):
    workflow.revoke_letter(ServiceRequest.objects.get(pk=issued.request_id), by=signer, reason="Data jabatan keliru.")
    issued.refresh_from_db()

    html = client.get(url(issued)).text

    assert "PERHATIAN: surat ini telah DICABUT dan tidak berlaku lagi" in html
    assert "Data jabatan keliru." in html
    assert f"Dicabut pada {letters.long_date(issued.revoked_at)}." in html
    assert "Asli — tercatat di sistem" not in html


def test_unknown_code_says_the_letter_is_not_registered(client):
    response = client.get(reverse("requests_app:verify", args=["ABCDEFGHJKMN"]))
    assert response.status_code == 404
    assert "Surat tidak terdaftar" in response.text and "ABCDEFGHJKMN" in response.text


def test_a_letter_not_yet_issued_is_not_verifiable(client, applicant, signer):
    req = make_approved_request(applicant, signer)
    assert client.get(url(req.letter)).status_code == 404


def test_codes_typed_from_paper_are_accepted(client, issued):
    lookup = reverse("requests_app:verify_lookup")
    assert client.get(lookup).status_code == 200
    typed = letters.group_code(issued.verification_code).lower().replace(" ", "-")
    response = client.get(lookup, {"kode": typed})
    assert response.status_code == 302 and response["Location"] == url(issued)
    assert client.get(reverse("requests_app:verify", args=[issued.verification_code.lower()])).status_code == 200
    assert client.post(lookup).status_code == 405


def test_pressing_periksa_with_no_code_explains_what_to_type(client):
    response = client.get(reverse("requests_app:verify_lookup"), {"kode": "  "})
    assert response.status_code == 400
    html = response.text
    assert "Ada masalah" in html and html.count("Ketik kode verifikasi yang tercetak di samping kode QR") == 2
    assert 'aria-invalid="true"' in html


def test_uploading_the_issued_pdf_confirms_it_is_identical(client, issued):
    response = client.post(url(issued), upload(issued.file.open("rb").read()))
    assert response.status_code == 200
    assert "Cocok: berkas yang Anda unggah identik dengan surat yang diterbitkan." in response.text


def test_a_changed_pdf_does_not_match(client, issued):
    changed = issued.file.open("rb").read().replace(issued.number.encode(), b"X" * len(issued.number), 1) + b"\n%"
    response = client.post(url(issued), upload(changed))
    assert response.status_code == 200
    assert "Tidak cocok: berkas yang Anda unggah berbeda dengan surat yang diterbitkan." in response.text
    other = client.post(url(issued), upload(make_pdf("Surat lain")))
    assert "Tidak cocok" in other.text


def test_upload_refusals_are_explained(client, issued):
    not_pdf = client.post(url(issued), upload(b"\x89PNG\r\n\x1a\n0000", name="surat.pdf"))
    assert not_pdf.status_code == 400
    assert "Berkas ini bukan PDF. Unggah berkas PDF surat yang Anda terima." in not_pdf.text
    assert "Ada masalah" in not_pdf.text  # the error summary at the top

    too_big = client.post(url(issued), upload(b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024)))
    assert too_big.status_code == 400 and "Berkas lebih besar dari 5 MB." in too_big.text

    empty = client.post(url(issued), {})
    assert empty.status_code == 400 and "Cocok" not in empty.text and "Tidak cocok" not in empty.text


def test_lookups_and_uploads_are_rate_limited_per_ip(client, issued):
    for _ in range(UPLOAD_LIMIT):
        assert client.post(url(issued), upload(make_pdf()), REMOTE_ADDR="10.0.0.1").status_code == 200
    refused = client.post(url(issued), upload(make_pdf()), REMOTE_ADDR="10.0.0.1")
    assert refused.status_code == 429 and "Terlalu banyak percobaan" in refused.text
    assert client.get(url(issued), REMOTE_ADDR="10.0.0.2").status_code == 200  # another address is not affected

    for _ in range(VERIFY_LIMIT - UPLOAD_LIMIT - 1):
        client.get(reverse("requests_app:verify", args=["ABCDEFGHJKMN"]), REMOTE_ADDR="10.0.0.1")
    assert client.get(url(issued), REMOTE_ADDR="10.0.0.1").status_code == 429  # guessing codes counts too


def test_other_methods_are_refused(client, issued):
    assert client.put(url(issued)).status_code == 405
    assert client.delete(url(issued)).status_code == 405
