"""Public status lookup at /lacak/: code + last four NIK digits; no names, NIK or documents; rate-limited."""

import re

import pytest
from django.urls import reverse

from requests_app import workflow
from tests.factories import make_request

pytestmark = pytest.mark.django_db
URL = reverse("requests_app:lookup")
NO_MATCH = "Kode lacak atau 4 angka terakhir NIK tidak cocok."


@pytest.fixture
def revised(applicant, officer):
    req = make_request(applicant, status="submitted")
    workflow.assign_request(req, by=officer)
    return workflow.request_revision(req, by=officer, public_note="Unggah SK pangkat terbaru.",
                                     note="Internal: pemohon pernah salah unggah.")


def test_the_right_code_and_nik_digits_show_status_and_public_timeline(client, applicant, revised):
    response = client.post(URL, {"code": revised.code, "nik_last4": applicant.nik[-4:]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Surat Keterangan Aktif Bekerja" in html and "Perlu Perbaikan" in html
    assert "Unggah SK pangkat terbaru." in html and "Perbaikan diminta" in html
    assert "Internal" not in html
    assert '<p class="mb-0 mt-1">Unggah SK pangkat terbaru.</p>' in html
    # The officer's note is Indonesian: marked so on the English page, for screen readers.
    english = client.post(URL, {"code": revised.code, "nik_last4": applicant.nik[-4:]},
                          headers={"accept-language": "en"}).content.decode()
    assert '<p class="mb-0 mt-1" lang="id">Unggah SK pangkat terbaru.</p>' in english


def test_the_result_never_shows_names_nik_or_documents(client, applicant, revised, officer):
    html = client.post(URL, {"code": revised.code, "nik_last4": applicant.nik[-4:]}).content.decode()
    for secret in (applicant.full_name, applicant.nik, applicant.email, officer.full_name, "Dedi", "Ani"):
        assert secret not in html
    assert "/dokumen/" not in html


def test_the_atasan_is_not_named_either(client, applicant, atasan):
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    from tests.factories import make_leave_request

    with time_machine.travel(dt.datetime(2026, 2, 2, 9, tzinfo=ZoneInfo("Asia/Jakarta")), tick=False):
        req = make_leave_request(applicant, "tahunan", dt.date(2026, 2, 9), dt.date(2026, 2, 10), status="draft",
                                 supervisor=atasan)
        workflow.submit_request(req, by=applicant)
    html = client.post(URL, {"code": req.code, "nik_last4": applicant.nik[-4:]}).content.decode()
    assert "Menunggu Pertimbangan Atasan" in html and "Atasan langsung pemohon" in html
    assert "Indra" not in html


def test_lowercase_and_spaces_in_the_code_are_accepted(client, applicant, revised):
    html = client.post(URL, {"code": f"  {revised.code.lower()} ", "nik_last4": applicant.nik[-4:]}).content.decode()
    assert "Perlu Perbaikan" in html


@pytest.mark.parametrize("typed", ["{plain}", "{lower}", "{spaced}", "{dotted}"])
def test_the_code_may_be_typed_without_its_dashes(client, applicant, revised, typed):
    prefix, year, rest = revised.code.split("-")
    code = typed.format(plain=prefix + year + rest, lower=(prefix + year + rest).lower(),
                        spaced=f"{prefix} {year} {rest}", dotted=f"{prefix}.{year}.{rest}")
    html = client.post(URL, {"code": code, "nik_last4": applicant.nik[-4:]}).content.decode()
    assert "Perlu Perbaikan" in html


def test_a_wrong_code_and_a_wrong_nik_give_the_same_answer(client, applicant, revised):
    wrong_nik = "0000" if applicant.nik[-4:] != "0000" else "1111"
    by_nik = client.post(URL, {"code": revised.code, "nik_last4": wrong_nik}).content.decode()
    by_code = client.post(URL, {"code": "SKK-26-ZZZZZZ", "nik_last4": applicant.nik[-4:]}).content.decode()
    for html in (by_nik, by_code):
        assert NO_MATCH in html
        assert "Perlu Perbaikan" not in html and "lookup-result" not in html
    assert error_summary(by_nik) == error_summary(by_code)


def error_summary(html):
    return re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S).group(0)


def test_a_draft_cannot_be_looked_up(client, applicant):
    draft = make_request(applicant, status="draft")
    assert NO_MATCH in client.post(URL, {"code": draft.code, "nik_last4": applicant.nik[-4:]}).content.decode()


def test_malformed_input_is_explained_at_the_fields(client):
    html = client.post(URL, {"code": "hello", "nik_last4": "12a4"}).content.decode()
    assert "Kode lacak tidak dikenali. Tulis seperti yang tertera di halaman konfirmasi atau e-mail" in html
    assert "Isi 4 angka terakhir NIK" in html
    assert "Ada masalah" in html
    short = client.post(URL, {"code": "SKK-26-ZZZZZZ", "nik_last4": "12"}).content.decode()
    assert "Isi 4 angka terakhir NIK, mis. 0012." in short and "paling sedikit" not in short


def test_eleven_tries_in_ten_minutes_are_refused(client, applicant, revised):
    for _ in range(10):
        assert client.post(URL, {"code": "SKK-26-ZZZZZZ", "nik_last4": "1234"}).status_code == 200
    response = client.post(URL, {"code": revised.code, "nik_last4": applicant.nik[-4:]})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Terlalu banyak percobaan" in html and "Perlu Perbaikan" not in html


def test_the_limit_is_per_ip(client, applicant, revised):
    for _ in range(10):
        client.post(URL, {"code": "SKK-26-ZZZZZZ", "nik_last4": "1234"}, REMOTE_ADDR="10.0.0.1")
    assert client.post(URL, {"code": revised.code, "nik_last4": "1234"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    response = client.post(URL, {"code": revised.code, "nik_last4": applicant.nik[-4:]}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 200 and "Perlu Perbaikan" in response.content.decode()


def test_the_form_is_public(client):
    response = client.get(URL)
    assert response.status_code == 200 and "4 angka terakhir NIK" in response.content.decode()
