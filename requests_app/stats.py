"""Monthly service performance for the transparency page and the open data (UU 25/2009 Pasal 23).

Definitions (the same on the page, in the CSV and in the JSON):
- received: requests submitted in the month (drafts never count).
- completed: requests whose letter was issued (status letter_issued) in the month (by finished_at).
- rejected: requests rejected in the month (by finished_at).
- median / p90 working days: over the requests completed in the month, the working days after the day
  of submission up to and including the day of completion, i.e. calendar.working_days_between(
  submitted + 1 day, finished). A letter issued on the day of submission took 0 days; one issued on its
  due date took exactly the SLA (calendar.add_working_days counts the same way). Percentiles interpolate
  linearly between ranks (as PostgreSQL percentile_cont and numpy do). SLA pauses are not subtracted.
- within SLA: the share of the month's completed requests finished (in WIB) on or before their due date.
All months are calendar months in WIB (Asia/Jakarta).

Privacy: a figure is published only when at least MIN_COUNT requests (respondents, complaints) stand behind
it; otherwise it is None ("—" on the page, empty in the CSV, null in the JSON), so a small count can never
point at a person. Zero counts are shown: they point at nobody. Only suppressed figures leave this module.

- ikm: feedback.ikm.monthly_by_service (PermenPANRB 14/2017), shown from MIN_COUNT respondents.
- complaints: complaints (not suggestions) about the service received in the month, and how many of them
  were closed (status Selesai) on or before their resolution deadline.
The feedback figures are None with ikm_available / complaints_available False when that app is absent.

The page also shows the period as a whole ("totals"): the same figures over all months and the services
shown, summed before suppression; its IKM is computed from the period's answers (feedback.ikm).

Cost: six queries. Four GROUP BY (service, month) queries (received, finished, IKM, complaints), and one
values_list of (service_id, submitted day, finished day) for the requests completed in the period, processed in Python:
O(R) for R completed requests plus O(D) for the D days between the earliest submission and the last
completion (a prefix sum of working days built from one calendar call, so each duration is a subtraction).
At 100,000 requests that is well under a second; the result is cached (STATS_TIMEOUT) per filter.
"""

import datetime as dt
import math
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from . import calendar
from .models import Service, ServiceRequest
from .public_cache import cached

WIB = ZoneInfo("Asia/Jakarta")
MIN_COUNT = 5
STATS_TIMEOUT = 15 * 60
ONE_DAY = dt.timedelta(days=1)

# The open-data columns, in order. Names are stable: consumers depend on them.
COLUMNS = [
    "service_code", "service_slug", "service_name", "month", "sla_working_days",
    "received", "completed", "rejected", "median_working_days", "p90_working_days", "completed_within_sla_pct",
    "ikm", "ikm_grade", "ikm_respondents", "complaints_received", "complaints_resolved_on_time",
]


@dataclass
class MonthFigures:
    month: dt.date
    received: int | None = 0
    completed: int | None = 0
    rejected: int | None = 0
    median_working_days: float | None = None
    p90_working_days: float | None = None
    completed_within_sla_pct: float | None = None
    ikm: float | None = None
    ikm_grade: str | None = None
    ikm_respondents: int | None = 0
    complaints_received: int | None = 0
    complaints_resolved_on_time: int | None = None


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from first's month to last's month, inclusive."""
    result, day = [], month_start(first)
    while day <= last:
        result.append(day)
        day = next_month(day)
    return result


def percentile(values: list, fraction: float) -> float:
    """Linear interpolation between closest ranks (PostgreSQL percentile_cont); values must be sorted."""
    rank = (len(values) - 1) * fraction
    low, high = math.floor(rank), math.ceil(rank)
    return values[low] + (values[high] - values[low]) * (rank - low)


def public_count(n: int) -> int | None:
    return n if n == 0 or n >= MIN_COUNT else None


def _month_key(value) -> dt.date:
    """TruncMonth gives an aware datetime (or a date on some backends): reduce it to the first day, in WIB."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value, WIB).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _bounds(first: dt.date, last: dt.date):
    start = dt.datetime.combine(month_start(first), dt.time(0), WIB)
    end = dt.datetime.combine(next_month(last), dt.time(0), WIB)
    return start, end


class WorkingDayCounter:
    """working_days_between(start, end) for many pairs: one calendar call, then a prefix sum per day."""

    def __init__(self, first: dt.date, last: dt.date):
        self.first = first
        closed = calendar.non_working_days(first, last)
        self.cumulative = []  # working days in [first, first + i], inclusive
        total, day = 0, first
        while day <= last:
            total += day.weekday() < 5 and day not in closed
            self.cumulative.append(total)
            day += ONE_DAY

    def _upto(self, day: dt.date) -> int:
        index = (day - self.first).days
        return 0 if index < 0 else self.cumulative[min(index, len(self.cumulative) - 1)]

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days from start to end, both included (calendar.working_days_between)."""
        return max(0, self._upto(end) - self._upto(start - ONE_DAY))


def _received(start, end, service_ids):
    rows = (
        ServiceRequest.objects.filter(submitted_at__gte=start, submitted_at__lt=end, service_id__in=service_ids)
        .exclude(status=ServiceRequest.Status.DRAFT)
        .annotate(month=TruncMonth("submitted_at", tzinfo=WIB))
        .values("service_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(r["service_id"], _month_key(r["month"])): r["n"] for r in rows}


def _finished(start, end, service_ids):
    issued, rejected = ServiceRequest.Status.LETTER_ISSUED, ServiceRequest.Status.REJECTED
    rows = (
        ServiceRequest.objects.filter(finished_at__gte=start, finished_at__lt=end, service_id__in=service_ids,
                                      status__in=[issued, rejected])
        .annotate(month=TruncMonth("finished_at", tzinfo=WIB), finished_day=TruncDate("finished_at", tzinfo=WIB))
        .values("service_id", "month")
        .annotate(
            completed=Count("pk", filter=Q(status=issued)),
            rejected=Count("pk", filter=Q(status=rejected)),
            on_time=Count("pk", filter=Q(status=issued, due_date__isnull=False, finished_day__lte=F("due_date"))),
        )
        .order_by()
    )
    return {(r["service_id"], _month_key(r["month"])): r for r in rows}


def _durations(start, end, service_ids):
    """{(service_id, month): sorted working-day durations} of the requests completed in the period."""
    rows = list(
        ServiceRequest.objects.filter(finished_at__gte=start, finished_at__lt=end, service_id__in=service_ids,
                                      status=ServiceRequest.Status.LETTER_ISSUED, submitted_at__isnull=False)
        .annotate(submitted_day=TruncDate("submitted_at", tzinfo=WIB), finished_day=TruncDate("finished_at", tzinfo=WIB))
        .values_list("service_id", "submitted_day", "finished_day")
        .order_by()
    )
    if not rows:
        return {}
    # Both columns bound the range: bad data (finished before submitted) must not index outside it.
    first = min(min(r[1], r[2]) for r in rows)
    counter = WorkingDayCounter(first, max(max(r[1], r[2]) for r in rows))
    # Inlined counter.between(submitted + 1 day, finished): this loop runs once per completed request.
    cumulative, base = counter.cumulative, first.toordinal()
    durations = {}
    for service_id, submitted, finished in rows:
        days = cumulative[finished.toordinal() - base] - cumulative[submitted.toordinal() - base]
        durations.setdefault((service_id, finished.year, finished.month), []).append(max(days, 0))
    return {(sid, dt.date(year, month, 1)): sorted(values) for (sid, year, month), values in durations.items()}


def _ikm(first, last):
    """{(service_id, month): (respondents, ikm, grade)} from feedback.ikm, or None when that app has no IKM."""
    try:
        from feedback import ikm
    except ImportError:
        return None
    return {(r.service_id, r.month): (r.respondents, float(r.ikm), r.category) for r in ikm.monthly_by_service(first, last)}


def _ikm_total(service_ids, first, last):
    """(respondents, ikm, grade) over the whole period, or None when the feedback app is absent."""
    try:
        from feedback import ikm
    except ImportError:
        return None
    result = ikm.summary_of_services(service_ids, first, last)
    return (result.respondents, float(result.ikm), result.category) if result else (0, None, None)


def _complaints(first, last):
    """{(service_id, month): (received, resolved on time)} for complaints (not suggestions) about a service.

    Month of receipt; "resolved on time" means status Selesai (closed) with closed_at, in WIB, on or before
    resolution_due (Perpres 76/2013; the tiers are in feedback.ComplaintTier). None when the app is absent.
    """
    try:
        from feedback.models import Feedback
    except ImportError:
        return None
    rows = (
        Feedback.objects.filter(kind=Feedback.Kind.COMPLAINT, service__isnull=False, received_on__range=(first, last))
        .annotate(month=TruncMonth("received_on"), closed_day=TruncDate("closed_at", tzinfo=WIB))
        .values("service_id", "month")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(status=Feedback.Status.CLOSED, closed_day__lte=F("resolution_due"))),
        )
        .order_by()
    )
    return {(r["service_id"], _month_key(r["month"])): (r["n"], r["on_time"]) for r in rows}


def _figures(month, received, finished, durations, ikm, complaints):
    completed = finished.get("completed", 0)
    row = MonthFigures(
        month=month,
        received=public_count(received),
        completed=public_count(completed),
        rejected=public_count(finished.get("rejected", 0)),
    )
    if completed >= MIN_COUNT:
        row.median_working_days = round(percentile(durations, 0.5), 1)
        row.p90_working_days = round(percentile(durations, 0.9), 1)
        row.completed_within_sla_pct = round(100 * finished["on_time"] / completed, 1)
    respondents, score, grade = ikm or (0, None, None)
    row.ikm_respondents = public_count(respondents)
    if respondents >= MIN_COUNT:
        row.ikm, row.ikm_grade = score, grade
    received_complaints, on_time = complaints or (0, 0)
    row.complaints_received = public_count(received_complaints)
    if received_complaints >= MIN_COUNT:
        row.complaints_resolved_on_time = on_time
    return row


def compute(first: dt.date, last: dt.date, services) -> dict:
    """Published (suppressed) figures for each service and each month from first's to last's month."""
    services = list(services)
    ids = [s.pk for s in services]
    start, end = _bounds(first, last)
    received, finished, durations = _received(start, end, ids), _finished(start, end, ids), _durations(start, end, ids)
    period = (month_start(first), next_month(last) - ONE_DAY)
    ikm, complaints = _ikm(*period), _complaints(*period)
    result = []
    # The period as a whole, over the services shown: summed before suppression, then published by the same
    # rule, so a total is shown even when each month alone is too small to be.
    total = {"received": 0, "finished": {"completed": 0, "rejected": 0, "on_time": 0}, "durations": [], "complaints": [0, 0]}
    for service in services:
        rows = []
        for month in months(first, last):
            key = (service.pk, month)
            month_finished, month_complaints = finished.get(key, {}), (complaints or {}).get(key)
            rows.append(_figures(month, received.get(key, 0), month_finished, durations.get(key, []),
                                 (ikm or {}).get(key), month_complaints))
            total["received"] += received.get(key, 0)
            for name in total["finished"]:
                total["finished"][name] += month_finished.get(name, 0)
            total["durations"] += durations.get(key, [])
            total["complaints"] = [a + b for a, b in zip(total["complaints"], month_complaints or (0, 0), strict=True)]
        result.append({"service": _service_info(service), "months": rows})
    totals = _figures(month_start(first), total["received"], total["finished"], sorted(total["durations"]),
                      _ikm_total(ids, *period), tuple(total["complaints"]))
    return {
        "generated_at": timezone.now(),
        "first_month": month_start(first),
        "last_month": month_start(last),
        "services": result,
        "totals": totals,
        "ikm_available": ikm is not None,
        "complaints_available": complaints is not None,
    }


def _service_info(service):
    return {"id": service.pk, "code": service.code, "slug": service.slug, "name": service.name, "sla_days": service.sla_days}


def monthly_stats(first: dt.date, last: dt.date, service: Service | None = None) -> dict:
    """compute() for all active services (or one), through the cache."""
    def run():
        services = [service] if service else Service.objects.active()
        return compute(first, last, services)

    return cached(("stats", first.isoformat(), last.isoformat(), service.pk if service else "all"), run, STATS_TIMEOUT,
                  local=True)


def open_data_rows(stats: dict) -> list[dict]:
    """Flat rows with the COLUMNS keys, for CSV and JSON."""
    rows = []
    for block in stats["services"]:
        info = block["service"]
        for figures in block["months"]:
            data = asdict(figures)
            data["month"] = figures.month.strftime("%Y-%m")
            rows.append({
                "service_code": info["code"], "service_slug": info["slug"], "service_name": info["name"],
                "sla_working_days": info["sla_days"], **data,
            })
    return [{column: row[column] for column in COLUMNS} for row in rows]
