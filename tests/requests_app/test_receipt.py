"""Tanda terima: the printable proof that a request and its files were received (requests_app.views.receipt)."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from requests_app import letters
from requests_app.models import RequestDocument, ServiceRequest
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def receipt_url(req):
    return reverse("requests_app:receipt", args=[req.code])


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def received(applicant):
    applicant.nip = "198609262015052001"
    applicant.save()
    req = make_request(applicant)
    service = req.service
    requirement = service.requirements.first()
    RequestDocument.objects.create(request=req, requirement=requirement, original_name="SK pangkat 2024.pdf",
                                   content_type="application/pdf", size=2048, sha256="0" * 64,
                                   file=ContentFile(b"%PDF-1.4", name="x.pdf"))
    return ServiceRequest.objects.get(pk=req.pk)


def test_the_applicant_gets_a_receipt_with_what_was_received_and_when_it_is_due(client, applicant, received):
    client.force_login(applicant)
    response = client.get(receipt_url(received))
    assert response.status_code == 200
    text = text_of(response)
    service = received.service
    for expected in ("Tanda Terima Permohonan", received.code, service.name, "Ani Lestari, S.E.", "NIP ••••••••••••••2001",
                     f"{service.requirements.first().name}: SK pangkat 2024.pdf", f"{service.sla_days} hari kerja",
                     "Gratis", "Portal layanan daring", "4 angka terakhir NIK pemohon", "/lacak/"):
        assert expected in text, expected
    assert received.due_date.strftime("%Y") in text
    assert "198609262015052001" not in text and applicant.nik not in text  # numbers masked on paper
    assert "data-print" in response.content.decode()


def test_a_counter_filing_names_the_officer_who_received_it(client, applicant, officer, received):
    ServiceRequest.objects.filter(pk=received.pk).update(filed_by=officer)
    client.force_login(officer)
    text = text_of(client.get(receipt_url(received)))
    assert "Loket layanan, diterima oleh Dedi Petugas" in text


def test_strangers_and_drafts_get_no_receipt(client, applicant, other_applicant, foreign_officer, received):
    for user in (other_applicant, foreign_officer):
        client.force_login(user)
        assert client.get(receipt_url(received)).status_code == 404
    draft = make_request(applicant, status="draft")
    client.force_login(applicant)
    assert client.get(receipt_url(draft)).status_code == 404
    client.logout()
    assert client.get(receipt_url(received)).status_code == 302  # to the log-in page


def test_the_request_page_and_the_confirmation_link_the_receipt(client, applicant, received):
    client.force_login(applicant)
    assert receipt_url(received) in client.get(reverse("requests_app:detail", args=[received.code])).text
    assert receipt_url(received) in client.get(reverse("requests_app:apply_done", args=[received.code])).text


def test_the_officers_request_page_links_the_receipt(client, officer, received):
    client.force_login(officer)
    html = client.get(reverse("admin:requests_app_servicerequest_change", args=[received.pk])).text
    assert receipt_url(received) in html
    assert client.get(receipt_url(received)).status_code == 200


def test_the_receipts_qr_code_opens_the_lookup_with_the_code_filled_in(client, applicant, received, settings):
    settings.SITE_URL = "https://layanan.bkpsdm.pemkomedan.go.id"
    client.force_login(applicant)
    html = client.get(receipt_url(received)).content.decode()
    link = f"https://layanan.bkpsdm.pemkomedan.go.id/lacak/?kode={received.code}"
    assert f'src="{letters.qr_data_uri(link)}"' in html
    client.logout()
    lookup = client.get(reverse("requests_app:lookup"), {"kode": received.code}).content.decode()
    assert f'value="{received.code}"' in lookup
    assert received.service.name not in lookup  # a filled-in code shows nothing until the NIK digits match


def test_a_pppk_applicant_is_shown_with_an_ni_pppk(client, applicant, received):
    applicant.asn_type = "pppk"
    applicant.save()
    client.force_login(applicant)
    text = text_of(client.get(receipt_url(received)))
    assert "NI PPPK ••••••••••••••2001" in text and "NIP ••" not in text
