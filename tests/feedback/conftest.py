"""Fixtures for the feedback app: items filed through the real workflow, and tiny valid uploads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_image, make_pdf

# Small valid files (the upload check parses them, as it does for request documents) and a renamed program.
PDF_BYTES = make_pdf("Bukti transfer")
PNG_BYTES = make_image("PNG")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture
def services(db):
    from requests_app.models import Service

    return {s.slug: s for s in Service.objects.all()}


@pytest.fixture
def file_item(db):
    """file_item(kind="complaint", service=None, **fields) -> Feedback, through workflow.file_feedback."""
    from feedback import workflow

    def make(kind="complaint", **fields):
        data = {
            "kind": kind, "category": "time", "title": "Surat belum terbit",
            "text": "Permohonan saya sudah lewat batas waktu tetapi surat belum terbit juga.",
            "name": "Sari Pelapor", "email": "sari@example.id", "phone": "081234567890",
        }
        data.update(fields)
        return workflow.file_feedback(**data)

    return make


@pytest.fixture
def pdf_upload():
    return SimpleUploadedFile("bukti.pdf", PDF_BYTES, content_type="application/pdf")
