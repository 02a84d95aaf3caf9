"""Saran & Tindak Lanjut at /saran/: moderation, official answers, support votes, sorting, pagination."""

import pytest
from django.urls import reverse

from feedback import workflow
from feedback.models import Feedback, SuggestionSupport

pytestmark = pytest.mark.django_db
LIST = reverse("feedback:suggestions")


@pytest.fixture
def make_suggestion(file_item, services, officer):
    """A suggestion for a PPI service, published by the PPI officer unless told otherwise."""

    def make(title, *, publish=True, consent=True, **fields):
        fb = file_item(kind="suggestion", title=title, consent_public=consent, service=services["kartu-pegawai"],
                       text="Mohon layanan ini dapat diajukan sepenuhnya secara daring.", **fields)
        if publish:
            workflow.publish(fb, by=officer)
        return Feedback.objects.get(pk=fb.pk)

    return make


def support_url(fb):
    return reverse("feedback:support", args=[fb.public_id])


def test_only_published_suggestions_with_consent_are_listed(client, make_suggestion, file_item):
    shown = make_suggestion("Antrean daring untuk loket")
    hidden = make_suggestion("Belum dimoderasi", publish=False)
    private = make_suggestion("Tidak boleh tayang", publish=False, consent=False)
    complaint = file_item(title="Pengaduan biasa")
    html = client.get(LIST).content.decode()
    assert shown.title in html
    for fb in (hidden, private, complaint):
        assert fb.title not in html
        assert client.get(reverse("feedback:suggestion_detail", args=[fb.public_id])).status_code == 404


def test_filer_identity_is_never_shown(client, make_suggestion):
    fb = make_suggestion("Ruang laktasi")
    html = client.get(reverse("feedback:suggestion_detail", args=[fb.public_id])).content.decode()
    assert fb.title in html
    assert "Sari Pelapor" not in html and "sari@example.id" not in html and fb.code not in html


def test_unpublishing_hides_it_again(client, make_suggestion, officer):
    fb = make_suggestion("Papan informasi")
    workflow.unpublish(fb, by=officer, note="Memuat data pribadi")
    assert fb.title not in client.get(LIST).content.decode()


def test_official_answer_and_status_are_shown(client, make_suggestion, officer):
    fb = make_suggestion("Tambah loket prioritas")
    workflow.change_status(fb, to="in_progress", by=officer, public_note="Loket prioritas dibuka mulai bulan depan.")
    html = client.get(reverse("feedback:suggestion_detail", args=[fb.public_id])).content.decode()
    assert "Ditindaklanjuti" in html and "Loket prioritas dibuka mulai bulan depan." in html


def test_logged_in_user_supports_once(client, citizen, make_suggestion):
    fb = make_suggestion("Layanan sabtu")
    client.force_login(citizen)
    first = client.post(support_url(fb), follow=True)
    assert "Terima kasih, dukungan Anda tercatat." in first.content.decode()
    second = client.post(support_url(fb), follow=True)
    assert "Anda sudah mendukung saran ini." in second.content.decode()
    assert SuggestionSupport.objects.filter(feedback=fb).count() == 1
    assert "1 dukungan" in client.get(LIST).content.decode()


def test_support_is_post_only_and_needs_login(client, make_suggestion):
    fb = make_suggestion("Kursi roda")
    assert client.get(support_url(fb)).status_code == 405
    response = client.post(support_url(fb))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert not SuggestionSupport.objects.exists()


def test_support_needs_the_csrf_token(citizen, make_suggestion):
    from django.test import Client

    fb = make_suggestion("Formulir cetak")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(citizen)
    assert strict.post(support_url(fb)).status_code == 403
    assert not SuggestionSupport.objects.exists()


def test_unpublished_suggestion_cannot_be_supported(client, citizen, make_suggestion):
    fb = make_suggestion("Belum tayang", publish=False)
    client.force_login(citizen)
    assert client.post(support_url(fb)).status_code == 404
    assert not SuggestionSupport.objects.exists()


def test_voting_is_rate_limited_per_account(client, citizen, make_suggestion, settings):
    settings.FEEDBACK_RATE_LIMITS = {"vote": {"user": (2, 3600)}}
    suggestions = [make_suggestion(f"Saran nomor {i}") for i in range(3)]
    client.force_login(citizen)
    for fb in suggestions[:2]:
        client.post(support_url(fb))
    response = client.post(support_url(suggestions[2]), follow=True)
    assert "Terlalu banyak dukungan" in response.content.decode()
    assert SuggestionSupport.objects.count() == 2


def test_sort_by_most_supported(client, make_suggestion, citizen, applicant):
    older = make_suggestion("Saran lama yang didukung")
    newer = make_suggestion("Saran baru tanpa dukungan")
    for user in (citizen, applicant):
        workflow.support(older, user=user)
    newest_first = client.get(LIST).content.decode()
    assert newest_first.index(newer.title) < newest_first.index(older.title)
    most_supported = client.get(LIST, {"urut": "dukungan"}).content.decode()
    assert most_supported.index(older.title) < most_supported.index(newer.title)
    assert "2 dukungan" in most_supported


def test_pagination(client, make_suggestion):
    for i in range(12):
        make_suggestion(f"Saran berhalaman {i:02d}")
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"halaman": 2}).content.decode()
    assert "Saran berhalaman 11" in first and "Saran berhalaman 00" not in first
    assert "Saran berhalaman 00" in second and "Halaman 2 dari 2" in second
