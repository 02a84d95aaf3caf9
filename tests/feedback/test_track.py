"""Following a complaint or suggestion at /pengaduan/lacak/ with its code (+ the filer's contact)."""

import pytest
from django.urls import reverse

from feedback import workflow

pytestmark = pytest.mark.django_db
URL = reverse("feedback:track")
NO_MATCH = "Kode lacak atau data verifikasi tidak cocok."


@pytest.fixture
def item(file_item, services):
    return file_item(service=services["surat-keterangan-kerja"])


def test_lookup_with_the_email_shows_status_and_public_answers_only(client, item, officer):
    workflow.change_status(item, to="in_progress", by=officer, public_note="Kami sedang menelusuri berkas Anda.",
                           note="RAHASIA: pelapor pernah mengadu")
    response = client.post(URL, {"code": item.code.lower(), "verifier": "SARI@example.id"})
    assert response.status_code == 302 and response.url == reverse("feedback:track_detail", args=[item.code])
    html = client.get(response.url).content.decode()
    assert "Ditindaklanjuti" in html
    assert "Kami sedang menelusuri berkas Anda." in html
    assert "RAHASIA" not in html
    assert "sari@example.id" not in html and "081234567890" not in html


def test_lookup_with_the_last_four_phone_digits(client, item):
    response = client.post(URL, {"code": item.code, "verifier": "7890"})
    assert response.status_code == 302


@pytest.mark.parametrize("verifier", ["", "orang@lain.id", "1234", "67890", "890"])
def test_wrong_or_missing_contact_gives_the_same_answer_as_an_unknown_code(client, item, verifier):
    wrong = client.post(URL, {"code": item.code, "verifier": verifier})
    unknown = client.post(URL, {"code": "ADU-26-ZZZZZZ", "verifier": verifier})
    assert wrong.status_code == unknown.status_code == 200
    assert NO_MATCH in wrong.content.decode() and NO_MATCH in unknown.content.decode()
    assert item.code not in client.session.get("feedback_codes", [])


def test_anonymous_suggestion_is_followed_with_the_code_alone(client, file_item):
    fb = file_item(kind="suggestion", name="", email="", phone="")
    assert client.post(URL, {"code": fb.code, "verifier": ""}).status_code == 302


def test_detail_page_needs_a_lookup_first(client, item):
    url = reverse("feedback:track_detail", args=[item.code])
    response = client.get(url)
    assert response.status_code == 302 and response.url == f"{URL}?kode={item.code}"
    assert f'value="{item.code}"' in client.get(response.url).content.decode()


def test_filer_follows_their_item_right_after_filing(client):
    client.post(reverse("feedback:complaint_create"), {
        "kind": "complaint", "category": "staff", "title": "Petugas tidak ramah",
        "text": "Petugas loket dua membentak saya saat bertanya persyaratan.", "name": "Rina", "phone": "0812 1111 2222",
    })
    from feedback.models import Feedback

    fb = Feedback.objects.get()
    assert client.get(reverse("feedback:track_detail", args=[fb.code])).status_code == 200


def test_lookups_are_rate_limited_per_ip(client, item):
    for _ in range(20):
        client.post(URL, {"code": "ADU-26-ZZZZZZ", "verifier": "x@y.id"})
    response = client.post(URL, {"code": item.code, "verifier": "sari@example.id"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert item.code not in client.session.get("feedback_codes", [])
    # Another address is not affected.
    assert client.post(URL, {"code": item.code, "verifier": "sari@example.id"}, REMOTE_ADDR="10.1.1.1").status_code == 302


def test_empty_code_is_explained(client):
    response = client.post(URL, {"code": "", "verifier": ""})
    assert "Tuliskan kode lacak Anda." in response.content.decode()
