"""One izin cuti from application to the transparency figures, on the production-like stack (bench/stack.sh).

Headless Chromium drives gunicorn over http as five people would: the citizen applies with an upload, the
atasan langsung considers it, the officer verifies it in the admin, the signing official approves it there,
the Celery worker renders the letter (no eager tasks), the citizen downloads it, the QR code printed on it
(decoded with zbarimg) opens the public verification page, which finds the downloaded file byte-identical
and a copy with one byte changed not, the citizen fills the IKM survey, and the
transparency open data counts the response. Logins are the demo accounts of `manage.py seed_demo`; the
signing official passes the two-factor step production requires of him (TOTP computed here).

The stack keeps its database between runs, so each run takes new leave dates after the citizen's last ones.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import struct
import subprocess
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
import redis
from pypdf import PdfWriter

from pelayanan.management.backups import Database

pytestmark = [pytest.mark.stack, pytest.mark.browser]

# Indonesian browsers: the portal follows Accept-Language, and the test reads the Indonesian labels.
CITIZEN = ("pns@demo.test", "Layanan-Pns-2026")
ATASAN = ("atasan@demo.test", "Layanan-Atasan-2026")
ATASAN_NIP = "197211051998031004"
OFFICER = ("petugas.mutasi@demo.test", "Layanan-Mutasi-2026")
SIGNER = ("pejabat@demo.test", "Layanan-Pejabat-2026")
WIB = ZoneInfo("Asia/Jakarta")
LETTER_TIMEOUT = 90  # seconds for the worker to render the letter
STACK_ENV = {}  # the stack's environment, for the helpers


def query(env, sql, *params):
    conn = Database.from_url(env["DATABASE_URL"]).connect()
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        conn.close()


def leave_dates(env):
    """Tuesday and Wednesday of a week after the citizen's last leave and at least two weeks ahead,
    clear of national holidays and the year-end cuti bersama."""
    [(last_end,)] = query(env, """
        SELECT max(r.end_date) FROM requests_app_servicerequest r JOIN pelayanan_user u ON u.id = r.applicant_id
        WHERE u.email = %s""", CITIZEN[0])
    day = max(dt.datetime.now(WIB).date() + dt.timedelta(days=14), (last_end or dt.date.min) + dt.timedelta(days=1))
    closed = holidays.country_holidays("ID", years=range(day.year, day.year + 3))
    while True:
        start, end = day, day + dt.timedelta(days=1)
        year_end = (start.month, start.day) >= (12, 20) or (start.month, start.day) <= (1, 3)
        if start.weekday() == 1 and start not in closed and end not in closed and not year_end:
            return start, end
        day += dt.timedelta(days=1)


def sign_in(browser, base_url, account):
    context = browser.new_context(base_url=base_url, accept_downloads=True, locale="id-ID")
    page = context.new_page()
    page.goto("/akun/masuk/")
    page.fill("input[name=username]", account[0])
    page.fill("input[name=password]", account[1])
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    assert "/akun/masuk/" not in page.url, page.locator("main").inner_text()
    if "/akun/2fa/" in page.url:
        second_step(page, account)
    return context, page


def second_step(page, account):
    """Two-factor login, required of signing officials in production (pelayanan/otp.py). The first time the
    official enrols with the key shown on the page, as typed into an authenticator app; afterwards the code
    comes from the enrolled device's key (what the phone app holds), read from the stack's database."""
    if "/akun/2fa/verifikasi/" in page.url:
        [(key_hex,)] = query(STACK_ENV, """
            SELECT d.key FROM otp_totp_totpdevice d JOIN pelayanan_user u ON u.id = d.user_id
            WHERE u.email = %s AND d.confirmed""", account[0])
        page.fill("input[name=code]", totp_code(bytes.fromhex(key_hex)))
        page.get_by_role("button", name="Lanjutkan").click()
        page.wait_for_load_state()
        if "/akun/2fa/verifikasi/" in page.url:  # a code is accepted once: this step's may have been used already
            time.sleep(30 - time.time() % 30 + 1)
            page.fill("input[name=code]", totp_code(bytes.fromhex(key_hex)))
            page.get_by_role("button", name="Lanjutkan").click()
    else:
        secret = page.locator("#otp-secret").inner_text().replace(" ", "")
        page.fill("input[name=code]", totp_code(base64.b32decode(secret + "=" * (-len(secret) % 8))))
        page.get_by_role("button", name="Aktifkan verifikasi dua langkah").click()
        page.wait_for_url(re.compile(r"/akun/2fa/kode-cadangan/"))
        page.get_by_role("link", name="Sudah saya simpan").click()
    page.wait_for_load_state()
    assert "/akun/2fa/verifikasi/" not in page.url and "/akun/masuk/" not in page.url, page.locator("main").inner_text()


def totp_code(key):
    """RFC 6238: 6 digits, 30-second steps, HMAC-SHA1."""
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def pdf_file(tmp_path, text):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    path = tmp_path / "bukti-alasan-penting.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    return path


def admin_request_page(page, code):
    page.goto(f"/admin/requests_app/servicerequest/?q={code}")
    page.get_by_role("link", name=code, exact=True).click()
    page.wait_for_load_state()


def admin_action(page, name):
    page.locator(f"button[name=submit-{name}]").click()
    page.wait_for_load_state()
    errors = page.locator(".messagelist .error")
    assert errors.count() == 0, errors.all_inner_texts()


def qr_url(pdf_path):
    """The URL in the letter's QR code: the first page rendered at 200 dpi, then zbarimg."""
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf_path), str(pdf_path.with_suffix(""))],
                   check=True, timeout=60)
    [png] = pdf_path.parent.glob(pdf_path.stem + "*.png")
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"no QR code found on the letter: {out.stderr}"
    return out.stdout.strip()


def fill_survey(page, *, service=None):
    from feedback import ikm

    if service:
        page.select_option("select[name=service]", label=service)
    for field in ikm.FIELDS:
        page.locator(f"input[name={field}][value='4']").check()
    for name in ("age_band", "sex", "education", "occupation"):
        page.select_option(f"select[name={name}]", index=1)
    page.get_by_role("button", name=re.compile("Kirim")).click()
    page.wait_for_load_state()
    assert "/survei/terima-kasih/" in page.url, page.locator("main").inner_text()


def survey_count(env, slug, month_start):
    [(count,)] = query(env, """
        SELECT count(*) FROM feedback_surveyresponse s JOIN requests_app_service v ON v.id = s.service_id
        WHERE v.slug = %s AND s.date >= %s""", slug, month_start)
    return count


def test_izin_cuti_from_application_to_transparency(stack, browser, tmp_path):
    STACK_ENV.update(stack)
    base = stack["STACK_URL"]
    start, end = leave_dates(stack)
    upload = pdf_file(tmp_path, "Surat keterangan rawat inap")

    # 1. The citizen applies for cuti karena alasan penting, with its proof as an upload.
    citizen_ctx, citizen = sign_in(browser, base, CITIZEN)
    citizen.goto("/permohonan/baru/izin-cuti/")
    citizen.select_option("select[name=leave_policy]", label="Cuti Karena Alasan Penting")
    citizen.fill("input[name=start_date]", start.isoformat())
    citizen.fill("input[name=end_date]", end.isoformat())
    citizen.fill("textarea[name=reason]", "Orang tua dirawat inap di rumah sakit")
    citizen.fill("textarea[name=address]", "Jl. Sisingamangaraja No. 10, Medan")
    citizen.fill("input[name=phone]", "081260001001")
    citizen.fill("input[name=supervisor]", ATASAN_NIP)
    citizen.get_by_role("button", name="Lanjut").click()
    citizen.wait_for_url(re.compile(r"/dokumen/$"))
    citizen.locator("input[type=file]").first.set_input_files(upload)
    citizen.get_by_role("button", name="Lanjut").click()
    citizen.wait_for_url(re.compile(r"/periksa/$"))
    citizen.get_by_role("button", name="Kirim permohonan").click()
    citizen.wait_for_url(re.compile(r"/terkirim/$"))
    code = re.search(r"/permohonan/([A-Z]+-\d\d-[0-9A-Z]{6})/", citizen.url).group(1)
    assert code.startswith("CUTI-")
    [(status, stored_hash)] = query(stack, """
        SELECT r.status, d.sha256 FROM requests_app_servicerequest r
        JOIN requests_app_requestdocument d ON d.request_id = r.id AND NOT d.superseded WHERE r.code = %s""", code)
    assert status == "with_supervisor"
    assert stored_hash == hashlib.sha256(upload.read_bytes()).hexdigest()

    # 2. The atasan langsung agrees.
    atasan_ctx, atasan = sign_in(browser, base, ATASAN)
    atasan.goto(f"/permohonan/{code}/pertimbangan/")
    atasan.locator("input[name=decision][value=approved]").check()
    atasan.get_by_role("button", name="Simpan pertimbangan").click()
    atasan.wait_for_load_state()
    atasan_ctx.close()

    # 3. The officer of the Mutasi unit takes and verifies it in the admin.
    officer_ctx, officer = sign_in(browser, base, OFFICER)
    admin_request_page(officer, code)
    admin_action(officer, "assign")
    admin_action(officer, "verify")
    officer_ctx.close()

    # 4. The signing official approves it; the number is reserved now, the PDF comes from the worker.
    signer_ctx, signer = sign_in(browser, base, SIGNER)
    admin_request_page(signer, code)
    admin_action(signer, "approve")
    signer_ctx.close()
    [(number, verification_code)] = query(stack, """
        SELECT l.number, l.verification_code FROM requests_app_letter l
        JOIN requests_app_servicerequest r ON r.id = l.request_id WHERE r.code = %s""", code)

    # 5. The worker renders the letter; the citizen's page offers it once it is issued.
    deadline = time.monotonic() + LETTER_TIMEOUT
    download = citizen.get_by_role("link", name="Unduh surat (PDF)")
    while True:
        citizen.goto(f"/permohonan/{code}/")
        if download.count():
            break
        assert time.monotonic() < deadline, f"no letter after {LETTER_TIMEOUT} s; see bench/out/worker.log"
        time.sleep(1)

    # 6. The citizen downloads it.
    with citizen.expect_download() as info:
        download.click()
    pdf_path = tmp_path / "surat.pdf"
    info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    [(letter_hash, letter_count)] = query(stack, """
        SELECT min(l.sha256), count(*) FROM requests_app_letter l
        JOIN requests_app_servicerequest r ON r.id = l.request_id WHERE r.code = %s AND l.status = 'issued'""", code)
    assert letter_count == 1
    assert letter_hash == hashlib.sha256(pdf_path.read_bytes()).hexdigest()

    # 7. The QR code on the letter opens the public verification page, which vouches for it.
    url = qr_url(pdf_path)
    assert url.startswith(base + "/verifikasi/") and verification_code in url.replace("-", "")
    public_ctx = browser.new_context(base_url=base, locale="id-ID")
    public = public_ctx.new_page()
    public.goto(url)
    assert "Asli — tercatat di sistem" in public.locator(".verify-status").inner_text()
    assert number in public.locator("main").inner_text()
    # The downloaded file is byte-identical to the issued letter; a copy with one byte changed is not.
    public.locator("input[type=file]").set_input_files(str(pdf_path))
    public.get_by_role("button", name="Bandingkan").click()
    assert "Cocok: berkas yang Anda unggah identik" in public.locator(".compare-result").inner_text()
    altered = tmp_path / "surat-diubah.pdf"
    data = bytearray(pdf_path.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered.write_bytes(bytes(data))
    public.locator("input[type=file]").set_input_files(str(altered))
    public.get_by_role("button", name="Bandingkan").click()
    assert "Tidak cocok" in public.locator(".compare-result").inner_text()

    # 8. The citizen fills the IKM survey offered on the request page. Respondent counts under 5 are not
    # published, so walk-in respondents at the counter make up the month's first four when needed.
    month_start = dt.datetime.now(WIB).date().replace(day=1)
    for _ in range(max(0, 4 - survey_count(stack, "izin-cuti", month_start))):
        public.goto("/survei/")
        fill_survey(public, service="Izin Cuti ASN")
    public_ctx.close()
    before = survey_count(stack, "izin-cuti", month_start)
    citizen.goto(f"/permohonan/{code}/")
    citizen.get_by_role("link", name="Isi survei kepuasan").click()
    fill_survey(citizen)
    assert survey_count(stack, "izin-cuti", month_start) == before + 1
    citizen.goto(f"/permohonan/{code}/")
    assert "sudah mengisi survei" in citizen.locator("main").inner_text()
    citizen_ctx.close()

    # 9. The transparency figures count it. Public pages are cached for up to 15 minutes; dropping the
    # cache version stands in for that wait.
    redis.Redis.from_url(stack["REDIS_URL"]).delete(":1:public:version")
    page_ctx = browser.new_context(base_url=base, locale="id-ID")
    page = page_ctx.new_page()
    page.goto("/transparansi/")
    assert page.locator("h1").count()
    data = json.loads(page.request.get("/transparansi/data.json").text())
    [row] = [r for r in data["rows"] if r["service_slug"] == "izin-cuti" and r["month"] == month_start.strftime("%Y-%m")]
    assert row["ikm_respondents"] == before + 1
    assert row["ikm"] is not None
    page_ctx.close()


def test_the_stack_runs_in_production_mode(stack):
    """What the lifecycle test relies on: production settings over plain http, and a worker answering."""
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(stack["STACK_URL"] + "/healthz", timeout=10) as response:
        health = json.load(response)
        headers = response.headers
    assert health["checks"]["celery"].startswith("ok")
    try:
        urllib.request.urlopen(stack["STACK_URL"] + "/tidak-ada/", timeout=10)
    except urllib.error.HTTPError as exc:
        not_found = exc.read().decode()
        assert exc.code == 404
    assert "URLconf" not in not_found and "Traceback" not in not_found  # DEBUG is off
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    log = (Path(__file__).resolve().parents[2] / "bench" / "out" / "web.log").read_text().splitlines()
    assert any('"path": "/healthz"' in line and headers["X-Request-ID"] in line for line in log)
