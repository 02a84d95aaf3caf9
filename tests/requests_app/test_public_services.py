import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from requests_app.hours import WIB
from requests_app.models import (
    Holiday,
    LeavePolicy,
    OpeningException,
    OpeningHours,
    Service,
    ServicePledge,
    ServicePoint,
    ServiceRequirement,
)
from requests_app.public import format_rupiah
from requests_app.public_cache import public_version

pytestmark = pytest.mark.django_db

LIST_URL = "/layanan/"
SEEDED = {
    "surat-keterangan-kerja": ("Surat Keterangan Aktif Bekerja", 3),
    "izin-cuti": ("Izin Cuti ASN", 5),
    "kenaikan-gaji-berkala": ("Kenaikan Gaji Berkala (KGB)", 5),
    "kartu-pegawai": ("Kartu Pegawai Elektronik, Karis dan Karsu", 7),
    "legalisasi-sk": ("Legalisasi Fotokopi SK Kepegawaian", 2),
    "usul-pensiun": ("Usul Pensiun Batas Usia", 10),
}


def text(response):
    """The page's visible text with whitespace collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_url_names_are_the_agreed_paths():
    assert reverse("requests_app:service_list") == "/layanan/"
    assert reverse("requests_app:service_detail", args=["izin-cuti"]) == "/layanan/izin-cuti/"
    assert reverse("requests_app:service_pdf", args=["izin-cuti"]) == "/layanan/izin-cuti/standar.pdf"
    assert reverse("requests_app:hours") == "/jam-layanan/"
    assert reverse("requests_app:transparency") == "/transparansi/"
    assert reverse("requests_app:transparency_csv") == "/transparansi/data.csv"
    assert reverse("requests_app:transparency_json") == "/transparansi/data.json"


def test_fee_is_formatted_the_indonesian_way():
    assert format_rupiah(0) == "Gratis"
    assert format_rupiah(25000) == "Rp 25.000"
    assert format_rupiah(1250000) == "Rp 1.250.000"
    assert format_rupiah(500) == "Rp 500"


def test_service_list_shows_the_seeded_catalogue(client):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    page = text(response)
    for slug, (name, _days) in SEEDED.items():
        assert name in page
        assert f'href="/layanan/{slug}/"' in response.content.decode()
    assert page.count("Gratis") == 6
    assert "3 hari kerja" in page and "10 hari kerja" in page
    assert "PNS, CPNS dan PPPK di lingkungan Pemerintah Kota Medan" in page  # who may apply
    assert "Maklumat Pelayanan" in page and "sanggup menyelenggarakan pelayanan" in page


def test_inactive_service_is_not_listed_and_its_page_is_404(client):
    Service.objects.filter(slug="usul-pensiun").update(active=False)

    assert "Usul Pensiun Batas Usia" not in text(client.get(LIST_URL))
    assert client.get("/layanan/usul-pensiun/").status_code == 404
    assert client.get("/layanan/usul-pensiun/standar.pdf").status_code == 404
    assert client.get("/layanan/tidak-ada/").status_code == 404


def test_search_finds_services_by_words_and_code(client):
    page = text(client.get(LIST_URL, {"q": "cuti"}))
    assert "Izin Cuti ASN" in page
    assert "Usul Pensiun Batas Usia" not in page

    page = text(client.get(LIST_URL, {"q": "kgb"}))
    assert "Kenaikan Gaji Berkala (KGB)" in page
    assert "Izin Cuti ASN" not in page
    assert 'value="kgb"' in client.get(LIST_URL, {"q": "kgb"}).content.decode()  # keeps what was typed


def test_search_without_match_says_so(client):
    page = text(client.get(LIST_URL, {"q": "paspor"}))
    assert "Tidak ada layanan yang cocok" in page


def test_filter_by_unit(client, units):
    page = text(client.get(LIST_URL, {"unit": "ppi"}))

    assert "Surat Keterangan Aktif Bekerja" in page and "Usul Pensiun Batas Usia" in page
    assert "Izin Cuti ASN" not in page  # Bidang Mutasi
    assert "Legalisasi Fotokopi SK Kepegawaian" not in page


def test_unknown_unit_is_explained_not_a_500(client):
    response = client.get(LIST_URL, {"unit": "tidak-ada"})

    assert response.status_code == 200
    page = text(response)
    assert "Unit tidak ditemukan" in page
    assert "Mohon periksa isian berikut" in page  # error summary at the top
    assert "Izin Cuti ASN" in page  # the whole catalogue is still there


def test_editing_a_fee_shows_at_once(client):
    assert "Rp 25.000" not in text(client.get(LIST_URL))
    detail = "/layanan/legalisasi-sk/"
    client.get(detail)  # now both pages are cached

    service = Service.objects.get(slug="legalisasi-sk")
    service.fee = 25000
    service.save()

    assert "Rp 25.000" in text(client.get(LIST_URL))
    assert "Rp 25.000" in text(client.get(detail))


def test_editing_a_requirement_shows_at_once(client):
    url = "/layanan/surat-keterangan-kerja/"
    assert "SK pangkat atau jabatan terakhir" in text(client.get(url))

    ServiceRequirement.objects.filter(service__slug="surat-keterangan-kerja").update(name="x")  # no signal...
    requirement = ServiceRequirement.objects.get(service__slug="surat-keterangan-kerja")
    requirement.name = "SK jabatan fungsional terakhir"
    requirement.save()  # ...but this one sends it

    assert "SK jabatan fungsional terakhir" in text(client.get(url))


def test_detail_shows_the_whole_standard(client):
    response = client.get("/layanan/surat-keterangan-kerja/")

    assert response.status_code == 200
    html, page = response.content.decode(), text(response)
    assert "Surat Keterangan Aktif Bekerja" in page
    assert "SK pangkat atau jabatan terakhir" in page and "Wajib" in page
    assert "PDF, JPG, PNG" in page and "2 MB" in page
    steps = re.search(r'<ol class="procedure">(.*?)</ol>', html, re.S).group(1)
    assert steps.count("<li>") == 7
    assert "3 hari kerja" in page and "Gratis" in page
    assert "UU 25/2009 Pasal 31" in page  # fee basis
    assert "UU 20/2023 tentang ASN" in page  # legal basis
    assert "dapat diverifikasi dengan kode QR" in page  # product
    assert "SP4N-LAPOR!" in page  # complaint channel
    assert "Bidang Pengadaan, Pemberhentian dan Informasi Kepegawaian" in page
    assert f'href="{reverse("requests_app:apply", args=["surat-keterangan-kerja"])}"' in html
    assert "Ajukan sekarang" in page
    assert 'href="/layanan/surat-keterangan-kerja/standar.pdf"' in html
    assert 'media="print"' in html and "css/print.css" in html


def test_leave_requirements_are_grouped_by_leave_type(client):
    html = client.get("/layanan/izin-cuti/").content.decode()

    sections = dict(re.findall(r'<h3 class="h6 mt-3 mb-1">([^<]+)</h3>(.*?)(?=<h3 class="h6|</section>)', html, re.S))
    assert list(sections) == ["Cuti Tahunan", "Cuti Besar", "Cuti Sakit", "Cuti Melahirkan", "Cuti Karena Alasan Penting", "Cuti di Luar Tanggungan Negara"]
    assert "Surat keterangan dokter" in sections["Cuti Sakit"]
    assert "Surat keterangan dokter" not in sections["Cuti Tahunan"]
    assert "Tidak ada dokumen yang perlu diunggah" in sections["Cuti Tahunan"]
    assert "Jadwal keberangkatan haji" in sections["Cuti Besar"] and "Bila ada" in sections["Cuti Besar"]
    assert "Berlaku untuk: PNS, CPNS dan PPPK" in sections["Cuti Sakit"]
    assert "Berlaku untuk: PNS dan CPNS; masa kerja paling sedikit 5 tahun" in sections["Cuti Besar"]
    assert "PPPK" not in sections["Cuti Besar"]


def test_public_pages_send_cache_headers_and_answer_revalidation_with_304(client):
    client.get("/")  # a visitor coming from the home page (signed-out pages set no cookie: tests/pelayanan/test_nginx_conf.py)
    for url in (LIST_URL, "/layanan/izin-cuti/", "/jam-layanan/", "/transparansi/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
        vary = response["Vary"]
        assert "Accept-Language" in vary and "Cookie" in vary
        assert response["ETag"] and response["Last-Modified"]

        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, url
        assert again["ETag"] == response["ETag"]


def test_etag_changes_when_the_catalogue_changes(client):
    client.get(LIST_URL)
    etag = client.get(LIST_URL)["ETag"]
    assert client.get(LIST_URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    ServicePledge.objects.update(active=False)
    ServicePledge.objects.create(text="Kami berjanji melayani dengan cepat.", signed_by="Kepala BKPSDM")

    response = client.get(LIST_URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Kami berjanji melayani dengan cepat." in text(response)


def test_signed_in_users_get_private_pages(client, applicant):
    client.force_login(applicant)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert applicant.get_short_name() in text(response)  # the layout is per user, only the content is shared


def test_cached_content_does_not_carry_one_visitors_csrf_token(client, applicant):
    client.force_login(applicant)
    client.get(LIST_URL)  # fills the cache while signed in
    client.logout()

    page = text(client.get(LIST_URL))
    assert applicant.get_short_name() not in page
    assert "Masuk" in page


def test_home_page_shows_the_maklumat_and_real_hours(client):
    response = client.get("/")

    page = text(response)
    assert "Maklumat Pelayanan" in page
    assert "siap menerima sanksi" in page and "Kepala BKPSDM Kota Medan" in page
    assert "Senin–Kamis 08.00–16.00, Jumat 08.00–11.30, 13.30–16.30, Sabtu 09.00–13.00 WIB" in page


def test_footer_hours_follow_the_database(client):
    point = ServicePoint.objects.get()
    OpeningHours.objects.filter(point=point, weekday=5).delete()
    OpeningHours.objects.create(point=point, weekday=6, opens="09:00", closes="12:00", note="")

    page = text(client.get(LIST_URL))

    assert "Jumat 08.00–11.30, 13.30–16.30, Minggu 09.00–12.00 WIB" in page
    assert "Sabtu 09.00" not in page


def test_no_active_pledge_hides_the_section(client):
    ServicePledge.objects.all().delete()

    assert "Maklumat Pelayanan" not in text(client.get("/"))
    assert "Maklumat Pelayanan" not in text(client.get(LIST_URL))


def test_public_pages_refuse_post(client):
    for url in (LIST_URL, "/layanan/izin-cuti/", "/layanan/izin-cuti/standar.pdf", "/jam-layanan/", "/transparansi/",
                "/transparansi/data.csv", "/transparansi/data.json"):
        assert client.post(url).status_code == 405, url


def _pdf_fonts(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return {str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}


def _pdf_text(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


@pytest.mark.parametrize("slug", ["izin-cuti", "kartu-pegawai"])
def test_standard_pdf_is_one_page_with_the_service_name(client, slug):
    response = client.get(f"/layanan/{slug}/standar.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"standar-pelayanan-{slug}.pdf" in response["Content-Disposition"]
    pages, content = _pdf_text(response.content)
    assert pages == 1
    assert SEEDED[slug][0] in content
    assert "Gratis" in content and f"{SEEDED[slug][1]} hari kerja" in content
    fonts = _pdf_fonts(response.content)
    assert any("Liberation-Sans" in f for f in fonts) and any("Liberation-Serif" in f for f in fonts)


def test_long_standard_still_fits_on_one_page(client):
    service = Service.objects.get(slug="usul-pensiun")
    service.procedure = "\n".join(f"Langkah ke-{i} yang harus dilakukan pemohon dengan teliti dan lengkap" for i in range(1, 19))
    service.save()
    for i in range(8):
        ServiceRequirement.objects.create(service=service, name=f"Dokumen pendukung nomor {i}", description="Hasil pindai asli yang terbaca.")

    pages, content = _pdf_text(client.get("/layanan/usul-pensiun/standar.pdf").content)

    assert pages == 1
    assert "Langkah ke-18" in content and "Dokumen pendukung nomor 7" in content


@pytest.mark.parametrize("model", [
    Service, ServiceRequirement, ServicePoint, OpeningHours, OpeningException, ServicePledge, Holiday, LeavePolicy,
])
def test_saving_or_deleting_catalogue_rows_invalidates_the_public_cache(model):
    if model is OpeningException:
        row = OpeningException.objects.create(point=ServicePoint.objects.get(), date=dt.date(2026, 5, 4), note="Tutup")
    elif model is Holiday:
        row = Holiday.objects.create(date=dt.date(2026, 5, 5), kind=Holiday.Kind.REGIONAL, name="Libur kantor")
    else:
        row = model.objects.first()
    before = public_version()

    row.save()
    after_save = public_version()
    assert after_save != before

    if model in (OpeningException, Holiday, OpeningHours):
        row.delete()
        assert public_version() != after_save


def test_a_new_holiday_closes_the_counter_on_the_hours_page_at_once(client):
    with time_machine.travel(dt.datetime(2026, 5, 4, 9, 0, tzinfo=WIB), tick=False):  # Monday
        assert "Buka sekarang" in text(client.get("/jam-layanan/"))
        Holiday.objects.create(date=dt.date(2026, 5, 4), kind=Holiday.Kind.REGIONAL, name="Libur HUT Pemko")
        page = text(client.get("/jam-layanan/"))

    assert "Tutup sekarang" in page and "Libur HUT Pemko" in page


def test_indonesian_text_is_marked_as_such_on_the_english_page(client):
    """Service names, steps and requirements are written in Indonesian by staff: on an English page they carry
    lang="id", so a screen reader does not read them with an English voice."""
    english = client.get("/layanan/izin-cuti/", headers={"accept-language": "en"}).content.decode()
    assert '<h1 class="h3"><span lang="id">Izin Cuti' in english
    assert english.count('lang="id"') > 10
    assert "at least 1 year of service" in english and "at least 5 years of service" in english
    indonesian = client.get("/layanan/izin-cuti/", headers={"accept-language": "id"}).content.decode()
    assert '<span lang="id">' not in indonesian
    assert "masa kerja paling sedikit 5 tahun" in indonesian
