"""The letter itself: Indonesian wording helpers, the sandboxed staff wording, the rendered PDFs,
the download and the admin (register, wording form, preview)."""

import datetime as dt
import io
import re

import pytest
from django.template import TemplateSyntaxError
from django.urls import reverse
from pypdf import PdfReader

from requests_app import letters, workflow
from requests_app.models import Letter, LetterTemplate, RequestEvent, ServiceRequest
from requests_app.tasks import generate_letter
from tests.factories import UserFactory, make_approved_request

NBSP = "\u00a0"


def pdf_text(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)  # line breaks fall anywhere; NBSP counts as a space


def issue(req, django_capture_on_commit_callbacks):
    """Run the real task (eagerly, in this process) and return the issued letter."""
    with django_capture_on_commit_callbacks(execute=True):
        generate_letter.delay(req.pk)
    return Letter.objects.select_related("request").get(request=req)


@pytest.fixture
def signer_pejabat(signer):
    signer.nip, signer.rank = "197503122000032002", "Pembina Utama Muda (IV/c)"
    signer.position = "Kepala Bidang Pengadaan, Pemberhentian dan Informasi Kepegawaian"
    signer.save()
    return signer


# --- Indonesian words ---------------------------------------------------------------------------


@pytest.mark.parametrize("n,words", [
    (0, "nol"), (1, "satu"), (5, "lima"), (10, "sepuluh"), (11, "sebelas"), (12, "dua belas"), (19, "sembilan belas"),
    (20, "dua puluh"), (24, "dua puluh empat"), (90, "sembilan puluh"), (100, "seratus"), (101, "seratus satu"),
    (115, "seratus lima belas"), (250, "dua ratus lima puluh"), (999, "sembilan ratus sembilan puluh sembilan"),
    (1000, "seribu"), (1001, "seribu satu"), (1500, "seribu lima ratus"), (2026, "dua ribu dua puluh enam"),
    (11000, "sebelas ribu"), (100000, "seratus ribu"), (1_000_000, "satu juta"),
    (2_500_000, "dua juta lima ratus ribu"), (1_000_000_000, "satu miliar"), (3_000_000_000_000, "tiga triliun"),
    (-7, "minus tujuh"),
])
def test_number_to_words(n, words):
    assert letters.number_to_words(n) == words


def test_amounts_and_dates_are_written_the_indonesian_way():
    assert letters.amount_in_words(5, "hari kerja") == "5 (lima) hari kerja"
    assert letters.amount_in_words(14, "hari kalender") == "14 (empat belas) hari kalender"
    assert letters.long_date(dt.date(2026, 11, 28)) == "28 November 2026"
    assert letters.long_date(dt.date(2026, 2, 2)) == "2 Februari 2026"
    # A datetime counts in Medan's time zone: 17.30 UTC on 31 Dec is already 1 Jan in WIB.
    assert letters.long_date(dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)) == "1 Januari 2027"


@pytest.mark.parametrize("name,masked", [
    ("Ani Lestari", "Ani L*****"),
    ("Ani Lestari, S.E.", "Ani L*****"),
    ("Muhammad Rizki Siregar, S.Kom., M.T.", "Muhammad R***** S*****"),
    ("Sukarno", "Sukarno"),
    ("", ""),
])
def test_holder_name_is_masked_with_fixed_length(name, masked):
    assert letters.mask_name(name) == masked


def test_verification_codes_are_grouped_and_typed_codes_normalised():
    assert letters.group_code("ABCDEFGHJKMN") == "ABCD EFGH JKMN"
    assert letters.normalise_code(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"


# --- the sandboxed wording ------------------------------------------------------------------------


def test_wording_escapes_values_and_refuses_dangerous_tags():
    values = {"pegawai": {"nama": "<b>Ani</b> & Co"}}
    assert letters.render_wording("Nama {{ pegawai.nama }}", values) == "Nama &lt;b&gt;Ani&lt;/b&gt; &amp; Co"
    assert letters.render_wording("{{ pegawai.nama|upper }}", values) == "&lt;B&gt;ANI&lt;/B&gt; &amp; CO"
    for text in ("{% load static %}", "{% include 'base.html' %}", "{% debug %}", "{% url 'home' %}",
                 "{% autoescape off %}{{ pegawai.nama }}{% endautoescape %}", "{{ pegawai.nama|safe }}",
                 "{% extends 'base.html' %}", "{% csrf_token %}"):
        with pytest.raises(TemplateSyntaxError):
            letters.render_wording(text, values)


def test_check_wording_explains_syntax_errors_and_unknown_placeholders_in_indonesian():
    values = {"pegawai": {"nama": "Ani"}, "lama": "5 (lima) hari kerja"}
    assert letters.check_wording("{{ pegawai.nama }} selama {{ lama }}", values) == []
    [problem] = letters.check_wording("{% if lama %}tanpa penutup", values)
    assert problem.startswith("Penulisan templat tidak valid:")
    [problem] = letters.check_wording("{{ pegawai.nma }} dan {{ keperluan }}", values)
    assert problem == ("Placeholder tidak dikenal: {{ keperluan }}, {{ pegawai.nma }}. "
                       "Periksa ejaannya pada daftar placeholder.")


@pytest.mark.django_db
def test_table_placeholders_become_data_tables(applicant, signer_pejabat):
    req = make_approved_request(applicant, signer_pejabat)
    values = letters.placeholders(req.letter)
    rendered = letters.render_wording(
        "Yang bertanda tangan di bawah ini:\n{{ data_penandatangan }}\ndengan ini menerangkan bahwa:\n\n"
        "{{ data_pegawai }}\nadalah benar {{ pegawai.status_asn }}.", values)
    blocks = letters.blocks(rendered, values)
    assert [b.kind for b in blocks] == ["p", "table", "p", "table", "p"]
    assert blocks[1].rows[0] == ("Nama", "Dr. Gita Pejabat, M.Si.")
    assert ("NIP", f"19750312{NBSP}200003{NBSP}2{NBSP}002") in blocks[1].rows
    assert blocks[3].rows[-1] == ("Unit kerja", "Dinas Pendidikan Kota Medan")
    assert str(blocks[4].html) == "adalah benar Pegawai Negeri Sipil."


# --- the rendered letters -------------------------------------------------------------------------


@pytest.mark.django_db
def test_surat_keterangan_kerja_pdf(applicant, signer_pejabat, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://layanan.bkpsdm.pemkomedan.go.id"
    applicant.nip = "198609262015052001"
    applicant.save()
    req = make_approved_request(applicant, signer_pejabat, details={"purpose": "pengajuan kredit", "addressee": "PT Bank Sumut"})

    letter = issue(req, django_capture_on_commit_callbacks)

    pdf = letter.file.read()
    reader, text = pdf_text(pdf)
    assert len(reader.pages) == 1
    year = letter.year
    assert letter.number == f"800.1.11/1/BKPSDM/{year}"
    for expected in [
        "PEMERINTAH KOTA MEDAN", "BADAN KEPEGAWAIAN DAN PENGEMBANGAN", "Jl. Kapten Maulana Lubis No. 2",
        "SURAT KETERANGAN", f"NOMOR 800.1.11/1/BKPSDM/{year}",
        "Ani Lestari, S.E.", "19860926 201505 2 001", "Penata (III/c)", "Analis Sumber Daya Manusia Aparatur",
        "Dinas Pendidikan Kota Medan", "Pegawai Negeri Sipil", "keperluan pengajuan kredit",
        f"Medan, {letters.long_date(letter.issued_at)}",
        "KEPALA BIDANG PENGADAAN, PEMBERHENTIAN DAN INFORMASI KEPEGAWAIAN,",
        "Dr. Gita Pejabat, M.Si.", "Pembina Utama Muda (IV/c)", "NIP 19750312 200003 2 002",
        "Tembusan:", "Kepala Perangkat Daerah yang bersangkutan",
        letters.group_code(letter.verification_code), "layanan.bkpsdm.pemkomedan.go.id/verifikasi/",
    ]:
        assert expected in text, expected
    assert "Sifat" not in text  # a naskah dinas khusus has no Sifat/Lampiran/Hal block
    assert "a.n." not in text  # the head of the agency certifies employment in his own name
    assert_fonts_embedded(reader)


@pytest.mark.django_db
def test_surat_izin_cuti_pdf(applicant, atasan, signer_pejabat, django_capture_on_commit_callbacks):
    applicant.nip = "198609262015052001"
    applicant.save()
    # Monday 7 to Friday 11 December 2026: five working days.
    req = make_approved_request(applicant, signer_pejabat, leave=("tahunan", dt.date(2026, 12, 7), dt.date(2026, 12, 11)),
                                supervisor=atasan)
    assert req.duration == 5

    letter = issue(req, django_capture_on_commit_callbacks)

    reader, text = pdf_text(letter.file.read())
    assert len(reader.pages) == 1
    assert letter.number == f"800.1.11.4/1/BKPSDM/{letter.year}"
    for expected in [
        "SURAT IZIN CUTI TAHUNAN", f"NOMOR {letter.number}", "Diberikan cuti tahunan kepada Pegawai Negeri Sipil",
        "Ani Lestari, S.E.", "19860926 201505 2 001", "selama 5 (lima) hari kerja",
        "7 Desember 2026 s.d. 11 Desember 2026", "menyerahkan pekerjaannya kepada atasan langsungnya",
        "Demikian surat izin cuti ini dibuat", "Atasan langsung yang bersangkutan",
        # Leave is the Wali Kota's to grant; the official signs by mandate (DOMAIN.md §3.4).
        "a.n. WALI KOTA MEDAN KEPALA BIDANG PENGADAAN, PEMBERHENTIAN DAN INFORMASI KEPEGAWAIAN,",
    ]:
        assert expected in text, expected
    assert_fonts_embedded(reader)


@pytest.mark.parametrize("authority,line", [("Wali Kota Medan", "a.n. WALI KOTA MEDAN"),
                                            ("  Sekretaris   Daerah Kota Medan, ", "a.n. SEKRETARIS DAERAH KOTA MEDAN"),
                                            ("", "")])
def test_the_mandate_line_is_written_in_capitals(authority, line):
    assert letters.on_behalf_of_line(authority) == line


@pytest.mark.django_db
def test_a_letter_keeps_the_mandate_it_was_approved_with(applicant, signer_pejabat, django_capture_on_commit_callbacks):
    """The service's "atas nama" is copied to the letter at approval, like its number: an edit made later in the
    admin changes the next letters, not one already approved (nor its regenerated PDF)."""
    from requests_app.models import Service

    service = Service.objects.get(slug="surat-keterangan-kerja")
    service.signed_on_behalf_of = "Wali Kota Medan"
    service.save()
    req = make_approved_request(applicant, signer_pejabat)
    Service.objects.filter(pk=service.pk).update(signed_on_behalf_of="")

    letter = issue(req, django_capture_on_commit_callbacks)

    assert letter.on_behalf_of == "Wali Kota Medan"
    assert "a.n. WALI KOTA MEDAN" in pdf_text(letter.file.read())[1]
    later = make_approved_request(applicant, signer_pejabat)
    assert later.letter.on_behalf_of == ""


def assert_fonts_embedded(reader):
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = set()
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font else font["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]  # the TrueType program is inside the PDF
        names.add(str(font["/BaseFont"]).split("+")[-1])
    assert "Liberation-Serif" in names and "Liberation-Serif-Bold" in names, names


@pytest.mark.django_db
def test_general_letter_is_a_surat_dinas_with_nomor_sifat_lampiran_hal(applicant, signer_pejabat):
    req = make_approved_request(applicant, signer_pejabat, service="kenaikan-gaji-berkala")
    html = letters.render_html(req.letter)
    for expected in ["Nomor", "Sifat", "Biasa", "Lampiran", "Hal", "Kenaikan Gaji Berkala (KGB)", "Yth. Sdr. Ani Lestari, S.E."]:
        assert expected in html, expected
    assert req.letter.number.startswith("800.1.11.13/1/BKPSDM/")


@pytest.mark.django_db
def test_letter_qr_code_points_at_the_verification_page(applicant, signer_pejabat, settings):
    settings.SITE_URL = "https://layanan.example.go.id"
    req = make_approved_request(applicant, signer_pejabat)
    code = req.letter.verification_code
    ctx = letters.letter_context(req.letter)
    assert ctx["verify_url"] == f"https://layanan.example.go.id/verifikasi/{code}/"
    assert ctx["qr"] == letters.qr_data_uri(ctx["verify_url"]) and ctx["qr"].startswith("data:image/svg+xml")
    html = letters.render_html(req.letter)
    assert ctx["qr"] in html and letters.group_code(code) in html


@pytest.mark.django_db
def test_staff_wording_changes_the_letter(applicant, signer_pejabat):
    LetterTemplate.objects.filter(kind="employment_certificate").update(
        body="Menerangkan bahwa:\n\n{{ data_pegawai }}\n\nmasih aktif bekerja untuk {{ keperluan|upper }}.",
        copies_to="Wali Kota Medan\nArsip",
    )
    req = make_approved_request(applicant, signer_pejabat, details={"purpose": "beasiswa", "addressee": "Universitas"})
    html = letters.render_html(req.letter)
    assert "masih aktif bekerja untuk BEASISWA." in html
    assert '<td class="label">Unit kerja</td>' in html
    assert "<li>Wali Kota Medan</li><li>Arsip</li>" in html


def test_letters_embed_data_uris_but_never_fetch_files_or_urls(tmp_path):
    import base64

    from tests.factories import make_image

    png = make_image()
    local = tmp_path / "logo.png"
    local.write_bytes(png)
    data_uri = "data:image/png;base64," + base64.b64encode(png).decode()

    def images(src):
        reader, text = pdf_text(letters.pdf_from_html(f'<p>isi</p><img src="{src}" width="100" height="75">'))
        assert "isi" in text and len(reader.pages) == 1  # a refused image never stops the letter
        return len(reader.pages[0]["/Resources"].get("/XObject", {}))

    assert images(data_uri) == 1
    assert images(local.as_uri()) == 0
    assert images("http://127.0.0.1:9/logo.png") == 0


# --- download --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_owner_downloads_the_issued_letter_with_a_readable_name(client, applicant, signer_pejabat, django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer_pejabat, leave=("tahunan", dt.date(2026, 12, 7), dt.date(2026, 12, 8)))
    letter = issue(req, django_capture_on_commit_callbacks)
    client.force_login(applicant)

    response = client.get(reverse("requests_app:letter_pdf", args=[req.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="surat-izin-cuti-{req.code}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == letter.file.open("rb").read()


@pytest.mark.django_db
def test_officers_of_the_unit_and_supervisors_may_download(client, applicant, officer, supervisor, signer_pejabat,
                                                            django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer_pejabat)
    issue(req, django_capture_on_commit_callbacks)
    for user in (officer, supervisor, signer_pejabat):
        client.force_login(user)
        assert client.get(reverse("requests_app:letter_pdf", args=[req.code])).status_code == 200, user


@pytest.mark.django_db
def test_everyone_else_gets_404(client, applicant, other_applicant, foreign_officer, signer_pejabat,
                                django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer_pejabat)
    issue(req, django_capture_on_commit_callbacks)
    url = reverse("requests_app:letter_pdf", args=[req.code])
    assert client.get(url).status_code == 302  # anonymous: to the login page first
    not_officer = UserFactory(email="staf.lain@example.id", is_staff=True)  # staff without the view permission
    for user in (other_applicant, foreign_officer, not_officer):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(applicant)
    assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_no_download_before_the_letter_is_issued_or_after_it_is_revoked(client, applicant, signer_pejabat, officer,
                                                                         django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer_pejabat)
    url = reverse("requests_app:letter_pdf", args=[req.code])
    client.force_login(applicant)
    assert client.get(url).status_code == 404  # still pending
    issue(req, django_capture_on_commit_callbacks)
    assert client.get(url).status_code == 200
    workflow.revoke_letter(ServiceRequest.objects.get(pk=req.pk), by=signer_pejabat, reason="Data jabatan keliru.")
    assert client.get(url).status_code == 404
    client.force_login(officer)
    assert client.get(url).status_code == 200  # staff keep access to the record


# --- admin: register, actions, wording, preview ------------------------------------------------------------


@pytest.mark.django_db
def test_letter_register_lists_letters_of_the_officers_unit_only(client, applicant, officer, foreign_officer, signer_pejabat,
                                                                 django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer_pejabat)
    letter = issue(req, django_capture_on_commit_callbacks)
    url = reverse("admin:requests_app_letter_changelist")
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert letter.number in response.text and reverse("requests_app:letter_pdf", args=[req.code]) in response.text
    page = client.get(reverse("admin:requests_app_letter_change", args=[letter.pk]))
    assert page.status_code == 200 and letter.sha256 in page.text
    client.force_login(foreign_officer)
    assert letter.number not in client.get(url).text
    assert client.get(reverse("admin:requests_app_letter_delete", args=[letter.pk])).status_code == 403


@pytest.mark.django_db
def test_revoke_action_asks_for_a_reason_then_revokes(client, applicant, signer_pejabat, django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer_pejabat)
    letter = issue(req, django_capture_on_commit_callbacks)
    url = reverse("admin:requests_app_letter_changelist")
    client.force_login(signer_pejabat)
    data = {"action": "revoke_selected", "_selected_action": [letter.pk]}

    first = client.post(url, data)
    assert first.status_code == 200 and "Alasan pencabutan" in first.text
    missing = client.post(url, {**data, "apply": "1", "reason": ""})
    assert "Alasan pencabutan wajib diisi." in missing.text
    letter.refresh_from_db()
    assert letter.revoked_at is None

    done = client.post(url, {**data, "apply": "1", "reason": "Data jabatan keliru."}, follow=True)
    assert "1 surat dicabut." in done.text
    letter.refresh_from_db()
    assert letter.revoked_at and letter.revoked_reason == "Data jabatan keliru."
    assert RequestEvent.objects.filter(request=req, action="letter_revoked").count() == 1
    # The register's filter, in words: revoked or not.
    assert letter.number in client.get(url, {"dicabut": "ya"}).text
    assert letter.number not in client.get(url, {"dicabut": "belum"}).text
    assert "Belum dicabut" in client.get(url).text


@pytest.mark.django_db
def test_officer_cannot_revoke(client, applicant, officer, signer_pejabat, django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer_pejabat)
    letter = issue(req, django_capture_on_commit_callbacks)
    client.force_login(officer)
    client.post(reverse("admin:requests_app_letter_changelist"),
                {"action": "revoke_selected", "_selected_action": [letter.pk], "apply": "1", "reason": "x"})
    letter.refresh_from_db()
    assert letter.revoked_at is None


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin@example.id", full_name="Admin", is_staff=True, is_superuser=True)


@pytest.mark.django_db
@pytest.mark.django_db
def test_wording_list_offers_add_only_for_a_kind_without_wording(client, admin_user):
    from requests_app.models import Service

    client.force_login(admin_user)
    changelist = reverse("admin:requests_app_lettertemplate_changelist")
    add = reverse("admin:requests_app_lettertemplate_add")
    page = client.get(changelist).text
    assert "Terakhir diubah" in page and "Updated" not in page
    have = set(LetterTemplate.objects.values_list("kind", flat=True))
    assert (add in page) is bool(set(Service.Kind.values) - have)
    for kind in set(Service.Kind.values) - have:
        LetterTemplate.objects.create(kind=kind, body="Isi.")
    assert add not in client.get(changelist).text
    assert client.get(add).status_code == 403


def test_wording_form_refuses_broken_templates_in_indonesian(client, admin_user):
    template = LetterTemplate.objects.get(kind="leave")
    url = reverse("admin:requests_app_lettertemplate_change", args=[template.pk])
    client.force_login(admin_user)
    page = client.get(url)
    assert page.status_code == 200 and "pegawai.unit_kerja" in page.text and "Pratinjau PDF" in page.text

    response = client.post(url, {"kind": "leave", "body": "{% if lama %}Diberikan cuti", "closing": "{{ nomor_surat }}",
                                 "copies_to": ""})

    assert response.status_code == 200
    assert "Penulisan templat tidak valid" in response.text
    assert "Placeholder tidak dikenal: {{ nomor_surat }}" in response.text
    template.refresh_from_db()
    assert template.body.startswith("Diberikan {{ jenis_cuti|lower }}")  # unchanged


@pytest.mark.django_db
def test_leave_placeholders_are_valid_only_for_leave_letters(client, admin_user):
    client.force_login(admin_user)
    skk = LetterTemplate.objects.get(kind="employment_certificate")
    url = reverse("admin:requests_app_lettertemplate_change", args=[skk.pk])
    response = client.post(url, {"kind": "employment_certificate", "body": "Cuti {{ lama }}", "closing": "Demikian.", "copies_to": ""})
    assert "Placeholder tidak dikenal: {{ lama }}" in response.text
    ok = client.post(url, {"kind": "employment_certificate", "body": "Aktif bekerja: {{ pegawai.nama }}.",
                           "closing": "Demikian.", "copies_to": "Arsip"})
    assert ok.status_code == 302
    skk.refresh_from_db()
    assert skk.body == "Aktif bekerja: {{ pegawai.nama }}."


@pytest.mark.django_db
def test_preview_renders_the_unsaved_wording_as_a_sample_pdf(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:requests_app_lettertemplate_preview")
    before = (Letter.objects.count(), ServiceRequest.objects.count(), LetterTemplate.objects.get(kind="leave").body)

    response = client.post(url, {"kind": "leave", "body": "Diberikan {{ jenis_cuti|lower }} selama {{ lama }} ({{ mulai }}).",
                                 "closing": "Demikian.", "copies_to": "Arsip"})

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.content)
    assert len(reader.pages) == 1
    assert "Diberikan cuti tahunan selama 5 (lima) hari kerja (7 Desember 2026)." in text
    assert "CONTOH" in text and "Dr. Gita Pratiwi, S.H., M.Si." in text  # watermark, made-up signer
    assert (Letter.objects.count(), ServiceRequest.objects.count(), LetterTemplate.objects.get(kind="leave").body) == before


@pytest.mark.django_db
def test_preview_refusals(client, admin_user, officer):
    url = reverse("admin:requests_app_lettertemplate_preview")
    client.force_login(admin_user)
    assert client.get(url).status_code == 405
    bad = client.post(url, {"kind": "leave", "body": "{% load static %}", "closing": "x"})
    assert bad.status_code == 400 and "Penulisan templat tidak valid" in bad.text
    client.force_login(officer)  # staff without permission on letter templates
    assert client.post(url, {"kind": "leave", "body": "x", "closing": "x"}).status_code == 403
    client.logout()
    assert client.post(url, {"kind": "leave", "body": "x", "closing": "x"}).status_code == 302


@pytest.mark.django_db
def test_regenerate_action_requeues_a_failed_letter(client, applicant, signer_pejabat, django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer_pejabat)
    workflow.mark_letter_failed(req, error="OSError: disk full")
    client.force_login(signer_pejabat)
    letter = Letter.objects.get(request=req)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:requests_app_letter_changelist"),
                               {"action": "regenerate_selected", "_selected_action": [letter.pk]}, follow=True)
    assert "Pembuatan 1 surat diulang." in response.text
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED and letter.number.startswith("800.1.11/1/")
    assert ServiceRequest.objects.get(pk=req.pk).status == ServiceRequest.Status.LETTER_ISSUED


@pytest.mark.django_db
def test_regenerate_action_for_the_request_queue(rf, applicant, signer_pejabat, officer):
    from django.contrib import admin
    from django.contrib.messages.storage.fallback import FallbackStorage

    from requests_app.admin_letters import regenerate_letter_action

    req = make_approved_request(applicant, signer_pejabat)
    workflow.mark_letter_failed(req, error="OSError: disk full")
    modeladmin = admin.site._registry[ServiceRequest]
    for user, expected in ((officer, Letter.Status.FAILED), (signer_pejabat, Letter.Status.PENDING)):
        request = rf.post("/")
        request.user, request.session = user, {}
        request._messages = FallbackStorage(request)
        regenerate_letter_action(modeladmin, request, ServiceRequest.objects.filter(pk=req.pk))
        assert Letter.objects.get(request=req).status == expected, user



@pytest.mark.django_db
def test_the_request_page_links_the_letter_and_offers_to_revoke_it(client, applicant, officer, signer_pejabat,
                                                                   django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer_pejabat)
    letter = issue(req, django_capture_on_commit_callbacks)
    page_url = reverse("admin:requests_app_servicerequest_change", args=[req.pk])
    client.force_login(signer_pejabat)
    page = client.get(page_url).text
    for link in (reverse("requests_app:letter_pdf", args=[req.code]),
                 reverse("requests_app:verify", args=[letter.verification_code]),
                 reverse("admin:requests_app_letter_change", args=[letter.pk])):
        assert f'href="{link}"' in page, link
    assert 'value="revoke_letter_action"' in page
    # The button's form is the queue's action for this one request: it leads to the page asking for a reason.
    changelist = reverse("admin:requests_app_servicerequest_changelist") + "?status=semua"
    confirm = client.post(changelist, {"action": "revoke_letter_action", "index": "0", "_selected_action": str(req.pk)})
    assert confirm.status_code == 200 and req.code in confirm.text and 'name="reason"' in confirm.text
    # An officer without the signing right sees the links, not the button.
    client.force_login(officer)
    page = client.get(page_url).text
    assert reverse("requests_app:letter_pdf", args=[req.code]) in page and "revoke_letter_action" not in page


@pytest.mark.django_db
def test_revoke_from_the_request_queue(client, applicant, signer_pejabat, django_capture_on_commit_callbacks):
    req = make_approved_request(applicant, signer_pejabat)
    letter = issue(req, django_capture_on_commit_callbacks)
    # Finished requests are listed under the "Semua" status filter; actions apply to what the list shows.
    url = reverse("admin:requests_app_servicerequest_changelist") + "?status=semua"
    client.force_login(signer_pejabat)
    data = {"action": "revoke_letter_action", "_selected_action": [req.pk]}

    confirm = client.post(url, data)
    assert confirm.status_code == 200 and req.code in confirm.text and 'value="revoke_letter_action"' in confirm.text
    client.post(url, {**data, "apply": "1", "reason": "Salah jenis cuti."}, follow=True)

    letter.refresh_from_db()
    assert letter.revoked_reason == "Salah jenis cuti." and letter.revoked_at
