"""pelayanan.identity on real-shaped NIK, NIP and NI PPPK (DOMAIN.md §1)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pelayanan import identity

TODAY = dt.date(2026, 11, 28)

# A Medan resident born 12 March 1988 (man) and 23 July 1995 (woman: day + 40).
NIK_MAN = "1271051203880002"
NIK_WOMAN = "1271106307950001"
# A PNS born 12 March 1988, TMT CPNS March 2014, man, sequence 002.
NIP_PNS = "198803122014031002"
# The NI PPPK paruh waktu quoted in DOMAIN.md §1.2: born 13 Sep 1990, 2025, code 24, woman.
NI_PPPK = "199009132025242014"


def _error(func, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        func(*args, today=TODAY, **kwargs)
    return exc.value


# --- NIK ---------------------------------------------------------------------------------


def test_nik_of_a_man_gives_birth_date_gender_and_region():
    parsed = identity.parse_nik(NIK_MAN, today=TODAY)
    assert (parsed.digits, parsed.birth_date, parsed.gender, parsed.region) == (
        NIK_MAN, dt.date(1988, 3, 12), identity.MALE, "1271",
    )
    assert parsed.warnings == []


def test_nik_of_a_woman_has_forty_added_to_the_day():
    parsed = identity.parse_nik(NIK_WOMAN, today=TODAY)
    assert parsed.birth_date == dt.date(1995, 7, 23)
    assert parsed.gender == identity.FEMALE


def test_nik_day_41_is_the_first_of_the_month_for_a_woman():
    assert identity.parse_nik("1271054101000001", today=TODAY).birth_date == dt.date(2000, 1, 1)


@pytest.mark.parametrize("typed", ["1271 0512 0388 0002", "1271.0512.0388.0002", "1271-0512-0388-0002", " 1271051203880002 "])
def test_nik_accepts_the_separators_people_type(typed):
    assert identity.parse_nik(typed, today=TODAY).digits == NIK_MAN


@pytest.mark.parametrize("value", ["127105120388000", "12710512038800021", "", "12710512O3880002", "1271051203880A02"])
def test_nik_must_be_sixteen_digits(value):
    error = _error(identity.parse_nik, value)
    assert error.code == "length"
    assert error.messages == ["NIK harus terdiri dari 16 angka."]


def test_nik_refuses_non_ascii_digits():
    arabic_indic = NIK_MAN.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert _error(identity.parse_nik, arabic_indic).code == "length"


@pytest.mark.parametrize("nik", [
    "1271053102880002",  # 31 February
    "1271057102880002",  # 31 February for a woman (71 - 40)
    "1271053503880002",  # day 35: neither a man's day nor a woman's
    "1271051213880002",  # month 13
    "1271050003880002",  # day 00
    "1271052902890002",  # 29 February 1989 is not a leap day
])
def test_nik_with_an_impossible_birth_date_is_refused(nik):
    error = _error(identity.parse_nik, nik)
    assert error.code == "invalid_date"
    assert error.messages == ["Tanggal lahir di dalam NIK (angka ke-7 s.d. 12) tidak valid."]


def test_nik_leap_day_is_accepted():
    assert identity.parse_nik("1271052902880002", today=TODAY).birth_date == dt.date(1988, 2, 29)


@pytest.mark.parametrize("nik", ["9971051203880002", "1071051203880002", "0071051203880002"])
def test_nik_with_an_unknown_province_is_refused(nik):
    error = _error(identity.parse_nik, nik)
    assert error.code == "province"
    assert "kode provinsi" in error.messages[0]


def test_nik_sequence_0000_is_refused():
    error = _error(identity.parse_nik, "1271051203880000")
    assert error.code == "sequence"
    assert error.messages == ["Nomor urut NIK (4 angka terakhir) tidak boleh 0000."]


@pytest.mark.parametrize("nik,born", [
    ("1271051203050002", dt.date(2005, 3, 12)),  # 05: this century
    ("1271051212260002", dt.date(1926, 12, 12)),  # 26 but after today: a hundred years ago
    ("1271052011260002", dt.date(2026, 11, 20)),  # 26 and already past: a baby of this year
])
def test_nik_two_digit_year_is_the_most_recent_year_not_after_today(nik, born):
    assert identity.parse_nik(nik, today=TODAY).birth_date == born


def test_validate_nik_raises_for_the_model_field():
    identity.validate_nik(NIK_MAN)
    with pytest.raises(ValidationError):
        identity.validate_nik("1271053102880002")


# --- NIP (PNS/CPNS) ----------------------------------------------------------------------


def test_nip_gives_birth_date_tmt_and_gender():
    parsed = identity.parse_nip(NIP_PNS, today=TODAY)
    assert parsed.digits == NIP_PNS
    assert parsed.birth_date == dt.date(1988, 3, 12)
    assert (parsed.appointed_year, parsed.appointed_month) == (2014, 3)
    assert parsed.gender == identity.MALE
    assert parsed.warnings == []


def test_nip_written_in_its_display_groups_is_accepted():
    assert identity.parse_nip("19880312 201403 1 002", today=TODAY).digits == NIP_PNS


@pytest.mark.parametrize("value", ["19880312201403100", "1988031220140310021", "19880312201403100X", "NIP198803122014031"])
def test_nip_must_be_eighteen_digits(value):
    error = _error(identity.parse_nip, value)
    assert error.code == "length"
    assert error.messages == ["NIP harus terdiri dari 18 angka."]


def test_nip_with_an_impossible_birth_date_is_refused():
    error = _error(identity.parse_nip, "198802302014031002")  # 30 February
    assert error.code == "invalid_date"
    assert error.messages == ["Tanggal lahir di dalam NIP (angka ke-1 s.d. 8) tidak valid."]


def test_nip_tmt_month_13_is_refused_for_a_pns():
    error = _error(identity.parse_nip, "198803122014131002")
    assert error.code == "tmt_month"
    assert error.messages == ["Bulan TMT di dalam NIP (angka ke-13 s.d. 14) harus 01 s.d. 12."]


def test_nip_tmt_month_00_is_refused_for_a_pns():
    assert _error(identity.parse_nip, "198803122014001002").code == "tmt_month"


def test_ni_pppk_from_domain_md_is_valid_but_not_as_a_pns_nip():
    parsed = identity.parse_nip(NI_PPPK, pppk=True, today=TODAY)
    assert parsed.birth_date == dt.date(1990, 9, 13)
    assert parsed.appointed_year == 2025
    assert parsed.appointed_month is None  # positions 13-14 are not a month for PPPK
    assert parsed.gender == identity.FEMALE
    assert _error(identity.parse_nip, NI_PPPK).code == "tmt_month"


def test_ni_pppk_allows_code_13_in_positions_13_and_14():
    assert identity.parse_nip("199009132025132014", pppk=True, today=TODAY).appointed_year == 2025
    identity.validate_ni_pppk("199009132025132014")
    with pytest.raises(ValidationError):
        identity.validate_nip("199009132025132014")


def test_ni_pppk_messages_name_the_ni_pppk():
    error = _error(identity.parse_nip, "1990091320252420", pppk=True)
    assert error.messages == ["NI PPPK harus terdiri dari 18 angka."]


@pytest.mark.parametrize("digit", ["0", "3", "9"])
def test_nip_gender_digit_must_be_1_or_2(digit):
    error = _error(identity.parse_nip, f"19880312201403{digit}002")
    assert error.code == "gender"
    assert error.messages == ["Angka ke-15 NIP (jenis kelamin) harus 1 atau 2."]


def test_nip_sequence_000_is_refused():
    error = _error(identity.parse_nip, "198803122014031000")
    assert error.code == "sequence"
    assert error.messages == ["Nomor urut NIP (3 angka terakhir) tidak boleh 000."]


@pytest.mark.parametrize("nip", ["199009131989031001", "199009131990101001"])
def test_nip_tmt_before_or_in_the_birth_year_is_refused(nip):
    assert _error(identity.parse_nip, nip).messages == ["Tahun pengangkatan di dalam NIP harus setelah tahun lahir."]


def test_nip_tmt_in_the_future_is_refused():
    assert _error(identity.parse_nip, "198803122026121002").messages == ["TMT di dalam NIP ada di masa depan."]
    assert identity.parse_nip("198803122026111002", today=TODAY).appointed_month == 11


def test_nip_birth_date_in_the_future_is_refused():
    assert "masa depan" in _error(identity.parse_nip, "202701012014031002").messages[0]


def test_nip_appointment_year_before_1950_is_refused():
    assert "tidak masuk akal" in _error(identity.parse_nip, "192001011949031002").messages[0]


def test_nip_under_18_at_tmt_is_a_warning_not_an_error():
    # Born 13 Sep 1990, TMT March 2008: 17 years and 6 months old.
    parsed = identity.parse_nip("199009132008031001", today=TODAY)
    assert parsed.warnings == ["Usia saat pengangkatan menurut NIP kurang dari 18 tahun; mohon periksa kembali."]


def test_nip_exactly_18_at_tmt_has_no_warning():
    assert identity.parse_nip("199009132008101001", today=TODAY).warnings == []  # TMT 1 Oct 2008: 18


def test_ni_pppk_under_18_in_the_whole_appointment_year_is_a_warning():
    assert identity.parse_nip("200005012017242001", pppk=True, today=TODAY).warnings  # 17 all through 2017
    assert identity.parse_nip("200005012018242001", pppk=True, today=TODAY).warnings == []  # 18 by May 2018


# --- cross-check, display and masking ----------------------------------------------------


def test_cross_check_of_matching_nik_and_nip_is_silent():
    assert identity.cross_check(identity.parse_nik(NIK_MAN, today=TODAY), identity.parse_nip(NIP_PNS, today=TODAY)) == []


def test_cross_check_warns_about_a_different_birth_date():
    nik = identity.parse_nik("1271051303880002", today=TODAY)  # 13 March, NIP says 12 March
    warnings = identity.cross_check(nik, identity.parse_nip(NIP_PNS, today=TODAY))
    assert warnings == ["Tanggal lahir di NIK berbeda dengan di NIP. Ini bisa sah, tetapi mohon periksa kembali."]


def test_cross_check_warns_about_a_different_gender():
    nik = identity.parse_nik("1271055203880002", today=TODAY)  # a woman born 12 March 1988
    warnings = identity.cross_check(nik, identity.parse_nip(NIP_PNS, today=TODAY))
    assert warnings == ["Jenis kelamin menurut NIK berbeda dengan menurut NIP; mohon periksa kembali."]


def test_cross_check_reports_both_differences():
    nik = identity.parse_nik(NIK_WOMAN, today=TODAY)
    assert len(identity.cross_check(nik, identity.parse_nip(NIP_PNS, today=TODAY))) == 2


def test_format_nip_groups_8_6_1_3():
    assert identity.format_nip(NIP_PNS) == "19880312 201403 1 002"
    assert identity.format_nip("123") == "123"
    assert identity.format_nip("") == ""
    assert identity.format_nip(None) == ""


def test_mask_shows_only_the_last_four_digits():
    assert identity.mask(NIK_MAN) == "••••••••••••0002"
    assert identity.mask(NIP_PNS, visible=6) == "••••••••••••031002"
    assert identity.mask("") == ""
    assert identity.mask("123") == "123"
