"""Official letters (Tata Naskah Dinas, DOMAIN.md §3): wording, HTML, PDF and the claim/store steps of the task.

A letter is built in three layers:
- templates/letters/<kind>.html: the fixed Tata Naskah Dinas layout (kop, title and NOMOR or the
  Nomor/Sifat/Lampiran/Hal block, signature block with the QR code, tembusan, footer note);
- LetterTemplate rows: the wording staff edit in the admin (body, closing, tembusan), written in
  Django template syntax and rendered by a sandboxed engine that sees plain strings only;
- PLACEHOLDERS: the values that wording may use, taken from the request and its people.

The PDF is rendered by WeasyPrint with one FontConfiguration per process (STACK.md §2: a new one per
document makes a worker's memory grow without bound) and a URL fetcher that only accepts data: URIs,
so a letter never fetches anything from the network or the disk.

The Celery task (tasks.generate_letter) calls claim_letter -> render_pdf -> store_pdf, releasing the
claim with release_claim when something fails (STYLE.md rules 12 and 13).
"""

import base64
import datetime as dt
import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template import Context, Engine, Library, Template, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pelayanan.identity import format_nip

from .models import LeavePolicy, Letter, LetterTemplate, Service, ServiceRequest

logger = logging.getLogger(__name__)

# --- Indonesian words -----------------------------------------------------------------------------

_ONES = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas"]
_LARGE = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu"))


def number_to_words(n: int) -> str:
    """Indonesian words for a whole number, as written in letters: 5 -> "lima", 1.500 -> "seribu lima ratus"."""
    if n < 0:
        return "minus " + number_to_words(-n)
    if n < 12:
        return _ONES[n]
    if n < 20:
        return _ONES[n - 10] + " belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return _ONES[tens] + " puluh" + _then(rest)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return ("seratus" if hundreds == 1 else _ONES[hundreds] + " ratus") + _then(rest)
    if n < 2000:  # "seribu", never "satu ribu"; but 1.000.000 is "satu juta"
        return "seribu" + _then(n - 1000)
    for value, name in _LARGE:
        if n >= value:
            head, rest = divmod(n, value)
            return f"{number_to_words(head)} {name}" + _then(rest)
    raise AssertionError("unreachable")


def _then(rest):
    return " " + number_to_words(rest) if rest else ""


def amount_in_words(n: int, unit_label: str) -> str:
    """The form Indonesian letters use for quantities: "5 (lima) hari kerja"."""
    return f"{n} ({number_to_words(n)}) {unit_label}"


def long_date(value) -> str:
    """A date as letters write it, always in Indonesian: "28 November 2026"."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    with translation.override("id"):
        return date_format(value, "j F Y")


def keep_together(text: str) -> str:
    """No line break inside a NIP or a date: "19860926 201505 2 001" must not be split over two lines."""
    return text.replace(" ", "\u00a0")


def mask_name(full_name: str) -> str:
    """The holder's name as the public verification page shows it: "Ani Lestari, S.E." -> "Ani L*****".

    The first word stays readable so the holder recognises it; the other words keep their initial,
    with a fixed number of stars so the page does not reveal their length (UU PDP: least data needed).
    """
    name = (full_name or "").split(",")[0].split()
    if not name:
        return ""
    return " ".join([name[0], *(word[0] + "*****" for word in name[1:])])


def group_code(code: str) -> str:
    """A verification code in groups of four, easier to read aloud and to type: "ABCD EFGH JKLM"."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str:
    """What people type (spaces, dashes, lower case) back to a stored verification code."""
    return re.sub(r"[\s\-]", "", text or "").upper()


def verification_url(code: str) -> str:
    return settings.SITE_URL + reverse("requests_app:verify", args=[code])


def download_name(letter) -> str:
    """A file name people recognise in their Downloads folder: surat-izin-cuti-CUTI-26-ABC123.pdf."""
    service = letter.request.service
    return f"{slugify(service.letter_title or service.name) or 'surat'}-{letter.request.code}.pdf"


# --- people and placeholders ---------------------------------------------------------------------

ASN_STATUS = {
    "pns": gettext_lazy("Pegawai Negeri Sipil"),
    "cpns": gettext_lazy("Calon Pegawai Negeri Sipil"),
    "pppk": gettext_lazy("Pegawai Pemerintah dengan Perjanjian Kerja"),
}


def person(user) -> dict:
    """A person as the letter names them; plain strings only (the wording's sandbox sees nothing else)."""
    return {
        "nama": user.full_name,
        "nip": keep_together(format_nip(user.nip)),
        "label_nip": _("NI PPPK") if user.asn_type == "pppk" else _("NIP"),
        "pangkat": user.rank,
        "jabatan": user.position,
        "unit_kerja": user.work_unit,
        "status_asn": str(ASN_STATUS.get(user.asn_type, _("Aparatur Sipil Negara"))),
    }


# Placeholders that expand to a table of the person's data when they stand on their own in the wording.
# The markers survive HTML escaping and are swapped for the tables after the wording is rendered.
EMPLOYEE_TABLE = "\u2063TABEL-PEGAWAI\u2063"
SIGNER_TABLE = "\u2063TABEL-PENANDATANGAN\u2063"
_TABLE_MARKERS = re.compile(f"({EMPLOYEE_TABLE}|{SIGNER_TABLE})")

# Shown to staff next to the wording fields in the admin.
PLACEHOLDERS = [
    ("pegawai.nama", gettext_lazy("nama pemohon beserta gelar")),
    ("pegawai.nip", gettext_lazy("NIP/NI PPPK pemohon, ditulis 8-6-1-3")),
    ("pegawai.pangkat", gettext_lazy("pangkat/golongan ruang pemohon")),
    ("pegawai.jabatan", gettext_lazy("jabatan pemohon")),
    ("pegawai.unit_kerja", gettext_lazy("unit kerja pemohon")),
    ("pegawai.status_asn", gettext_lazy("Pegawai Negeri Sipil / Calon Pegawai Negeri Sipil / Pegawai Pemerintah dengan Perjanjian Kerja")),
    ("penandatangan.nama", gettext_lazy("nama pejabat penandatangan (juga .nip, .pangkat, .jabatan)")),
    ("data_pegawai", gettext_lazy("tabel data pemohon (Nama, NIP, Pangkat, Jabatan, Unit kerja); tulis di baris tersendiri")),
    ("data_penandatangan", gettext_lazy("tabel data pejabat penandatangan; tulis di baris tersendiri")),
    ("layanan", gettext_lazy("nama layanan")),
    ("nomor", gettext_lazy("nomor surat")),
    ("tanggal", gettext_lazy("tanggal surat, mis. 28 November 2026")),
    ("keperluan", gettext_lazy("keperluan surat keterangan")),
    ("tujuan", gettext_lazy("instansi tujuan surat keterangan")),
    ("jenis_cuti", gettext_lazy("jenis cuti, mis. Cuti Tahunan (pakai |lower untuk huruf kecil)")),
    ("kode_cuti", gettext_lazy("kode jenis cuti: tahunan, besar, sakit, melahirkan, alasan_penting, cltn")),
    ("lama", gettext_lazy("lama cuti, mis. 5 (lima) hari kerja")),
    ("mulai", gettext_lazy("tanggal mulai cuti")),
    ("selesai", gettext_lazy("tanggal selesai cuti")),
    ("alasan_cuti", gettext_lazy("alasan cuti yang ditulis pemohon")),
    ("alamat_cuti", gettext_lazy("alamat selama menjalankan cuti")),
]


def placeholders(letter) -> dict:
    """The values the staff-edited wording may use (see PLACEHOLDERS)."""
    req = letter.request
    details = req.details or {}
    values = {
        "pegawai": person(req.applicant),
        "penandatangan": person(letter.signer),
        "data_pegawai": EMPLOYEE_TABLE,
        "data_penandatangan": SIGNER_TABLE,
        "layanan": req.service.name,
        "nomor": letter.number,
        "tanggal": keep_together(long_date(letter.issued_at)),
        "keperluan": str(details.get("purpose", "")),
        "tujuan": str(details.get("addressee", "")),
    }
    policy = req.leave_policy
    if policy is not None:
        values.update(
            jenis_cuti=policy.name,
            kode_cuti=policy.code,
            lama=amount_in_words(req.duration or 0, LeavePolicy.Unit(req.duration_unit or policy.unit).label),
            mulai=keep_together(long_date(req.start_date)),
            selesai=keep_together(long_date(req.end_date)),
            alasan_cuti=str(details.get("reason", "")),
            alamat_cuti=str(details.get("address", "")),
        )
    return values


# --- the sandbox for staff-edited wording -----------------------------------------------------------

# Only tags that shape text. No {% load %}, {% include %}, {% url %}, {% debug %}, {% autoescape off %}
# and no |safe: the wording cannot reach files, other templates, settings, or switch escaping off.
SAFE_TAGS = ("if", "for", "with", "firstof", "now", "cycle", "comment", "spaceless", "filter", "templatetag",
             "widthratio", "ifchanged", "verbatim")
UNSAFE_FILTERS = ("safe", "safeseq")


def _sandbox_engine(string_if_invalid=""):
    library = Library()
    library.tags.update({name: defaulttags.register.tags[name] for name in SAFE_TAGS})
    library.filters.update({k: f for k, f in defaultfilters.register.filters.items() if k not in UNSAFE_FILTERS})
    engine = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=True,
                    string_if_invalid=string_if_invalid)
    engine.template_builtins = [library]
    return engine


WORDING_ENGINE = _sandbox_engine()
# For checking wording in the admin: unknown placeholders come out marked instead of empty.
_INVALID = "\u2063INVALID:%s\u2063"
CHECKING_ENGINE = _sandbox_engine(string_if_invalid=_INVALID)


@lru_cache(maxsize=64)
def _compiled(text: str, engine) -> Template:
    """Wording compiled once per process and text: an edit in the admin is new text, so it is never stale."""
    return Template(text, engine=engine)


def render_wording(text: str, values: dict, *, engine=WORDING_ENGINE) -> str:
    """Render staff wording in the sandbox; the result is HTML-escaped text. Raises TemplateSyntaxError."""
    return _compiled(text, engine).render(Context(values, autoescape=True))


def check_wording(text: str, values: dict) -> list[str]:
    """Problems with a piece of wording, in Indonesian, for the admin form: syntax errors and unknown placeholders."""
    try:
        out = render_wording(text, values, engine=CHECKING_ENGINE)
    except TemplateSyntaxError as exc:
        return [_("Penulisan templat tidak valid: %(error)s") % {"error": exc}]
    except (ArithmeticError, LookupError, TypeError, ValueError) as exc:  # a filter failing on data, e.g. divisibleby:0
        return [_("Templat gagal diterapkan pada data contoh: %(error)s") % {"error": exc}]
    unknown = sorted(set(re.findall("\u2063INVALID:(.*?)\u2063", out)))
    if unknown:
        return [_("Placeholder tidak dikenal: %(names)s. Periksa ejaannya pada daftar placeholder.")
                % {"names": ", ".join("{{ " + name + " }}" for name in unknown)}]
    return []


@dataclass
class Block:
    """A piece of the letter body: a paragraph (html) or a table of a person's data (rows)."""

    kind: str
    html: str = ""
    rows: tuple = ()


def _person_rows(p):
    rows = [(_("Nama"), p["nama"]), (p["label_nip"], p["nip"]), (_("Pangkat/golongan ruang"), p["pangkat"]),
            (_("Jabatan"), p["jabatan"])]
    return tuple((label, value) for label, value in rows if value)


def blocks(rendered: str, values: dict) -> list[Block]:
    """Split rendered wording into paragraphs (blank lines) and data tables (the table placeholders)."""
    tables = {
        EMPLOYEE_TABLE: (*_person_rows(values["pegawai"]), (_("Unit kerja"), values["pegawai"]["unit_kerja"])),
        SIGNER_TABLE: _person_rows(values["penandatangan"]),
    }
    out = []
    for chunk in re.split(r"\n\s*\n", rendered.strip()):
        for piece in _TABLE_MARKERS.split(chunk):
            if piece in tables:
                out.append(Block("table", rows=tables[piece]))
            elif piece.strip():
                # The wording engine escaped every value, so the text is safe HTML; keep single line breaks.
                lines = [line.strip() for line in piece.strip().splitlines()]
                out.append(Block("p", html=mark_safe("<br>".join(lines))))
    return out


# --- the letter as HTML --------------------------------------------------------------------------


def wording_for(kind: str):
    template = LetterTemplate.objects.filter(kind=kind).first() or LetterTemplate.objects.filter(kind=Service.Kind.GENERAL).first()
    if template is None:
        raise LookupError(f"No LetterTemplate for kind {kind!r} nor 'general'; add one in the admin.")
    return template


def leave_period(req) -> dict | None:
    """What a leave letter grants, as the verification page shows it beside the letter's own text:
    the dates and the length in words, e.g. 7 Desember 2026 s.d. 11 Desember 2026, "5 (lima) hari kerja"."""
    policy = req.leave_policy
    if policy is None or req.start_date is None or req.end_date is None:
        return None
    unit = LeavePolicy.Unit(req.duration_unit or policy.unit).label
    return {"start": long_date(req.start_date), "end": long_date(req.end_date),
            "length": amount_in_words(req.duration or 0, unit)}


def letter_title(req) -> str:
    if req.service.is_leave and req.leave_policy is not None:
        return _("SURAT IZIN %(leave)s") % {"leave": req.leave_policy.name.upper()}
    return (req.service.letter_title or _("SURAT KETERANGAN")).upper()


def letter_context(letter, *, wording=None, preview=False) -> dict:
    req = letter.request
    wording = wording or wording_for(req.service.kind)
    values = placeholders(letter)
    copies = render_wording(wording.copies_to, values)
    signer = values["penandatangan"]
    return {
        "letter": letter,
        "service": req.service,
        "title": letter_title(req),
        "number": letter.number,
        "place": settings.LETTER_PLACE,
        "place_date": f"{settings.LETTER_PLACE}, {long_date(letter.issued_at)}",
        "subject": req.service.name,
        "employee": values["pegawai"],
        "signer": signer,
        "signer_title": (signer["jabatan"] or _("Pejabat yang berwenang")).upper().rstrip(",") + ",",
        # Signing by mandate (DOMAIN.md §3.4): "a.n. WALI KOTA MEDAN" above the signer's own title.
        "on_behalf_of": on_behalf_of_line(letter.on_behalf_of),
        "body": blocks(render_wording(wording.body, values), values),
        "closing": blocks(render_wording(wording.closing, values), values),
        "copies": [line.strip() for line in copies.splitlines() if line.strip()],
        "kop": kop(),
        "qr": qr_data_uri(verification_url(letter.verification_code)),
        "verify_url": verification_url(letter.verification_code),
        "verify_home": settings.SITE_URL + reverse("requests_app:verify_lookup"),
        "verification_code": group_code(letter.verification_code),
        "preview": preview,
    }


def on_behalf_of_line(authority: str) -> str:
    """The mandate line of a signature block: "Wali Kota Medan" -> "a.n. WALI KOTA MEDAN"; "" when none."""
    authority = " ".join(authority.split()).rstrip(",")
    return f"a.n. {authority.upper()}" if authority else ""


def kop() -> dict:
    """The letterhead (DOMAIN.md §6): government, agency, address, contacts; the emblem if configured."""
    agency = settings.AGENCY_NAME
    # The first line already names the city, so the agency line drops a trailing "Kota Medan" as kops do.
    agency = re.sub(r"\s+kota\s+medan\s*$", "", agency, flags=re.IGNORECASE)
    site = re.sub(r"^https?://", "", settings.SITE_URL)
    return {
        "government": _("PEMERINTAH KOTA MEDAN"),
        "agency": agency.upper(),
        "address": settings.AGENCY_ADDRESS,
        "contacts": format_html_join(
            " \u00b7 ", "{} {}",
            [(label, value) for label, value in ((_("Telepon"), settings.AGENCY_PHONE), (_("Pos-el"), settings.AGENCY_EMAIL),
                                                 (_("Laman"), site)) if value],
        ),
        "emblem": emblem_data_uri(),
    }


@lru_cache(maxsize=1)
def emblem_data_uri() -> str:
    """settings.LETTER_EMBLEM_FILE (a local PNG or SVG) as a data: URI, or "" for the drawn placeholder."""
    path = settings.LETTER_EMBLEM_FILE
    if not path:
        return ""
    mime = mimetypes.guess_type(path)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(Path(path).read_bytes()).decode()}"


# The QR mask is fixed instead of searched. segno's search scores all eight masks in pure Python, which
# cost ~6 ms per letter (bench/letters.py): more than everything else the letter task does besides the
# render. Every mask decodes (the choice only avoids unlucky patterns, and level M corrects ~15 % damage);
# tests/requests_app/test_letter_qr.py decodes printed codes with zbar to prove it.
QR_MASK = 4


def qr_code(url: str):
    import segno

    return segno.make_qr(url, error="m", mask=QR_MASK)


def qr_data_uri(url: str) -> str:
    return qr_code(url).svg_data_uri(border=0, dark="#000")


def render_html(letter, *, wording=None, preview=False) -> str:
    """The complete HTML of a letter, always in Indonesian (it is an official document)."""
    with translation.override("id"):
        ctx = letter_context(letter, wording=wording, preview=preview)
        kind = letter.request.service.kind
        return render_to_string([f"letters/{kind}.html", "letters/general.html"], ctx)


# --- samples: the admin preview and `make samples` ---------------------------------------------------

SAMPLE_APPLICANT = {
    "full_name": "Ani Lestari, S.E.", "asn_type": "pns", "nip": "198609262015052001", "rank": "Penata (III/c)",
    "position": "Analis Sumber Daya Manusia Aparatur", "work_unit": "Dinas Pendidikan Kota Medan",
}
SAMPLE_SIGNER = {
    "full_name": "Dr. Gita Pratiwi, S.H., M.Si.", "asn_type": "pns", "nip": "197503122000032002",
    "rank": "Pembina Utama Muda (IV/c)",
    "position": "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
}
SAMPLE_DETAILS = {
    "purpose": "pengajuan kredit", "addressee": "PT Bank Sumut Cabang Medan",
    "reason": "Keperluan keluarga", "address": "Jl. Gatot Subroto No. 1, Medan",
}


def sample_letter(kind: str):
    """An unsaved letter of this kind with made-up people and fixed dates; nothing is written to the database."""
    from pelayanan.models import User

    from . import numbering

    service = Service.objects.filter(kind=kind).order_by("order").first() or Service(
        kind=kind, code="CONTOH", name=_("Layanan contoh"), letter_title=_("SURAT KETERANGAN"))
    req = ServiceRequest(code=f"{service.code}-26-CONTOH", service=service, applicant=User(**SAMPLE_APPLICANT),
                         status=ServiceRequest.Status.APPROVED, details=SAMPLE_DETAILS)
    if service.is_leave:
        req.leave_policy = LeavePolicy.objects.filter(asn_group="pns", code="tahunan").first() or LeavePolicy(
            asn_group="pns", code="tahunan", name="Cuti Tahunan", unit="working_days", max_length=24,
            classification_code="800.1.11.4")
        req.start_date, req.end_date = dt.date(2026, 12, 7), dt.date(2026, 12, 11)
        req.duration, req.duration_unit = 5, LeavePolicy.Unit.WORKING_DAYS
        kka = req.leave_policy.classification_code
    else:
        kka = service.classification_code or settings.LETTER_DEFAULT_CLASSIFICATION
    issued_at = timezone.make_aware(dt.datetime(2026, 11, 28, 10, 0))
    return Letter(request=req, signer=User(**SAMPLE_SIGNER), on_behalf_of=service.signed_on_behalf_of,
                  issued_at=issued_at, classification_code=kka,
                  year=2026, sequence=123, number=numbering.format_number(kka, 123, 2026, issued_at=issued_at),
                  verification_code="CONTOH234567", status=Letter.Status.ISSUED)


# --- HTML to PDF -----------------------------------------------------------------------------------

def font_config():
    """The process's one FontConfiguration, shared with the Standar Pelayanan PDF (pdf_standard.py)."""
    from .pdf_standard import font_config as shared

    return shared()


def pdf_from_html(html: str) -> bytes:
    """WeasyPrint, with nothing fetched from outside the document (only data: URIs are allowed)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(font_config=font_config())


def render_pdf(letter, *, wording=None, preview=False) -> bytes:
    return pdf_from_html(render_html(letter, wording=wording, preview=preview))


# --- the task's steps: claim, store, release --------------------------------------------------------


def stale_before(now=None):
    return (now or timezone.now()) - dt.timedelta(minutes=settings.LETTER_RESEND_AFTER_MINUTES)


def _relaxed_commit():
    """Let this transaction's commit skip the wait for the WAL flush. Only for the claim: if PostgreSQL
    crashed right after, the lost claim would merely let the letter be claimed again."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def claim_letter(request_id, *, now=None):
    """Take the request's letter for rendering, or return None when there is nothing to do.

    Nothing to do: no letter, already issued, failed (staff decide with "buat ulang surat"), the request
    is not approved, or another worker claimed it less than LETTER_RESEND_AFTER_MINUTES ago. An older
    claim belongs to a worker that died, and is taken over. The claim is one conditional UPDATE on the
    letter row, committed before rendering starts: of two copies of the task (redelivery, the sweep),
    the second waits for the first's row lock, finds the claim fresh and takes nothing.
    """
    now = now or timezone.now()
    claimable = (Q(status=Letter.Status.PENDING) | Q(status=Letter.Status.RENDERING, claimed_at__isnull=True)
                 | Q(status=Letter.Status.RENDERING, claimed_at__lte=stale_before(now)))
    approved = Exists(ServiceRequest.objects.filter(pk=OuterRef("request_id"), status=ServiceRequest.Status.APPROVED))
    with transaction.atomic():
        _relaxed_commit()
        claimed = Letter.objects.filter(claimable, approved, request_id=request_id).update(
            status=Letter.Status.RENDERING, claimed_at=now, attempts=F("attempts") + 1,
        )
    if not claimed:
        letter = Letter.objects.filter(request_id=request_id).values("status", "request__status").first()
        if letter is None:
            logger.warning("generate_letter: request %s has no letter", request_id)
        elif letter["request__status"] != ServiceRequest.Status.APPROVED and letter["status"] != Letter.Status.ISSUED:
            logger.warning("generate_letter: request %s is %s, not approved", request_id, letter["request__status"])
        return None
    return (Letter.objects.select_related("request__service", "request__applicant", "request__leave_policy", "signer")
            .get(request_id=request_id))


def store_pdf(letter, pdf: bytes) -> bool:
    """Store the PDF and issue the letter and the request in one transaction.

    Returns False, storing nothing, when our claim was taken over meanwhile (we were presumed dead):
    the UPDATE only matches while the letter still carries our claim, and its row lock makes a
    concurrent take-over wait or miss. A file written for a transaction that then fails is removed again.
    """
    from . import workflow

    storage = Letter.file.field.storage
    partial = letter.file.name  # a file an earlier attempt stored before it died, if any
    written = letter.file.field.generate_filename(letter, f"{letter.request.code}.pdf")
    written = storage.save(written, ContentFile(pdf))
    try:
        with transaction.atomic():
            issued = Letter.objects.filter(pk=letter.pk, status=Letter.Status.RENDERING, claimed_at=letter.claimed_at).update(
                file=written, sha256=hashlib.sha256(pdf).hexdigest(), status=Letter.Status.ISSUED, claimed_at=None,
                last_error="",
            )
            if issued:
                workflow.mark_letter_issued(letter.request, savepoint=False)  # a conditional UPDATE of the request
    except BaseException:
        storage.delete(written)
        raise
    if not issued:
        storage.delete(written)
        logger.warning("generate_letter: claim on %s was taken over; result discarded", letter.number)
        return False
    if partial and partial != written:
        storage.delete(partial)
    letter.file.name, letter.status, letter.claimed_at = written, Letter.Status.ISSUED, None
    return True


def release_claim(letter, *, error: str) -> None:
    """Give the letter back (pending) after a failed attempt, so the retry can claim it at once."""
    Letter.objects.filter(pk=letter.pk, status=Letter.Status.RENDERING, claimed_at=letter.claimed_at).update(
        status=Letter.Status.PENDING, claimed_at=None, last_error=error[:2000],
    )


def letters_to_resend(now=None):
    """Request ids whose letter is still pending, or stuck with a dead worker's claim, after the grace period."""
    cutoff = stale_before(now)
    pending = Letter.objects.filter(status=Letter.Status.PENDING, issued_at__lt=cutoff)
    stuck = Letter.objects.filter(status=Letter.Status.RENDERING, claimed_at__lt=cutoff)
    return list(
        (pending | stuck).filter(request__status=ServiceRequest.Status.APPROVED)
        .order_by("issued_at").values_list("request_id", flat=True)
    )
