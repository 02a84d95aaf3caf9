"""When is a service point (loket) open? Plain Python over OpeningHours, OpeningException and the calendar.

Rules, in order of precedence for one date:
1. An OpeningException for that date decides: "closed" closes the whole day, otherwise its
   opens-closes replace the weekly hours (staff use it to open on a holiday, or shorten a day).
2. A national holiday, cuti bersama or office closure (requests_app.calendar) closes the counter:
   Perpres 21/2023 and the SKB 3 Menteri (DOMAIN.md §5.1).
3. Otherwise the weekly OpeningHours of that weekday apply, weekend service included.
A slot is open from `opens` up to, not including, `closes`. All times are WIB (Asia/Jakarta).
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from . import calendar
from .models import OpeningException, OpeningHours, ServicePoint

WIB = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class Slot:
    opens: dt.time
    closes: dt.time
    note: str = ""

    def __str__(self):
        return f"{self.opens:%H.%M}–{self.closes:%H.%M}"


@dataclass(frozen=True)
class DaySchedule:
    date: dt.date
    slots: tuple = ()
    holiday: str = ""
    exception: str = ""

    @property
    def closed(self):
        return not self.slots

    @property
    def weekday_label(self):
        return OpeningHours.Weekday(self.date.weekday()).label

    def is_open_at(self, moment: dt.time) -> bool:
        return any(slot.opens <= moment < slot.closes for slot in self.slots)


def weekly_slots(point: ServicePoint) -> dict[int, tuple]:
    """{weekday: (Slot, ...)} from the point's OpeningHours (uses a prefetch when there is one)."""
    week = {day: [] for day in range(7)}
    for row in sorted(point.hours.all(), key=lambda h: (h.weekday, h.opens)):
        week[row.weekday].append(Slot(row.opens, row.closes, row.note))
    return {day: tuple(slots) for day, slots in week.items()}


def closing_days(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """{date: name} of the holidays, cuti bersama and closures between start and end (inclusive), named in the
    page's language (calendar.display_name).

    A holiday on a Saturday closes the weekend service too (e.g. Idulfitri, Saturday 21 March 2026).
    """
    return {day: name for day, (_kind, name) in calendar.displayed(calendar.non_working_days(start, end)).items()}


def day_schedule(day: dt.date, week: dict[int, tuple], exceptions: list, closed: dict[dt.date, str]) -> DaySchedule:
    """The schedule of one date; `exceptions` are that date's OpeningException rows."""
    if exceptions:
        note = "; ".join(e.note for e in exceptions if e.note)
        if any(e.closed for e in exceptions):
            return DaySchedule(day, (), exception=note)
        slots = tuple(Slot(e.opens, e.closes, e.note) for e in exceptions if e.opens and e.closes)
        if slots:
            return DaySchedule(day, tuple(sorted(slots, key=lambda s: s.opens)), exception=note)
    if day in closed:
        return DaySchedule(day, (), holiday=closed[day])
    return DaySchedule(day, week[day.weekday()])


def schedules(points, start: dt.date, days: int = 7) -> dict[int, list[DaySchedule]]:
    """{point id: [DaySchedule, ...]} for `days` dates from `start`, in three queries for any number of points."""
    points = list(points)
    end = start + dt.timedelta(days=days - 1)
    closed = closing_days(start, end)
    by_point_day = {}
    for exc in OpeningException.objects.filter(point__in=points, date__range=(start, end)):
        by_point_day.setdefault((exc.point_id, exc.date), []).append(exc)
    result = {}
    for point in points:
        week = weekly_slots(point)
        dates = (start + dt.timedelta(days=i) for i in range(days))
        result[point.pk] = [day_schedule(d, week, by_point_day.get((point.pk, d), []), closed) for d in dates]
    return result


def changes(days: list[DaySchedule], week: dict[int, tuple]) -> list[DaySchedule]:
    """The dates among `days` whose hours differ from the regular week: an exception staff entered, or a
    holiday, cuti bersama or closure on a day the counter would otherwise open (a Sunday holiday is no change)."""
    return [day for day in days if day.exception or day.slots != week[day.date.weekday()]]


def week_schedule(point: ServicePoint, start: dt.date) -> list[DaySchedule]:
    """The seven days from `start` for one service point."""
    return schedules([point], start)[point.pk]


def to_wib(at: dt.datetime) -> dt.datetime:
    """An aware datetime in WIB; a naive one is taken to be WIB already."""
    return at.replace(tzinfo=WIB) if at.tzinfo is None else at.astimezone(WIB)


def is_open(point: ServicePoint, at: dt.datetime) -> bool:
    at = to_wib(at)
    day = schedules([point], at.date(), days=1)[point.pk][0]
    return day.is_open_at(at.time())


@dataclass(frozen=True)
class Status:
    open: bool
    since: dt.datetime
    change: dt.datetime | None  # when it closes (if open) or opens next (if closed); None = not in the window


def status_at(days: list[DaySchedule], at: dt.datetime) -> Status:
    """Open or closed at `at`, since when, and until when, from consecutive DaySchedules that include at's date."""
    at = to_wib(at)
    edges = []  # (moment, opens?) in time order
    for day in days:
        for slot in day.slots:
            edges.append((dt.datetime.combine(day.date, slot.opens, WIB), True))
            edges.append((dt.datetime.combine(day.date, slot.closes, WIB), False))
    edges.sort()
    is_open_now = any(day.date == at.date() and day.is_open_at(at.time()) for day in days)
    past = [moment for moment, _opens in edges if moment <= at]
    since = past[-1] if past else dt.datetime.combine(at.date(), dt.time(0), WIB)
    future = [moment for moment, opens in edges if moment > at and opens != is_open_now]
    return Status(is_open_now, since, future[0] if future else None)


def week_summary(week: dict[int, tuple]) -> list[tuple[str, str]]:
    """[("Senin–Kamis", "08.00–16.00"), ...]: consecutive weekdays with the same hours grouped, closed days left out."""
    groups = []
    for day in range(7):
        text = ", ".join(str(slot) for slot in week[day])
        if groups and groups[-1][2] == text and groups[-1][1] == day - 1:
            groups[-1][1] = day
        else:
            groups.append([day, day, text])
    labels = OpeningHours.Weekday
    summary = []
    for first, last, text in groups:
        if not text:
            continue
        label = labels(first).label if first == last else _("%(first)s–%(last)s") % {
            "first": labels(first).label, "last": labels(last).label}
        summary.append((label, text))
    return summary
