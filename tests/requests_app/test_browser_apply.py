"""In headless Chromium: a PNS applies for cuti tahunan and follows it; a PNS applies for a surat keterangan
kerja on a phone, uploading a real PDF."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from requests_app import calendar
from requests_app.models import ServiceRequest
from tests.factories import make_pdf

# serialized_rollback: the live server needs a transactional database; this puts back the roles
# and catalogue the data migrations seeded, for the tests that run after this one.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "rahasia-kuat-123"  # tests/factories.py


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Chromium asks for en-US by default, which Django's LocaleMiddleware would honour.
    return {**browser_context_args, "locale": "id-ID"}


def working_day_on_or_after(day):
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def leave_dates():
    """Two consecutive working days at least a week ahead, in the same year, from the real calendar."""
    start = working_day_on_or_after(dt.date.today() + dt.timedelta(days=7))
    end = working_day_on_or_after(start + dt.timedelta(days=1))
    if end.year != start.year:
        start = working_day_on_or_after(dt.date(end.year, 1, 5))
        end = working_day_on_or_after(start + dt.timedelta(days=1))
    return start, end


def log_in(page, base_url, user, next_path=""):
    page.goto(f"{base_url}/akun/masuk/" + (f"?next={next_path}" if next_path else ""))
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def test_annual_leave_from_login_to_public_lookup(page, live_server, applicant, atasan):
    start, end = leave_dates()
    log_in(page, live_server.url, applicant)
    nav = page.locator("header nav")
    expect(nav.get_by_role("button", name="Keluar")).to_be_visible()

    nav.get_by_role("link", name="Ajukan Permohonan").click()
    page.get_by_role("link", name="Ajukan Izin Cuti ASN").click()
    expect(page.get_by_text("Langkah 1 dari 3")).to_be_visible()
    expect(page.get_by_text(f"Sisa cuti tahunan {dt.date.today().year} yang masih dapat diajukan")).to_be_visible()
    # The haji box belongs to cuti besar only (static/js/apply.js).
    page.get_by_label("Jenis cuti").select_option(label="Cuti Besar")
    expect(page.get_by_label("Cuti besar ini untuk menunaikan ibadah haji pertama")).to_be_visible()
    page.get_by_label("Jenis cuti").select_option(label="Cuti Tahunan")
    expect(page.get_by_label("Cuti besar ini untuk menunaikan ibadah haji pertama")).to_be_hidden()

    page.get_by_label("Tanggal mulai").fill(start.isoformat())
    page.get_by_label("Tanggal selesai").fill(end.isoformat())
    expect(page.locator("#leave-length-preview")).to_have_text("Lama cuti: 2 hari kerja.")
    page.get_by_label("Alasan cuti").fill("Menghadiri pernikahan adik di Pematangsiantar")
    page.get_by_label("Alamat selama menjalankan cuti").fill("Jl. Merdeka No. 5, Pematangsiantar")
    page.get_by_label("Nomor telepon selama cuti").fill("0812 3456 7890")
    page.get_by_label("Atasan langsung").fill(atasan.nip)
    page.get_by_role("button", name="Lanjut").click()

    expect(page.get_by_role("heading", name="Periksa kembali jawaban Anda")).to_be_visible()
    expect(page.get_by_text("Langkah 3 dari 3")).to_be_visible()
    expect(page.locator(".leave-length")).to_have_text("Lama cuti: 2 hari kerja")
    expect(page.get_by_text("Indra Atasan")).to_be_visible()
    page.get_by_role("button", name="Kirim permohonan").click()

    expect(page.get_by_role("heading", name="Permohonan terkirim")).to_be_visible()
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"CUTI-\d{2}-[2-9A-HJKMNP-Z]{6}", code)
    req = ServiceRequest.objects.get(code=code)
    assert (req.status, req.start_date, req.end_date, req.supervisor_id) == ("with_supervisor", start, end, atasan.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([applicant.email, atasan.email])

    nav.get_by_role("link", name="Permohonan Saya").click()
    row = page.locator(".request-list li", has_text=code)
    expect(row).to_contain_text("Menunggu Pertimbangan Atasan")

    nav.get_by_role("button", name="Keluar").click()
    expect(nav.get_by_role("link", name="Masuk")).to_be_visible()
    nav.get_by_role("link", name="Lacak Permohonan").click()
    page.get_by_label("Kode lacak").fill(code.lower())
    page.get_by_label("4 angka terakhir NIK pemohon").fill(applicant.nik[-4:])
    page.get_by_role("button", name="Lacak", exact=True).click()
    result = page.locator(".lookup-result")
    expect(result).to_contain_text("Izin Cuti ASN")
    expect(result).to_contain_text("Menunggu Pertimbangan Atasan")
    expect(page.locator("main")).not_to_contain_text(applicant.full_name)
    expect(page.locator("main")).not_to_contain_text("Indra Atasan")


def test_employment_certificate_on_a_phone_with_a_pdf_upload(browser, live_server, applicant, tmp_path):
    pdf = tmp_path / "SK Pangkat Terakhir.pdf"
    pdf.write_bytes(make_pdf("SK Pangkat Penata III/c"))
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="id-ID")
    page = context.new_page()
    try:
        log_in(page, live_server.url, applicant, next_path="/permohonan/baru/surat-keterangan-kerja/")
        expect(page.get_by_text("Langkah 1 dari 3")).to_be_visible()
        page.get_by_label("Keperluan").fill("Pengajuan kredit pemilikan rumah")
        page.get_by_label("Instansi tujuan").fill("PT Bank Sumut Cabang Medan")
        page.get_by_role("button", name="Lanjut").click()

        expect(page.get_by_text("Langkah 2 dari 3")).to_be_visible()
        expect(page.get_by_text("Format: PDF, JPG, PNG. Ukuran maksimal 2,0 MB.")).to_be_visible()
        page.get_by_label("SK pangkat atau jabatan terakhir").set_input_files(str(pdf))
        page.get_by_role("button", name="Lanjut").click()

        expect(page.get_by_role("heading", name="Periksa kembali jawaban Anda")).to_be_visible()
        expect(page.get_by_role("link", name="SK Pangkat Terakhir.pdf")).to_be_visible()
        page.get_by_role("button", name="Kirim permohonan").click()

        code_box = page.locator("#tracking-code")
        expect(code_box).to_be_visible()
        code = code_box.inner_text().strip()
        assert code.startswith("SKK-")
        box = code_box.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # the code is readable without scrolling sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        req = ServiceRequest.objects.get(code=code)
        doc = req.documents.get()
        assert req.status == "submitted" and doc.content_type == "application/pdf"
        assert doc.original_name == "SK Pangkat Terakhir.pdf"

        page.get_by_role("button", name="Buka menu").click()
        page.locator("header nav").get_by_role("link", name="Permohonan Saya").click()
        expect(page.get_by_role("link", name=code)).to_be_visible()
        # Status and deadline stay on screen: nothing of the list needs scrolling sideways on a phone.
        item = page.locator(".request-list li", has_text=code)
        expect(item.locator(".status-badge")).to_have_text("Diajukan")
        for part in (item.locator(".status-badge"), item.get_by_text("Batas waktu")):
            box = part.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_role("link", name=code).click()
        expect(page.get_by_role("heading", name="Surat Keterangan Aktif Bekerja")).to_be_visible()
        expect(page.get_by_role("link", name="SK Pangkat Terakhir.pdf")).to_be_visible()
    finally:
        context.close()
