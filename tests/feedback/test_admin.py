"""The staff side in the Django admin: unit scope, processing through the workflow, actions, attachments,
the IKM report and its CSV export."""

import csv
import datetime as dt
import io
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from feedback import ikm, workflow
from feedback.models import Feedback, SurveyResponse
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:feedback_feedback_changelist")


def change_url(fb):
    return reverse("admin:feedback_feedback_change", args=[fb.pk])


class _Inputs(HTMLParser):
    """Collects the values a browser would send from the admin change form (hidden inputs and selects)."""

    def __init__(self):
        super().__init__()
        self.data, self._select = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") in ("hidden", "text", None):
            self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
            self.data.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_data(client, fb, **changes):
    parser = _Inputs()
    parser.feed(client.get(change_url(fb)).content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    return {**parser.data, **changes}


@pytest.fixture
def ppi_item(file_item, services):
    return file_item(service=services["surat-keterangan-kerja"], title="Aduan PPI")


@pytest.fixture
def mutasi_item(file_item, services):
    return file_item(service=services["izin-cuti"], title="Aduan Mutasi")


# --- scope ----------------------------------------------------------------------------------------


def test_officer_sees_only_their_units_queue(client, officer, ppi_item, mutasi_item):
    client.force_login(officer)
    html = client.get(CHANGELIST).content.decode()
    assert ppi_item.code in html and mutasi_item.code not in html


def test_supervisor_sees_every_unit(client, supervisor, ppi_item, mutasi_item):
    client.force_login(supervisor)
    html = client.get(CHANGELIST).content.decode()
    assert ppi_item.code in html and mutasi_item.code in html


def test_officer_of_another_unit_gets_404_on_the_change_page(client, foreign_officer, ppi_item):
    client.force_login(foreign_officer)
    assert client.get(change_url(ppi_item)).status_code == 404
    assert client.get(reverse("admin:feedback_feedback_history", args=[ppi_item.pk])).status_code == 404


def test_crafted_post_from_another_unit_is_refused(client, officer, foreign_officer, ppi_item):
    client.force_login(officer)
    data = form_data(client, ppi_item, new_status="closed", public_note="Ditutup oleh orang lain")
    client.force_login(foreign_officer)
    assert client.post(change_url(ppi_item), data).status_code == 404
    ppi_item.refresh_from_db()
    assert ppi_item.status == "received" and ppi_item.events.count() == 1


def test_supervisor_views_read_only_and_cannot_post(client, officer, supervisor, ppi_item):
    client.force_login(supervisor)
    html = client.get(change_url(ppi_item)).content.decode()
    assert "Aduan PPI" in html and 'name="new_status"' not in html
    client.force_login(officer)
    data = form_data(client, ppi_item, new_status="reviewing")
    client.force_login(supervisor)
    assert client.post(change_url(ppi_item), data).status_code == 403
    assert Feedback.objects.get(pk=ppi_item.pk).status == "received"


def test_citizen_cannot_open_the_admin(client, citizen, ppi_item):
    client.force_login(citizen)
    response = client.get(change_url(ppi_item))
    assert response.status_code == 302 and "/login/" in response.url


# --- processing -----------------------------------------------------------------------------------


def test_officer_answers_and_closes_from_the_change_page(client, officer, ppi_item, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(officer)
    data = form_data(client, ppi_item, new_status="closed", public_note="Surat Anda sudah terbit.", note="dicek Pak Dedi")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(ppi_item), data)
    assert response.status_code == 302
    fb = Feedback.objects.get(pk=ppi_item.pk)
    assert (fb.status, fb.answer) == ("closed", "Surat Anda sudah terbit.")
    event = fb.events.get(action="status")
    assert (event.actor, event.note, event.public_note) == (officer, "dicek Pak Dedi", "Surat Anda sudah terbit.")
    assert mailoutbox[-1].to == ["sari@example.id"] and "Surat Anda sudah terbit." in mailoutbox[-1].body


def test_closing_without_an_answer_is_refused_in_the_form(client, officer, ppi_item):
    client.force_login(officer)
    response = client.post(change_url(ppi_item), form_data(client, ppi_item, new_status="closed"))
    assert response.status_code == 200
    assert "Tuliskan tanggapan untuk pelapor sebelum menyelesaikan atau menolak." in response.content.decode()
    fb = Feedback.objects.get(pk=ppi_item.pk)
    assert fb.status == "received" and fb.events.count() == 1


def test_workflow_fields_cannot_be_posted_directly(client, officer, ppi_item, units):
    client.force_login(officer)
    data = form_data(client, ppi_item, status="closed", unit=units["mutasi"].pk, published="on", answer="palsu")
    client.post(change_url(ppi_item), data)
    fb = Feedback.objects.get(pk=ppi_item.pk)
    assert (fb.status, fb.unit, fb.published, fb.answer) == ("received", units["ppi"], False, "")


def test_history_is_read_only_inline(client, officer, ppi_item):
    client.force_login(officer)
    html = client.get(change_url(ppi_item)).content.decode()
    assert "Riwayat" in html or "riwayat" in html
    assert 'name="events-0-note"' not in html and 'name="events-0-DELETE"' not in html


def test_assign_to_me_action_ignores_items_of_other_units(client, officer, ppi_item, mutasi_item):
    client.force_login(officer)
    response = client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": [ppi_item.pk, mutasi_item.pk]})
    assert response.status_code == 302
    assert Feedback.objects.get(pk=ppi_item.pk).assigned_to == officer
    assert Feedback.objects.get(pk=mutasi_item.pk).assigned_to is None
    assert client.get(CHANGELIST + "?ditangani=saya").content.decode().count(ppi_item.code) >= 1


def test_publish_action(client, officer, file_item, services):
    suggestion = file_item(kind="suggestion", consent_public=True, service=services["kartu-pegawai"])
    client.force_login(officer)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [suggestion.pk]})
    assert Feedback.objects.get(pk=suggestion.pk).published is True


def test_overdue_badge_in_the_queue(client, officer, ppi_item):
    Feedback.objects.filter(pk=ppi_item.pk).update(response_due=dt.date(2020, 1, 6), resolution_due=dt.date(2020, 1, 10))
    client.force_login(officer)
    html = client.get(CHANGELIST).content.decode()
    assert 'class="badge badge-overdue">Belum ditanggapi' in html
    assert ppi_item.code in client.get(CHANGELIST + "?batas=terlambat").content.decode()


# --- attachments ----------------------------------------------------------------------------------


@pytest.fixture
def item_with_attachment(client, services):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import PDF_BYTES

    client.post(reverse("feedback:complaint_create"), {
        "kind": "complaint", "category": "fee", "service": services["surat-keterangan-kerja"].pk, "title": "Pungutan liar",
        "text": "Saya diminta membayar di loket padahal layanan gratis.", "name": "Sari", "email": "sari@example.id",
        "attachment": SimpleUploadedFile("kuitansi.pdf", PDF_BYTES, content_type="application/pdf"),
    })
    client.logout()
    return Feedback.objects.get()


def test_attachment_is_served_to_the_units_officer(client, officer, item_with_attachment):
    from .conftest import PDF_BYTES

    client.force_login(officer)
    url = reverse("admin:feedback_feedback_attachment", args=[item_with_attachment.pk])
    assert url in client.get(change_url(item_with_attachment)).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="kuitansi.pdf"' in response["Content-Disposition"]


def test_attachment_is_refused_to_others(client, foreign_officer, citizen, item_with_attachment):
    url = reverse("admin:feedback_feedback_attachment", args=[item_with_attachment.pk])
    assert client.get(url).status_code == 302  # anonymous: to the admin login
    client.force_login(citizen)
    assert client.get(url).status_code == 302
    client.force_login(foreign_officer)
    assert client.get(url).status_code == 404


# --- IKM report -----------------------------------------------------------------------------------


@pytest.fixture
def survey_answers(services):
    respondent = {"age_band": "25_34", "sex": "m", "education": "bachelor", "occupation": "pns"}
    for scores in [(4,) * 9, (3,) * 9]:
        ikm.record_response(service=services["surat-keterangan-kerja"], scores=scores, respondent=respondent)
    ikm.record_response(service=services["izin-cuti"], scores=(2,) * 9, respondent=respondent)
    return SurveyResponse.objects.all()


REPORT = reverse("admin:feedback_surveyresponse_report")


def test_report_shows_the_index_per_service(client, officer, survey_answers):
    client.force_login(officer)
    html = client.get(REPORT).content.decode()
    # All: (36 + 27 + 18) / 27 x 25 = 75.00; SKK: 63 / 18 x 25 = 87.50; izin cuti: 50.00 (Indonesian decimal comma).
    assert '<strong id="ikm-overall">75,00</strong>' in html
    assert "<strong>87,50</strong>" in html and "<strong>50,00</strong>" in html
    assert "Surat Keterangan" in html or "surat keterangan" in html.lower()


def test_report_filters_by_unit_and_period(client, officer, survey_answers, units):
    client.force_login(officer)
    html = client.get(REPORT, {"unit": units["mutasi"].pk, "group": "unit"}).content.decode()
    assert '<strong id="ikm-overall">50,00</strong>' in html
    html = client.get(REPORT, {"start": "2020-01-01", "end": "2020-12-31"}).content.decode()
    assert 'id="ikm-empty"' in html
    html = client.get(REPORT, {"start": "2026-05-01", "end": "2026-04-01"}).content.decode()
    assert "Tanggal akhir harus sama dengan atau setelah tanggal awal." in html


def test_report_csv_export(client, officer, survey_answers, services):
    client.force_login(officer)
    response = client.get(REPORT, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Kelompok", "Responden", "NRR U1"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[services["surat-keterangan-kerja"].name][1] == "2"
    assert by_name[services["surat-keterangan-kerja"].name][-4:] == ["87.50", "87.41", "B", "Baik"]
    assert by_name["Semua"][1] == "3"
    assert all("@" not in cell for row in rows for cell in row)  # no respondent identity anywhere


def test_report_needs_the_view_permission(client, units, survey_answers):
    staff_without_role = UserFactory(email="magang@example.id", is_staff=True, unit=units["ppi"])
    client.force_login(staff_without_role)
    assert client.get(REPORT).status_code == 403
    assert client.get(REPORT, {"format": "csv"}).status_code == 403


def test_survey_answers_never_show_the_request(client, supervisor, applicant, services):
    from tests.factories import make_request

    req = make_request(applicant, status="letter_issued")
    response = ikm.record_response(service=req.service, scores=(4,) * 9, respondent={
        "age_band": "25_34", "sex": "f", "education": "master", "occupation": "pns"}, service_request=req)
    client.force_login(supervisor)
    for url in (reverse("admin:feedback_surveyresponse_changelist"), reverse("admin:feedback_surveyresponse_change", args=[response.pk])):
        html = client.get(url).content.decode()
        assert req.code not in html and applicant.email not in html


def test_workflow_refuses_even_if_the_admin_were_bypassed(ppi_item, foreign_officer):
    with pytest.raises(workflow.WorkflowError):
        workflow.process(ppi_item, by=foreign_officer, status="reviewing")


def test_tiers_are_editable_in_the_admin_and_used_for_new_items(client, units, file_item):
    from feedback.models import ComplaintTier
    from requests_app.calendar import add_working_days

    admin = UserFactory(email="admin@example.id", is_staff=True, is_superuser=True)
    tier = ComplaintTier.objects.get(code="ringan")
    client.force_login(admin)
    response = client.post(reverse("admin:feedback_complainttier_change", args=[tier.pk]), {
        "name": tier.name, "code": tier.code, "resolution_days": 7, "description": tier.description, "active": "on", "order": 1,
    })
    assert response.status_code == 302
    fb = file_item()
    assert fb.resolution_due == add_working_days(fb.received_on, 7)


def test_officers_cannot_edit_tiers(client, officer):
    from feedback.models import ComplaintTier

    tier = ComplaintTier.objects.get(code="ringan")
    client.force_login(officer)
    client.post(reverse("admin:feedback_complainttier_change", args=[tier.pk]), {
        "name": tier.name, "code": tier.code, "resolution_days": 1, "active": "on", "order": 1,
    })
    assert ComplaintTier.objects.get(pk=tier.pk).resolution_days == 5
