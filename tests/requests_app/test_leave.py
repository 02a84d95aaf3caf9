"""Leave rules (PP 11/2017, Peraturan BKN 24/2017 jo. 7/2021, PP 49/2018, Peraturan BKN 7/2022) on real 2026 dates.

"Today" is Monday 2 March 2026, 09.00 WIB, unless a test says otherwise. The `pns` persona
(NIP 19851205 201505 1 001) is a man appointed CPNS in May 2015.
"""

import datetime as dt

import pytest
import time_machine

from pelayanan.models import User
from requests_app import leave
from requests_app.models import LeavePolicy
from tests.factories import UserFactory, make_leave_request

pytestmark = pytest.mark.django_db
D = dt.date
WIB = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=WIB), tick=False):
        yield D(2026, 3, 2)


def policy(group, code):
    return LeavePolicy.objects.get(asn_group=group, code=code)


@pytest.fixture
def pns(db):
    return UserFactory(email="pns@example.id", full_name="Bambang Siregar", nik="1271050512850001",
                       nip="198512052015051001")


@pytest.fixture
def woman(db):
    return UserFactory(email="sari@example.id", full_name="Sari Nasution", nik="1271054512850002",
                       nip="198512052015052002")


@pytest.fixture
def new_cpns(db):
    """Appointed CPNS in June 2025: one year of service on 1 June 2026."""
    return UserFactory(email="cpns@example.id", full_name="Rizki Lubis", asn_type="cpns", nik="1271050101950003",
                       nip="199501012025061003")


@pytest.fixture
def young_pns(db):
    """Appointed in March 2023: less than 5 years of service in 2026."""
    return UserFactory(email="muda@example.id", full_name="Dewi Harahap", nik="1271054107960004",
                       nip="199607012023032004")


@pytest.fixture
def pppk(db):
    """NI PPPK of a woman appointed in 2021 (positions 13-14 are not a month)."""
    return UserFactory(email="pppk@example.id", full_name="Maya Sitepu", asn_type="pppk", nik="1271055309900005",
                       nip="199009132021212001")


# --------------------------------------------------------------------------- policies_for


def test_policies_for_pns_and_cpns_are_the_six_requestable_pns_types(pns, new_cpns):
    codes = ["tahunan", "besar", "sakit", "melahirkan", "alasan_penting", "cltn"]
    assert list(leave.policies_for(pns).values_list("code", flat=True)) == codes
    assert list(leave.policies_for(new_cpns).values_list("code", flat=True)) == codes
    assert {p.asn_group for p in leave.policies_for(pns)} == {"pns"}


def test_policies_for_pppk_are_only_tahunan_sakit_melahirkan(pppk):
    assert list(leave.policies_for(pppk).values_list("code", flat=True)) == ["tahunan", "sakit", "melahirkan"]
    assert {p.asn_group for p in leave.policies_for(pppk)} == {"pppk"}


def test_policies_for_a_non_asn_is_empty(citizen):
    assert not leave.policies_for(citizen).exists()


def test_policies_for_leaves_out_inactive_policies(pns):
    LeavePolicy.objects.filter(asn_group="pns", code="cltn").update(active=False)
    assert "cltn" not in leave.policies_for(pns).values_list("code", flat=True)


# --------------------------------------------------------------------------- service_years


def test_service_years_of_a_pns_count_from_the_tmt_month_in_the_nip(pns):
    assert leave.appointment_date(pns) == D(2015, 5, 1)
    assert leave.service_years(pns, D(2026, 4, 30)) == 10
    assert leave.service_years(pns, D(2026, 5, 1)) == 11
    assert leave.service_years(pns, D(2015, 4, 30)) == 0


def test_service_years_of_a_pppk_count_from_1_january_of_the_appointment_year(pppk):
    assert leave.appointment_date(pppk) == D(2021, 1, 1)
    assert leave.service_years(pppk, D(2025, 12, 31)) == 4
    assert leave.service_years(pppk, D(2026, 1, 1)) == 5


def test_service_years_is_none_without_a_valid_nip(citizen):
    broken = UserFactory(email="rusak@example.id", nip="198609262015131001")  # month 13
    empty = UserFactory(email="kosong@example.id", nip="")
    assert leave.service_years(broken, D(2026, 3, 2)) is None
    assert leave.service_years(empty, D(2026, 3, 2)) is None
    assert leave.service_years(citizen, D(2026, 3, 2)) is None


# --------------------------------------------------------------------------- leave_length


def test_length_in_working_days_leaves_out_cuti_bersama_and_holidays():
    annual = policy("pns", "tahunan")
    # Mon 16 - Fri 20 March 2026: only 16 and 17 March are working days (Nyepi/Idulfitri from the 18th).
    assert leave.leave_length(annual, D(2026, 3, 16), D(2026, 3, 20)) == 2
    # Imlek: cuti bersama on Monday 16 Feb and the holiday on Tuesday 17 Feb.
    assert leave.leave_length(annual, D(2026, 2, 16), D(2026, 2, 20)) == 3
    assert leave.leave_length(annual, D(2026, 12, 21), D(2026, 12, 31)) == 7


def test_length_in_calendar_days_counts_every_day():
    assert leave.leave_length(policy("pns", "sakit"), D(2026, 3, 16), D(2026, 3, 29)) == 14


def test_length_in_months_rounds_a_started_month_up():
    besar = policy("pns", "besar")
    assert leave.leave_length(besar, D(2026, 3, 1), D(2026, 5, 31)) == 3
    assert leave.leave_length(besar, D(2026, 3, 1), D(2026, 6, 1)) == 4
    assert leave.leave_length(besar, D(2026, 1, 15), D(2026, 4, 14)) == 3
    assert leave.leave_length(besar, D(2026, 1, 15), D(2026, 4, 15)) == 4
    assert leave.leave_length(besar, D(2026, 3, 10), D(2026, 3, 20)) == 1
    assert leave.leave_length(besar, D(2026, 1, 31), D(2026, 2, 28)) == 1
    assert leave.leave_length(besar, D(2026, 11, 2), D(2027, 2, 1)) == 3


def test_length_in_years_rounds_a_started_year_up():
    cltn = policy("pns", "cltn")
    assert leave.leave_length(cltn, D(2026, 4, 1), D(2029, 3, 31)) == 3
    assert leave.leave_length(cltn, D(2026, 4, 1), D(2029, 4, 1)) == 4
    assert leave.leave_length(cltn, D(2026, 4, 1), D(2026, 4, 30)) == 1


def test_length_is_zero_when_the_end_is_before_the_start():
    assert leave.leave_length(policy("pns", "tahunan"), D(2026, 3, 10), D(2026, 3, 9)) == 0


# --------------------------------------------------------------------------- annual_balance


def test_balance_in_the_first_portal_year_is_12_days_without_carry_over(pns):
    balance = leave.annual_balance(pns, 2026)

    assert (balance.entitlement, balance.carried, balance.used, balance.pending, balance.available) == (12, 0, 0, 0, 12)
    assert [r.year for r in balance.years] == [2024, 2025, 2026]
    assert [r.recorded for r in balance.years] == [False, False, True]
    assert balance.years[1].note == "Tidak ada data cuti di portal; dianggap telah digunakan"
    assert balance.years[2].remaining == 12


def test_balance_counts_approved_and_issued_leave_and_reports_pending_apart(pns):
    make_leave_request(pns, "tahunan", D(2026, 2, 2), D(2026, 2, 6), status="approved")  # 5 days
    make_leave_request(pns, "tahunan", D(2026, 3, 16), D(2026, 3, 20), status="letter_issued")  # 2 (Nyepi block)
    make_leave_request(pns, "tahunan", D(2026, 4, 6), D(2026, 4, 7), status="with_supervisor")  # 2 pending
    make_leave_request(pns, "tahunan", D(2026, 4, 13), D(2026, 4, 17), status="rejected")
    make_leave_request(pns, "tahunan", D(2026, 4, 20), D(2026, 4, 24), status="cancelled")
    make_leave_request(pns, "tahunan", D(2026, 4, 27), D(2026, 4, 30), status="draft")
    make_leave_request(pns, "sakit", D(2026, 5, 4), D(2026, 5, 8), status="approved")

    balance = leave.annual_balance(pns, 2026)

    assert (balance.used, balance.pending, balance.available, balance.requestable) == (7, 2, 5, 3)


def test_balance_can_leave_out_the_request_being_edited(pns):
    pending = make_leave_request(pns, "tahunan", D(2026, 4, 6), D(2026, 4, 7), status="submitted")

    assert leave.annual_balance(pns, 2026).pending == 2
    assert leave.annual_balance(pns, 2026, exclude_request=pending).pending == 0
    assert leave.annual_balance(pns, 2026, exclude_request=pending.pk).pending == 0


def test_up_to_6_unused_days_carry_over_to_18(pns):
    make_leave_request(pns, "tahunan", D(2026, 2, 2), D(2026, 2, 6))  # 5 used, 7 left

    balance = leave.annual_balance(pns, 2027)

    assert (balance.entitlement, balance.carried, balance.available) == (12, 6, 18)
    assert [(r.year, r.used, r.remaining) for r in balance.years] == [(2025, 0, 0), (2026, 5, 7), (2027, 0, 18)]


def test_fewer_unused_days_carry_over_as_they_are(pns):
    make_leave_request(pns, "tahunan", D(2026, 2, 2), D(2026, 2, 13))  # 10 used, 2 left

    assert leave.annual_balance(pns, 2027).carried == 2
    assert leave.annual_balance(pns, 2027).available == 14


def test_two_years_without_annual_leave_give_24_days(pns):
    make_leave_request(pns, "sakit", D(2026, 3, 2), D(2026, 3, 3))

    assert leave.annual_balance(pns, 2027).available == 18
    balance = leave.annual_balance(pns, 2028)
    assert (balance.carried, balance.available) == (12, 24)


def test_carry_over_uses_the_days_left_after_carried_days(pns):
    # 2027: 12 + 6 carried; 8 days used, the 6 carried ones first, so 10 own days are left -> 6 carry to 2028.
    make_leave_request(pns, "tahunan", D(2026, 2, 2), D(2026, 2, 6))
    make_leave_request(pns, "tahunan", D(2027, 2, 8), D(2027, 2, 17))  # 8 working days
    assert leave.annual_balance(pns, 2027).used == 8
    assert leave.annual_balance(pns, 2028).carried == 6


def test_years_before_the_portal_count_as_used_unless_the_user_has_a_request_then(pns, settings):
    assert leave.annual_balance(pns, 2026).carried == 0

    # A 2025 leave request in the portal makes 2025 a known year: its 12 days were not used.
    make_leave_request(pns, "sakit", D(2025, 10, 6), D(2025, 10, 7))
    assert leave.annual_balance(pns, 2026).carried == 6

    # With history from 2024, two unused years give the full 24.
    settings.LEAVE_HISTORY_START_YEAR = 2024
    assert leave.annual_balance(pns, 2026).available == 24


def test_cuti_besar_removes_the_annual_leave_of_that_year(pns):
    make_leave_request(pns, "besar", D(2026, 4, 1), D(2026, 6, 30))

    balance = leave.annual_balance(pns, 2026)
    assert (balance.long_leave, balance.entitlement, balance.carried, balance.available) == (True, 0, 0, 0)
    assert balance.years[2].note == "Mengambil cuti besar: tidak ada hak cuti tahunan"
    assert leave.annual_balance(pns, 2027).available == 12


def test_no_entitlement_before_one_year_of_service(new_cpns):
    assert leave.annual_balance(new_cpns, 2025).available == 0
    assert leave.annual_balance(new_cpns, 2025).years[2].note == "Belum berhak (masa kerja kurang dari 1 tahun)"
    assert leave.annual_balance(new_cpns, 2026).available == 12
    assert leave.annual_balance(new_cpns, 2027).available == 18


def test_no_balance_without_asn_status_or_valid_nip(citizen):
    broken = UserFactory(email="rusak@example.id", nip="12345")
    for user in (citizen, broken):
        balance = leave.annual_balance(user, 2026)
        assert (balance.entitlement, balance.available) == (0, 0)
        assert [r.year for r in balance.years] == [2024, 2025, 2026]


def test_pppk_has_12_days_a_year(pppk):
    assert leave.annual_balance(pppk, 2026).available == 12


# --------------------------------------------------------------------------- check_request: general rules


def test_a_valid_annual_request_passes_with_its_length(pns):
    check = leave.check_request(pns, policy("pns", "tahunan"), D(2026, 3, 9), D(2026, 3, 13))

    assert check.ok and check.errors == [] and check.warnings == []
    assert (check.length, check.unit, check.unit_label) == (5, "working_days", "hari kerja")
    assert check.balance.available == 12


def test_a_non_asn_cannot_request_leave(citizen):
    check = leave.check_request(citizen, policy("pns", "tahunan"), D(2026, 3, 9), D(2026, 3, 13))
    assert check.errors == ["Izin cuti hanya dapat diajukan oleh PNS, CPNS atau PPPK."]


def test_a_pppk_cannot_request_a_pns_only_leave(pppk):
    check = leave.check_request(pppk, policy("pns", "besar"), D(2026, 4, 1), D(2026, 6, 30))
    assert check.errors == ["Cuti Besar tidak tersedia untuk PPPK."]
    check = leave.check_request(pppk, policy("pns", "tahunan"), D(2026, 3, 9), D(2026, 3, 13))
    assert check.errors == ["Cuti Tahunan tidak tersedia untuk PPPK."]


def test_an_inactive_policy_is_refused(pns):
    LeavePolicy.objects.filter(asn_group="pns", code="cltn").update(active=False)
    check = leave.check_request(pns, policy("pns", "cltn"), D(2026, 4, 1), D(2027, 3, 31))
    assert check.errors == ["Cuti di Luar Tanggungan Negara tidak tersedia untuk PNS."]


def test_the_end_may_not_be_before_the_start(pns):
    check = leave.check_request(pns, policy("pns", "tahunan"), D(2026, 3, 13), D(2026, 3, 9))
    assert check.errors == ["Tanggal selesai cuti tidak boleh sebelum tanggal mulai."]
    assert check.length is None


def test_leave_cannot_start_in_the_past_but_may_start_today(pns):
    check = leave.check_request(pns, policy("pns", "tahunan"), D(2026, 2, 27), D(2026, 3, 3))
    assert check.errors == ["Cuti harus diajukan sebelum dijalankan: tanggal mulai paling awal hari ini, 2 Maret 2026."]
    assert leave.check_request(pns, policy("pns", "tahunan"), D(2026, 3, 2), D(2026, 3, 3)).ok


def test_a_leave_starting_before_the_time_limit_ends_is_warned_not_refused(pns):
    # Today is Monday 2 March 2026; the time limit would end on Monday 9 March.
    early = leave.check_request(pns, policy("pns", "tahunan"), D(2026, 3, 4), D(2026, 3, 5), due=D(2026, 3, 9))
    assert early.ok
    assert early.warnings == ["Cuti dimulai 4 Maret 2026, sebelum batas waktu layanan (9 Maret 2026): surat izin mungkin "
                              "belum terbit saat cuti dimulai. Ajukan lebih awal bila bisa, atau hubungi BKPSDM bila "
                              "mendesak."]
    later = leave.check_request(pns, policy("pns", "tahunan"), D(2026, 3, 9), D(2026, 3, 10), due=D(2026, 3, 9))
    assert later.ok and later.warnings == []
    # Sick leave written after the fact: no warning about a start already past.
    sick = leave.check_request(pns, policy("pns", "sakit"), D(2026, 2, 26), D(2026, 2, 27), due=D(2026, 3, 9))
    assert not any("batas waktu layanan" in w for w in sick.warnings)


def test_sick_leave_may_be_backdated_14_days(pns):
    sick = policy("pns", "sakit")
    assert leave.check_request(pns, sick, D(2026, 2, 16), D(2026, 3, 1)).ok
    check = leave.check_request(pns, sick, D(2026, 2, 15), D(2026, 3, 1))
    assert check.errors == ["Cuti sakit dapat diajukan paling lambat 14 hari setelah hari pertama sakit: "
                            "tanggal mulai paling awal 16 Februari 2026."]


def test_today_can_be_passed_explicitly(pns):
    check = leave.check_request(pns, policy("pns", "tahunan"), D(2026, 3, 9), D(2026, 3, 9), today=D(2026, 3, 10))
    assert "tanggal mulai paling awal hari ini, 10 Maret 2026" in check.errors[0]


def test_a_range_without_working_days_is_refused(pns):
    annual = policy("pns", "tahunan")
    for start, end in [(D(2026, 3, 21), D(2026, 3, 22)), (D(2026, 3, 18), D(2026, 3, 24))]:
        check = leave.check_request(pns, annual, start, end)
        assert check.length == 0
        assert any("tidak memuat hari kerja" in e and "paling sedikit 1 hari kerja" in e for e in check.errors)


# --------------------------------------------------------------------------- check_request: service years


def test_annual_leave_needs_one_year_of_service(new_cpns):
    annual = policy("pns", "tahunan")
    check = leave.check_request(new_cpns, annual, D(2026, 3, 9), D(2026, 3, 13))
    assert check.errors == ["Cuti Tahunan hanya dapat diberikan setelah bekerja paling sedikit 1 tahun secara "
                            "terus-menerus. Dihitung dari TMT Juni 2025 pada NIP, masa kerja Anda pada 9 Maret 2026 "
                            "baru 0 tahun."]
    assert leave.check_request(new_cpns, annual, D(2026, 6, 8), D(2026, 6, 12)).ok


def test_cuti_besar_needs_five_years_unless_for_the_first_hajj(pns, young_pns):
    besar = policy("pns", "besar")
    assert leave.check_request(pns, besar, D(2026, 4, 1), D(2026, 6, 30)).ok

    check = leave.check_request(young_pns, besar, D(2026, 4, 1), D(2026, 6, 30))
    assert len(check.errors) == 1
    assert "paling sedikit 5 tahun" in check.errors[0] and "baru 3 tahun" in check.errors[0]

    check = leave.check_request(young_pns, besar, D(2026, 4, 1), D(2026, 6, 30), hajj=True)
    assert check.ok
    assert any("ibadah haji pertama" in w and "jadwal keberangkatan" in w for w in check.warnings)


def test_cltn_needs_five_years_and_lasts_at_most_three_years(pns, young_pns):
    cltn = policy("pns", "cltn")
    check = leave.check_request(young_pns, cltn, D(2026, 4, 1), D(2027, 3, 31))
    assert "Cuti di Luar Tanggungan Negara hanya dapat diberikan setelah bekerja paling sedikit 5 tahun" in check.errors[0]

    check = leave.check_request(pns, cltn, D(2026, 4, 1), D(2027, 3, 31))
    assert check.ok
    assert any("persetujuan Kepala BKN" in w and "tidak dihitung sebagai masa kerja" in w for w in check.warnings)

    check = leave.check_request(pns, cltn, D(2026, 4, 1), D(2029, 4, 1))
    assert check.errors == ["Cuti di Luar Tanggungan Negara paling lama 3 tahun; yang diajukan 4 tahun."]


def test_without_a_valid_nip_service_years_cannot_be_checked():
    user = UserFactory(email="rusak@example.id", nip="198609262015131001")
    check = leave.check_request(user, policy("pns", "tahunan"), D(2026, 3, 9), D(2026, 3, 13))
    assert "NIP/NI PPPK di profil Anda tidak valid" in check.errors[0]


# --------------------------------------------------------------------------- check_request: maximum length


def test_maximum_length_per_policy(pns, woman, pppk):
    cases = [
        (pns, policy("pns", "sakit"), D(2026, 3, 2), D(2027, 3, 2), "Cuti Sakit paling lama 365 hari kalender; yang diajukan 366 hari kalender."),
        (pppk, policy("pppk", "sakit"), D(2026, 3, 2), D(2026, 4, 1), "Cuti Sakit paling lama 30 hari kalender; yang diajukan 31 hari kalender."),
        (pns, policy("pns", "alasan_penting"), D(2026, 3, 2), D(2026, 4, 2), "Cuti Karena Alasan Penting paling lama 1 bulan; yang diajukan 2 bulan."),
        (woman, policy("pns", "melahirkan"), D(2026, 4, 1), D(2026, 7, 1), "Cuti Melahirkan paling lama 3 bulan; yang diajukan 4 bulan."),
        (pns, policy("pns", "besar"), D(2026, 4, 1), D(2026, 7, 1), "Cuti Besar paling lama 3 bulan; yang diajukan 4 bulan."),
    ]
    for user, pol, start, end, message in cases:
        assert message in leave.check_request(user, pol, start, end).errors, message

    assert leave.check_request(pns, policy("pns", "alasan_penting"), D(2026, 3, 2), D(2026, 4, 1)).ok
    assert leave.check_request(woman, policy("pns", "melahirkan"), D(2026, 4, 1), D(2026, 6, 30)).ok


# --------------------------------------------------------------------------- check_request: annual balance


def test_annual_leave_may_not_exceed_what_is_left_after_approved_and_pending_requests(pns):
    make_leave_request(pns, "tahunan", D(2026, 2, 2), D(2026, 2, 6))  # 5 approved
    make_leave_request(pns, "tahunan", D(2026, 3, 16), D(2026, 3, 20), status="letter_issued")  # 2 approved
    make_leave_request(pns, "tahunan", D(2026, 4, 6), D(2026, 4, 7), status="in_review")  # 2 pending
    annual = policy("pns", "tahunan")

    check = leave.check_request(pns, annual, D(2026, 5, 4), D(2026, 5, 7))
    assert check.errors == [
        "Lama cuti yang diajukan (4 hari kerja) melebihi sisa cuti tahunan 2026, yaitu 3 hari kerja. "
        "Sisa tersebut sudah dikurangi 2 hari kerja pada permohonan cuti tahunan lain yang masih diproses."
    ]
    assert leave.check_request(pns, annual, D(2026, 5, 4), D(2026, 5, 6)).ok
    # Over Ascension (14 May) and its cuti bersama (15 May): Mon-Fri is only 3 working days.
    assert leave.check_request(pns, annual, D(2026, 5, 11), D(2026, 5, 15)).ok


def test_annual_leave_of_13_days_exceeds_a_first_year_balance(pns):
    check = leave.check_request(pns, policy("pns", "tahunan"), D(2026, 4, 6), D(2026, 4, 22))
    assert check.length == 13
    assert check.errors == ["Lama cuti yang diajukan (13 hari kerja) melebihi sisa cuti tahunan 2026, yaitu 12 hari kerja."]


def test_the_request_being_edited_does_not_count_against_itself(pns):
    own = make_leave_request(pns, "tahunan", D(2026, 4, 6), D(2026, 4, 17), status="submitted")  # 10 days
    annual = policy("pns", "tahunan")

    assert not leave.check_request(pns, annual, D(2026, 4, 6), D(2026, 4, 17)).ok
    assert leave.check_request(pns, annual, D(2026, 4, 6), D(2026, 4, 17), exclude_request=own).ok


def test_no_annual_leave_in_a_year_with_cuti_besar(pns):
    make_leave_request(pns, "besar", D(2026, 6, 1), D(2026, 8, 31))
    check = leave.check_request(pns, policy("pns", "tahunan"), D(2026, 3, 9), D(2026, 3, 13))
    assert check.errors == ["Anda menjalankan cuti besar pada tahun 2026, sehingga tidak berhak atas cuti tahunan pada "
                            "tahun tersebut."]


def test_annual_leave_over_new_year_is_charged_to_the_start_year(pns):
    check = leave.check_request(pns, policy("pns", "tahunan"), D(2026, 12, 28), D(2027, 1, 8))
    assert check.ok
    assert check.length == 8  # 28-31 Dec, 4-8 Jan minus 1 and 5 Jan 2027
    assert "seluruh lamanya dihitung dari hak cuti tahunan 2026" in check.warnings[0]


def test_annual_leave_warns_about_a_pending_cuti_besar_in_the_same_year(pns):
    make_leave_request(pns, "besar", D(2026, 9, 1), D(2026, 11, 30), status="with_supervisor")
    check = leave.check_request(pns, policy("pns", "tahunan"), D(2026, 3, 9), D(2026, 3, 13))
    assert check.ok
    assert check.warnings == ["Anda juga mengajukan cuti besar pada tahun 2026. Bila cuti besar disetujui, hak cuti "
                              "tahunan tahun itu hapus."]


def test_a_pppk_using_carried_days_is_told_about_the_contract_condition(pppk, settings):
    settings.LEAVE_HISTORY_START_YEAR = 2025
    annual = policy("pppk", "tahunan")
    assert leave.annual_balance(pppk, 2026).available == 18

    assert leave.check_request(pppk, annual, D(2026, 3, 9), D(2026, 3, 13)).warnings == []
    check = leave.check_request(pppk, annual, D(2026, 4, 6), D(2026, 4, 22))  # 13 days
    assert check.ok
    assert any("masa perjanjian kerja lebih dari 2 tahun" in w for w in check.warnings)


# --------------------------------------------------------------------------- check_request: cuti besar


def test_cuti_besar_warns_about_annual_leave_already_taken_that_year(pns):
    make_leave_request(pns, "tahunan", D(2026, 2, 2), D(2026, 2, 6))
    check = leave.check_request(pns, policy("pns", "besar"), D(2026, 9, 1), D(2026, 11, 30))
    assert check.ok
    assert "sudah menggunakan atau mengajukan 5 hari kerja cuti tahunan pada tahun 2026" in check.warnings[0]


def test_cuti_besar_warns_when_the_previous_one_is_less_than_five_years_ago(pns):
    make_leave_request(pns, "besar", D(2022, 4, 1), D(2022, 6, 30))
    check = leave.check_request(pns, policy("pns", "besar"), D(2026, 9, 1), D(2026, 11, 30))
    assert check.ok
    assert check.warnings == ["Anda pernah menjalankan cuti besar mulai 1 April 2022. Cuti besar berikutnya pada "
                              "umumnya baru dapat diberikan setelah lewat 5 tahun."]
    assert leave.check_request(pns, policy("pns", "besar"), D(2027, 4, 5), D(2027, 6, 30)).warnings == []


# --------------------------------------------------------------------------- check_request: sick and maternity leave


def test_sick_leave_over_14_days_asks_for_a_government_doctor(pns):
    sick = policy("pns", "sakit")
    assert leave.check_request(pns, sick, D(2026, 3, 2), D(2026, 3, 15)).warnings == []
    check = leave.check_request(pns, sick, D(2026, 3, 2), D(2026, 3, 16))
    assert check.ok
    assert check.warnings == ["Cuti sakit lebih dari 14 hari memerlukan surat keterangan dari dokter pemerintah."]


def test_maternity_leave_is_refused_to_a_man_with_a_pointer_to_cuti_alasan_penting(pns):
    check = leave.check_request(pns, policy("pns", "melahirkan"), D(2026, 4, 1), D(2026, 6, 30))
    assert check.errors == ["Cuti melahirkan hanya dapat diberikan kepada pegawai perempuan. Pegawai laki-laki yang "
                            "istrinya melahirkan dapat mengajukan cuti karena alasan penting."]


def test_maternity_leave_for_a_woman_warns_about_the_fourth_birth(woman, pppk):
    check = leave.check_request(woman, policy("pns", "melahirkan"), D(2026, 4, 1), D(2026, 6, 30))
    assert check.ok
    assert check.warnings == ["Cuti melahirkan diberikan untuk persalinan pertama sampai ketiga selama menjadi PNS/CPNS. "
                              "Untuk persalinan keempat dan seterusnya, ajukan cuti besar."]

    check = leave.check_request(pppk, policy("pppk", "melahirkan"), D(2026, 4, 1), D(2026, 6, 30))
    assert check.ok
    assert check.warnings == ["Cuti melahirkan PPPK diberikan untuk persalinan pertama sampai ketiga selama menjadi PPPK."]


def test_gender_falls_back_to_the_nik_and_warns_when_unknown():
    by_nik = UserFactory(email="nik@example.id", nip="198609262015131001", nik="1271056609860009")
    assert leave.gender(by_nik) == "P"
    assert leave.check_request(by_nik, policy("pns", "melahirkan"), D(2026, 4, 1), D(2026, 6, 30)).ok

    unknown = UserFactory(email="anon@example.id", nip="", nik="")
    check = leave.check_request(unknown, policy("pns", "melahirkan"), D(2026, 4, 1), D(2026, 6, 30))
    assert check.ok
    assert "Jenis kelamin tidak dapat dipastikan dari NIP atau NIK; petugas akan memeriksanya." in check.warnings


# --------------------------------------------------------------------------- check_request: overlap


def test_leave_may_not_overlap_another_open_or_approved_leave(pns, other_applicant):
    taken = make_leave_request(pns, "tahunan", D(2026, 3, 9), D(2026, 3, 13), status="approved")
    make_leave_request(pns, "tahunan", D(2026, 3, 16), D(2026, 3, 17), status="rejected")
    make_leave_request(pns, "tahunan", D(2026, 3, 25), D(2026, 3, 26), status="cancelled")
    make_leave_request(other_applicant, "tahunan", D(2026, 3, 9), D(2026, 3, 27), status="approved")
    sick = policy("pns", "sakit")

    check = leave.check_request(pns, sick, D(2026, 3, 12), D(2026, 3, 27))
    assert check.errors == [f"Tanggal cuti bertabrakan dengan permohonan {taken.code} (Cuti Tahunan, 9 Maret 2026 s.d. "
                            "13 Maret 2026, status Disetujui)."]
    assert leave.check_request(pns, sick, D(2026, 3, 12), D(2026, 3, 27), exclude_request=taken).ok
    assert leave.check_request(pns, sick, D(2026, 3, 14), D(2026, 3, 27)).ok


def test_a_pending_leave_blocks_its_days_too(pns):
    pending = make_leave_request(pns, "alasan_penting", D(2026, 3, 9), D(2026, 3, 11), status="with_supervisor")
    check = leave.check_request(pns, policy("pns", "tahunan"), D(2026, 3, 11), D(2026, 3, 11))
    assert check.errors == [f"Tanggal cuti bertabrakan dengan permohonan {pending.code} (Cuti Karena Alasan Penting, "
                            "9 Maret 2026 s.d. 11 Maret 2026, status Menunggu Pertimbangan Atasan)."]


def test_cpns_follow_the_pns_policies(new_cpns):
    assert new_cpns.asn_type == User.AsnType.CPNS
    assert leave.asn_group(new_cpns) == "pns"
