import datetime as dt
import re

import pytest
import time_machine

from requests_app import hours
from requests_app.hours import WIB, is_open, status_at, week_schedule
from requests_app.models import Holiday, OpeningException, OpeningHours, ServicePoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def point():
    """The seeded counter: Mon-Thu 08.00-16.00, Fri 08.00-11.30 and 13.30-16.30, Sat 09.00-13.00, closed on Sunday."""
    return ServicePoint.objects.get()


def wib(*args):
    return dt.datetime(*args, tzinfo=WIB)


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize(("moment", "expected"), [
    (wib(2026, 4, 6, 7, 59), False),   # Monday, before opening
    (wib(2026, 4, 6, 8, 0), True),     # opening minute
    (wib(2026, 4, 6, 15, 59), True),
    (wib(2026, 4, 6, 16, 0), False),   # closing time is already closed
    (wib(2026, 4, 10, 16, 15), True),  # Friday runs to 16.30
    (wib(2026, 4, 10, 12, 0), False),  # Friday prayers
    (wib(2026, 4, 11, 9, 30), True),   # Saturday service
    (wib(2026, 4, 11, 13, 0), False),  # Saturday after 13.00
    (wib(2026, 4, 12, 10, 0), False),  # Sunday
    (wib(2026, 4, 3, 10, 0), False),   # Friday, Wafat Yesus Kristus (national holiday)
    (wib(2026, 3, 21, 10, 0), False),  # Saturday, Idulfitri: the weekend service closes too
    (wib(2026, 3, 23, 10, 0), False),  # Monday, cuti bersama Idulfitri
])
def test_is_open_in_wib(point, moment, expected):
    assert is_open(point, moment) is expected


def test_is_open_converts_other_time_zones_to_wib(point):
    utc = dt.UTC
    assert is_open(point, dt.datetime(2026, 4, 6, 1, 30, tzinfo=utc)) is True  # 08.30 WIB
    assert is_open(point, dt.datetime(2026, 4, 6, 0, 30, tzinfo=utc)) is False  # 07.30 WIB
    assert is_open(point, dt.datetime(2026, 4, 11, 5, 59, tzinfo=utc)) is True  # Saturday 12.59 WIB
    assert is_open(point, dt.datetime(2026, 4, 6, 10, 0)) is True  # naive: taken as WIB


def test_exception_closes_a_day_and_can_open_a_holiday(point):
    OpeningException.objects.create(point=point, date=dt.date(2026, 4, 8), closed=True, note="Rapat kerja")
    OpeningException.objects.create(point=point, date=dt.date(2026, 4, 3), closed=False, opens=dt.time(9), closes=dt.time(12),
                                    note="Layanan khusus pensiun")

    assert is_open(point, wib(2026, 4, 8, 10, 0)) is False
    assert is_open(point, wib(2026, 4, 3, 10, 0)) is True
    assert is_open(point, wib(2026, 4, 3, 12, 0)) is False


def test_office_closure_from_the_holiday_table_closes_the_counter(point):
    Holiday.objects.create(date=dt.date(2026, 4, 14), kind=Holiday.Kind.REGIONAL, name="HUT Kota Medan")

    assert is_open(point, wib(2026, 4, 14, 10, 0)) is False


def test_week_schedule_lists_seven_days_with_weekend_and_holidays(point):
    week = week_schedule(point, dt.date(2026, 3, 30))  # Monday

    assert [d.date for d in week] == [dt.date(2026, 3, 30) + dt.timedelta(days=i) for i in range(7)]
    assert [str(s) for s in week[0].slots] == ["08.00–16.00"]
    assert week[4].closed and "Wafat Yesus Kristus" in week[4].holiday  # Friday 3 April
    assert [str(s) for s in week[5].slots] == ["09.00–13.00"]  # Saturday
    assert week[6].closed and week[6].weekday_label == "Minggu"


def test_status_says_when_it_closes_or_opens_next(point):
    days = week_schedule(point, dt.date(2026, 4, 11))

    open_status = status_at(days, wib(2026, 4, 11, 10, 0))
    assert open_status.open and open_status.change == wib(2026, 4, 11, 13, 0)
    assert open_status.since == wib(2026, 4, 11, 9, 0)

    closed = status_at(days, wib(2026, 4, 11, 14, 0))
    assert not closed.open and closed.change == wib(2026, 4, 13, 8, 0)


def test_week_summary_groups_days_with_the_same_hours(point):
    summary = hours.week_summary(hours.weekly_slots(point))

    assert summary == [("Senin–Kamis", "08.00–16.00"), ("Jumat", "08.00–11.30, 13.30–16.30"), ("Sabtu", "09.00–13.00")]


def test_hours_page_on_saturday_morning(client, point):
    with time_machine.travel(wib(2026, 4, 11, 10, 0), tick=False):
        response = client.get("/jam-layanan/")

    page = text(response)
    assert response.status_code == 200
    assert "Buka sekarang" in page and "tutup pukul 13.00 WIB" in page
    assert "Loket Layanan Terpadu BKPSDM" in page
    assert "Sabtu 09.00–13.00 (Layanan akhir pekan)" in page
    assert "Minggu Tutup" in page
    assert "Jumat 08.00–11.30, 13.30–16.30" in page  # closed for Friday prayers


def test_hours_page_when_closed_says_when_it_opens(client, point):
    with time_machine.travel(wib(2026, 4, 12, 10, 0), tick=False):
        page = text(client.get("/jam-layanan/"))

    assert "Tutup sekarang" in page
    assert "buka lagi Senin, 13 April 2026 pukul 08.00 WIB" in page


def test_hours_page_skips_a_long_holiday_when_saying_when_it_opens(client, point):
    with time_machine.travel(wib(2026, 3, 19, 10, 0), tick=False):  # Nyepi, then Idulfitri and cuti bersama
        page = text(client.get("/jam-layanan/"))

    assert "Tutup sekarang" in page
    assert "buka lagi Rabu, 25 Maret 2026 pukul 08.00 WIB" in page


def test_hours_page_lists_exceptions_and_the_years_holidays(client, point):
    OpeningException.objects.create(point=point, date=dt.date(2026, 4, 20), closed=True, note="Pemeliharaan sistem")
    OpeningException.objects.create(point=point, date=dt.date(2026, 9, 1), closed=True, note="Terlalu jauh")

    with time_machine.travel(wib(2026, 4, 13, 9, 0), tick=False):
        page = text(client.get("/jam-layanan/"))

    assert "Senin, 20 April 2026 : tutup — Pemeliharaan sistem" in page
    assert "Terlalu jauh" not in page  # beyond the coming eight weeks
    # Holidays and cuti bersama in those weeks are changes too, when the counter would otherwise open.
    changes = page.split("Perubahan jam layanan")[1].split("Hari libur nasional dan cuti bersama")[0]
    assert "Jumat, 1 Mei 2026 : tutup — Hari Buruh Internasional" in changes
    assert "Jumat, 15 Mei 2026 : tutup — Cuti Bersama Kenaikan Yesus Kristus" in changes
    assert "31 Mei" not in changes  # Waisak falls on a Sunday, when the counter is closed anyway
    assert "Tidak ada perubahan" not in changes
    assert "Hari libur nasional dan cuti bersama 2026" in page
    assert "Jumat, 3 April 2026 Libur nasional" in page
    assert "Senin, 16 Februari 2026 Cuti bersama" in page
    assert "Kamis, 24 Desember 2026 Cuti bersama" in page


def test_hours_page_says_no_change_only_when_there_is_none(client, point):
    with time_machine.travel(wib(2026, 9, 1, 9, 0), tick=False):  # no holiday on an open day until 25 December
        before = text(client.get("/jam-layanan/"))
        OpeningException.objects.create(point=point, date=dt.date(2026, 9, 5), closed=False, opens=dt.time(8),
                                        closes=dt.time(15), note="Layanan diperpanjang")
        page = text(client.get("/jam-layanan/"))
    assert "Tidak ada perubahan jam layanan dalam delapan minggu ke depan." in before
    assert "Sabtu, 5 September 2026 : 08.00–15.00 — Layanan diperpanjang" in page


def test_the_english_page_names_national_holidays_in_english_and_keeps_staff_entries(client, point):
    Holiday.objects.create(date=dt.date(2026, 4, 22), kind=Holiday.Kind.REGIONAL, name="Hari Jadi Kota Medan (contoh)")
    with time_machine.travel(wib(2026, 4, 13, 9, 0), tick=False):
        english = text(client.get("/jam-layanan/", headers={"accept-language": "en"}))
        indonesian = text(client.get("/jam-layanan/", headers={"accept-language": "id"}))
    assert "Friday, 3 April 2026" in english and "Good Friday" in english
    assert "Friday, 1 May 2026 National holiday International Labor Day" in english
    assert "Hari Jadi Kota Medan (contoh)" in english  # entered by staff: shown as written
    assert "Wafat Yesus Kristus" in indonesian and "Good Friday" not in indonesian


def test_from_october_the_page_also_lists_next_years_holidays(client, point):
    with time_machine.travel(wib(2026, 11, 28, 9, 0), tick=False):
        november = text(client.get("/jam-layanan/"))
    assert "Hari libur nasional dan cuti bersama 2026" in november
    assert "Hari libur nasional dan cuti bersama 2027" in november
    assert "Jumat, 1 Januari 2027 Libur nasional Tahun Baru Masehi" in november
    assert "dapat berubah" in november  # religious holidays of the coming year follow a decree not yet out
    with time_machine.travel(wib(2026, 4, 13, 9, 0), tick=False):
        april = text(client.get("/jam-layanan/"))
    assert "Hari libur nasional dan cuti bersama 2027" not in april


def test_hours_page_shows_an_edit_at_once(client, point):
    with time_machine.travel(wib(2026, 4, 13, 9, 0), tick=False):
        client.get("/jam-layanan/")
        row = OpeningHours.objects.get(point=point, weekday=5)
        row.closes = dt.time(14)
        row.save()
        page = text(client.get("/jam-layanan/"))

    assert "Sabtu 09.00–14.00" in page


def test_hours_page_changes_when_the_counter_opens(client, point):
    """The cached page must not keep saying "closed" after opening time."""
    with time_machine.travel(wib(2026, 4, 13, 7, 59), tick=False):
        client.get("/")
        before = client.get("/jam-layanan/")
    with time_machine.travel(wib(2026, 4, 13, 8, 0), tick=False):
        after = client.get("/jam-layanan/", HTTP_IF_NONE_MATCH=before["ETag"])

    assert "Tutup sekarang" in text(before)
    assert after.status_code == 200
    assert "Buka sekarang" in text(after)
