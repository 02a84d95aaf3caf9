"""Filing a complaint or suggestion at /pengaduan/: validation, routing, request links, uploads, abuse limits."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import Feedback, FeedbackEvent
from tests.factories import make_request

from .conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db
URL = reverse("feedback:complaint_create")


def form_data(**overrides):
    data = {
        "kind": "complaint", "category": "time", "service": "", "related_code": "",
        "title": "Surat keterangan belum terbit",
        "text": "Sudah dua minggu menunggu, status tidak berubah dan tidak ada kabar dari petugas.",
        "name": "Sari Pelapor", "email": "sari@example.id", "phone": "", "website": "",
    }
    data.update(overrides)
    return data


def error_summary(html):
    match = re.search(r'id="error-summary".*?</div>', html, re.S)
    return match.group(0) if match else ""


def test_the_form_renders_with_indonesian_labels(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1 class=\"h3\">Pengaduan & Saran</h1>" in html
    assert "Kode lacak permohonan (tidak wajib)" in html


def test_complaint_is_filed_with_a_tracking_code_and_acknowledged(client, mailoutbox, django_capture_on_commit_callbacks, services):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(service=services["surat-keterangan-kerja"].pk))
    assert response.status_code == 302 and response.url == reverse("feedback:filed")
    fb = Feedback.objects.get()
    assert re.fullmatch(r"ADU-\d{2}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}", fb.code)
    assert (fb.kind, fb.status, fb.name, fb.email) == ("complaint", "received", "Sari Pelapor", "sari@example.id")
    assert FeedbackEvent.objects.filter(feedback=fb, action="filed").count() == 1
    page = client.get(response.url).content.decode()
    assert fb.code in page
    assert [m.to for m in mailoutbox] == [["sari@example.id"]]
    assert fb.code in mailoutbox[0].subject and fb.code in mailoutbox[0].body


def test_complaint_without_name_or_contact_is_refused(client):
    response = client.post(URL, form_data(name="", email="", phone=""))
    assert response.status_code == 200
    html = response.content.decode()
    summary = error_summary(html)
    assert "Nama wajib diisi untuk pengaduan." in summary
    assert "Isi e-mail atau nomor HP agar kami dapat menanggapi pengaduan Anda." in summary
    assert 'value="Surat keterangan belum terbit"' in html  # what the user typed is kept
    assert not Feedback.objects.exists()


def test_bad_inputs_are_explained_next_to_the_fields(client):
    response = client.post(URL, form_data(kind="", category="bogus", title="abc", text="pendek", email="bukan-email",
                                          phone="12ab", related_code="SKK 26 <x>"))
    html = response.content.decode()
    for message in [
        "Pilih pengaduan atau saran.", "Pilih kategori dari daftar.", "Judul paling sedikit 5 karakter.",
        "Uraian paling sedikit 20 karakter (sekarang 6).", "Tuliskan alamat e-mail yang benar",
        "Tuliskan nomor HP yang benar", "Kode lacak hanya berisi huruf, angka dan tanda hubung",
    ]:
        assert message in error_summary(html), message
        assert html.count(message) >= 2, message  # in the summary and next to the field
    assert not Feedback.objects.exists()


def test_anonymous_suggestion_is_allowed(client):
    response = client.post(URL, form_data(kind="suggestion", name="", email="", phone="", consent_public="on",
                                          title="Tambah kursi tunggu", text="Mohon ditambah kursi tunggu di ruang loket lantai satu."))
    assert response.status_code == 302
    fb = Feedback.objects.get()
    assert fb.code.startswith("SRN-")
    assert (fb.name, fb.email, fb.phone, fb.consent_public, fb.published) == ("", "", "", True, False)


def test_complaints_are_never_marked_publishable(client):
    client.post(URL, form_data(consent_public="on"))
    assert Feedback.objects.get().consent_public is False


def test_phone_is_normalised(client):
    client.post(URL, form_data(email="", phone="+62 812-3456-7890"))
    assert Feedback.objects.get().phone == "081234567890"


# --- routing -------------------------------------------------------------------------------------


def test_item_goes_to_the_unit_of_its_service(client, services, units):
    client.post(URL, form_data(service=services["izin-cuti"].pk))
    assert Feedback.objects.get().unit == units["mutasi"]


def test_item_without_service_goes_to_the_intake_unit(client, units):
    client.post(URL, form_data())
    assert Feedback.objects.get().unit == units["bkpsdm"]


def test_complaint_about_a_request_is_linked_and_routed_to_its_unit(client, applicant, units):
    req = make_request(applicant, service="izin-cuti", status="in_review")
    response = client.post(URL, form_data(related_code=req.code.lower()))
    fb = Feedback.objects.get()
    assert (fb.request, fb.service, fb.unit, fb.related_code) == (req, req.service, units["mutasi"], req.code)
    assert f"Terkait permohonan: {req.code}" in client.get(response.url).content.decode()


def test_unknown_request_code_is_accepted_the_same_way(client, units):
    response = client.post(URL, form_data(related_code="SKK-26-ZZZZZZ"))
    assert response.status_code == 302
    fb = Feedback.objects.get()
    assert (fb.request, fb.related_code, fb.unit) == (None, "SKK-26-ZZZZZZ", units["bkpsdm"])
    assert "Terkait permohonan: SKK-26-ZZZZZZ" in client.get(response.url).content.decode()


# --- uploads -------------------------------------------------------------------------------------


def test_pdf_attachment_is_stored_under_a_random_name(client, settings):
    upload = SimpleUploadedFile("bukti transfer.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(URL, {**form_data(), "attachment": upload})
    fb = Feedback.objects.get()
    assert re.fullmatch(r"feedback/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", fb.attachment.name)
    assert (fb.attachment_name, fb.attachment_type, fb.attachment_size) == ("bukti transfer.pdf", "application/pdf", len(PDF_BYTES))
    assert (settings.MEDIA_ROOT / fb.attachment.name).read_bytes() == PDF_BYTES


def test_png_is_recognised_by_content_not_by_name(client):
    upload = SimpleUploadedFile("foto.pdf", PNG_BYTES, content_type="application/pdf")
    client.post(URL, {**form_data(), "attachment": upload})
    fb = Feedback.objects.get()
    assert fb.attachment_type == "image/png" and fb.attachment.name.endswith(".png")


def test_renamed_executable_is_refused(client, settings):
    upload = SimpleUploadedFile("surat.pdf", EXE_BYTES, content_type="application/pdf")
    response = client.post(URL, {**form_data(), "attachment": upload})
    assert response.status_code == 200
    assert "Berkas ini adalah program, bukan dokumen." in error_summary(response.content.decode())
    assert not Feedback.objects.exists()
    assert not (settings.MEDIA_ROOT / "feedback").exists()


def test_corrupt_pdf_is_refused_like_a_request_document(client, settings):
    upload = SimpleUploadedFile("bukti.pdf", b"%PDF-1.4\nnot really a pdf\n%%EOF\n", content_type="application/pdf")
    response = client.post(URL, {**form_data(), "attachment": upload})
    assert response.status_code == 200
    assert "PDF ini rusak atau tidak dapat dibaca." in error_summary(response.content.decode())
    assert not Feedback.objects.exists()
    assert not (settings.MEDIA_ROOT / "feedback").exists()


def test_oversized_attachment_is_refused(client):
    upload = SimpleUploadedFile("besar.pdf", PDF_BYTES + b"0" * (2 * 1024 * 1024), content_type="application/pdf")
    response = client.post(URL, {**form_data(), "attachment": upload})
    assert "melebihi batas 2,0\xa0MB" in error_summary(response.content.decode())
    assert not Feedback.objects.exists()


def test_empty_attachment_is_refused(client):
    upload = SimpleUploadedFile("kosong.pdf", b"", content_type="application/pdf")
    response = client.post(URL, {**form_data(), "attachment": upload})
    assert "Berkas yang diunggah kosong." in error_summary(response.content.decode())
    assert not Feedback.objects.exists()


# --- abuse ---------------------------------------------------------------------------------------


def test_honeypot_refuses_bots(client):
    response = client.post(URL, form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "Permintaan tidak dapat diproses." in error_summary(response.content.decode())
    assert not Feedback.objects.exists()


def test_filing_is_rate_limited_per_ip(client):
    for _ in range(10):
        assert client.post(URL, form_data()).status_code == 302
    response = client.post(URL, form_data())
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert Feedback.objects.count() == 10


def test_filing_is_rate_limited_per_account_across_ips(client, citizen):
    client.force_login(citizen)
    for i in range(5):
        assert client.post(URL, form_data(), REMOTE_ADDR=f"10.0.0.{i}").status_code == 302
    assert client.post(URL, form_data(), REMOTE_ADDR="10.0.0.99").status_code == 429
    assert Feedback.objects.count() == 5


def test_logged_in_user_gets_contact_prefilled(client, citizen):
    client.force_login(citizen)
    html = client.get(URL).content.decode()
    assert 'value="warga@example.id"' in html


def test_user_text_is_escaped(client):
    client.post(URL, form_data(title="<script>alert(1)</script>", text="<b>tebal</b> " * 5))
    fb = Feedback.objects.get()
    session = client.session
    session["feedback_codes"] = [fb.code]
    session.save()
    html = client.get(reverse("feedback:track_detail", args=[fb.code])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>tebal</b>" not in html


def test_it_rejects_other_methods(client):
    assert client.put(URL).status_code == 405
