"""axe-core in headless Chromium on every public page, every citizen page (the applicant and the atasan
langsung) and the staff queue in the admin: no serious or critical violation anywhere (issue 8 item 6).
Moderate and minor findings are printed as a summary (pytest -s shows it).

One browser context per role, logged in once through the real form; pages with validation errors are
reached by submitting the forms empty or wrong, the way a visitor would.
"""

import datetime as dt
import uuid

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from feedback import ikm
from feedback import workflow as feedback_workflow
from requests_app import calendar, letters, workflow
from requests_app.models import Letter, Service
from tests.a11y.support import log_in, log_in_admin
from tests.factories import make_approved_request, make_leave_request, make_pdf, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def submitted_request(applicant):
    """A surat keterangan kerja applied for through the workflow, with its document."""
    service = Service.objects.get(slug="surat-keterangan-kerja")
    req = workflow.create_draft(service, applicant=applicant, idempotency_key=uuid.uuid4(),
                                details={"purpose": "Pengajuan kredit rumah", "addressee": "PT Bank Sumut"})
    for requirement in workflow.missing_documents(req):
        upload = SimpleUploadedFile("sk-pangkat.pdf", make_pdf("SK Pangkat"), content_type="application/pdf")
        workflow.attach_document(req, by=applicant, requirement=requirement, upload=upload)
    return workflow.submit_request(req, by=applicant)


def issued_letter(applicant, signer):
    """An issued letter, stored the way the worker stores it; a small PDF stands in for WeasyPrint's (~3 s)
    because the verification page shows the register entry, not the file."""
    req = make_approved_request(applicant, signer)
    letters.store_pdf(letters.claim_letter(req.pk), make_pdf("Surat keterangan"))
    return Letter.objects.select_related("request").get(request=req, status=Letter.Status.ISSUED)


def working_day_after(day):
    day += dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def test_public_pages_have_no_serious_violations(page, live_server, audit, applicant, officer, signer):
    base = live_server.url
    req = submitted_request(applicant)
    letter = issued_letter(applicant, signer)
    suggestion = feedback_workflow.file_feedback(
        kind="suggestion", category="online", service=req.service, title="Notifikasi lewat WhatsApp",
        text="Mohon kabar status permohonan juga dikirim lewat WhatsApp.", name="Sari", email="sari@example.id",
        consent_public=True)
    feedback_workflow.answer(suggestion, by=officer, text="Terima kasih, sedang kami kaji bersama Diskominfo.")
    feedback_workflow.publish(suggestion, by=officer)

    for path in ("/", "/layanan/", "/layanan/surat-keterangan-kerja/", "/layanan/izin-cuti/", "/jam-layanan/",
                 "/transparansi/", "/permohonan/baru/", "/lacak/", "/pengaduan/", "/pengaduan/lacak/", "/saran/",
                 f"/saran/{suggestion.public_id}/", "/survei/", "/verifikasi/", f"/verifikasi/{letter.verification_code}/",
                 "/verifikasi/XXXX-XXXX-XXXX/", "/akun/masuk/", "/akun/daftar/", "/akun/kata-sandi/lupa/",
                 "/luring/", "/halaman-yang-tidak-ada/"):
        page.goto(base + path)
        audit.check(page, path)
    expect(page.get_by_role("heading", name="Halaman tidak ditemukan")).to_be_visible()  # templates/404.html

    # On a phone the menu folds behind a button and wide tables scroll inside their own (focusable) region.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/transparansi/", "/jam-layanan/", "/layanan/surat-keterangan-kerja/", "/"):
        page.goto(base + path)
        audit.check(page, f"{path} (phone)")
    page.get_by_role("button", name="Buka menu").press("Enter")
    expect(page.locator("#main-nav")).to_be_visible()
    audit.check(page, "/ (phone, menu open)")
    page.set_viewport_size({"width": 1280, "height": 720})

    # The public status lookup: wrong answer, then the result page.
    page.goto(base + "/lacak/")
    page.get_by_label("Kode lacak").fill(req.code)
    page.get_by_label("4 angka terakhir NIK pemohon").fill("0000")
    page.get_by_role("button", name="Lacak", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "/lacak/ (error)")
    page.get_by_label("4 angka terakhir NIK pemohon").fill(applicant.nik[-4:])
    page.get_by_role("button", name="Lacak", exact=True).click()
    expect(page.locator(".lookup-result")).to_be_visible()
    audit.check(page, "/lacak/ (result)")

    # A complaint: the form with errors, the thank-you page, the tracking page.
    page.goto(base + "/pengaduan/")
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "/pengaduan/ (errors)")
    page.get_by_label("Pengaduan", exact=True).check()
    page.get_by_label("Kategori").select_option("time")
    page.get_by_label("Judul").fill("Surat keterangan belum terbit")
    page.get_by_label("Uraian").fill("Sudah lewat tiga hari kerja tetapi surat keterangan saya belum terbit juga.")
    page.get_by_label("Nama", exact=True).fill("Sari Pelapor")
    page.get_by_label("E-mail", exact=True).fill("sari@example.id")
    page.get_by_role("button", name="Kirim").click()
    page.wait_for_url("**/pengaduan/terkirim/")
    audit.check(page, "/pengaduan/terkirim/")
    code = page.locator("#tracking-code").inner_text().strip()
    page.goto(base + "/pengaduan/lacak/")
    page.get_by_label("Kode lacak").fill(code)
    page.get_by_label("E-mail atau 4 angka terakhir nomor HP").fill("sari@example.id")
    page.get_by_role("button", name="Lacak").click()
    page.wait_for_url(f"**/pengaduan/lacak/{code}/")
    audit.check(page, "/pengaduan/lacak/<code>/")

    # The walk-in survey with errors, the login and registration forms with errors.
    page.goto(base + "/survei/")
    page.get_by_role("button", name="Kirim survei").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "/survei/ (errors)")
    page.goto(base + "/akun/masuk/")
    page.fill("#id_username", applicant.email)
    page.fill("#id_password", "salah-sandi-123")
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "/akun/masuk/ (error)")
    page.goto(base + "/akun/daftar/")
    page.get_by_role("button", name="Daftar", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "/akun/daftar/ (errors)")

    # Password reset: the sent page and the set-a-new-password form from the e-mailed link.
    page.goto(base + "/akun/kata-sandi/lupa/")
    page.get_by_label("E-mail").fill(applicant.email)
    page.get_by_role("button", name="Kirim tautan").click()
    page.wait_for_url("**/kata-sandi/lupa/terkirim/")
    audit.check(page, "/akun/kata-sandi/lupa/terkirim/")
    uid = urlsafe_base64_encode(force_bytes(applicant.pk))
    page.goto(base + reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(applicant)]))
    expect(page.locator("#id_new_password1")).to_be_visible()
    audit.check(page, "/akun/kata-sandi/atur/<token>/")

    audit.assert_clean()


def test_citizen_pages_have_no_serious_violations(page, browser, live_server, audit, applicant, atasan, tmp_path):
    base = live_server.url
    start = working_day_after(dt.date.today() + dt.timedelta(days=10))
    end = working_day_after(start)
    new_leave_day = working_day_after(end + dt.timedelta(days=7))  # clear of the pending leave
    revision = make_request(applicant, status="revision")
    leave_req = make_leave_request(applicant, "tahunan", start, end, status="with_supervisor", supervisor=atasan)
    finished = make_request(applicant, status="letter_issued", finished_at=timezone.now())
    pdf = tmp_path / "SK Pangkat Terakhir.pdf"
    pdf.write_bytes(make_pdf("SK Pangkat Penata III/c"))

    log_in(page, base, applicant)
    audit.check(page, "/ (logged in)")
    for path in ("/permohonan/", "/permohonan/baru/", "/akun/profil/", "/akun/kata-sandi/ganti/",
                 f"/permohonan/{revision.code}/", f"/permohonan/{leave_req.code}/", f"/permohonan/{finished.code}/",
                 f"/permohonan/{leave_req.code}/batal/", ikm.survey_url_for(finished)):
        page.goto(base + path)
        audit.check(page, path)

    # Surat keterangan kerja: step 1 with errors, step 1, step 2 with errors, step 2, step 3, confirmation, detail.
    page.goto(base + "/permohonan/baru/surat-keterangan-kerja/")
    audit.check(page, "apply SKK step 1")
    page.get_by_role("button", name="Lanjut").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "apply SKK step 1 (errors)")
    page.get_by_label("Keperluan").fill("Pengajuan kredit pemilikan rumah")
    page.get_by_label("Instansi tujuan").fill("PT Bank Sumut Cabang Medan")
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_text("Langkah 2 dari 3")).to_be_visible()
    audit.check(page, "apply SKK step 2")
    page.get_by_role("button", name="Lanjut").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "apply SKK step 2 (errors)")
    page.get_by_label("SK pangkat atau jabatan terakhir").set_input_files(str(pdf))
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_text("Langkah 3 dari 3")).to_be_visible()
    audit.check(page, "apply SKK step 3")
    page.get_by_role("button", name="Kirim permohonan").click()
    expect(page.locator("#tracking-code")).to_be_visible()
    audit.check(page, "apply SKK confirmation")
    code = page.locator("#tracking-code").inner_text().strip()
    page.goto(f"{base}/permohonan/{code}/")
    audit.check(page, "request detail (submitted)")
    page.goto(f"{base}/permohonan/{code}/tanda-terima/")
    audit.check(page, "receipt")

    # Izin cuti: step 1 with the balance, with errors, then the check-answers page.
    page.goto(base + "/permohonan/baru/izin-cuti/")
    audit.check(page, "apply leave step 1")
    page.get_by_role("button", name="Lanjut").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "apply leave step 1 (errors)")
    page.get_by_label("Jenis cuti").select_option(label="Cuti Tahunan")
    page.get_by_label("Tanggal mulai").fill(new_leave_day.isoformat())
    page.get_by_label("Tanggal selesai").fill(new_leave_day.isoformat())
    page.get_by_label("Alasan cuti").fill("Menghadiri pernikahan adik di Pematangsiantar")
    page.get_by_label("Alamat selama menjalankan cuti").fill("Jl. Merdeka No. 5, Pematangsiantar")
    page.get_by_label("Nomor telepon selama cuti").fill("0812 3456 7890")
    page.get_by_label("Atasan langsung").fill(atasan.nip)
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_text("Langkah 3 dari 3")).to_be_visible()
    audit.check(page, "apply leave step 3")

    # The atasan langsung, in a browser of their own: the list, the decision form and its error.
    context = browser.new_context(locale="id-ID")
    try:
        boss = context.new_page()
        log_in(boss, base, atasan)
        boss.goto(base + "/permohonan/pertimbangan/")
        audit.check(boss, "/permohonan/pertimbangan/")
        boss.goto(f"{base}/permohonan/{leave_req.code}/pertimbangan/")
        audit.check(boss, "consider leave")
        boss.get_by_label("Ditangguhkan").check()
        boss.get_by_role("button", name="Simpan pertimbangan").click()
        expect(boss.locator(".error-summary")).to_be_visible()
        audit.check(boss, "consider leave (errors)")
    finally:
        context.close()

    audit.assert_clean()


def test_admin_queue_has_no_serious_violations(page, live_server, audit, applicant, officer):
    base = live_server.url
    req = submitted_request(applicant)
    make_request(applicant, status="in_review", due_date=dt.date.today() - dt.timedelta(days=1))  # an overdue row

    log_in_admin(page, base, officer)
    changelist = base + reverse("admin:requests_app_servicerequest_changelist")
    for label, url in (("admin index", base + reverse("admin:index")), ("admin queue", changelist),
                       ("admin queue (mine)", changelist + "?status=submitted"),
                       ("admin request", base + reverse("admin:requests_app_servicerequest_change", args=[req.pk]))):
        page.goto(url)
        audit.check(page, label)
    audit.assert_clean()
