"""Indonesian identity numbers: NIK, NIP (PNS/CPNS) and NI PPPK.

Rules and sources: ../shared/DOMAIN.md §1.
- NIP: Perka BKN 22/2007 and 43/2007, layout YYYYMMDD YYYYMM G NNN (18 digits).
- NI PPPK: 18 digits, YYYYMMDD YYYY CC G NNN; positions 13-14 are not a month.
- NIK: UU 23/2006 jo. 24/2013, layout PP KK CC DDMMYY SSSS, women's day + 40.
There is no checksum, so a well-formed number may still not exist; only BKN or
Dukcapil can confirm that. What DOMAIN.md calls a warning is returned in
`warnings`, never raised.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Province codes (Kepmendagri 300.2.2-2138/2025; BPS two-digit codes).
PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
    "31", "32", "33", "34", "35", "36", "51", "52", "53",
    "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
    "81", "82", "91", "92", "93", "94", "95", "96", "97",
}
MALE, FEMALE = "L", "P"


@dataclass
class ParsedNumber:
    digits: str
    birth_date: dt.date
    gender: str
    warnings: list = field(default_factory=list)
    appointed_year: int | None = None
    appointed_month: int | None = None
    region: str = ""


def digits_only(value: str) -> str:
    """Drop spaces, dots and dashes people type between digit groups."""
    return re.sub(r"[\s.\-]", "", value or "")


def _date_or_error(year, month, day, message):
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(message, code="invalid_date") from None


def parse_nik(value: str, *, today: dt.date | None = None) -> ParsedNumber:
    today = today or timezone.localdate()  # Asia/Jakarta, not the server's UTC date
    d = digits_only(value)
    if not re.fullmatch(r"[0-9]{16}", d):  # ASCII only: \d would also accept Arabic-Indic and other digits
        raise ValidationError(_("NIK harus terdiri dari 16 angka."), code="length")
    if d[:2] not in PROVINCE_CODES:
        raise ValidationError(_("Dua angka pertama NIK bukan kode provinsi yang dikenal."), code="province")
    day, month, yy = int(d[6:8]), int(d[8:10]), int(d[10:12])
    gender = FEMALE if day > 40 else MALE
    if day > 40:
        day -= 40
    # Two-digit year: the most recent year not after today.
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    born = _date_or_error(year, month, day, _("Tanggal lahir di dalam NIK (angka ke-7 s.d. 12) tidak valid."))
    if born > today:
        born = born.replace(year=born.year - 100)
    if d[12:] == "0000":
        raise ValidationError(_("Nomor urut NIK (4 angka terakhir) tidak boleh 0000."), code="sequence")
    return ParsedNumber(digits=d, birth_date=born, gender=gender, region=d[:4])


def parse_nip(value: str, *, pppk: bool = False, today: dt.date | None = None) -> ParsedNumber:
    """Parse a NIP (PNS/CPNS) or, with pppk=True, a NI PPPK."""
    today = today or timezone.localdate()  # Asia/Jakarta, not the server's UTC date
    label = _("NI PPPK") if pppk else _("NIP")
    d = digits_only(value)
    if not re.fullmatch(r"[0-9]{18}", d):
        raise ValidationError(_("%(label)s harus terdiri dari 18 angka.") % {"label": label}, code="length")
    born = _date_or_error(
        int(d[0:4]), int(d[4:6]), int(d[6:8]),
        _("Tanggal lahir di dalam %(label)s (angka ke-1 s.d. 8) tidak valid.") % {"label": label},
    )
    if born > today:
        raise ValidationError(_("Tanggal lahir di dalam %(label)s ada di masa depan.") % {"label": label})
    year, code = int(d[8:12]), int(d[12:14])
    if not 1950 <= year <= today.year:
        raise ValidationError(_("Tahun pengangkatan di dalam %(label)s (angka ke-9 s.d. 12) tidak masuk akal.") % {"label": label})
    month = None
    if not pppk:
        if not 1 <= code <= 12:
            raise ValidationError(_("Bulan TMT di dalam NIP (angka ke-13 s.d. 14) harus 01 s.d. 12."), code="tmt_month")
        month = code
        if (year, month) > (today.year, today.month):
            raise ValidationError(_("TMT di dalam NIP ada di masa depan."))
    if year <= born.year:
        raise ValidationError(_("Tahun pengangkatan di dalam %(label)s harus setelah tahun lahir.") % {"label": label})
    if d[14] not in "12":
        raise ValidationError(_("Angka ke-15 %(label)s (jenis kelamin) harus 1 atau 2.") % {"label": label}, code="gender")
    if d[15:] == "000":
        raise ValidationError(_("Nomor urut %(label)s (3 angka terakhir) tidak boleh 000.") % {"label": label}, code="sequence")
    parsed = ParsedNumber(
        digits=d, birth_date=born, gender=MALE if d[14] == "1" else FEMALE,
        appointed_year=year, appointed_month=month,
    )
    if _age_at_appointment(born, year, month) < 18:
        parsed.warnings.append(_("Usia saat pengangkatan menurut %(label)s kurang dari 18 tahun; mohon periksa kembali.") % {"label": label})
    return parsed


def _age_at_appointment(born: dt.date, year: int, month: int | None) -> int:
    """Completed years at TMT. A PNS TMT is the 1st of its month; a NI PPPK only carries the year,
    so take its last day and warn only when the person was under 18 even then."""
    tmt = dt.date(year, month, 1) if month else dt.date(year, 12, 31)
    return tmt.year - born.year - ((tmt.month, tmt.day) < (born.month, born.day))


def cross_check(nik: ParsedNumber, nip: ParsedNumber) -> list[str]:
    """Warnings for a NIK and NIP that disagree. Never a refusal: a wrong date in a NIK is permanent by law."""
    warnings = []
    if nik.birth_date != nip.birth_date:
        warnings.append(_("Tanggal lahir di NIK berbeda dengan di NIP. Ini bisa sah, tetapi mohon periksa kembali."))
    if nik.gender != nip.gender:
        warnings.append(_("Jenis kelamin menurut NIK berbeda dengan menurut NIP; mohon periksa kembali."))
    return warnings


def format_nip(digits: str) -> str:
    """Group a NIP as 8-6-1-3 for display: 19860926 201505 1 001."""
    if len(digits or "") != 18:
        return digits or ""
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def mask(digits: str, visible: int = 4) -> str:
    """Hide all but the last `visible` digits (UU PDP: show the least needed)."""
    if not digits:
        return ""
    return "•" * max(len(digits) - visible, 0) + digits[-visible:]


def validate_nik(value):
    parse_nik(value)


def validate_nip(value):
    parse_nip(value)


def validate_ni_pppk(value):
    parse_nip(value, pppk=True)
