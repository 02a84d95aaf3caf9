"""The IKM survey: the walk-in form at /survei/, the link of a finished request, and the include for the request page."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from feedback import ikm
from feedback.models import SurveyResponse
from tests.factories import make_request

pytestmark = pytest.mark.django_db
WALK_IN = reverse("feedback:survey")


def answers(**overrides):
    data = {f"u{i}": "4" for i in range(1, 10)}
    data.update(u3="3", u9="2", age_band="35_44", sex="f", education="bachelor", occupation="pns",
                suggestion="Ruang tunggu perlu kipas angin.", website="")
    data.update(overrides)
    return data


def test_walk_in_form_shows_the_nine_elements_with_their_wording(client):
    html = client.get(WALK_IN).content.decode()
    for text in ["Tidak sesuai", "Sangat sesuai", "Tidak cepat", "Sangat cepat", "Sangat mahal", "Gratis",
                 "Dikelola dengan baik", "Layanan yang Anda terima"]:
        assert text in html, text
    assert html.count('type="radio"') == 9 * 4


def test_counter_qr_code_preselects_the_service(client, services):
    html = client.get(WALK_IN, {"layanan": "izin-cuti"}).content.decode()
    assert re.search(rf'<option value="{services["izin-cuti"].pk}" selected>', html)
    assert client.get(WALK_IN, {"layanan": "tidak-ada"}).status_code == 200


def test_walk_in_answer_is_stored_without_identity(client, citizen, services):
    client.force_login(citizen)
    response = client.post(WALK_IN, answers(service=services["legalisasi-sk"].pk))
    assert response.status_code == 302 and response.url == reverse("feedback:survey_thanks")
    saved = SurveyResponse.objects.get()
    assert (saved.u1, saved.u3, saved.u9, saved.channel, saved.request) == (4, 3, 2, "walk_in", None)
    assert saved.unit == services["legalisasi-sk"].unit
    field_names = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not field_names & {"user", "email", "name", "ip", "created"}


def test_missing_answers_are_explained_and_nothing_is_saved(client, services):
    response = client.post(WALK_IN, answers(service=services["izin-cuti"].pk, u2="", u5="7", sex=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pilih salah satu jawaban untuk pertanyaan ini." in html
    assert "Pilih salah satu jawaban yang tersedia." in html
    assert "Pilih salah satu." in html
    assert 'id="error-summary"' in html
    assert re.search(r'name="u1" value="4"\s+id="id_u1_3"[^>]*checked', html)  # what was chosen stays chosen
    assert not re.search(r'name="u2"[^>]*checked', html)
    assert not SurveyResponse.objects.exists()


def test_walk_in_needs_a_service(client):
    response = client.post(WALK_IN, answers())
    assert "Pilih layanan yang Anda terima." in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_long_suggestion_is_refused(client, services):
    response = client.post(WALK_IN, answers(service=services["izin-cuti"].pk, suggestion="x" * 1001))
    assert "Saran paling banyak 1000 karakter (sekarang 1001)." in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_walk_in_honeypot(client, services):
    response = client.post(WALK_IN, answers(service=services["izin-cuti"].pk, website="promo"))
    assert "Permintaan tidak dapat diproses." in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_walk_in_is_rate_limited_per_ip(client, services, settings):
    settings.FEEDBACK_RATE_LIMITS = {"survey": {"ip": (3, 3600)}}
    for _ in range(3):
        assert client.post(WALK_IN, answers(service=services["izin-cuti"].pk)).status_code == 302
    assert client.post(WALK_IN, answers(service=services["izin-cuti"].pk)).status_code == 429
    assert SurveyResponse.objects.count() == 3


# --- after a finished request --------------------------------------------------------------------


def test_finished_request_is_surveyed_once_through_its_link(client, applicant):
    req = make_request(applicant, status="letter_issued")
    url = ikm.survey_url_for(req)
    page = client.get(url).content.decode()
    assert req.code in page and "Layanan yang Anda terima" not in page
    assert client.post(url, answers()).status_code == 302
    saved = SurveyResponse.objects.get()
    assert (saved.request, saved.service, saved.channel) == (req, req.service, "online")
    again = client.get(url)
    assert "Survei untuk permohonan ini sudah diisi" in again.content.decode()
    client.post(url, answers(u1="1"))
    assert SurveyResponse.objects.count() == 1


def test_link_with_a_bad_signature_is_404(client, applicant):
    req = make_request(applicant, status="letter_issued")
    assert client.get(reverse("feedback:survey_request", args=[req.code, "forged"])).status_code == 404
    other = make_request(applicant, status="letter_issued")
    token = ikm.survey_url_for(other).rstrip("/").rsplit("/", 1)[1]
    assert client.get(reverse("feedback:survey_request", args=[req.code, token])).status_code == 404


def test_unfinished_request_cannot_be_surveyed_yet(client, applicant):
    req = make_request(applicant, status="in_review")
    url = ikm.survey_url_for(req)
    assert "Survei belum dapat diisi" in client.get(url).content.decode()
    client.post(url, answers())
    assert not SurveyResponse.objects.exists()


def test_include_for_the_request_page(applicant):
    req = make_request(applicant, status="letter_issued")
    html = render_to_string("feedback/includes/survey_link.html", {"service_request": req})
    assert ikm.survey_url_for(req) in html and "Isi survei kepuasan" in html
    ikm.record_response(service=req.service, scores=(4,) * 9, service_request=req,
                        respondent={"age_band": "35_44", "sex": "f", "education": "bachelor", "occupation": "pns"})
    html = render_to_string("feedback/includes/survey_link.html", {"service_request": req})
    assert "sudah mengisi survei" in html and "/survei/permohonan/" not in html
    pending = make_request(applicant, status="submitted")
    assert render_to_string("feedback/includes/survey_link.html", {"service_request": pending}).strip() == ""
