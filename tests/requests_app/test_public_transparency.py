"""The transparency dashboard against figures worked out by hand on a small 2026 fixture.

SKK (Surat Keterangan Aktif Bekerja, standard 3 working days), January 2026. Working days exclude
Thursday 1 January and Friday 16 January (Isra Mikraj). Duration = working days after the day of
submission up to and including the day the letter was issued.

    submitted        letter issued           due       working days  on time
    Mon  5 Jan       Wed  7 Jan              Thu  8 Jan   2           yes
    Mon  5 Jan       Thu  8 Jan              Thu  8 Jan   3           yes
    Mon 12 Jan       Mon 19 Jan              Thu 15 Jan   4 (13,14,15,19)   no
    Tue 20 Jan       Tue 20 Jan              Fri 23 Jan   0           yes
    Wed 21 Jan       Fri 23 Jan              Mon 26 Jan   2           yes
    Thu 22 Jan       Sat 31 Jan 23.30 WIB    Tue 27 Jan   6 (23,26-30)      no

    sorted [0, 2, 2, 3, 4, 6]: median (2 + 3) / 2 = 2.5; p90 at rank 4.5 = 4 + 0.5 x (6 - 4) = 5.0;
    on time 4 of 6 = 66.7 %.

Also received in January: one rejected (the only one: "—"), one in review, one cancelled, and one issued
at 00.15 WIB on 1 February (a February completion in WIB, though still 31 January in UTC): 10 received.
A draft is never counted. February: four requests (one submitted at 00.30 WIB on 1 February, which is
31 January in UTC) and four completions: every February figure is withheld.
"""

import csv
import datetime as dt
import io
import json
import re

import pytest

from feedback.models import ComplaintTier, Feedback, SurveyResponse
from requests_app import calendar, stats
from requests_app.charts import bar_chart
from requests_app.hours import WIB
from requests_app.models import Service
from tests.factories import make_request

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01", "end": "2026-03"}
SKK, CUTI = "surat-keterangan-kerja", "izin-cuti"


def at(day, hour=10, minute=0):
    return dt.datetime(2026, *day, hour, minute, tzinfo=WIB)


def issued(applicant, service, submitted, finished, due, status="letter_issued"):
    return make_request(applicant, service=service, status=status, submitted_at=submitted, finished_at=finished,
                        due_date=dt.date(2026, *due))


@pytest.fixture
def fixture_2026(applicant):
    for sub, fin, due in [
        ((1, 5), (1, 7), (1, 8)), ((1, 5), (1, 8), (1, 8)), ((1, 12), (1, 19), (1, 15)),
        ((1, 20), (1, 20), (1, 23)), ((1, 21), (1, 23), (1, 26)),
    ]:
        issued(applicant, SKK, at(sub, 9), at(fin, 14), due)
    issued(applicant, SKK, at((1, 22)), at((1, 31), 23, 30), (1, 27))
    issued(applicant, SKK, at((1, 26)), at((1, 27)), (1, 29), status="rejected")
    make_request(applicant, service=SKK, status="in_review", submitted_at=at((1, 30)), due_date=dt.date(2026, 2, 4))
    issued(applicant, SKK, at((1, 29)), at((1, 29), 15), (2, 3), status="cancelled")
    issued(applicant, SKK, at((1, 29)), at((2, 1), 0, 15), (2, 3))
    make_request(applicant, service=SKK, status="draft")
    # February: four received, four completed (with the one above).
    issued(applicant, SKK, at((2, 1), 0, 30), at((2, 4)), (2, 4))
    issued(applicant, SKK, at((2, 2)), at((2, 4)), (2, 5))
    issued(applicant, SKK, at((2, 3)), at((2, 5)), (2, 6))
    make_request(applicant, service=SKK, status="in_review", submitted_at=at((2, 4)), due_date=dt.date(2026, 2, 9))
    # Izin cuti: five letters, each 4 working days (Mon 5 -> Fri 9 January), due Mon 12 January.
    for _ in range(5):
        issued(applicant, CUTI, at((1, 5)), at((1, 9)), (1, 12))


def cells(html, slug, month):
    """{column: visible text} of one row of a service's table on the page."""
    table = re.search(rf'data-service="{slug}">(.*?)</table>', html, re.S).group(1)
    row = re.search(rf'<tr data-month="{month}">(.*?)</tr>', table, re.S).group(1)
    return {
        col: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", value)).strip()
        for col, value in re.findall(r'<td data-col="(\w+)">(.*?)</td>', row, re.S)
    }


def shown(value, kind="int"):
    """How the page writes a published value (Indonesian decimal comma)."""
    if value is None:
        return "—"
    if kind == "pct":
        return f"{value:.1f}".replace(".", ",") + "%"
    if kind == "dec":
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def test_figures_match_the_hand_computed_month(fixture_2026):
    data = stats.compute(dt.date(2026, 1, 1), dt.date(2026, 3, 1), Service.objects.active())
    skk = next(b for b in data["services"] if b["service"]["slug"] == SKK)
    jan, feb, mar = skk["months"]

    assert (jan.received, jan.completed, jan.rejected) == (10, 6, None)
    assert (jan.median_working_days, jan.p90_working_days, jan.completed_within_sla_pct) == (2.5, 5.0, 66.7)
    assert (feb.received, feb.completed, feb.rejected) == (None, None, 0)
    assert (feb.median_working_days, feb.p90_working_days, feb.completed_within_sla_pct) == (None, None, None)
    assert (mar.received, mar.completed, mar.median_working_days) == (0, 0, None)

    cuti = next(b for b in data["services"] if b["service"]["slug"] == CUTI)["months"][0]
    assert (cuti.received, cuti.completed, cuti.median_working_days, cuti.p90_working_days) == (5, 5, 4.0, 4.0)
    assert cuti.completed_within_sla_pct == 100.0

    # The period as a whole: summed before suppression (February's 4 letters count), then published by the
    # same rule (one rejection in three months is still withheld). 13 of 15 letters were on time.
    totals = data["totals"]
    assert (totals.received, totals.completed, totals.rejected) == (19, 15, None)
    assert totals.completed_within_sla_pct == 86.7
    assert totals.median_working_days is not None


def test_dashboard_shows_the_figures_and_withholds_small_ones(client, fixture_2026):
    response = client.get("/transparansi/", PERIOD)

    assert response.status_code == 200
    html = response.content.decode()
    jan = cells(html, SKK, "2026-01")
    assert jan["received"] == "10" and jan["completed"] == "6"
    assert jan["rejected"].startswith("—") and "kurang dari 5 data" in jan["rejected"]
    assert jan["median_working_days"] == "2,5" and jan["p90_working_days"] == "5,0"
    assert jan["completed_within_sla_pct"] == "66,7%"
    feb = cells(html, SKK, "2026-02")
    for column in ("received", "completed", "median_working_days", "p90_working_days", "completed_within_sla_pct"):
        assert feb[column].startswith("—"), column
    assert "jumlah antara 1 dan 4 tidak ditampilkan" in html  # the explanation of the dash
    assert "Angka 0 berarti memang tidak ada." in html
    assert html.count('<svg class="chart"') == 2 * Service.objects.active().count()
    assert "Data terbuka" in html and "completed_within_sla_pct" in html
    assert f"Seluruh {Service.objects.active().count()} layanan, Januari 2026 sampai Maret 2026" in html
    assert 'data-total="received">19<' in html and 'data-total="completed_within_sla_pct">86,7%<' in html


def test_dashboard_shows_no_personal_data(client, fixture_2026, applicant):
    html = client.get("/transparansi/", PERIOD).content.decode()
    csv_text = client.get("/transparansi/data.csv", PERIOD).content.decode()
    json_text = client.get("/transparansi/data.json", PERIOD).content.decode()

    codes = list(applicant.service_requests.values_list("code", flat=True))
    for content in (html, csv_text, json_text):
        assert applicant.full_name not in content and applicant.email not in content and applicant.nip not in content
        assert not any(code in content for code in codes)


def test_service_filter_shows_one_service(client, fixture_2026):
    html = client.get("/transparansi/", {**PERIOD, "service": CUTI}).content.decode()

    assert 'data-service="izin-cuti"' in html
    assert 'data-service="surat-keterangan-kerja"' not in html
    assert cells(html, CUTI, "2026-01")["median_working_days"] == "4,0"


def test_bad_filters_are_explained_and_the_page_still_works(client):
    response = client.get("/transparansi/", {"start": "2026-13", "end": "kemarin", "service": "tidak-ada"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Mohon periksa isian berikut" in html
    assert "format TTTT-BB" in html and "Layanan tidak ditemukan" in html

    reversed_period = client.get("/transparansi/", {"start": "2026-05", "end": "2026-01"}).content.decode()
    assert "Bulan akhir harus sama dengan atau setelah bulan awal" in reversed_period
    too_long = client.get("/transparansi/", {"start": "2020-01", "end": "2026-01"}).content.decode()
    assert "Rentang paling panjang 36 bulan" in too_long
    # Only a start, after this month: the start is wrong, not an end the visitor never typed.
    future = client.get("/transparansi/", {"start": "2030-01"}).content.decode()
    assert "Bulan awal paling lambat" in future and "Bulan akhir harus" not in future
    ancient = client.get("/transparansi/", {"start": "1900-01"}).content.decode()
    assert "Bulan paling awal Januari 2000" in ancient and "Tulis bulan dengan format" not in ancient


def test_open_data_rejects_bad_filters_with_400(client):
    assert client.get("/transparansi/data.csv", {"start": "2026-13"}).status_code == 400
    response = client.get("/transparansi/data.json", {"service": "tidak-ada"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"errors": {"service": ["Layanan tidak ditemukan. Pilih layanan dari daftar."]}}


def test_csv_and_json_match_the_page(client, fixture_2026):
    html = client.get("/transparansi/", PERIOD).content.decode()
    csv_response = client.get("/transparansi/data.csv", PERIOD)
    json_response = client.get("/transparansi/data.json", PERIOD)

    assert csv_response["Content-Type"].startswith("text/csv")
    assert "transparansi-layanan-2026-01-2026-03.csv" in csv_response["Content-Disposition"]
    assert json_response["Access-Control-Allow-Origin"] == "*"
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    payload = json.loads(json_response.content)
    assert list(rows[0]) == stats.COLUMNS == list(payload["columns"])
    assert payload["first_month"] == "2026-01" and payload["last_month"] == "2026-03" and payload["min_count"] == 5
    assert len(rows) == len(payload["rows"]) == 3 * Service.objects.active().count()

    kinds = {"received": "int", "completed": "int", "rejected": "int", "median_working_days": "dec",
             "p90_working_days": "dec", "completed_within_sla_pct": "pct"}
    for csv_row, json_row in zip(rows, payload["rows"], strict=True):
        assert {k: "" if v is None else str(v) for k, v in json_row.items()} == csv_row
        page = cells(html, json_row["service_slug"], json_row["month"])
        for column, kind in kinds.items():
            assert page[column].startswith(shown(json_row[column], kind)), (json_row["service_slug"], json_row["month"], column)

    skk_jan = next(r for r in payload["rows"] if r["service_slug"] == SKK and r["month"] == "2026-01")
    assert skk_jan == {**skk_jan, "received": 10, "completed": 6, "rejected": None, "median_working_days": 2.5,
                       "p90_working_days": 5.0, "completed_within_sla_pct": 66.7, "sla_working_days": 3}
    skk_jan_csv = next(r for r in rows if r["service_slug"] == SKK and r["month"] == "2026-01")
    assert skk_jan_csv["rejected"] == "" and skk_jan_csv["median_working_days"] == "2.5"


def test_ikm_and_complaints_are_shown_from_five(client, fixture_2026, units):
    skk = Service.objects.get(slug=SKK)
    profile = {"channel": "online", "age_band": "35_44", "sex": "f", "education": "bachelor", "occupation": "pns"}
    for day in range(5, 10):  # five respondents in January: U1-U5 = 4, U6-U9 = 3 -> 32/9 x 25 = 88.89 (A)
        SurveyResponse.objects.create(service=skk, unit=skk.unit, date=dt.date(2026, 1, day), u1=4, u2=4, u3=4, u4=4, u5=4,
                                      u6=3, u7=3, u8=3, u9=3, **profile)
    for day in (2, 3):  # two in February: withheld
        SurveyResponse.objects.create(service=skk, unit=skk.unit, date=dt.date(2026, 2, day), **{f"u{i}": 1 for i in range(1, 10)}, **profile)
    tier = ComplaintTier.objects.order_by("order").first()

    def complaint(n, received, status="received", closed=None, kind="complaint"):
        return Feedback.objects.create(
            code=f"ADU-26-T{n:04d}", kind=kind, category="time", title="Lambat", text="Surat belum terbit.", service=skk,
            unit=skk.unit, tier=tier, status=status, received_on=received, response_due=received + dt.timedelta(days=3),
            resolution_due=received + dt.timedelta(days=7), closed_at=closed,
        )

    jan6 = dt.date(2026, 1, 6)
    for n in range(3):
        complaint(n, jan6, "closed", at((1, 9)))  # closed on time
    complaint(3, jan6, "closed", at((1, 20)))  # late
    complaint(4, jan6)  # still open
    complaint(5, jan6, kind="suggestion")  # a suggestion is not a complaint
    complaint(6, dt.date(2026, 2, 2), "closed", at((2, 3)))

    payload = json.loads(client.get("/transparansi/data.json", PERIOD).content)
    jan = next(r for r in payload["rows"] if r["service_slug"] == SKK and r["month"] == "2026-01")
    feb = next(r for r in payload["rows"] if r["service_slug"] == SKK and r["month"] == "2026-02")
    assert (jan["ikm"], jan["ikm_grade"], jan["ikm_respondents"]) == (88.89, "A", 5)
    assert (jan["complaints_received"], jan["complaints_resolved_on_time"]) == (5, 3)
    assert (feb["ikm"], feb["ikm_grade"], feb["ikm_respondents"]) == (None, None, None)
    assert (feb["complaints_received"], feb["complaints_resolved_on_time"]) == (None, None)

    html = client.get("/transparansi/", PERIOD).content.decode()
    # Over the period: 7 respondents (February's 2 were withheld alone): U1-U5 = 22/7, U6-U9 = 17/7
    # -> 178/63 x 25 = 70.63 (C); 6 complaints, 4 closed on time.
    totals = re.search(r'class="mb-5 period-totals".*?</section>', html, re.S).group(0)
    assert re.search(r'data-total="ikm">70,63 <span class="fs-6">\(C, Kurang baik\)', totals)
    assert "7 responden" in totals
    assert 'data-total="complaints_received">6<' in totals and "4 selesai tepat waktu" in totals
    page = cells(html, SKK, "2026-01")
    assert page["ikm"] == "88,89 (A, Sangat baik)"
    assert page["complaints_received"] == "5" and page["complaints_resolved_on_time"] == "3"


def test_working_day_counter_agrees_with_the_calendar():
    counter = stats.WorkingDayCounter(dt.date(2025, 12, 1), dt.date(2026, 12, 31))
    start = dt.date(2025, 12, 20)
    for offset in range(0, 120, 3):
        for length in (0, 1, 4, 9, 30):
            a = start + dt.timedelta(days=offset)
            b = a + dt.timedelta(days=length)
            assert counter.between(a, b) == calendar.working_days_between(a, b), (a, b)


def test_percentile_interpolates_like_percentile_cont():
    assert stats.percentile([0, 2, 2, 3, 4, 6], 0.5) == 2.5
    assert stats.percentile([0, 2, 2, 3, 4, 6], 0.9) == pytest.approx(5.0)
    assert stats.percentile([7], 0.9) == 7


def test_results_are_cached_until_they_expire(client, fixture_2026, applicant, django_assert_max_num_queries):
    client.get("/transparansi/", PERIOD)
    issued(applicant, SKK, at((3, 2)), at((3, 3)), (3, 5))  # not a catalogue change: no invalidation

    with django_assert_max_num_queries(3):  # session/user lookups only, no aggregate queries
        html = client.get("/transparansi/", PERIOD).content.decode()
    assert cells(html, SKK, "2026-03")["received"] == "0"


def test_bar_chart_scales_bars_and_marks_withheld_values():
    chart = bar_chart("Uji", ["Jan", "Feb", "Mar"], [("Diterima", [10, None, 0], "bar-received")], reference=3, reference_label="SLA")

    assert [label for _y, label in chart.ticks] == ["0", "3", "6", "9", "12"]
    ten, zero = chart.bars
    assert ten.height == pytest.approx((chart.baseline - 16) * 10 / 12, abs=0.1)
    assert zero.height == 0 and ten.label == "Jan, Diterima: 10"
    assert len(chart.gaps) == 1  # February is withheld: no bar, a dash
    assert chart.reference[1] == "SLA"
