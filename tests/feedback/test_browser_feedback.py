"""Browser journeys: a visitor files a complaint and follows it, an officer answers it in the admin, the
visitor reads the answer; an applicant whose request is finished fills the satisfaction survey."""

import re

import pytest

from feedback import ikm
from feedback.models import Feedback, SurveyResponse
from tests.factories import make_request, staff_user

PASSWORD = "rahasia-kuat-123"  # UserFactory's password


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_visitor_complains_officer_answers_visitor_reads_the_answer(live_server, page, browser, units, mailoutbox):
    # The visitor files a complaint about a PPI service.
    page.goto(live_server.url + "/pengaduan/")
    page.get_by_label("Pengaduan", exact=True).check()
    page.get_by_label("Kategori").select_option("time")
    page.get_by_label("Layanan terkait (tidak wajib)").select_option(label="Surat Keterangan Aktif Bekerja")
    page.get_by_label("Judul").fill("Surat keterangan belum terbit")
    page.get_by_label("Uraian").fill("Sudah lewat tiga hari kerja tetapi surat keterangan saya belum terbit juga.")
    page.get_by_label("Nama", exact=True).fill("Sari Pelapor")
    page.get_by_label("E-mail", exact=True).fill("sari@example.id")
    page.get_by_role("button", name="Kirim").click()
    page.wait_for_url("**/pengaduan/terkirim/")
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"ADU-\d{2}-[A-Z0-9]{6}", code)
    assert Feedback.objects.get(code=code).unit == units["ppi"]

    # ...and follows it by its code and e-mail.
    page.goto(live_server.url + "/pengaduan/lacak/")
    page.get_by_label("Kode lacak").fill(code)
    page.get_by_label("E-mail atau 4 angka terakhir nomor HP").fill("sari@example.id")
    page.get_by_role("button", name="Lacak").click()
    page.wait_for_url(f"**/pengaduan/lacak/{code}/")
    assert page.locator("#feedback-status").inner_text() == "Diterima"
    assert page.locator("#feedback-answer").count() == 0

    # An officer of PPI logs in on the admin login page, in another browser, and answers.
    staff_user("petugas.adu@example.id", "Petugas Layanan", unit=units["ppi"], full_name="Dedi Petugas")
    officer_page = browser.new_context().new_page()
    officer_page.goto(live_server.url + "/admin/login/")
    officer_page.locator("#id_username").fill("petugas.adu@example.id")
    officer_page.locator("#id_password").fill(PASSWORD)
    officer_page.locator("input[type=submit]").click()
    officer_page.wait_for_url(re.compile(r".*/admin/$"))
    officer_page.goto(live_server.url + "/admin/feedback/feedback/")
    officer_page.get_by_role("link", name=code).click()
    officer_page.locator("#id_new_status").select_option("closed")
    officer_page.locator("#id_public_note").fill("Surat Anda sudah terbit dan dapat diunduh di halaman permohonan.")
    officer_page.locator("#id_note").fill("Terlambat karena pejabat cuti.")
    officer_page.locator("input[name=_save]").click()
    officer_page.wait_for_url("**/admin/feedback/feedback/")
    assert Feedback.objects.get(code=code).status == "closed"

    # The visitor reloads and reads the answer; the internal note stays internal.
    page.reload()
    assert page.locator("#feedback-status").inner_text() == "Selesai"
    assert "Surat Anda sudah terbit" in page.locator("#feedback-answer").inner_text()
    assert "pejabat cuti" not in page.content()
    assert any("Surat Anda sudah terbit" in m.body for m in mailoutbox if m.to == ["sari@example.id"])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_applicant_with_a_finished_request_fills_the_survey(live_server, page, applicant):
    req = make_request(applicant, status="letter_issued")
    page.goto(live_server.url + ikm.survey_url_for(req))
    assert req.code in page.locator("main").inner_text()
    choices = {"u1": 4, "u2": 3, "u3": 3, "u4": 4, "u5": 4, "u6": 4, "u7": 4, "u8": 2, "u9": 3}
    for field, score in choices.items():
        page.locator(f"#id_{field}_{score - 1}").check()
    page.get_by_label("Usia").select_option("35_44")
    page.get_by_label("Jenis kelamin").select_option("f")
    page.get_by_label("Pendidikan terakhir").select_option("bachelor")
    page.get_by_label("Pekerjaan").select_option("pns")
    page.get_by_label("Saran untuk perbaikan layanan (tidak wajib)").fill("Mohon notifikasi lewat WhatsApp.")
    page.get_by_role("button", name="Kirim survei").click()
    page.wait_for_url("**/survei/terima-kasih/")
    saved = SurveyResponse.objects.get(request=req)
    assert [getattr(saved, f) for f in ikm.FIELDS] == list(choices.values())
    # The link now says it was used.
    page.goto(live_server.url + ikm.survey_url_for(req))
    assert "sudah diisi" in page.locator("main").inner_text()
