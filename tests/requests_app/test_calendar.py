"""Working days with the real 2026 calendar (SKB No. 1497/2025, 2/2025, 5/2025; DOMAIN.md §5.2)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import transaction

from requests_app import calendar
from requests_app.models import Holiday

D = dt.date


@pytest.mark.django_db
def test_2026_lists_the_17_holidays_and_8_cuti_bersama_of_the_skb():
    days = calendar.non_working_days(D(2026, 1, 1), D(2026, 12, 31))

    kinds = [kind for kind, _name in days.values()]
    assert kinds.count("national") == 17
    assert kinds.count("cuti_bersama") == 8
    assert list(days) == sorted(days)
    assert days[D(2026, 8, 17)] == ("national", "Hari Kemerdekaan Republik Indonesia")
    assert days[D(2026, 12, 24)] == ("cuti_bersama", "Cuti Bersama Hari Raya Natal")
    assert days[D(2026, 12, 25)] == ("national", "Hari Raya Natal")


@pytest.mark.django_db
def test_imlek_2026_is_cuti_bersama_on_monday_and_a_holiday_on_tuesday():
    days = calendar.non_working_days(D(2026, 2, 16), D(2026, 2, 17))

    assert days == {
        D(2026, 2, 16): ("cuti_bersama", "Cuti Bersama Tahun Baru Imlek"),
        D(2026, 2, 17): ("national", "Tahun Baru Imlek"),
    }
    assert not calendar.is_working_day(D(2026, 2, 16))
    assert not calendar.is_working_day(D(2026, 2, 17))
    assert calendar.is_working_day(D(2026, 2, 18))
    assert not calendar.is_working_day(D(2026, 2, 14))  # Saturday
    assert not calendar.is_working_day(D(2026, 2, 15))  # Sunday


@pytest.mark.django_db
def test_nyepi_and_idulfitri_block_closes_18_to_24_march_2026():
    closed = [D(2026, 3, d) for d in range(18, 25)]

    assert list(calendar.non_working_days(D(2026, 3, 16), D(2026, 3, 27))) == closed
    assert [calendar.is_working_day(d) for d in closed] == [False] * 7
    assert calendar.is_working_day(D(2026, 3, 17))
    assert calendar.is_working_day(D(2026, 3, 25))


@pytest.mark.django_db
def test_working_days_between_counts_both_ends_and_skips_holidays():
    # February 2026 has 20 weekdays; 16 and 17 February are closed.
    assert calendar.working_days_between(D(2026, 2, 1), D(2026, 2, 28)) == 18
    # March 2026 has 22 weekdays; 18, 19, 20, 23 and 24 March are closed.
    assert calendar.working_days_between(D(2026, 3, 1), D(2026, 3, 31)) == 17
    # Ascension Thursday 14 May and cuti bersama Friday 15 May 2026.
    assert calendar.working_days_between(D(2026, 5, 11), D(2026, 5, 15)) == 3
    assert calendar.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 1
    assert calendar.working_days_between(D(2026, 3, 21), D(2026, 3, 22)) == 0
    assert calendar.working_days_between(D(2026, 3, 5), D(2026, 3, 4)) == 0


@pytest.mark.django_db
def test_working_days_between_crosses_the_new_year():
    # 21-31 Dec 2026: 9 weekdays minus 24 and 25 Dec; 1-8 Jan 2027: 6 weekdays minus New Year (Friday)
    # and Isra Mikraj (Tuesday 5 January 2027, from the package).
    assert calendar.working_days_between(D(2026, 12, 21), D(2027, 1, 8)) == 7 + 4


@pytest.mark.django_db
def test_add_working_days_from_friday_13_march_2026_skips_the_nyepi_idulfitri_block():
    # 16 and 17 March count, 18-24 March are closed, 25 March is the third working day.
    assert calendar.add_working_days(D(2026, 3, 13), 3) == D(2026, 3, 25)
    assert calendar.add_working_days(D(2026, 3, 13), 1) == D(2026, 3, 16)
    assert calendar.add_working_days(D(2026, 3, 13), 0) == D(2026, 3, 13)


@pytest.mark.django_db
def test_add_working_days_over_ascension_and_christmas():
    assert calendar.add_working_days(D(2026, 5, 13), 1) == D(2026, 5, 18)
    assert calendar.add_working_days(D(2026, 12, 23), 1) == D(2026, 12, 28)
    # Starting on a holiday: the start is never counted.
    assert calendar.add_working_days(D(2026, 12, 25), 1) == D(2026, 12, 28)


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2026, 3, 13), -1)


@pytest.mark.django_db
def test_working_days_until_is_positive_ahead_and_negative_when_overdue():
    assert calendar.working_days_until(D(2026, 3, 13), D(2026, 3, 25)) == 3
    assert calendar.working_days_until(D(2026, 3, 25), D(2026, 3, 25)) == 0
    assert calendar.working_days_until(D(2026, 3, 25), D(2026, 3, 13)) == -3  # 16, 17 and 25 March passed
    assert calendar.working_days_until(D(2026, 2, 16), D(2026, 2, 13)) == -1  # only holidays since Friday


@pytest.mark.django_db
def test_working_days_until_counts_an_overdue_weekend_as_late():
    # Due Friday 6 March 2026, looked at on Saturday: late, not "due today".
    assert calendar.working_days_until(D(2026, 3, 7), D(2026, 3, 6)) == -1


@pytest.mark.django_db
def test_snapshot_lists_the_days_used_with_kind_and_indonesian_name():
    assert calendar.snapshot(D(2026, 5, 11), D(2026, 5, 29)) == [
        {"date": "2026-05-14", "kind": "national", "name": "Kenaikan Yesus Kristus"},
        {"date": "2026-05-15", "kind": "cuti_bersama", "name": "Cuti Bersama Kenaikan Yesus Kristus"},
        {"date": "2026-05-27", "kind": "national", "name": "Hari Raya Idul Adha"},
        {"date": "2026-05-28", "kind": "cuti_bersama", "name": "Cuti Bersama Hari Raya Idul Adha"},
    ]
    assert calendar.snapshot(D(2026, 7, 6), D(2026, 7, 10)) == []


@pytest.mark.django_db
def test_a_regional_closure_from_the_holiday_table_is_not_a_working_day():
    Holiday.objects.create(date=D(2026, 7, 1), kind=Holiday.Kind.REGIONAL, name="Hari Jadi Kota Medan ke-436",
                           source_decree="SE Wali Kota Medan (contoh)")

    assert not calendar.is_working_day(D(2026, 7, 1))
    assert calendar.non_working_days(D(2026, 7, 1), D(2026, 7, 1)) == {
        D(2026, 7, 1): ("regional", "Hari Jadi Kota Medan ke-436"),
    }
    # July 2026 has 23 weekdays and no national holiday.
    assert calendar.working_days_between(D(2026, 7, 1), D(2026, 7, 31)) == 22
    assert calendar.add_working_days(D(2026, 6, 30), 1) == D(2026, 7, 2)


@pytest.mark.django_db
def test_a_working_day_row_cancels_a_cuti_bersama_of_the_package():
    Holiday.objects.create(date=D(2026, 5, 15), kind=Holiday.Kind.WORKING_DAY, name="Cuti bersama dibatalkan")

    assert calendar.is_working_day(D(2026, 5, 15))
    assert D(2026, 5, 15) not in calendar.non_working_days(D(2026, 5, 1), D(2026, 5, 31))
    assert calendar.working_days_between(D(2026, 5, 11), D(2026, 5, 15)) == 4


@pytest.mark.django_db
def test_a_working_day_row_does_not_open_the_office_on_a_saturday():
    Holiday.objects.create(date=D(2026, 3, 21), kind=Holiday.Kind.WORKING_DAY, name="Uji")

    assert not calendar.is_working_day(D(2026, 3, 21))
    assert D(2026, 3, 21) not in calendar.non_working_days(D(2026, 3, 21), D(2026, 3, 21))


@pytest.mark.django_db
def test_a_holiday_row_renames_a_day_of_the_package():
    Holiday.objects.create(date=D(2026, 2, 17), kind=Holiday.Kind.NATIONAL, name="Tahun Baru Imlek 2577 Kongzili")

    assert calendar.non_working_days(D(2026, 2, 17), D(2026, 2, 17)) == {
        D(2026, 2, 17): ("national", "Tahun Baru Imlek 2577 Kongzili"),
    }


@pytest.mark.django_db
def test_the_calendar_of_a_year_is_read_from_the_database_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert calendar.working_days_between(D(2026, 3, 1), D(2026, 3, 31)) == 17
    with django_assert_num_queries(0):
        for day in range(1, 32):
            calendar.is_working_day(D(2026, 12, day))
        assert calendar.add_working_days(D(2026, 3, 13), 3) == D(2026, 3, 25)


@pytest.mark.django_db
def test_adding_editing_and_deleting_a_holiday_updates_the_cached_calendar():
    day = D(2026, 7, 1)
    assert calendar.is_working_day(day)  # memoised now

    row = Holiday.objects.create(date=day, kind=Holiday.Kind.REGIONAL, name="Kantor tutup")
    assert not calendar.is_working_day(day)

    row.name = "Hari Jadi Kota Medan"
    row.save()
    assert calendar.non_working_days(day, day)[day] == ("regional", "Hari Jadi Kota Medan")

    row.date = D(2026, 7, 2)
    row.save()
    assert calendar.is_working_day(day)
    assert not calendar.is_working_day(D(2026, 7, 2))

    row.delete()
    assert calendar.is_working_day(D(2026, 7, 2))


@pytest.mark.django_db
def test_a_committed_holiday_change_replaces_the_shared_version(django_capture_on_commit_callbacks):
    before = cache.get(calendar.VERSION_KEY) or calendar._version()

    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.create(date=D(2026, 7, 1), kind=Holiday.Kind.REGIONAL, name="Kantor tutup")

    assert cache.get(calendar.VERSION_KEY) not in (None, before)


@pytest.mark.django_db
def test_another_process_sees_a_change_once_the_shared_version_moves():
    day = D(2026, 7, 1)
    # Rows written without signals stand for rows another process committed earlier.
    Holiday.objects.bulk_create([Holiday(date=day, kind=Holiday.Kind.WORKING_DAY, name="Semula hari kerja")])
    assert calendar.is_working_day(day)  # memoised under the current version

    # Another process edits the row; this one gets no signal, only the shared version.
    Holiday.objects.filter(date=day).update(kind=Holiday.Kind.REGIONAL, name="Kantor tutup")
    assert calendar.is_working_day(day)  # stale until the version moves: the documented limit of update()
    cache.set(calendar.VERSION_KEY, "moved-by-another-process", timeout=None)

    assert not calendar.is_working_day(day)


@pytest.mark.django_db
def test_a_rolled_back_holiday_leaves_no_trace_in_the_cache():
    day = D(2026, 7, 1)
    assert calendar.is_working_day(day)

    with pytest.raises(RuntimeError), transaction.atomic():
        Holiday.objects.create(date=day, kind=Holiday.Kind.REGIONAL, name="Batal")
        assert not calendar.is_working_day(day)
        raise RuntimeError("admin save failed")

    assert calendar.is_working_day(day)
    assert calendar.snapshot(day, day) == []


@pytest.mark.django_db
def test_invalidate_picks_up_bulk_changes():
    day = D(2026, 7, 1)
    assert calendar.is_working_day(day)
    Holiday.objects.bulk_create([Holiday(date=day, kind=Holiday.Kind.REGIONAL, name="Kantor tutup")])

    calendar.invalidate()

    assert not calendar.is_working_day(day)
