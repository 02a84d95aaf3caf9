"""Leave (cuti) rules for PNS/CPNS and PPPK: who may take which leave, how long it is, the annual balance.

Legal stack (DOMAIN.md §2; check the texts on JDIH / peraturan.bpk.go.id before go-live):
- PNS and CPNS: PP 11/2017 (Manajemen PNS) Pasal 309-341, amended by PP 17/2020; procedure and forms:
  Peraturan BKN 24/2017 (Tata Cara Pemberian Cuti PNS), amended by Peraturan BKN 7/2021.
- PPPK: PP 49/2018 (Manajemen PPPK) and Peraturan BKN 7/2022 (Tata Cara Pemberian Cuti PPPK).
The numbers that may change (maximum length, unit, minimum years of service, entitlement, carry-over caps)
live in the staff-editable LeavePolicy rows, seeded by migration 0003; this module applies them. Rules the
DOMAIN file marks as uncertain are warnings, not refusals.

Interpretations the agency should confirm (⚠, also listed in the lead's report):
- Carry-over of cuti tahunan uses the days left at the end of the previous year, the expiring carried-in days
  being used first; at most (carry_cap_one_year - entitlement) days come over, or (carry_cap_two_years -
  entitlement) when no annual leave was taken in the two previous years (see annual_balance).
- Annual leave is charged to the year in which it starts.
- The portal has no leave history from before it went live (settings.LEAVE_HISTORY_START_YEAR): see
  annual_balance for how such years are counted.
"""

from __future__ import annotations

import calendar as stdcal
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pelayanan import identity
from pelayanan.models import User

from . import calendar
from .models import LeavePolicy, Service, ServiceRequest

ONE_DAY = dt.timedelta(days=1)

ANNUAL = "tahunan"
LONG = "besar"
SICK = "sakit"
MATERNITY = "melahirkan"
IMPORTANT_REASON = "alasan_penting"
UNPAID = "cltn"

Status = ServiceRequest.Status
USED_STATUSES = (Status.APPROVED, Status.LETTER_ISSUED)
PENDING_STATUSES = (Status.SUBMITTED, Status.WITH_SUPERVISOR, Status.IN_REVIEW, Status.REVISION)

# Portal rule, not a legal one: a sick employee often applies after the first days of illness, with the
# doctor's note in hand, so cuti sakit may start up to this many days before the day it is requested.
# All other leave must start today or later.
SICK_LEAVE_BACKDATE_DAYS = 14

# PP 11/2017 Pasal 320 and PP 49/2018 (DOMAIN.md §2.3/§2.5): sick leave of more than 14 days needs a
# certificate from a government doctor (dokter pemerintah).
SICK_LEAVE_GOVERNMENT_DOCTOR_AFTER = 14

# PP 11/2017 Pasal 315 (DOMAIN.md §2.3, marked ⚠): a further cuti besar only after 5 years since the last one.
LONG_LEAVE_INTERVAL_YEARS = 5


def _d(day: dt.date) -> str:
    return date_format(day, "j F Y")


# --------------------------------------------------------------------------- who gets which policies


def asn_group(user) -> str | None:
    """The LeavePolicy group of a user: CPNS follow the PNS rules (PP 11/2017 covers "PNS dan CPNS")."""
    if user.asn_type in (User.AsnType.PNS, User.AsnType.CPNS):
        return LeavePolicy.AsnGroup.PNS
    if user.asn_type == User.AsnType.PPPK:
        return LeavePolicy.AsnGroup.PPPK
    return None


def policies_for(user):
    """Active leave types the user may apply for: seven for PNS/CPNS (PP 11/2017 Pasal 310), four for PPPK
    (PP 49/2018; Peraturan BKN 7/2022: tahunan, sakit, melahirkan, bersama), none for non-ASN. Cuti bersama
    is not applied for: it is a non-working day in the calendar."""
    group = asn_group(user)
    if group is None:
        return LeavePolicy.objects.none()
    return LeavePolicy.objects.filter(asn_group=group, active=True).order_by("order", "pk")


# --------------------------------------------------------------------------- identity-derived facts


def _parsed_nip(user):
    if not user.nip or asn_group(user) is None:
        return None
    try:
        return identity.parse_nip(user.nip, pppk=user.asn_type == User.AsnType.PPPK)
    except ValidationError:
        return None


def appointment_date(user) -> dt.date | None:
    """TMT from the NIP: PNS/CPNS digits 9-14 are the CPNS TMT year and month, the day is always the 1st
    (Perka BKN 22/2007); a NI PPPK only holds the appointment year, so 1 January of it. None without a
    valid NIP."""
    parsed = _parsed_nip(user)
    if parsed is None:
        return None
    return dt.date(parsed.appointed_year, parsed.appointed_month or 1, 1)


def service_years(user, on: dt.date) -> int | None:
    """Full years of continuous service on a date, counted from the TMT in the NIP; None without a valid NIP.

    The NIP holds the first appointment as CPNS, so CPNS time counts, as PP 11/2017 requires for cuti
    tahunan ("PNS dan CPNS yang telah bekerja paling kurang 1 tahun secara terus menerus"). Breaks in
    service (CLTN is not counted as masa kerja) are not visible to the portal.
    """
    start = appointment_date(user)
    if start is None:
        return None
    if on < start:
        return 0
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def gender(user) -> str | None:
    """identity.FEMALE or MALE from NIP digit 15, else from the NIK (day + 40 for women); None if unknown."""
    parsed = _parsed_nip(user)
    if parsed is not None:
        return parsed.gender
    if user.nik:
        try:
            return identity.parse_nik(user.nik).gender
        except ValidationError:
            return None
    return None


# --------------------------------------------------------------------------- length of a leave


def _add_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic; the last day of a month stays the last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = stdcal.monthrange(year, month)[1]
    if day.day == stdcal.monthrange(day.year, day.month)[1]:
        return dt.date(year, month, last)
    return dt.date(year, month, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    """Months from start to end inclusive, a started month counting as a whole one.

    A period of m months from `start` ends on the day before the same date m months later: 1 March to
    31 May 2026 is 3 months, 15 January to 14 April is 3 months, 1 March to 1 June is 4 (the started fourth
    month counts whole), 10 to 20 March is 1. Rounding up matters for the maxima: a leave whose maximum is
    3 months may not run one day past 3 months.
    """
    if end < start:
        return 0
    before = start - ONE_DAY
    months = max(1, (end.year - start.year) * 12 + end.month - start.month)
    while months > 1 and _add_months(before, months - 1) >= end:
        months -= 1
    while _add_months(before, months) < end:
        months += 1
    return months


def leave_length(policy: LeavePolicy, start: dt.date, end: dt.date) -> int:
    """Length of [start, end] in the policy's unit (DOMAIN.md §2.6): working days leave out weekends,
    national holidays and cuti bersama (so cuti bersama never uses up cuti tahunan, PP 11/2017 Pasal 333);
    calendar days count every day; months and years round a started period up to a whole one."""
    if end < start:
        return 0
    unit = policy.unit
    if unit == LeavePolicy.Unit.WORKING_DAYS:
        return calendar.working_days_between(start, end)
    if unit == LeavePolicy.Unit.CALENDAR_DAYS:
        return (end - start).days + 1
    months = months_between(start, end)
    if unit == LeavePolicy.Unit.MONTHS:
        return months
    if unit == LeavePolicy.Unit.YEARS:
        return -(-months // 12)
    raise ValueError(f"Unknown leave unit {unit!r}")


def unit_label(unit: str) -> str:
    return str(LeavePolicy.Unit(unit).label)


# --------------------------------------------------------------------------- annual leave balance


@dataclass
class YearRecord:
    """One line of "Catatan Cuti" (BKN form, section V): the annual-leave position of one year."""

    year: int
    entitlement: int = 0  # the year's own right (0 before 1 year of service or in a cuti besar year)
    carried: int = 0  # brought over from earlier years
    used: int = 0  # approved or issued annual leave starting in that year
    pending: int = 0  # annual leave starting in that year still being processed
    remaining: int = 0  # entitlement + carried - used, never below 0: the form's "sisa"
    recorded: bool = True  # False: before the portal's history and no leave request in the portal that year
    long_leave: bool = False  # took cuti besar that year
    note: str = ""  # Indonesian keterangan for the form

    @property
    def total(self) -> int:
        return self.entitlement + self.carried


@dataclass
class AnnualBalance:
    year: int
    entitlement: int = 0
    carried: int = 0
    used: int = 0
    pending: int = 0
    available: int = 0  # entitlement + carried - used (what is left after approved leave)
    years: list[YearRecord] = field(default_factory=list)  # N-2, N-1, N for "Catatan Cuti"
    long_leave: bool = False  # cuti besar in this year: no annual leave (see annual_balance)
    unit: str = LeavePolicy.Unit.WORKING_DAYS

    @property
    def total(self) -> int:
        return self.entitlement + self.carried

    @property
    def requestable(self) -> int:
        """What a new request may still use: available minus requests already in process."""
        return max(0, self.available - self.pending)


def _leave_rows(user, *, exclude_request=None, until_year=None):
    rows = (
        ServiceRequest.objects.filter(applicant=user, service__kind=Service.Kind.LEAVE, start_date__isnull=False)
        .exclude(status=Status.DRAFT)
        .select_related("leave_policy")
    )
    if until_year is not None:
        rows = rows.filter(start_date__year__lte=until_year)
    exclude_pk = getattr(exclude_request, "pk", exclude_request)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return list(rows)


def _working_days(row) -> int:
    if row.duration is not None and row.duration_unit in ("", LeavePolicy.Unit.WORKING_DAYS):
        return row.duration
    return calendar.working_days_between(row.start_date, row.end_date or row.start_date)


def annual_balance(user, year: int, *, exclude_request=None) -> AnnualBalance:
    """The cuti tahunan position of a user in a year, with N-2, N-1 and N for the form's "Catatan Cuti".

    Rules (PNS: PP 11/2017 Pasal 310-314 and Peraturan BKN 24/2017 jo. 7/2021; PPPK: PP 49/2018 Pasal 78-81
    and Peraturan BKN 7/2022; numbers from the LeavePolicy row "tahunan"):
    - Entitlement: annual_entitlement (12 hari kerja) in every year at whose end the employee has
      min_service_years (1) of continuous service ("telah bekerja paling kurang 1 tahun secara terus
      menerus"); none in earlier years.
    - Carry-over, normal case: the days left at the end of N-1 (carried-in days are used first, being the ones
      that expire), at most carry_cap_one_year (18) - entitlement = 6 ("paling lama 18 hari kerja termasuk
      cuti tahunan dalam tahun berjalan").
    - Carry-over when no annual leave at all was taken in N-1 and N-2 (and the employee was entitled in
      both): the rights of both years, at most carry_cap_two_years (24) - entitlement = 12 ("tidak digunakan
      2 tahun atau lebih berturut-turut ... paling lama 24 hari kerja termasuk ... tahun berjalan").
    - Cuti besar: "PNS yang menggunakan hak atas cuti besar tidak berhak atas cuti tahunan dalam tahun yang
      bersangkutan" (PP 11/2017, cuti besar section; BKN via okezone, DOMAIN.md §2.3): a year in which an
      approved cuti besar starts has no annual leave, carried days included.
    - Cuti bersama never reduces the balance: it is a non-working day, so a leave across it does not count it
      (PP 11/2017 Pasal 333(3)).
    - used = approved or issued (letter_issued) annual leave starting in the year, in hari kerja;
      pending = submitted / with supervisor / in review / revision, reported apart; drafts do not count.

    No history before the portal (a documented portal rule, not a legal one): a year before
    settings.LEAVE_HISTORY_START_YEAR in which the user has no leave request in the portal counts as
    "annual leave fully used", so it carries nothing over and does not trigger the 24-day rule. Otherwise
    every employee would start with 24 days. Staff who know better (e.g. a paper record of leave not taken)
    can raise this with the lead: there is no carry-over override model yet.

    Not modelled (⚠): days added for staff who had to work during cuti bersama; penangguhan (deferral) by
    the PYBMC, whose days carry over up to 24; PPPK carry-over limited to contracts longer than 2 / 3 years
    (Peraturan BKN 7/2022; the portal does not know the contract length); the extra 12 (PNS) / 6 (PPPK)
    calendar days for remote places.
    """
    balance = AnnualBalance(year=year)
    policy = policies_for(user).filter(code=ANNUAL).first()
    first_day = appointment_date(user)
    if policy is None or first_day is None:
        balance.years = [YearRecord(year=y, note=_("Belum berhak")) for y in (year - 2, year - 1, year)]
        return balance
    balance.unit = policy.unit

    history_start = getattr(settings, "LEAVE_HISTORY_START_YEAR", 2026)
    rows = _leave_rows(user, exclude_request=exclude_request, until_year=year)
    recorded_years = {row.start_date.year for row in rows}
    long_leave_years = {row.start_date.year for row in rows if row.leave_policy and row.leave_policy.code == LONG
                        and row.status in USED_STATUSES}
    used: dict[int, int] = {}
    pending: dict[int, int] = {}
    for row in rows:
        if not row.leave_policy or row.leave_policy.code != ANNUAL:
            continue
        bucket = used if row.status in USED_STATUSES else pending if row.status in PENDING_STATUSES else None
        if bucket is not None:
            bucket[row.start_date.year] = bucket.get(row.start_date.year, 0) + _working_days(row)

    # Walk forward from the first year that can hold data; before it, nothing can be carried.
    # Years before the TMT hold no right, so the walk starts at the TMT at the earliest, but always covers N-2.
    first_year = min(year - 2, max(first_day.year, min([history_start, *recorded_years])))
    one_year_carry = max(0, policy.carry_cap_one_year - policy.annual_entitlement)
    two_year_carry = max(0, policy.carry_cap_two_years - policy.annual_entitlement)
    records: dict[int, YearRecord] = {}
    for y in range(first_year, year + 1):
        rec = YearRecord(year=y, used=used.get(y, 0), pending=pending.get(y, 0))
        rec.recorded = y >= history_start or y in recorded_years
        rec.long_leave = y in long_leave_years
        years_served = service_years(user, dt.date(y, 12, 31)) or 0
        if years_served < policy.min_service_years:
            rec.note = _("Belum berhak (masa kerja kurang dari %(n)s tahun)") % {"n": policy.min_service_years}
        elif rec.long_leave:
            rec.note = _("Mengambil cuti besar: tidak ada hak cuti tahunan")
        else:
            rec.entitlement = policy.annual_entitlement
            prev1, prev2 = records.get(y - 1), records.get(y - 2)
            if (prev1 and prev2 and prev1.recorded and prev2.recorded and prev1.entitlement and prev2.entitlement
                    and not prev1.used and not prev2.used):
                rec.carried = min(prev1.entitlement + prev2.entitlement, two_year_carry)
            elif prev1 and prev1.recorded:
                rec.carried = min(prev1.remaining, prev1.entitlement, one_year_carry)
        rec.remaining = max(0, rec.total - rec.used)
        if not rec.recorded:
            # Unknown year: nothing carries out of it (see docstring).
            rec.remaining = 0
            if rec.entitlement:
                rec.note = _("Tidak ada data cuti di portal; dianggap telah digunakan")
        records[y] = rec

    current = records[year]
    balance.entitlement = current.entitlement
    balance.carried = current.carried
    balance.used = current.used
    balance.pending = current.pending
    balance.available = max(0, current.total - current.used)
    balance.long_leave = current.long_leave
    balance.years = [records.get(y) or YearRecord(year=y, note=_("Belum berhak")) for y in (year - 2, year - 1, year)]
    return balance


# --------------------------------------------------------------------------- checking a request


@dataclass
class LeaveCheck:
    """The outcome of check_request: errors refuse the request, warnings are shown and kept."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    length: int | None = None
    unit: str = ""
    balance: AnnualBalance | None = None  # set for cuti tahunan

    # The form field each error belongs to (None: the request as a whole), so the form shows it there.
    error_fields: list[str | None] = field(default_factory=list)

    def refuse(self, message: str, field_name: str | None = None) -> None:
        self.errors.append(message)
        self.error_fields.append(field_name)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit) if self.unit else ""


def check_request(user, policy: LeavePolicy, start: dt.date, end: dt.date, *, today: dt.date | None = None,
                  exclude_request=None, hajj: bool = False, due: dt.date | None = None) -> LeaveCheck:
    """Check a leave request against the rules; messages are Indonesian and state the rule.

    `exclude_request` (a ServiceRequest or pk) is left out of the overlap and balance checks, for a request
    being edited or decided. `hajj=True` says a cuti besar is for the first pilgrimage to Mecca, which lifts
    the 5-year service requirement. `due`: the date the agency's time limit ends for this request (for a
    draft, as if sent today), to warn when the leave would start before the letter may be ready.
    """
    today = today or timezone.localdate()
    result = LeaveCheck(unit=policy.unit)
    group = asn_group(user)
    # PP 11/2017 Pasal 310 (PNS/CPNS, seven types) and PP 49/2018 / Peraturan BKN 7/2022 (PPPK, four types).
    if group is None:
        result.refuse(_("Izin cuti hanya dapat diajukan oleh PNS, CPNS atau PPPK."))
        return result
    if policy.asn_group != group or not policy.active:
        result.refuse(_("%(name)s tidak tersedia untuk %(status)s.") % {
            "name": policy.name, "status": user.get_asn_type_display()}, "leave_policy")
        return result
    if end < start:
        result.refuse(_("Tanggal selesai cuti tidak boleh sebelum tanggal mulai."), "end_date")
        return result

    length = result.length = leave_length(policy, start, end)
    unit = unit_label(policy.unit)
    _check_start(result, policy, start, today)
    _check_service(result, user, policy, start, hajj)

    # Peraturan BKN 24/2017: cuti tahunan "paling sedikit 1 hari kerja"; the same for any leave counted in
    # working days (a range of only weekends and holidays is no leave at all).
    if policy.unit == LeavePolicy.Unit.WORKING_DAYS and length < 1:
        result.refuse(_("Tanggal %(start)s s.d. %(end)s tidak memuat hari kerja (Sabtu, Minggu, libur nasional "
                        "dan cuti bersama tidak dihitung). Cuti paling sedikit 1 hari kerja.")
                      % {"start": _d(start), "end": _d(end)}, "start_date")
    # Maximum per request, from LeavePolicy.max_length: tahunan 24 hari kerja incl. carry-over (Peraturan BKN
    # 24/2017); besar 3 bulan (PP 11/2017 Pasal 315); sakit 1 tahun for PNS (PP 11/2017 Pasal 321, extendable
    # 6 months on a tim penguji kesehatan certificate) and 1 bulan for PPPK (PP 49/2018); melahirkan 3 bulan
    # (PP 11/2017 Pasal 325-327, PP 49/2018); alasan penting 1 bulan (PP 11/2017 Pasal 328-332); CLTN 3 tahun
    # (PP 11/2017 Pasal 334 ff.).
    if length > policy.max_length:
        result.refuse(_("%(name)s paling lama %(max)s %(unit)s; yang diajukan %(length)s %(unit)s.") % {
            "name": policy.name, "max": policy.max_length, "unit": unit, "length": length}, "end_date")

    if policy.code == ANNUAL:
        _check_annual(result, user, policy, start, end, exclude_request)
    elif policy.code == LONG:
        _check_long(result, user, start, exclude_request)
    elif policy.code == SICK:
        _check_sick(result, policy, length)
    elif policy.code == MATERNITY:
        _check_maternity(result, user, group)
    elif policy.code == UNPAID:
        # PP 11/2017 Pasal 334 ff.: granted by the PPK after BKN approval, not delegable; no salary; the
        # period does not count as masa kerja; the PNS leaves the jabatan.
        result.warnings.append(_("Cuti di luar tanggungan negara ditetapkan setelah mendapat persetujuan Kepala BKN. "
                                 "Selama cuti Anda tidak menerima penghasilan PNS, diberhentikan dari jabatan, dan masa "
                                 "cuti tidak dihitung sebagai masa kerja."))

    _check_overlap(result, user, start, end, exclude_request)
    if due is not None and today <= start < due:
        result.warnings.append(_("Cuti dimulai %(start)s, sebelum batas waktu layanan (%(due)s): surat izin mungkin "
                                 "belum terbit saat cuti dimulai. Ajukan lebih awal bila bisa, atau hubungi BKPSDM bila "
                                 "mendesak.") % {"start": _d(start), "due": _d(due)})
    return result


def _check_start(result, policy, start, today):
    # Portal rule (see SICK_LEAVE_BACKDATE_DAYS): leave is asked for before it starts, except sick leave.
    if policy.code == SICK:
        earliest = today - dt.timedelta(days=SICK_LEAVE_BACKDATE_DAYS)
        if start < earliest:
            result.refuse(_("Cuti sakit dapat diajukan paling lambat %(days)s hari setelah hari pertama sakit: "
                            "tanggal mulai paling awal %(date)s.")
                          % {"days": SICK_LEAVE_BACKDATE_DAYS, "date": _d(earliest)}, "start_date")
    elif start < today:
        result.refuse(_("Cuti harus diajukan sebelum dijalankan: tanggal mulai paling awal hari ini, %(date)s.")
                      % {"date": _d(today)}, "start_date")


def _check_service(result, user, policy, start, hajj):
    # Minimum continuous service, from LeavePolicy.min_service_years: tahunan 1 year (PP 11/2017 Pasal 310-314;
    # PP 49/2018 Pasal 78 for PPPK); besar 5 years, except for the first hajj (PP 11/2017 Pasal 315 and
    # Peraturan BKN 24/2017); CLTN 5 years (PP 11/2017 Pasal 334 ff.).
    needed = policy.min_service_years
    if not needed:
        return
    if policy.code == LONG and hajj:
        result.warnings.append(_("Cuti besar untuk menunaikan ibadah haji pertama dapat diberikan walaupun masa kerja "
                                 "belum 5 tahun. Lampirkan jadwal keberangkatan (kloter) dari penyelenggara haji."))
        return
    years = service_years(user, start)
    if years is None:
        result.refuse(_("Masa kerja tidak dapat dihitung karena NIP/NI PPPK di profil Anda tidak valid. "
                        "Perbaiki NIP di profil terlebih dahulu."))
    elif years < needed:
        result.refuse(_("%(name)s hanya dapat diberikan setelah bekerja paling sedikit %(needed)s tahun secara "
                        "terus-menerus. Dihitung dari TMT %(tmt)s pada NIP, masa kerja Anda pada %(start)s "
                        "baru %(years)s tahun.")
                      % {"name": policy.name, "needed": needed, "tmt": date_format(appointment_date(user), "F Y"),
                         "start": _d(start), "years": years}, "leave_policy")


def _check_annual(result, user, policy, start, end, exclude_request):
    balance = result.balance = annual_balance(user, start.year, exclude_request=exclude_request)
    if balance.long_leave:
        # PP 11/2017 (cuti besar): no cuti tahunan in the year of a cuti besar.
        result.refuse(_("Anda menjalankan cuti besar pada tahun %(year)s, sehingga tidak berhak atas cuti "
                        "tahunan pada tahun tersebut.") % {"year": start.year}, "leave_policy")
        return
    if result.length and balance.entitlement and result.length > balance.requestable:
        message = _("Lama cuti yang diajukan (%(length)s hari kerja) melebihi sisa cuti tahunan %(year)s, yaitu "
                    "%(available)s hari kerja.") % {"length": result.length, "year": start.year,
                                                   "available": balance.requestable}
        if balance.pending:
            message += " " + _("Sisa tersebut sudah dikurangi %(pending)s hari kerja pada permohonan cuti tahunan lain "
                               "yang masih diproses.") % {"pending": balance.pending}
        result.refuse(message, "end_date")
    if end.year != start.year:
        result.warnings.append(_("Cuti ini melewati pergantian tahun; seluruh lamanya dihitung dari hak cuti tahunan "
                                 "%(year)s.") % {"year": start.year})
    # Peraturan BKN 7/2022 (DOMAIN.md §2.5): a PPPK may carry days over only with a contract longer than
    # 2 years (18 days) or 3 years (24 days); the portal cannot see the contract.
    if (policy.asn_group == LeavePolicy.AsnGroup.PPPK and balance.carried
            and balance.used + balance.pending + (result.length or 0) > balance.entitlement):
        result.warnings.append(_("Permohonan ini memakai sisa cuti tahun sebelumnya. Bagi PPPK, sisa cuti hanya dapat "
                                 "dipakai bila masa perjanjian kerja lebih dari 2 tahun (sampai 18 hari kerja) atau lebih "
                                 "dari 3 tahun (sampai 24 hari kerja); petugas akan memeriksa perjanjian kerja Anda."))
    rows = _leave_rows(user, exclude_request=exclude_request, until_year=start.year)
    if any(r.leave_policy and r.leave_policy.code == LONG and r.start_date.year == start.year
           and r.status in PENDING_STATUSES for r in rows):
        result.warnings.append(_("Anda juga mengajukan cuti besar pada tahun %(year)s. Bila cuti besar disetujui, hak "
                                 "cuti tahunan tahun itu hapus.") % {"year": start.year})


def _check_long(result, user, start, exclude_request):
    rows = _leave_rows(user, exclude_request=exclude_request, until_year=start.year)
    annual = sum(_working_days(r) for r in rows if r.leave_policy and r.leave_policy.code == ANNUAL
                 and r.start_date.year == start.year and r.status in USED_STATUSES + PENDING_STATUSES)
    if annual:
        # PP 11/2017 (cuti besar): no cuti tahunan in the year of a cuti besar.
        result.warnings.append(_("Anda sudah menggunakan atau mengajukan %(days)s hari kerja cuti tahunan pada tahun "
                                 "%(year)s. PNS yang menjalankan cuti besar tidak berhak atas cuti tahunan pada tahun "
                                 "yang sama; pejabat yang berwenang akan memperhitungkannya.")
                               % {"days": annual, "year": start.year})
    # ⚠ DOMAIN.md §2.3: a further cuti besar only 5 years after the previous one (not confirmed: a warning).
    limit = _add_months(start, -12 * LONG_LEAVE_INTERVAL_YEARS)
    previous = [r for r in rows if r.leave_policy and r.leave_policy.code == LONG and r.status in USED_STATUSES
                and r.start_date > limit]
    if previous:
        result.warnings.append(_("Anda pernah menjalankan cuti besar mulai %(date)s. Cuti besar berikutnya pada umumnya "
                                 "baru dapat diberikan setelah lewat %(years)s tahun.")
                               % {"date": _d(max(r.start_date for r in previous)), "years": LONG_LEAVE_INTERVAL_YEARS})


def _check_sick(result, policy, length):
    # PP 11/2017 Pasal 320 (PNS), PP 49/2018 (PPPK): more than 14 days needs a government doctor's certificate.
    days = length if policy.unit == LeavePolicy.Unit.CALENDAR_DAYS else None
    if days is not None and days > SICK_LEAVE_GOVERNMENT_DOCTOR_AFTER:
        result.warnings.append(_("Cuti sakit lebih dari %(days)s hari memerlukan surat keterangan dari dokter pemerintah.")
                               % {"days": SICK_LEAVE_GOVERNMENT_DOCTOR_AFTER})


def _check_maternity(result, user, group):
    # PP 11/2017 Pasal 325-327 (PNS) and PP 49/2018 / Peraturan BKN 7/2022 (PPPK): cuti melahirkan is the
    # mother's leave. The fourth and later births of a PNS take cuti besar instead; the portal cannot know
    # the number of births, so it says so rather than refusing.
    sex = gender(user)
    if sex == identity.MALE:
        message = _("Cuti melahirkan hanya dapat diberikan kepada pegawai perempuan.")
        if group == LeavePolicy.AsnGroup.PNS:
            # Peraturan BKN 24/2017: a husband whose wife gives birth takes cuti karena alasan penting.
            message += " " + _("Pegawai laki-laki yang istrinya melahirkan dapat mengajukan cuti karena alasan penting.")
        result.refuse(message, "leave_policy")
        return
    if sex is None:
        result.warnings.append(_("Jenis kelamin tidak dapat dipastikan dari NIP atau NIK; petugas akan memeriksanya."))
    if group == LeavePolicy.AsnGroup.PNS:
        result.warnings.append(_("Cuti melahirkan diberikan untuk persalinan pertama sampai ketiga selama menjadi "
                                 "PNS/CPNS. Untuk persalinan keempat dan seterusnya, ajukan cuti besar."))
    else:
        result.warnings.append(_("Cuti melahirkan PPPK diberikan untuk persalinan pertama sampai ketiga selama menjadi "
                                 "PPPK."))


def _check_overlap(result, user, start, end, exclude_request):
    # One person cannot be on two leaves at once: any leave request still in process or approved blocks the days.
    clash = (
        ServiceRequest.objects.filter(applicant=user, service__kind=Service.Kind.LEAVE,
                                      status__in=USED_STATUSES + PENDING_STATUSES,
                                      start_date__lte=end, end_date__gte=start)
        .select_related("leave_policy")
        .order_by("start_date")
    )
    exclude_pk = getattr(exclude_request, "pk", exclude_request)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    for other in clash:
        result.refuse(_("Tanggal cuti bertabrakan dengan permohonan %(code)s (%(name)s, %(start)s s.d. %(end)s, "
                        "status %(status)s).")
                      % {"code": other.code, "name": other.leave_policy.name if other.leave_policy else "",
                         "start": _d(other.start_date), "end": _d(other.end_date),
                         "status": other.get_status_display()}, "start_date")
