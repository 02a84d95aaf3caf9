"""The staff queue in the Django admin: the changelist, its filters and actions, and the request page.

"Today" is Wednesday 10 June 2026 in every test; Tuesday 16 June 2026 is Tahun Baru Islam.
"""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pelayanan.models import User
from requests_app.models import Letter, ReplyTemplate, RequestDocument, RequestEvent, Service, ServiceRequest
from tests.factories import UserFactory, make_request

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
TODAY = dt.date(2026, 6, 10)
CHANGELIST = reverse("admin:requests_app_servicerequest_changelist")


@pytest.fixture(autouse=True)
def wednesday():
    with time_machine.travel(dt.datetime(2026, 6, 10, 9, 0, tzinfo=WIB), tick=False):
        yield


def change_url(req):
    return reverse("admin:requests_app_servicerequest_change", args=[req.pk])


def transition_url(req, name):
    return reverse("admin:requests_app_servicerequest_transition", args=[req.pk, name])


def row_codes(response):
    """Tracking codes in the changelist, in display order."""
    return re.findall(r'<th class="field-code"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def cell(response, req, column):
    """The rendered cell of one column in the row of `req`."""
    rows = response.content.decode().split("<tr")
    [row] = [r for r in rows if f'name="_selected_action" value="{req.pk}"' in r]
    return re.search(rf'<td class="field-{column}[^"]*">(.*?)</td>', row, re.S).group(1)


def follow_messages(client, response):
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


def press(client, req, name, data=None):
    """Press a button of the request page; returns the messages shown after the redirect."""
    response = client.post(transition_url(req, name), data or {})
    assert response.status_code == 302 and response["Location"] == change_url(req)
    return follow_messages(client, response)


def post_action(client, action, *requests, **extra):
    data = {"action": action, "index": 0, "_selected_action": [r.pk for r in requests], **extra}
    return client.post(CHANGELIST, data)


@pytest.fixture
def queue(applicant, other_applicant):
    """Requests of unit PPI (surat keterangan kerja) in the states the queue shows, plus some it hides."""
    return {
        "late": make_request(applicant, due_date=dt.date(2026, 6, 8)),
        "today": make_request(other_applicant, due_date=TODAY),
        "later": make_request(applicant, due_date=dt.date(2026, 6, 17)),
        "draft": make_request(applicant, status=S.DRAFT),
        "done": make_request(applicant, status=S.LETTER_ISSUED, due_date=dt.date(2026, 5, 4)),
        "paused": make_request(applicant, status=S.REVISION, due_date=dt.date(2026, 6, 5),
                               paused_at=dt.datetime(2026, 6, 4, 10, 0, tzinfo=WIB)),
    }


# --- the changelist ------------------------------------------------------------------------------


def test_queue_lists_open_requests_by_due_date(client, officer, queue):
    client.force_login(officer)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    q = queue
    assert row_codes(response) == [q["paused"].code, q["late"].code, q["today"].code, q["later"].code]
    html = response.content.decode()
    assert q["draft"].code not in html
    assert q["done"].code not in html  # finished: one click away under "Semua"


def test_queue_shows_badges_days_left_and_overdue_count(client, officer, queue):
    client.force_login(officer)
    response = client.get(CHANGELIST)
    assert 'class="badge badge-overdue"' in cell(response, queue["late"], "due")
    assert 'class="badge badge-due-today"' in cell(response, queue["today"], "due")
    assert "badge" not in cell(response, queue["later"], "due")
    assert "badge-paused" in cell(response, queue["paused"], "due")
    # Working days: due Mon 8 June, today Wed 10 June -> 2 days late; Tue 16 June is a holiday.
    assert "lewat 2 hari" in cell(response, queue["late"], "days_left")
    assert cell(response, queue["today"], "days_left") == "0"
    assert cell(response, queue["later"], "days_left") == "4"
    assert cell(response, queue["paused"], "days_left") == "\u2013"
    assert "1 permohonan terlambat" in response.content.decode()
    assert "1 jatuh tempo hari ini" in response.content.decode()


def test_queue_columns_show_service_applicant_and_officer(client, officer, applicant, queue):
    ServiceRequest.objects.filter(pk=queue["later"].pk).update(assigned_to=officer, status=S.IN_REVIEW)
    client.force_login(officer)
    response = client.get(CHANGELIST)
    assert cell(response, queue["later"], "service_name") == queue["later"].service.name
    assert cell(response, queue["later"], "applicant_name") == applicant.full_name
    assert cell(response, queue["later"], "assigned_to") == officer.full_name
    assert cell(response, queue["later"], "status") == "Diverifikasi/Diproses"


def test_filters_overdue_due_today_mine_unassigned_and_status(client, officer, queue):
    ServiceRequest.objects.filter(pk=queue["later"].pk).update(assigned_to=officer, status=S.IN_REVIEW)
    client.force_login(officer)
    q = queue
    assert row_codes(client.get(CHANGELIST, {"batas": "terlambat"})) == [q["late"].code]
    assert row_codes(client.get(CHANGELIST, {"batas": "hari-ini"})) == [q["today"].code]
    assert row_codes(client.get(CHANGELIST, {"ditangani": "saya"})) == [q["later"].code]
    assert row_codes(client.get(CHANGELIST, {"ditangani": "belum"})) == [q["paused"].code, q["late"].code, q["today"].code]
    assert row_codes(client.get(CHANGELIST, {"status": "revision"})) == [q["paused"].code]
    everything = row_codes(client.get(CHANGELIST, {"status": "semua"}))
    assert q["done"].code in everything and q["draft"].code not in everything


def test_filter_what_can_be_decided_now(client, officer, queue):
    """Both "taken" and "verified" requests show the status Diverifikasi/Diproses; the official needs the second."""
    ServiceRequest.objects.filter(pk=queue["later"].pk).update(assigned_to=officer, status=S.IN_REVIEW,
                                                                verified_by=officer)
    ServiceRequest.objects.filter(pk=queue["today"].pk).update(assigned_to=officer, status=S.IN_REVIEW)
    client.force_login(officer)
    assert row_codes(client.get(CHANGELIST, {"berkas": "siap"})) == [queue["later"].code]
    assert row_codes(client.get(CHANGELIST, {"berkas": "belum"})) == [queue["today"].code]
    assert "Terverifikasi, siap diputuskan" in client.get(CHANGELIST).content.decode()


def test_a_code_typed_without_dashes_finds_the_request(client, officer, queue):
    client.force_login(officer)
    typed = queue["late"].code.replace("-", "").lower()
    assert row_codes(client.get(CHANGELIST, {"q": typed})) == [queue["late"].code]


def test_filter_by_service_and_unit(client, officer, supervisor, applicant, units, queue):
    kpe = make_request(applicant, service="kartu-pegawai")
    client.force_login(officer)
    service_id = Service.objects.get(slug="kartu-pegawai").pk
    assert row_codes(client.get(CHANGELIST, {"service__id__exact": service_id})) == [kpe.code]
    # Officers are offered their unit's services only, and no unit filter.
    html = client.get(CHANGELIST).content.decode()
    assert "Izin Cuti" not in html
    assert "service__unit__id__exact" not in html
    # Supervisors see every unit and filter by it.
    cuti = make_request(applicant, service="izin-cuti", status=S.SUBMITTED)
    client.force_login(supervisor)
    by_unit = row_codes(client.get(CHANGELIST, {"service__unit__id__exact": units["mutasi"].pk}))
    assert by_unit == [cuti.code]


def test_search_by_code_name_nik_and_nip(client, officer, applicant, other_applicant, queue):
    client.force_login(officer)
    assert row_codes(client.get(CHANGELIST, {"q": queue["late"].code})) == [queue["late"].code]
    assert row_codes(client.get(CHANGELIST, {"q": "budi"})) == [queue["today"].code]
    assert row_codes(client.get(CHANGELIST, {"q": other_applicant.nik})) == [queue["today"].code]
    nip_as_printed = f"{other_applicant.nip[:8]} {other_applicant.nip[8:14]} {other_applicant.nip[14]} {other_applicant.nip[15:]}"
    assert row_codes(client.get(CHANGELIST, {"q": nip_as_printed})) == [queue["today"].code]
    assert row_codes(client.get(CHANGELIST, {"q": "tidak-ada-yang-cocok"})) == []


def test_search_reaches_finished_requests_and_code_fragments(client, officer, queue):
    client.force_login(officer)
    done = queue["done"]
    # A code typed at the counter is found even when the request is finished, in any letter case.
    assert row_codes(client.get(CHANGELIST, {"q": done.code.lower()})) == [done.code]
    assert row_codes(client.get(CHANGELIST, {"q": done.code[-6:]})) == [done.code]
    # Choosing a status still narrows the search.
    assert row_codes(client.get(CHANGELIST, {"q": done.code, "status": "submitted"})) == []
    assert row_codes(client.get(CHANGELIST, {"q": queue["draft"].code})) == []  # drafts never


def test_assisted_filing_button_links_to_the_citizen_flow(client, officer, supervisor):
    client.force_login(officer)
    html = client.get(CHANGELIST).content.decode()
    assert f'href="{reverse("requests_app:apply_start")}"' in html
    assert "Ajukan atas nama pemohon (loket)" in html
    client.force_login(supervisor)
    assert "Ajukan atas nama pemohon (loket)" not in client.get(CHANGELIST).content.decode()


def test_nobody_adds_or_deletes_requests_in_the_admin(client, admin_user, officer, queue):
    req = queue["late"]
    for user in (officer, admin_user):
        client.force_login(user)
        assert client.get(reverse("admin:requests_app_servicerequest_add")).status_code == 403
        assert client.post(reverse("admin:requests_app_servicerequest_delete", args=[req.pk]), {"post": "yes"}).status_code == 403
        # The form is view-only: a crafted POST cannot change a workflow field.
        response = client.post(change_url(req), {"status": S.APPROVED, "assigned_to": user.pk})
        assert response.status_code == 403
    req.refresh_from_db()
    assert req.status == S.SUBMITTED and req.assigned_to is None
    assert ServiceRequest.objects.filter(pk=req.pk).exists()


def test_changelist_query_count_does_not_grow_with_rows(client, officer, applicant):
    client.force_login(officer)
    for _ in range(5):
        make_request(applicant, due_date=dt.date(2026, 6, 8), assigned_to=officer, status=S.IN_REVIEW)
    client.get(CHANGELIST)  # warm the per-process caches (calendar year, content types)
    with CaptureQueriesContext(connection) as ctx:
        assert len(row_codes(client.get(CHANGELIST))) == 5
    five = len(ctx.captured_queries)  # read now: the next request clears the connection's query log
    for i in range(25):
        make_request(UserFactory(), due_date=TODAY + dt.timedelta(days=i), assigned_to=officer, status=S.IN_REVIEW)
    with CaptureQueriesContext(connection) as ctx:
        assert len(row_codes(client.get(CHANGELIST))) == 30
    thirty = len(ctx.captured_queries)
    assert 5 <= five == thirty <= 15


# --- changelist actions --------------------------------------------------------------------------


def test_take_action_assigns_to_me_and_reports_failures(client, officer, other_officer, queue):
    ServiceRequest.objects.filter(pk=queue["today"].pk).update(assigned_to=other_officer, status=S.IN_REVIEW)
    client.force_login(officer)
    response = post_action(client, "take_requests", queue["late"], queue["later"], queue["today"])
    assert response.status_code == 302
    [message] = follow_messages(client, response)
    assert message.startswith("2 permohonan ditugaskan kepada Anda; 1 gagal:")
    assert queue["today"].code in message and "sudah ditangani" in message
    assert set(ServiceRequest.objects.filter(assigned_to=officer).values_list("code", flat=True)) == {
        queue["late"].code, queue["later"].code}
    assert ServiceRequest.objects.get(pk=queue["today"].pk).assigned_to == other_officer
    assert RequestEvent.objects.filter(action=RequestEvent.Action.ASSIGNED, actor=officer).count() == 2


def test_assign_to_action_asks_for_a_colleague_of_the_unit(client, officer, other_officer, foreign_officer, queue):
    client.force_login(officer)
    response = post_action(client, "assign_requests_to", queue["late"], queue["later"])
    assert response.status_code == 200
    html = response.content.decode()
    assert other_officer.full_name in html and foreign_officer.full_name not in html
    assert queue["late"].code in html and queue["later"].code in html
    # Without a choice the page comes back with the error; nothing is assigned.
    data = {"action": "assign_requests_to", "_selected_action": [queue["late"].pk], "apply": "1"}
    again = client.post(CHANGELIST, data)
    assert again.status_code == 200 and "Pilih petugas yang akan menangani." in again.content.decode()
    assert not ServiceRequest.objects.filter(assigned_to__isnull=False).exists()
    data = {"action": "assign_requests_to", "_selected_action": [queue["late"].pk, queue["later"].pk],
            "apply": "1", "officer": other_officer.pk}
    done = client.post(CHANGELIST, data)
    assert done.status_code == 302
    assert follow_messages(client, done) == [f"2 permohonan ditugaskan kepada {other_officer.full_name}"]
    assert ServiceRequest.objects.filter(assigned_to=other_officer).count() == 2


def test_assign_to_says_so_when_the_unit_has_no_officer_left(client, officer, other_officer, signer, queue):
    User.objects.filter(pk__in=[officer.pk, other_officer.pk, signer.pk]).update(is_active=False)
    admin = User.objects.create_superuser("root@example.id", "Rahasia-Super-2026", full_name="Admin Sistem")
    client.force_login(admin)
    response = post_action(client, "assign_requests_to", queue["late"])
    assert response.status_code == 200
    assert "Tidak ada petugas lain di unit ini yang dapat menangani permohonan." in response.content.decode()


def test_approve_selected_for_signing_officials(client, officer, signer, applicant):
    verified = [make_request(applicant, status=S.IN_REVIEW, assigned_to=officer, verified_by=officer) for _ in range(3)]
    unverified = make_request(applicant, status=S.IN_REVIEW, assigned_to=officer)
    client.force_login(signer)
    response = post_action(client, "approve_requests", *verified, unverified)
    [message] = follow_messages(client, response)
    assert message.startswith("3 permohonan disetujui; 1 gagal:")
    assert "belum diverifikasi" in message
    assert ServiceRequest.objects.filter(status=S.APPROVED, decided_by=signer).count() == 3
    assert Letter.objects.count() == 3
    assert ServiceRequest.objects.get(pk=unverified.pk).status == S.IN_REVIEW


def test_actions_offered_by_role(client, officer, signer, supervisor, queue):
    def actions_for(user):
        client.force_login(user)
        html = client.get(CHANGELIST).content.decode()
        return set(re.findall(r'<option value="(\w+)">', html)) & {"take_requests", "assign_requests_to", "approve_requests", "delete_selected"}

    assert actions_for(officer) == {"take_requests", "assign_requests_to"}
    assert actions_for(signer) == {"assign_requests_to", "approve_requests"}
    assert actions_for(supervisor) == set()


# --- the request page ----------------------------------------------------------------------------


def test_request_page_shows_applicant_details_documents_and_timeline(client, officer, applicant, queue):
    req = queue["late"]
    doc = RequestDocument.objects.create(
        request=req, original_name="sk-terakhir.pdf", content_type="application/pdf", size=2048, sha256="0" * 64,
        file=ContentFile(b"%PDF-1.4", name="x"),
    )
    RequestEvent.objects.create(request=req, actor=applicant, action=RequestEvent.Action.SUBMITTED, to_status=S.SUBMITTED,
                                public_note="Mohon segera diproses.")
    client.force_login(officer)
    response = client.get(change_url(req))
    assert response.status_code == 200
    html = response.content.decode()
    assert applicant.nik in html  # in full, for staff, on this page only
    assert "19860926 201505" in html  # the NIP, grouped
    assert "Keperluan" in html and "Pengajuan kredit" in html and "Bank Sumut" in html
    assert reverse("requests_app:document", args=[req.code, doc.pk]) in html and "sk-terakhir.pdf" in html
    assert "Mohon segera diproses." in html and "Permohonan diajukan" in html
    # The timeline is read-only: its fields are text, with no delete box and no empty form to add one.
    for name in ("note", "public_note", "action", "DELETE"):
        assert f'name="events-0-{name}"' not in html
    assert 'name="events-__prefix__-' not in html


def test_request_page_states_the_time_left_and_whether_it_finished_on_time(client, officer, queue):
    client.force_login(officer)
    # Today is Wednesday 10 June 2026; Tuesday 16 June is a holiday.
    later = client.get(change_url(queue["later"])).content.decode()
    assert "batas waktu 17 Juni 2026" in later and "(sisa 4 hari kerja)" in later
    assert "Standar waktu layanan: 3 hari kerja." in later
    late = client.get(change_url(queue["late"])).content.decode()
    assert "terlambat" in late and "lewat 2 hari" in late
    paused = client.get(change_url(queue["paused"])).content.decode()
    assert "dijeda selama pemohon memperbaiki berkas" in paused and "sisa" not in paused.split("request-state")[1][:400]
    done = queue["done"]  # issued on time? finished_at is set below, one day before its due date
    ServiceRequest.objects.filter(pk=done.pk).update(finished_at=dt.datetime(2026, 5, 1, 10, 0, tzinfo=WIB))
    assert "Selesai tepat waktu." in client.get(change_url(done)).content.decode()
    ServiceRequest.objects.filter(pk=done.pk).update(finished_at=dt.datetime(2026, 5, 5, 10, 0, tzinfo=WIB))
    assert "Selesai melewati batas waktu." in client.get(change_url(done)).content.decode()


def test_request_page_offers_the_buttons_this_user_may_use(client, officer, other_officer, signer, queue):
    req = queue["later"]
    client.force_login(officer)
    html = client.get(change_url(req)).content.decode()
    assert transition_url(req, "assign") in html
    assert transition_url(req, "verify") not in html and transition_url(req, "approve") not in html
    press(client, req, "assign")
    html = client.get(change_url(req)).content.decode()
    assert transition_url(req, "revision") in html and transition_url(req, "verify") in html
    assert transition_url(req, "assign") not in html
    # The reply templates of the right kind fill the revision note.
    revision_texts = ReplyTemplate.objects.filter(kind=ReplyTemplate.Kind.REVISION, active=True)
    assert revision_texts.exists()
    assert 'class="reply-template-picker" data-target="id_revision-public_note"' in html
    for tpl in revision_texts:
        assert tpl.title in html
    assert "js/admin_reply_templates.js" in html
    client.force_login(other_officer)
    html = client.get(change_url(req)).content.decode()
    assert "Tidak ada tindakan yang dapat Anda lakukan" in html
    client.force_login(signer)
    html = client.get(change_url(req)).content.decode()
    assert transition_url(req, "reject") in html and transition_url(req, "approve") not in html


def test_revision_requires_a_reason_and_then_pauses_the_request(client, officer, queue):
    req = queue["later"]
    client.force_login(officer)
    press(client, req, "assign")
    events = RequestEvent.objects.filter(request=req).count()
    assert press(client, req, "revision", {"revision-public_note": "  ", "revision-note": ""}) == [
        "Tuliskan apa yang perlu diperbaiki pemohon."]
    req.refresh_from_db()
    assert req.status == S.IN_REVIEW and RequestEvent.objects.filter(request=req).count() == events
    assert press(client, req, "revision", {
        "revision-public_note": "Unggah SK pangkat terakhir yang terbaca.", "revision-note": "Berkas buram.",
    }) == [f"Permintaan perbaikan {req.code} dikirim ke pemohon."]
    req.refresh_from_db()
    assert req.status == S.REVISION and req.paused_at is not None
    event = RequestEvent.objects.filter(request=req).latest("pk")
    assert (event.action, event.actor, event.public_note, event.note) == (
        RequestEvent.Action.REVISION_REQUESTED, officer, "Unggah SK pangkat terakhir yang terbaca.", "Berkas buram.")


def test_verify_then_signer_rejects_with_reason(client, officer, signer, queue):
    req = queue["later"]
    client.force_login(officer)
    press(client, req, "assign")
    assert press(client, req, "verify", {"verify-note": "Lengkap."}) == [f"Permohonan {req.code} telah diverifikasi."]
    client.force_login(signer)
    assert press(client, req, "reject", {"reject-reason": "", "reject-note": ""}) == ["Alasan penolakan wajib diisi."]
    assert ServiceRequest.objects.get(pk=req.pk).status == S.IN_REVIEW
    press(client, req, "reject", {"reject-reason": "Pemohon bukan ASN Pemko Medan.", "reject-note": ""})
    req.refresh_from_db()
    assert req.status == S.REJECTED and req.rejection_reason == "Pemohon bukan ASN Pemko Medan." and req.decided_by == signer


def test_approve_button_creates_the_letter(client, officer, signer, queue):
    req = queue["later"]
    ServiceRequest.objects.filter(pk=req.pk).update(status=S.IN_REVIEW, assigned_to=officer, verified_by=officer)
    client.force_login(signer)
    assert press(client, req, "approve", {"approve-note": ""}) == [f"Permohonan {req.code} disetujui; surat sedang dibuat."]
    assert Letter.objects.filter(request=req, signer=signer).count() == 1


def test_refused_transition_shows_the_workflow_message(client, officer, other_officer, queue):
    req = queue["later"]
    client.force_login(other_officer)
    press(client, req, "assign")
    client.force_login(officer)
    assert press(client, req, "verify", {"verify-note": ""}) == [
        "Permohonan ini sedang ditangani petugas lain. Ambil alih terlebih dahulu."]
    assert ServiceRequest.objects.get(pk=req.pk).verified_by is None


def test_transition_urls_reject_get_and_unknown_names(client, officer, queue):
    client.force_login(officer)
    assert client.get(transition_url(queue["later"], "assign")).status_code == 405
    assert client.post(transition_url(queue["later"], "hapus"), {}).status_code == 404
    assert client.post(transition_url(queue["draft"], "assign"), {}).status_code == 404  # drafts are not in the queue
    assert client.post(CHANGELIST + "abc/tindakan/assign/", {}).status_code == 404
    assert client.post(CHANGELIST + "999999/tindakan/assign/", {}).status_code == 404


def test_request_events_are_not_editable_in_the_admin(client, admin_user, queue):
    client.force_login(admin_user)
    assert client.get("/admin/requests_app/requestevent/").status_code == 404
    html = client.get(change_url(queue["late"])).content.decode()
    assert "Riwayat permohonan" in html


# --- reply templates and the catalogue -----------------------------------------------------------


def test_officers_edit_reply_templates(client, officer):
    client.force_login(officer)
    response = client.post(reverse("admin:requests_app_replytemplate_add"), {
        "kind": "revision", "title": "Foto buram", "text": "Foto dokumen tidak terbaca; unggah ulang.", "active": "on"})
    assert response.status_code == 302
    tpl = ReplyTemplate.objects.get(title="Foto buram")
    response = client.post(reverse("admin:requests_app_replytemplate_change", args=[tpl.pk]), {
        "kind": "revision", "title": "Foto buram", "text": "Pindai ulang dokumen.", "active": "on"})
    assert response.status_code == 302
    assert ReplyTemplate.objects.get(pk=tpl.pk).text == "Pindai ulang dokumen."


@pytest.mark.parametrize("model", ["holiday", "leavepolicy", "service", "servicepoint", "servicepledge", "replytemplate"])
def test_catalogue_admin_pages_render(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:requests_app_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:requests_app_{model}_add")).status_code == 200


def test_service_page_edits_requirements_inline(client, admin_user):
    service = Service.objects.get(slug="surat-keterangan-kerja")
    client.force_login(admin_user)
    html = client.get(reverse("admin:requests_app_service_change", args=[service.pk])).content.decode()
    assert 'name="requirements-TOTAL_FORMS"' in html
    for requirement in service.requirements.all():
        assert requirement.name in html


def test_service_point_page_has_hours_and_exceptions(client, admin_user):
    from requests_app.models import ServicePoint

    point = ServicePoint.objects.first()
    client.force_login(admin_user)
    html = client.get(reverse("admin:requests_app_servicepoint_change", args=[point.pk])).content.decode()
    assert 'name="hours-TOTAL_FORMS"' in html and 'name="exceptions-TOTAL_FORMS"' in html


def test_reply_templates_are_offered_on_the_services_they_fit(queue):
    """The request page's picker lists ReplyTemplate.offered_for(the request's service)."""
    skk, leave = Service.objects.get(slug="surat-keterangan-kerja"), Service.objects.get(slug="izin-cuti")
    for_skk = set(ReplyTemplate.offered_for(skk).values_list("title", flat=True))
    for_leave = set(ReplyTemplate.offered_for(leave).values_list("title", flat=True))
    # Seeded scope (migration 0008): an SK template for SK services, a leave-balance one for leave.
    assert "SK bukan yang terakhir" in for_skk and "SK bukan yang terakhir" not in for_leave
    assert "Hak cuti tidak mencukupi" in for_leave and "Hak cuti tidak mencukupi" not in for_skk
    assert "Dokumen tidak terbaca" in for_skk & for_leave  # no services chosen: offered everywhere
    ReplyTemplate.objects.filter(title="Dokumen tidak terbaca").update(active=False)
    assert "Dokumen tidak terbaca" not in set(ReplyTemplate.offered_for(skk).values_list("title", flat=True))


def test_request_page_shows_the_leave_details(client, supervisor, applicant, atasan):
    from requests_app.models import LeavePolicy

    policy = LeavePolicy.objects.get(asn_group="pns", code="tahunan")
    req = make_request(
        applicant, service="izin-cuti", status=S.SUBMITTED, leave_policy=policy,
        start_date=dt.date(2026, 8, 12), end_date=dt.date(2026, 8, 18), duration=4, duration_unit="working_days",
        calendar_snapshot=[{"date": "2026-08-17", "kind": "national", "name": "Hari Kemerdekaan Republik Indonesia"}],
        supervisor=atasan, supervisor_decision="approved",
        details={"reason": "Urusan keluarga", "address": "Jl. Gatot Subroto No. 1, Medan", "phone": "081234567890",
                 "hajj": False},
    )
    client.force_login(supervisor)
    html = client.get(change_url(req)).content.decode()
    for text in (policy.name, "12 Agustus 2026", "18 Agustus 2026", "4 hari kerja", "17 Agustus 2026: Hari Kemerdekaan",
                 atasan.full_name, "Alasan cuti", "Urusan keluarga", "Alamat selama menjalankan cuti"):
        assert text in html, text
    assert "haji pertama" not in html  # an unticked box on an annual leave says nothing
