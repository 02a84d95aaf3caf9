"""Applying online: the service picker, step 1 (details) for each kind of service, documents, check answers,
submit and the confirmation; leave rules shown at the form; assisted filing at the counter."""

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from requests_app.models import RequestEvent, Service, ServiceRequest
from tests.factories import UserFactory, make_leave_request, make_pdf

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status
WIB = ZoneInfo("Asia/Jakarta")
# Monday 2 February 2026, 09.00 WIB: a working day with the Imlek holidays (16-17 February) ahead.
MONDAY = dt.datetime(2026, 2, 2, 9, 0, tzinfo=WIB)


@pytest.fixture
def on_monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def apply_url(slug="surat-keterangan-kerja"):
    return reverse("requests_app:apply", args=[slug])


def hidden_key(response):
    return re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', response.content.decode()).group(1)


def skk_data(**extra):
    return {"idempotency_key": str(uuid.uuid4()), "purpose": "Pengajuan KPR", "addressee": "PT Bank Sumut", **extra}


def leave_data(atasan, start="2026-02-09", end="2026-02-13", policy_code="tahunan", **extra):
    from requests_app.models import LeavePolicy

    policy = LeavePolicy.objects.get(asn_group="pns", code=policy_code)
    return {
        "idempotency_key": str(uuid.uuid4()), "leave_policy": policy.pk, "start_date": start, "end_date": end,
        "reason": "Urusan keluarga di Pematangsiantar", "address": "Jl. Merdeka No. 5, Pematangsiantar",
        "phone": "0812 3456 7890", "supervisor": atasan.nip, **extra,
    }


def pdf_upload(name="SK terakhir.pdf"):
    return SimpleUploadedFile(name, make_pdf(), content_type="application/pdf")


# --- the service picker -----------------------------------------------------------------------------------


def test_picker_lists_active_services_with_links_for_an_asn(client, applicant):
    Service.objects.filter(slug="usul-pensiun").update(active=False)
    client.force_login(applicant)
    html = client.get(reverse("requests_app:apply_start")).content.decode()
    assert apply_url("surat-keterangan-kerja") in html and apply_url("izin-cuti") in html
    assert "Usul Pensiun" not in html


def test_picker_explains_why_a_citizen_cannot_apply_for_asn_only_services(client, citizen):
    client.force_login(citizen)
    html = client.get(reverse("requests_app:apply_start")).content.decode()
    assert "khusus ASN" in html and "Bukan ASN" in html
    assert apply_url("surat-keterangan-kerja") + '"' not in html


def test_picker_asks_an_anonymous_visitor_to_log_in(client):
    html = client.get(reverse("requests_app:apply_start")).content.decode()
    assert "Masuk untuk mengajukan" in html


def test_applying_needs_login(client):
    response = client.get(apply_url())
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_citizen_is_refused_an_asn_only_service_and_nothing_is_written(client, citizen):
    client.force_login(citizen)
    assert client.get(apply_url()).status_code == 403
    response = client.post(apply_url(), skk_data())
    assert response.status_code == 403
    assert "khusus ASN" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_an_inactive_service_cannot_be_applied_for(client, applicant):
    Service.objects.filter(slug="surat-keterangan-kerja").update(active=False)
    client.force_login(applicant)
    assert client.get(apply_url()).status_code == 404


# --- surat keterangan kerja, end to end ------------------------------------------------------------------


def test_employment_certificate_from_details_to_confirmation(client, applicant, django_capture_on_commit_callbacks):
    client.force_login(applicant)
    page = client.get(apply_url())
    assert "Langkah 1 dari 3" in page.content.decode()
    key = hidden_key(page)

    response = client.post(apply_url(), skk_data(idempotency_key=key))
    req = ServiceRequest.objects.get()
    assert req.status == S.DRAFT and str(req.idempotency_key) == key
    assert req.details == {"purpose": "Pengajuan KPR", "addressee": "PT Bank Sumut"}
    assert re.fullmatch(r"SKK-\d{2}-[2-9A-HJKMNP-Z]{6}", req.code)
    assert response["Location"] == reverse("requests_app:apply_documents", args=[req.code])

    requirement = req.service.requirements.get()
    response = client.post(response["Location"], {f"doc_{requirement.pk}": pdf_upload()})
    assert response["Location"] == reverse("requests_app:apply_review", args=[req.code])

    review = client.get(response["Location"]).content.decode()
    assert "Periksa kembali jawaban Anda" in review and "Langkah 3 dari 3" in review
    assert "Pengajuan KPR" in review and "PT Bank Sumut" in review and "SK terakhir.pdf" in review
    assert review.count(">Ubah<") >= 3
    assert reverse("requests_app:edit", args=[req.code]) in review
    assert reverse("requests_app:apply_documents", args=[req.code]) in review

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("requests_app:apply_submit", args=[req.code]))
    assert response["Location"] == reverse("requests_app:apply_done", args=[req.code])
    req.refresh_from_db()
    assert req.status == S.SUBMITTED and req.due_date and req.submitted_at
    assert RequestEvent.objects.get(request=req).action == RequestEvent.Action.SUBMITTED
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert req.code in mail.outbox[0].body
    assert reverse("requests_app:receipt", args=[req.code]) in mail.outbox[0].body  # the printable tanda terima

    done = client.get(response["Location"]).content.decode()
    assert f'id="tracking-code">{req.code}<' in done
    assert req.due_date.strftime("%Y") in done and "Apa yang terjadi selanjutnya" in done


def test_confirmation_shows_the_due_date_in_indonesian(client, applicant, on_monday):
    client.force_login(applicant)
    client.post(apply_url(), skk_data())
    req = ServiceRequest.objects.get()
    client.post(reverse("requests_app:apply_documents", args=[req.code]),
                {f"doc_{req.service.requirements.get().pk}": pdf_upload()})
    client.post(reverse("requests_app:apply_submit", args=[req.code]))
    done = client.get(reverse("requests_app:apply_done", args=[req.code])).content.decode()
    # SLA of 3 working days from Monday 2 February 2026.
    assert "Kamis, 5 Februari 2026" in done


def test_submitting_without_the_required_document_is_refused(client, applicant):
    client.force_login(applicant)
    client.post(apply_url(), skk_data())
    req = ServiceRequest.objects.get()
    response = client.post(reverse("requests_app:apply_submit", args=[req.code]), follow=True)
    assert "Dokumen wajib belum diunggah: SK pangkat atau jabatan terakhir." in response.content.decode()
    req.refresh_from_db()
    assert req.status == S.DRAFT and not req.events.exists()


def test_missing_fields_are_listed_in_the_summary_and_kept(client, applicant):
    client.force_login(applicant)
    response = client.post(apply_url(), skk_data(addressee=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ada masalah" in html and 'href="#id_addressee"' in html
    assert 'value="Pengajuan KPR"' in html
    assert not ServiceRequest.objects.exists()


def test_the_change_link_updates_the_draft(client, applicant):
    client.force_login(applicant)
    client.post(apply_url(), skk_data())
    req = ServiceRequest.objects.get()
    edit_url = reverse("requests_app:edit", args=[req.code])
    assert 'value="Pengajuan KPR"' in client.get(edit_url).content.decode()
    response = client.post(edit_url, {"purpose": "Beasiswa anak", "addressee": "Universitas Sumatera Utara"})
    assert response["Location"] == reverse("requests_app:apply_review", args=[req.code])
    req.refresh_from_db()
    assert req.details == {"purpose": "Beasiswa anak", "addressee": "Universitas Sumatera Utara"}
    assert ServiceRequest.objects.count() == 1


def test_a_general_service_asks_for_a_free_text_keterangan(client, applicant):
    client.force_login(applicant)
    page = client.get(apply_url("kenaikan-gaji-berkala")).content.decode()
    assert "Keterangan" in page
    client.post(apply_url("kenaikan-gaji-berkala"), {"idempotency_key": str(uuid.uuid4()), "notes": "KGB periode 2026"})
    assert ServiceRequest.objects.get().details == {"notes": "KGB periode 2026"}


# --- izin cuti ------------------------------------------------------------------------------------------------


def test_the_leave_step_shows_the_annual_balance_before_submitting(client, applicant, atasan, on_monday):
    make_leave_request(applicant, "tahunan", dt.date(2026, 1, 5), dt.date(2026, 1, 7))  # 3 days approved
    client.force_login(applicant)
    html = client.get(apply_url("izin-cuti")).content.decode()
    assert "Sisa cuti tahunan 2026 yang masih dapat diajukan: <strong>9 hari kerja</strong>" in html
    assert "Cuti Tahunan" in html and "Cuti Besar" in html
    assert "dikurangi" not in html  # nothing in process: the table's "Sisa" is the same 9


def test_the_check_answers_page_shows_the_annual_balance_for_annual_leave_only(client, applicant, atasan, on_monday):
    client.force_login(applicant)
    for code in ("tahunan", "sakit"):
        client.post(apply_url("izin-cuti"), leave_data(atasan, policy_code=code, start="2026-02-09", end="2026-02-10"))
        req = ServiceRequest.objects.get(leave_policy__code=code)
        html = client.get(reverse("requests_app:apply_review", args=[req.code])).content.decode()
        assert ("Sisa cuti tahunan 2026" in html) is (code == "tahunan"), code
        assert "Lama cuti: <strong>2 " in html  # working days for annual leave, calendar days for sick leave
        assert f'href="{reverse("accounts:profile")}">perbaiki profil</a>' in html
        req.delete()


def test_the_balance_explains_a_figure_lower_than_the_tables_sisa(client, applicant, atasan, on_monday):
    make_leave_request(applicant, "tahunan", dt.date(2026, 2, 23), dt.date(2026, 2, 25), status="in_review")
    client.force_login(applicant)
    html = client.get(apply_url("izin-cuti")).content.decode()
    assert "yang masih dapat diajukan: <strong>9 hari kerja</strong>" in html
    assert "(sisa 12 dikurangi 3 hari pada permohonan yang masih diproses)" in html


def test_annual_leave_from_details_to_the_atasan(client, applicant, atasan, on_monday, django_capture_on_commit_callbacks):
    client.force_login(applicant)
    response = client.post(apply_url("izin-cuti"), leave_data(atasan))
    req = ServiceRequest.objects.get()
    assert (req.leave_policy.code, req.start_date, req.end_date, req.supervisor) == (
        "tahunan", dt.date(2026, 2, 9), dt.date(2026, 2, 13), atasan)
    assert req.details["phone"] == "081234567890"
    # Cuti tahunan needs no document: straight to the check-answers page.
    assert response["Location"] == reverse("requests_app:apply_review", args=[req.code])

    review = client.get(response["Location"]).content.decode()
    assert "Lama cuti: <strong>5 hari kerja</strong>" in review
    assert "Sisa cuti tahunan 2026 yang masih dapat diajukan: <strong>12 hari kerja</strong>" in review
    assert "9 Februari 2026" in review and "Indra Atasan" in review

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("requests_app:apply_submit", args=[req.code]))
    req.refresh_from_db()
    assert req.status == S.WITH_SUPERVISOR and req.duration == 5
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([applicant.email, atasan.email])


def test_the_review_page_lists_the_holidays_left_out_of_the_length(client, applicant, atasan, on_monday):
    client.force_login(applicant)
    client.post(apply_url("izin-cuti"), leave_data(atasan, start="2026-02-12", end="2026-02-18"))
    req = ServiceRequest.objects.get()
    review = client.get(reverse("requests_app:apply_review", args=[req.code])).content.decode()
    assert "Lama cuti: <strong>3 hari kerja</strong>" in review
    assert "Senin, 16 Februari 2026: Cuti Bersama Tahun Baru Imlek" in review
    assert "Selasa, 17 Februari 2026: Tahun Baru Imlek" in review


def test_the_length_preview_counts_working_days_and_names_the_holidays(client, applicant):
    from requests_app.models import LeavePolicy

    client.force_login(applicant)
    url = reverse("requests_app:leave_length", args=["izin-cuti"])
    annual = LeavePolicy.objects.get(asn_group="pns", code="tahunan")
    data = client.get(url, {"leave_policy": annual.pk, "start_date": "2026-02-12", "end_date": "2026-02-18"}).json()
    assert data["text"].startswith("Lama cuti: 3 hari kerja.")
    assert "16 Februari 2026 (Cuti Bersama Tahun Baru Imlek)" in data["text"]
    sick = LeavePolicy.objects.get(asn_group="pns", code="sakit")
    data = client.get(url, {"leave_policy": sick.pk, "start_date": "2026-02-12", "end_date": "2026-02-18"}).json()
    assert data["text"] == "Lama cuti: 7 hari kalender."
    for bad in ({"leave_policy": annual.pk, "start_date": "2026-02-18", "end_date": "2026-02-12"},
                {"leave_policy": annual.pk, "start_date": "1900-01-01", "end_date": "2100-01-01"},
                {"leave_policy": "x"}):
        assert client.get(url, bad).json() == {"text": ""}
    assert client.get(reverse("requests_app:leave_length", args=["surat-keterangan-kerja"])).status_code == 404


def test_leave_longer_than_the_balance_is_refused_in_plain_indonesian_and_nothing_is_written(
        client, applicant, atasan, on_monday):
    client.force_login(applicant)
    # 2 to 20 February 2026: 13 working days (16 and 17 February are Imlek), one more than the 12 available.
    response = client.post(apply_url("izin-cuti"), leave_data(atasan, start="2026-02-02", end="2026-02-20"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in html
    assert "Lama cuti yang diajukan (13 hari kerja) melebihi sisa cuti tahunan 2026, yaitu 12 hari kerja." in html
    assert not ServiceRequest.objects.exists()


def test_each_empty_field_says_what_to_do(client, applicant, on_monday):
    client.force_login(applicant)
    response = client.post(apply_url("izin-cuti"), {"idempotency_key": str(uuid.uuid4())})
    errors = response.context["form"].errors
    assert errors["leave_policy"] == ["Pilih jenis cuti."]
    assert errors["start_date"] == ["Isi tanggal mulai."]
    assert errors["reason"] == ["Isi alasan cuti."]
    assert "Bidang ini tidak boleh kosong." not in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_leave_starting_in_the_past_is_refused(client, applicant, atasan, on_monday):
    client.force_login(applicant)
    response = client.post(apply_url("izin-cuti"), leave_data(atasan, start="2026-01-26", end="2026-01-27"))
    html = response.content.decode()
    # At the start date, and once in the error summary linking to it: no second box of the same message.
    assert response.context["form"].errors["start_date"] == [
        "Cuti harus diajukan sebelum dijalankan: tanggal mulai paling awal hari ini, 2 Februari 2026."]
    assert html.count("Cuti harus diajukan sebelum dijalankan") == 2
    assert '<a href="#id_start_date">Cuti harus diajukan sebelum dijalankan: tanggal mulai paling awal' in html
    assert not ServiceRequest.objects.exists()


def test_end_before_start_is_an_error_at_the_end_date(client, applicant, atasan, on_monday):
    client.force_login(applicant)
    html = client.post(apply_url("izin-cuti"), leave_data(atasan, start="2026-02-13", end="2026-02-09")).content.decode()
    assert 'href="#id_end_date">Tanggal selesai harus sama dengan atau setelah tanggal mulai.' in html
    assert not ServiceRequest.objects.exists()


def test_the_atasan_can_be_found_by_email(client, applicant, atasan, on_monday):
    client.force_login(applicant)
    client.post(apply_url("izin-cuti"), leave_data(atasan, supervisor="ATASAN@example.id"))
    assert ServiceRequest.objects.get().supervisor == atasan


def test_the_atasan_must_have_the_atasan_langsung_role(client, applicant, other_applicant, on_monday):
    client.force_login(applicant)
    html = client.post(apply_url("izin-cuti"), leave_data(other_applicant)).content.decode()
    assert "Tidak ada atasan langsung terdaftar dengan NIP atau e-mail ini" in html
    assert not ServiceRequest.objects.exists()


def test_one_cannot_be_ones_own_atasan(client, atasan, on_monday):
    client.force_login(atasan)
    html = client.post(apply_url("izin-cuti"), leave_data(atasan)).content.decode()
    assert "Anda tidak dapat memilih diri sendiri sebagai atasan langsung." in html
    assert not ServiceRequest.objects.exists()


def test_leave_starting_before_the_time_limit_ends_is_warned(client, applicant, atasan, on_monday):
    """Monday 2 February; izin cuti takes up to 5 working days (to Monday 9 February): a leave from Wednesday
    4 February may start before its letter is out. Warned, kept, and shown again on the check-answers page."""
    client.force_login(applicant)
    response = client.post(apply_url("izin-cuti"), leave_data(atasan, start="2026-02-04", end="2026-02-05"), follow=True)
    warning = "Cuti dimulai 4 Februari 2026, sebelum batas waktu layanan (9 Februari 2026)"
    assert response.content.decode().count(warning) == 1  # in the leave summary, not also as a banner
    req = ServiceRequest.objects.get()
    assert warning in client.get(reverse("requests_app:apply_review", args=[req.code])).content.decode()
    # Starting on the day the time limit ends is fine.
    client.post(apply_url("izin-cuti"), leave_data(atasan, start="2026-02-09", end="2026-02-10"))
    later = ServiceRequest.objects.exclude(pk=req.pk).get()
    assert "batas waktu layanan" not in client.get(reverse("requests_app:apply_review", args=[later.code])).content.decode()


def test_leave_warnings_are_shown_as_messages_and_do_not_block(client, applicant, atasan, on_monday):
    client.force_login(applicant)
    response = client.post(apply_url("izin-cuti"), leave_data(atasan, policy_code="cltn", start="2026-03-02",
                                                              end="2026-08-31"), follow=True)
    html = response.content.decode()
    assert "persetujuan Kepala BKN" in html and "alert-warning" in html
    req = ServiceRequest.objects.get()
    # CLTN needs its document, so the next step is the upload.
    assert response.redirect_chain[-1][0] == reverse("requests_app:apply_documents", args=[req.code])
    assert "Dokumen alasan CLTN" in html


def test_cuti_besar_for_the_first_hajj_lifts_the_five_year_rule(client, atasan, on_monday):
    young = UserFactory(email="muda@example.id", nip="199501012023031001", asn_type="pns")
    client.force_login(young)
    data = leave_data(atasan, policy_code="besar", start="2026-04-06", end="2026-05-29")
    html = client.post(apply_url("izin-cuti"), data).content.decode()
    assert "hanya dapat diberikan setelah bekerja paling sedikit 5 tahun" in html
    assert not ServiceRequest.objects.exists()

    client.post(apply_url("izin-cuti"), {**data, "hajj": "on"})
    assert ServiceRequest.objects.get().details["hajj"] is True


def test_a_pppk_employee_is_offered_only_the_pppk_leave_types(client, atasan):
    pppk = UserFactory(email="pppk@example.id", asn_type="pppk", nip="199001012022012001")
    client.force_login(pppk)
    html = client.get(apply_url("izin-cuti")).content.decode()
    assert "Cuti Tahunan" in html and "Cuti Sakit" in html and "Cuti Melahirkan" in html
    assert "Cuti Besar" not in html and "Cuti di Luar Tanggungan Negara" not in html


# --- assisted filing at the counter -----------------------------------------------------------------------


def test_an_officer_files_for_a_walk_in_applicant(client, officer, applicant, django_capture_on_commit_callbacks):
    client.force_login(officer)
    url = apply_url() + f"?pemohon={applicant.nik}"
    page = client.get(url).content.decode()
    assert "Pengajuan di loket atas nama pemohon:" in page and "Ani Lestari, S.E." in page
    assert f"NIK {applicant.nik_masked}" in page  # shown masked; the full NIK is only in the ?pemohon= link

    response = client.post(url, skk_data())
    req = ServiceRequest.objects.get()
    assert (req.applicant, req.filed_by) == (applicant, officer)
    client.post(response["Location"], {f"doc_{req.service.requirements.get().pk}": pdf_upload()})
    assert "Ani Lestari, S.E." in client.get(reverse("requests_app:apply_review", args=[req.code])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("requests_app:apply_submit", args=[req.code]))
    req.refresh_from_db()
    assert req.status == S.SUBMITTED
    event = req.events.get()
    assert event.action == RequestEvent.Action.ASSISTED and event.get_action_display() == "Diajukan petugas di loket"
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    # The applicant sees it as theirs, with the counter filing in the timeline.
    client.force_login(applicant)
    detail = client.get(reverse("requests_app:detail", args=[req.code])).content.decode()
    assert "Diajukan petugas di loket" in detail


def test_the_picker_offers_officers_the_counter_form(client, officer, applicant):
    client.force_login(officer)
    page = client.get(reverse("requests_app:apply_start")).content.decode()
    assert "Pengajuan di loket atas nama pemohon" in page
    response = client.get(reverse("requests_app:apply_start"), {"layanan": "surat-keterangan-kerja",
                                                                "pemohon": applicant.email})
    assert response["Location"] == apply_url() + "?pemohon=ani%40example.id"
    response = client.get(reverse("requests_app:apply_start"), {"layanan": "surat-keterangan-kerja",
                                                                "pemohon": "tidak.ada@example.id"})
    assert response.status_code == 200 and "Tidak ada akun dengan NIK atau e-mail ini" in response.content.decode()


def test_a_citizen_cannot_file_on_behalf_of_someone_else(client, applicant, other_applicant):
    client.force_login(applicant)
    url = apply_url() + f"?pemohon={other_applicant.email}"
    assert client.get(url).status_code == 403
    assert client.post(url, skk_data()).status_code == 403
    assert not ServiceRequest.objects.exists()
    assert "Pengajuan di loket" not in client.get(reverse("requests_app:apply_start")).content.decode()


def test_filing_for_an_unknown_applicant_says_so(client, officer):
    client.force_login(officer)
    response = client.get(apply_url() + "?pemohon=3171010101900001", follow=True)
    assert "Tidak ada akun dengan NIK atau e-mail itu" in response.content.decode()


def test_an_officer_cannot_file_an_asn_only_service_for_a_non_asn(client, officer, citizen):
    client.force_login(officer)
    response = client.post(apply_url() + f"?pemohon={citizen.email}", skk_data())
    assert response.status_code == 403 and "khusus ASN" in response.content.decode()
    assert not ServiceRequest.objects.exists()
