"""Seeds the real catalogue: units, services with their Standar Pelayanan, leave rules,
letter wording, service points and hours, the Maklumat and reply templates.

Facts come from ../shared/DOMAIN.md (§2 leave, §3 letters, §4 standards, §6 Medan).
Where DOMAIN.md marks a fact uncertain (SLA of Medan, letter code of a surat keterangan,
service counter hours) the value here is a sensible default that staff can edit in the admin.
"""

import datetime as dt

from django.db import migrations

UNITS = [
    ("BKPSDM", "Sekretariat BKPSDM (Loket Layanan Terpadu)", None),
    ("PPI", "Bidang Pengadaan, Pemberhentian dan Informasi Kepegawaian", "BKPSDM"),
    ("MUTASI", "Bidang Mutasi dan Promosi", "BKPSDM"),
    ("PKA", "Bidang Penilaian Kinerja Aparatur dan Penghargaan", "BKPSDM"),
    ("PSDM", "Bidang Pengembangan Sumber Daya Manusia", "BKPSDM"),
]

COMPLAINTS = (
    "Sampaikan pengaduan melalui menu Pengaduan & Saran di portal ini, loket pengaduan di kantor BKPSDM, "
    "atau SP4N-LAPOR! (www.lapor.go.id). Pengaduan dijawab paling lambat 3 hari kerja dan diselesaikan sesuai "
    "tingkatannya (Perpres 76/2013)."
)

SERVICES = [
    {
        "code": "SKK", "slug": "surat-keterangan-kerja", "order": 1, "unit": "PPI",
        "name": "Surat Keterangan Aktif Bekerja",
        "kind": "employment_certificate",
        "summary": "Surat keterangan bahwa seorang ASN Pemerintah Kota Medan masih aktif bekerja, untuk keperluan "
                   "perbankan, pendidikan anak, pengurusan BPJS, visa dan keperluan lain.",
        "eligibility": "PNS, CPNS dan PPPK di lingkungan Pemerintah Kota Medan",
        "procedure": "Masuk ke portal dan pilih layanan Surat Keterangan Aktif Bekerja\n"
                     "Isi keperluan dan instansi tujuan surat\n"
                     "Unggah SK terakhir (pangkat atau jabatan)\n"
                     "Periksa kembali isian lalu kirim; simpan kode lacak\n"
                     "Petugas memverifikasi berkas\n"
                     "Pejabat yang berwenang menyetujui dan menandatangani surat\n"
                     "Unduh surat dari portal; keaslian dapat dicek melalui kode QR",
        "sla_days": 3, "fee": 0, "fee_basis": "Tidak dipungut biaya (UU 25/2009 Pasal 31).",
        "legal_basis": "UU 20/2023 tentang ASN\nPP 11/2017 jo. PP 17/2020 tentang Manajemen PNS\n"
                       "Permendagri 1/2023 tentang Tata Naskah Dinas di Lingkungan Pemerintah Daerah",
        "product": "Surat Keterangan Aktif Bekerja (PDF bertanda tangan, dapat diverifikasi dengan kode QR)",
        "classification_code": "800.1.11", "letter_title": "SURAT KETERANGAN",
        "requirements": [
            ("SK pangkat atau jabatan terakhir", "Hasil pindai yang terbaca jelas.", True, ""),
        ],
    },
    {
        "code": "CUTI", "slug": "izin-cuti", "order": 2, "unit": "MUTASI",
        "name": "Izin Cuti ASN",
        "kind": "leave",
        "summary": "Permohonan izin cuti bagi PNS, CPNS dan PPPK: cuti tahunan, cuti besar, cuti sakit, cuti "
                   "melahirkan, cuti karena alasan penting dan cuti di luar tanggungan negara. Sisa cuti tahunan "
                   "dihitung otomatis.",
        "eligibility": "PNS dan CPNS (tujuh jenis cuti) serta PPPK (cuti tahunan, sakit dan melahirkan)",
        "procedure": "Masuk ke portal dan pilih layanan Izin Cuti\n"
                     "Pilih jenis cuti, tanggal mulai dan selesai; sistem menghitung hari kerja dan sisa cuti\n"
                     "Pilih atasan langsung dan unggah dokumen pendukung bila diperlukan\n"
                     "Atasan langsung memberi pertimbangan\n"
                     "Petugas memverifikasi berkas\n"
                     "Pejabat yang berwenang memberikan cuti memutuskan dan menandatangani surat izin cuti\n"
                     "Unduh surat izin cuti dari portal",
        "sla_days": 5, "fee": 0, "fee_basis": "Tidak dipungut biaya (UU 25/2009 Pasal 31).",
        "legal_basis": "PP 11/2017 jo. PP 17/2020 tentang Manajemen PNS (Pasal 309-341)\n"
                       "Peraturan BKN 24/2017 jo. Peraturan BKN 7/2021 tentang Tata Cara Pemberian Cuti PNS\n"
                       "PP 49/2018 tentang Manajemen PPPK dan Peraturan BKN 7/2022",
        "product": "Surat Izin Cuti (PDF bertanda tangan, dapat diverifikasi dengan kode QR)",
        "classification_code": "", "letter_title": "SURAT IZIN CUTI",
        "requirements": [
            ("Surat keterangan dokter", "Untuk cuti sakit lebih dari 14 hari: dari dokter pemerintah.", True, "sakit"),
            ("Surat keterangan dokter/bidan (perkiraan persalinan)", "", True, "melahirkan"),
            ("Bukti alasan penting", "Surat keterangan rawat inap, surat kematian, bukti pernikahan, atau surat keterangan RT untuk bencana.", True, "alasan_penting"),
            ("Jadwal keberangkatan haji", "Bila cuti besar untuk ibadah haji.", False, "besar"),
            ("Dokumen alasan CLTN", "Sesuai alasan: surat tugas suami/istri, surat dokter spesialis, dan lain-lain.", True, "cltn"),
        ],
    },
    {
        "code": "KGB", "slug": "kenaikan-gaji-berkala", "order": 3, "unit": "PKA",
        "name": "Kenaikan Gaji Berkala (KGB)",
        "kind": "general",
        "summary": "Penerbitan surat pemberitahuan kenaikan gaji berkala bagi PNS yang telah memenuhi masa kerja "
                   "golongan dua tahun.",
        "eligibility": "PNS Pemerintah Kota Medan yang telah memenuhi masa kerja untuk KGB",
        "procedure": "Masuk ke portal dan pilih layanan KGB\nUnggah SK KGB terakhir dan SK pangkat terakhir\n"
                     "Petugas memverifikasi masa kerja\nPejabat menandatangani surat pemberitahuan KGB\n"
                     "Unduh surat dari portal",
        "sla_days": 5, "fee": 0, "fee_basis": "Tidak dipungut biaya.",
        "legal_basis": "PP 15/2019 tentang Perubahan Kedelapan Belas atas PP 7/1977 tentang Peraturan Gaji PNS",
        "product": "Surat pemberitahuan kenaikan gaji berkala",
        "classification_code": "800.1.11.13", "letter_title": "SURAT KETERANGAN",
        "requirements": [
            ("SK KGB terakhir", "", True, ""),
            ("SK pangkat terakhir", "", True, ""),
        ],
    },
    {
        "code": "KPE", "slug": "kartu-pegawai", "order": 4, "unit": "PPI",
        "name": "Kartu Pegawai Elektronik, Karis dan Karsu",
        "kind": "general",
        "summary": "Usulan penerbitan Kartu Pegawai Elektronik (KPE), Kartu Istri (Karis) atau Kartu Suami (Karsu) "
                   "ke BKN.",
        "eligibility": "PNS Pemerintah Kota Medan",
        "procedure": "Masuk ke portal dan pilih layanan Kartu Pegawai\nUnggah dokumen yang diminta\n"
                     "Petugas memverifikasi dan meneruskan usulan ke BKN\nPejabat menandatangani surat pengantar\n"
                     "Unduh surat pengantar; kartu diambil di loket setelah terbit",
        "sla_days": 7, "fee": 0, "fee_basis": "Tidak dipungut biaya.",
        "legal_basis": "Peraturan BKN tentang Kartu Pegawai Elektronik",
        "product": "Surat pengantar usulan kartu ke BKN",
        "classification_code": "800.1.11.8", "letter_title": "SURAT KETERANGAN",
        "requirements": [
            ("SK CPNS dan SK PNS", "", True, ""),
            ("Buku nikah / akta perkawinan (untuk Karis/Karsu)", "", False, ""),
            ("Pas foto berwarna", "Latar merah, format JPG atau PNG.", True, ""),
        ],
    },
    {
        "code": "LEG", "slug": "legalisasi-sk", "order": 5, "unit": "BKPSDM",
        "name": "Legalisasi Fotokopi SK Kepegawaian",
        "kind": "general",
        "summary": "Pengesahan fotokopi SK CPNS, SK PNS, SK pangkat atau SK jabatan untuk keperluan administrasi.",
        "eligibility": "ASN dan pensiunan ASN Pemerintah Kota Medan",
        "procedure": "Masuk ke portal dan pilih layanan Legalisasi\nUnggah pindaian SK asli\n"
                     "Petugas mencocokkan dengan arsip kepegawaian\nPejabat menandatangani surat keterangan legalisasi\n"
                     "Unduh surat dari portal",
        "sla_days": 2, "fee": 0, "fee_basis": "Tidak dipungut biaya.",
        "legal_basis": "Peraturan ANRI 22/2017 tentang Pedoman Retensi Arsip Urusan Kepegawaian",
        "product": "Surat keterangan legalisasi",
        "classification_code": "800.1.13.1", "letter_title": "SURAT KETERANGAN",
        "requirements": [("Pindaian SK yang akan dilegalisasi", "", True, "")],
    },
    {
        "code": "PEN", "slug": "usul-pensiun", "order": 6, "unit": "PPI",
        "name": "Usul Pensiun Batas Usia",
        "kind": "general",
        "summary": "Usulan pensiun batas usia pensiun (BUP) ke BKN melalui SIASN, diajukan paling lambat 15 bulan "
                   "sebelum BUP.",
        "eligibility": "PNS Pemerintah Kota Medan yang mendekati batas usia pensiun",
        "procedure": "Masuk ke portal dan pilih layanan Usul Pensiun\nUnggah dokumen persyaratan\n"
                     "Petugas memverifikasi dan mengusulkan melalui SIASN\nPejabat menandatangani surat pengantar\n"
                     "Unduh surat pengantar; SK pensiun diterbitkan BKN",
        "sla_days": 10, "fee": 0, "fee_basis": "Tidak dipungut biaya.",
        "legal_basis": "UU 20/2023 tentang ASN\nPP 11/2017 jo. PP 17/2020 (pemberhentian dan pensiun)",
        "product": "Surat pengantar usul pensiun",
        "classification_code": "800.1.6.6", "letter_title": "SURAT KETERANGAN",
        "requirements": [
            ("SK CPNS dan SK pangkat terakhir", "", True, ""),
            ("Kartu keluarga", "", True, ""),
            ("Surat pernyataan tidak pernah dijatuhi hukuman disiplin", "", True, ""),
        ],
    },
]

# (asn_group, code, name, unit, max, min_years, entitlement, cap1, cap2, requires_doc, doc_hint, kka, basis, order)
LEAVE_POLICIES = [
    ("pns", "tahunan", "Cuti Tahunan", "working_days", 24, 1, 12, 18, 24, False, "", "800.1.11.4",
     "PP 11/2017 Pasal 310-314; Peraturan BKN 24/2017", 1),
    ("pns", "besar", "Cuti Besar", "months", 3, 5, 0, 0, 0, False, "Jadwal haji bila untuk ibadah haji pertama", "800.1.11.6",
     "PP 11/2017 Pasal 315-318", 2),
    ("pns", "sakit", "Cuti Sakit", "calendar_days", 365, 0, 0, 0, 0, True, "Surat keterangan dokter", "800.1.11.2",
     "PP 11/2017 Pasal 319-324; Peraturan BKN 7/2021", 3),
    ("pns", "melahirkan", "Cuti Melahirkan", "months", 3, 0, 0, 0, 0, True, "Surat keterangan dokter/bidan", "800.1.11.3",
     "PP 11/2017 Pasal 325-327", 4),
    ("pns", "alasan_penting", "Cuti Karena Alasan Penting", "months", 1, 0, 0, 0, 0, True, "Bukti alasan penting", "800.1.11.5",
     "PP 11/2017 Pasal 328-332; Peraturan BKN 24/2017", 5),
    ("pns", "cltn", "Cuti di Luar Tanggungan Negara", "years", 3, 5, 0, 0, 0, True, "Dokumen alasan CLTN", "800.1.11.7",
     "PP 11/2017 Pasal 334 dst. (dengan persetujuan BKN)", 6),
    ("pppk", "tahunan", "Cuti Tahunan", "working_days", 24, 1, 12, 18, 24, False, "", "800.1.11.4",
     "PP 49/2018 Pasal 78-81; Peraturan BKN 7/2022", 1),
    ("pppk", "sakit", "Cuti Sakit", "calendar_days", 30, 0, 0, 0, 0, True, "Surat keterangan dokter", "800.1.11.2",
     "PP 49/2018; Peraturan BKN 7/2022", 2),
    ("pppk", "melahirkan", "Cuti Melahirkan", "months", 3, 0, 0, 0, 0, True, "Surat keterangan dokter/bidan", "800.1.11.3",
     "PP 49/2018; Peraturan BKN 7/2022", 3),
]

LETTER_TEMPLATES = {
    # Surat keterangan is a naskah dinas khusus (DOMAIN.md §3.5): signer's data, then the employee's data.
    "employment_certificate": {
        "body": "Yang bertanda tangan di bawah ini:\n{{ data_penandatangan }}\ndengan ini menerangkan bahwa:\n"
                "{{ data_pegawai }}\nadalah benar {{ pegawai.status_asn }} di lingkungan Pemerintah Kota Medan "
                "dan sampai saat ini masih aktif bekerja.",
        "closing": "Surat keterangan ini dibuat untuk keperluan {{ keperluan }}{% if tujuan %} pada {{ tujuan }}{% endif %}. "
                   "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.",
        "copies_to": "Kepala Perangkat Daerah yang bersangkutan",
    },
    # Surat izin cuti in the BKN format (Peraturan BKN 24/2017, DOMAIN.md §3.4).
    "leave": {
        "body": "Diberikan {{ jenis_cuti|lower }} kepada {{ pegawai.status_asn }}:\n{{ data_pegawai }}\n"
                "selama {{ lama }}, terhitung mulai tanggal {{ mulai }} s.d. {{ selesai }}, dengan ketentuan sebelum "
                "menjalankan cuti wajib menyerahkan pekerjaannya kepada atasan langsungnya atau pejabat lain yang "
                "ditunjuk, dan setelah selesai menjalankan cuti wajib melaporkan diri kepada atasan langsungnya dan "
                "bekerja kembali sebagaimana biasa.",
        "closing": "Demikian surat izin cuti ini dibuat untuk dapat dipergunakan sebagaimana mestinya.",
        "copies_to": "Kepala Perangkat Daerah yang bersangkutan\nAtasan langsung yang bersangkutan",
    },
    "general": {
        "body": "Yang bertanda tangan di bawah ini menerangkan bahwa permohonan {{ layanan }} atas nama:\n"
                "{{ data_pegawai }}\ntelah diverifikasi dan disetujui untuk diproses lebih lanjut.",
        "closing": "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.",
        "copies_to": "Kepala Perangkat Daerah yang bersangkutan",
    },
}

PLEDGE = (
    "Dengan ini, kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan yang telah "
    "ditetapkan dan apabila tidak menepati janji ini, kami siap menerima sanksi sesuai peraturan "
    "perundang-undangan yang berlaku."
)

REPLY_TEMPLATES = [
    ("revision", "Dokumen tidak terbaca", "Dokumen yang diunggah tidak terbaca dengan jelas. Mohon unggah ulang hasil pindai yang jelas dan lengkap."),
    ("revision", "SK bukan yang terakhir", "SK yang diunggah bukan SK terakhir. Mohon unggah SK pangkat atau jabatan terakhir."),
    ("rejection", "Bukan ASN Pemko Medan", "Berdasarkan data kepegawaian, pemohon bukan ASN di lingkungan Pemerintah Kota Medan."),
    ("rejection", "Hak cuti tidak mencukupi", "Hak cuti tahunan pemohon tidak mencukupi untuk lama cuti yang diminta."),
]


def seed(apps, schema_editor):
    Unit = apps.get_model("pelayanan", "OrganisationUnit")
    Service = apps.get_model("requests_app", "Service")
    Requirement = apps.get_model("requests_app", "ServiceRequirement")
    LeavePolicy = apps.get_model("requests_app", "LeavePolicy")
    LetterTemplate = apps.get_model("requests_app", "LetterTemplate")
    ServicePoint = apps.get_model("requests_app", "ServicePoint")
    OpeningHours = apps.get_model("requests_app", "OpeningHours")
    ServicePledge = apps.get_model("requests_app", "ServicePledge")
    ReplyTemplate = apps.get_model("requests_app", "ReplyTemplate")

    units = {}
    for code, name, parent in UNITS:
        units[code] = Unit.objects.create(code=code.lower(), name=name, parent=units.get(parent))
    for data in SERVICES:
        data = dict(data)
        requirements = data.pop("requirements")
        unit = units[data.pop("unit")]
        service = Service.objects.create(unit=unit, complaint_channel=COMPLAINTS, asn_only=True, **data)
        for order, (name, description, required, leave_types) in enumerate(requirements):
            Requirement.objects.create(
                service=service, name=name, description=description, required=required,
                leave_types=leave_types, order=order,
                formats="jpg,png" if "foto" in name.lower() else "pdf,jpg,png",
            )
    fields = ("asn_group", "code", "name", "unit", "max_length", "min_service_years", "annual_entitlement",
              "carry_cap_one_year", "carry_cap_two_years", "requires_document", "document_hint",
              "classification_code", "legal_basis", "order")
    for row in LEAVE_POLICIES:
        LeavePolicy.objects.create(**dict(zip(fields, row)))
    for kind, text in LETTER_TEMPLATES.items():
        LetterTemplate.objects.create(kind=kind, **text)

    # Medan's counter hours are not published (DOMAIN.md §6); these follow the office hours
    # (Mon-Thu to 16.30, Fri to 17.00) plus the Saturday service the citizens' forum asked for.
    point = ServicePoint.objects.create(
        name="Loket Layanan Terpadu BKPSDM", address="Kantor Wali Kota Medan, Jl. Kapten Maulana Lubis No. 2, Medan 20112",
        phone="(061) 4512412", order=0,
    )
    for weekday in range(4):
        OpeningHours.objects.create(point=point, weekday=weekday, opens=dt.time(8), closes=dt.time(16, 0))
    # Friday: closed for Friday prayers 11.30-13.30.
    OpeningHours.objects.create(point=point, weekday=4, opens=dt.time(8), closes=dt.time(11, 30))
    OpeningHours.objects.create(point=point, weekday=4, opens=dt.time(13, 30), closes=dt.time(16, 30))
    OpeningHours.objects.create(point=point, weekday=5, opens=dt.time(9), closes=dt.time(13), note="Layanan akhir pekan")
    ServicePledge.objects.create(text=PLEDGE, signed_by="Kepala BKPSDM Kota Medan", active=True)
    for kind, title, text in REPLY_TEMPLATES:
        ReplyTemplate.objects.create(kind=kind, title=title, text=text)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0002_roles")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
