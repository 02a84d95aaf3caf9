"""Uploads: the type is decided by content; bad files are refused with a clear message and nothing is written."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from requests_app import uploads, workflow
from requests_app.models import RequestDocument, Service
from tests.factories import make_image, make_pdf, make_request


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def validate(f, formats=("pdf", "jpg", "png"), max_size_kb=2048):
    uploads.DocumentValidator(formats, max_size_kb)(f)
    return f


def messages_of(exc):
    return " ".join(exc.value.messages)


# --- the validator --------------------------------------------------------------------------------------


def test_a_real_pdf_is_accepted_and_its_type_recorded():
    f = validate(upload("sk.pdf", make_pdf()))
    assert f.detected_type == "application/pdf"


@pytest.mark.parametrize(("fmt", "expected"), [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_real_images_are_accepted_whatever_their_name(fmt, expected):
    # Named .pdf, but the content is an image: the content decides.
    f = validate(upload("foto.pdf", make_image(fmt)))
    assert f.detected_type == expected


def test_a_renamed_windows_executable_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    with pytest.raises(ValidationError) as exc:
        validate(upload("sk.pdf", exe))
    assert "program" in messages_of(exc)


def test_a_renamed_linux_executable_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate(upload("scan.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "image/jpeg"))
    assert "program" in messages_of(exc)


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate(upload("kosong.pdf", b""))
    assert "kosong" in messages_of(exc)


def test_an_oversized_file_is_refused_with_both_sizes():
    big = make_pdf() + b"%" + b"x" * (101 * 1024)
    with pytest.raises(ValidationError) as exc:
        validate(upload("besar.pdf", big), max_size_kb=100)
    text = messages_of(exc)
    assert "melebihi batas" in text and "100,0" in text  # Indonesian number format: 100,0 KB


def test_a_corrupt_pdf_is_refused():
    corrupt = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer garbage\n%%EOF"
    with pytest.raises(ValidationError) as exc:
        validate(upload("rusak.pdf", corrupt))
    assert "rusak" in messages_of(exc)


def test_a_truncated_pdf_is_refused():
    data = make_pdf()
    with pytest.raises(ValidationError) as exc:
        validate(upload("potong.pdf", data[: len(data) // 3]))
    assert "rusak" in messages_of(exc)


def test_an_encrypted_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError) as exc:
        validate(upload("terkunci.pdf", out.getvalue()))
    assert "kata sandi" in messages_of(exc)


def test_a_corrupt_png_is_refused():
    png = make_image("PNG")
    with pytest.raises(ValidationError) as exc:
        validate(upload("foto.png", png[:30] + b"\x00" * 40, "image/png"))
    assert "rusak" in messages_of(exc)


def test_a_text_file_is_refused_as_unknown():
    with pytest.raises(ValidationError) as exc:
        validate(upload("catatan.pdf", b"Ini hanya teks biasa."))
    assert "tidak dikenali" in messages_of(exc)


def test_a_format_the_requirement_does_not_accept_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate(upload("sk.pdf", make_pdf()), formats=("jpg", "png"))
    assert "PDF" in messages_of(exc) and "JPG, PNG" in messages_of(exc)


def test_download_name_is_sanitised_and_follows_the_content():
    assert uploads.download_name("SK Pangkat (2024).exe", "application/pdf") == "SK_Pangkat_2024.pdf"
    assert uploads.download_name('../../etc/"passwd"', "image/png") == "passwd.png"
    assert uploads.download_name("Ñoño café.jpg", "image/jpeg") == "Nono_cafe.jpg"
    assert uploads.download_name("", "application/pdf") == "dokumen.pdf"


# --- through the documents step ------------------------------------------------------------------------


@pytest.fixture
def draft(applicant):
    return make_request(applicant, status="draft")


def documents_url(req):
    return reverse("requests_app:apply_documents", args=[req.code])


def field_name(req):
    requirement = Service.objects.get(slug="surat-keterangan-kerja").requirements.get()
    return f"doc_{requirement.pk}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "message"), [
    ("sk.pdf", b"MZ\x90\x00" + b"\x00" * 300, "program"),
    ("sk.pdf", b"", "kosong"),
    ("sk.pdf", b"%PDF-1.4\nthis is not really a pdf\n%%EOF", "rusak"),
    ("sk.pdf", make_pdf() + b"x" * (2049 * 1024), "melebihi batas"),
])
def test_a_bad_upload_is_shown_at_the_field_and_in_the_summary_and_nothing_is_stored(
        client, applicant, draft, settings, name, content, message):
    client.force_login(applicant)
    response = client.post(documents_url(draft), {field_name(draft): upload(name, content)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html and "Ada masalah" in html
    assert message in html
    assert f'href="#id_{field_name(draft)}"' in html
    assert not RequestDocument.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.django_db
def test_a_good_upload_is_stored_under_a_random_name_and_a_new_one_replaces_it(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(documents_url(draft), {field_name(draft): upload("SK Pangkat.pdf", make_pdf())})
    assert response.status_code == 302
    assert response["Location"] == reverse("requests_app:apply_review", args=[draft.code])
    first = RequestDocument.objects.get()
    assert first.original_name == "SK Pangkat.pdf"
    assert first.content_type == "application/pdf"
    assert "SK" not in first.file.name and first.file.name.startswith("documents/")
    assert len(first.sha256) == 64

    client.post(documents_url(draft), {field_name(draft): upload("foto-sk.jpg", make_image("JPEG"), "image/jpeg")})
    first.refresh_from_db()
    current = RequestDocument.objects.get(superseded=False)
    assert first.superseded and current.content_type == "image/jpeg"
    assert workflow.missing_documents(draft) == []


@pytest.mark.django_db
def test_the_documents_page_states_formats_and_size(client, applicant, draft):
    client.force_login(applicant)
    html = client.get(documents_url(draft)).content.decode()
    assert "SK pangkat atau jabatan terakhir" in html
    assert "Format: PDF, JPG, PNG" in html
    assert "Ukuran maksimal 2,0" in html  # 2,0 MB
    assert "Langkah 2 dari 3" in html


@pytest.mark.django_db
def test_a_photo_requirement_refuses_a_pdf(client, applicant):
    req = make_request(applicant, service="kartu-pegawai", status="draft", details={"notes": "KPE baru"})
    photo = req.service.requirements.get(name__icontains="foto")
    client.force_login(applicant)
    response = client.post(documents_url(req), {f"doc_{photo.pk}": upload("foto.pdf", make_pdf())})
    assert response.status_code == 200
    assert "hanya diterima JPG, PNG" in response.content.decode()
    assert not RequestDocument.objects.exists()
