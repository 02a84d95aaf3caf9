"""Working days: national holidays, cuti bersama and local closures (DOMAIN.md §5).

Rules and sources:
- Government offices work Monday to Friday (Perpres 21/2023 on working days and hours of ASN).
- National holidays and cuti bersama are set yearly by SKB 3 Menteri; for ASN, cuti bersama is set by
  Keputusan Presiden (PP 11/2017 Pasal 333). A "hari kerja" count for leave and for service SLAs leaves out
  Saturdays, Sundays, national holidays and cuti bersama. For 2026: SKB No. 1497/2025, 2/2025, 5/2025.

Where the days come from:
1. The `holidays` package: category PUBLIC (libur nasional) and GOVERNMENT (cuti bersama, which the package
   calls "special government holidays"). Names come in Indonesian (language="id" must be passed: the
   process locale would otherwise give English names, STACK.md).
2. The admin-editable `Holiday` table, which wins over the package: a row of kind national, cuti bersama or
   regional adds (or renames) a day, e.g. a mid-year SKB change or a Pemko Medan closure; a row of kind
   WORKING_DAY removes a day the package lists (e.g. a cuti bersama the SKB moved). A WORKING_DAY row never
   turns a Saturday or Sunday into a working day: this module knows only the five-day week (units with
   six-day weeks or shifts are out of scope, DOMAIN.md §5.1).

Caching: the merged calendar of one year is memoised in process memory, keyed by a version token kept in
Django's cache (Redis in production, so every web and worker process sees it). Saving or deleting a Holiday
row (signals below, connected from RequestsAppConfig.ready) replaces the token when the transaction commits.
Until then, the thread that wrote the row reads the calendar straight from the database and stores nothing,
so it sees its own change, and a rollback cannot leave a calendar with a phantom row in the memo. Other
processes keep the committed calendar until the commit. QuerySet.update(), bulk_create() and loaddata send
no signals: call `invalidate()` after those.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from functools import lru_cache

import holidays
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation
from holidays.constants import GOVERNMENT, PUBLIC

from .models import Holiday

COUNTRY = "ID"
VERSION_KEY = "requests_app:calendar:version"
ONE_DAY = dt.timedelta(days=1)

NATIONAL = Holiday.Kind.NATIONAL.value
CUTI_BERSAMA = Holiday.Kind.CUTI_BERSAMA.value
REGIONAL = Holiday.Kind.REGIONAL.value

_lock = threading.Lock()
_memo: dict[tuple[str, int], dict[dt.date, tuple[str, str]]] = {}
_local = threading.local()  # .pending: on-commit callbacks of this thread's uncommitted Holiday writes


@lru_cache(maxsize=64)
def _package_year(year: int, language: str = "id") -> dict[dt.date, tuple[str, str]]:
    """What the `holidays` package lists for one year. Fixed for the life of the process (it only changes
    when the package is upgraded). Indonesian is the record (letters, snapshots); en_US is for display."""
    public = holidays.country_holidays(COUNTRY, years=year, categories=(PUBLIC,), language=language)
    government = holidays.country_holidays(COUNTRY, years=year, categories=(GOVERNMENT,), language=language)
    days: dict[dt.date, tuple[str, str]] = {}
    for day, name in government.items():
        days[day] = (CUTI_BERSAMA, name)
    for day, name in public.items():
        # A public holiday that is also a cuti bersama day stays a national holiday; keep both names.
        days[day] = (NATIONAL, f"{name}; {days[day][1]}" if day in days else name)
    return days


def _build_year(year: int) -> dict[dt.date, tuple[str, str]]:
    days = dict(_package_year(year))
    for row in Holiday.objects.filter(date__year=year).only("date", "kind", "name"):
        if row.kind == Holiday.Kind.WORKING_DAY:
            days.pop(row.date, None)
        else:
            days[row.date] = (row.kind, row.name)
    return days


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A random token, not a counter: after a cache flush a counter could restart at a value that
        # an old in-process entry was stored under.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or ""
    return version


def invalidate() -> None:
    """Forget every computed calendar, in this process and (through the shared cache) in all others."""
    with _lock:
        _memo.clear()
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


@receiver([post_save, post_delete], sender=Holiday, dispatch_uid="requests_app.calendar.holiday_changed")
def _holiday_changed(**kwargs):
    def committed():
        invalidate()

    _local.pending = [*getattr(_local, "pending", []), committed]
    transaction.on_commit(committed)  # outside a transaction this runs at once


def _uncommitted_writes() -> bool:
    """Whether this thread changed Holiday rows in a transaction that is still open. A callback leaves the
    connection's on-commit list when it runs (commit) or is dropped (rollback of the transaction or of the
    savepoint it was registered in), so the list says exactly which writes are still pending."""
    pending = getattr(_local, "pending", None)
    if not pending:
        return False
    waiting = {id(entry[1]) for entry in transaction.get_connection().run_on_commit}
    _local.pending = [callback for callback in pending if id(callback) in waiting]
    return bool(_local.pending)


class _Calendar:
    """One consistent view of the calendar for the duration of one public call (one cache round trip)."""

    def __init__(self):
        self.bypass = _uncommitted_writes()
        self.version = "" if self.bypass else _version()
        self.years: dict[int, dict[dt.date, tuple[str, str]]] = {}

    def year(self, year: int) -> dict[dt.date, tuple[str, str]]:
        days = self.years.get(year)
        if days is None:
            if self.bypass:
                days = _build_year(year)
            else:
                key = (self.version, year)
                days = _memo.get(key)
                if days is None:
                    days = _build_year(year)
                    with _lock:
                        for stale in [k for k in _memo if k[0] != self.version]:
                            del _memo[stale]
                        _memo[key] = days
            self.years[year] = days
        return days

    def closed(self, day: dt.date) -> bool:
        return day in self.year(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and not self.closed(day)

    def between(self, start: dt.date, end: dt.date) -> dict[dt.date, tuple[str, str]]:
        found = {}
        for year in range(start.year, end.year + 1):
            for day, info in self.year(year).items():
                if start <= day <= end:
                    found[day] = info
        return dict(sorted(found.items()))

    def count(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return 0
        # Whole weeks hold exactly five weekdays; only the remainder is walked day by day.
        total_days = (end - start).days + 1
        weeks, rest = divmod(total_days, 7)
        weekdays = weeks * 5 + sum(1 for i in range(rest) if (start + dt.timedelta(days=weeks * 7 + i)).weekday() < 5)
        closed = sum(1 for day in self.between(start, end) if day.weekday() < 5)
        return weekdays - closed


def non_working_days(start: dt.date, end: dt.date) -> dict[dt.date, tuple[str, str]]:
    """Every holiday, cuti bersama and closure in [start, end], as {date: (kind, name)}, sorted by date.

    kind is a Holiday.Kind value ("national", "cuti_bersama", "regional"). Days on weekends are listed too
    when they are holidays (e.g. Idulfitri on 21 March 2026), since letters and snapshots show them.
    """
    return _Calendar().between(start, end)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a holiday, cuti bersama or closure."""
    return _Calendar().is_working_day(day)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days from start to end, both included; 0 if end is before start."""
    return _Calendar().count(start, end)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after start (start itself is not counted); start when n is 0.

    Used for SLA due dates: a request submitted on Friday 13 March 2026 with a 3-day SLA is due on
    Wednesday 25 March 2026 (16 and 17 March count, 18 to 24 March are Nyepi/Idulfitri, 25 March is the third).
    """
    if n < 0:
        raise ValueError("n must not be negative")
    cal = _Calendar()
    day = start
    while n:
        day += ONE_DAY
        if cal.is_working_day(day):
            n -= 1
    return day


def working_days_until(today: dt.date, due: dt.date) -> int:
    """Working days left until due, for "sisa waktu" columns; negative when overdue.

    Due later: the working days after today up to and including due (due tomorrow = 1, due today = 0).
    Overdue: minus the working days after due up to and including today, and at least -1, so a request that
    was due on Friday reads as late (-1) on the Saturday rather than as "due today".
    """
    cal = _Calendar()
    if due >= today:
        return cal.count(today + ONE_DAY, due)
    return -max(1, cal.count(due + ONE_DAY, today))


def display_name(day: dt.date, name: str) -> str:
    """A non-working day's name for a page in the active language: on an English page the `holidays`
    package's English name, when `name` is the package's own Indonesian one. Names staff entered (a cuti
    bersama decree, an office closure) and every letter stay as written."""
    if not (translation.get_language() or "").startswith("en"):
        return name
    if _package_year(day.year).get(day, ("", ""))[1] != name:
        return name
    return _package_year(day.year, "en_US").get(day, ("", name))[1]


def displayed(days: dict[dt.date, tuple[str, str]]) -> dict[dt.date, tuple[str, str]]:
    """non_working_days() with each name as display_name() gives it."""
    return {day: (kind, display_name(day, name)) for day, (kind, name) in days.items()}


def snapshot(start: dt.date, end: dt.date) -> list[dict]:
    """The non-working days used for a period, to store on a request (ServiceRequest.calendar_snapshot)
    so a later holiday decree never silently changes an approved letter (DOMAIN.md §2.6)."""
    return [
        {"date": day.isoformat(), "kind": kind, "name": name}
        for day, (kind, name) in non_working_days(start, end).items()
    ]
